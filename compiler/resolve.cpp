// Plan values and undecided `when` conditions, resolved with the run's variables.
#include "compiler/resolve.hpp"

#include "grammar/parser.hpp"

#include <fmt/format.h>

namespace ferry::compiler {
namespace {

using Bindings = std::map<std::string, Binding, std::less<>>;

/// The run's variables as an evaluator scope: at run time every name has its value.
struct BoundScope {
    Bindings params;
    Scope scope;

    explicit BoundScope(const RunScope& run) {
        for (const auto& [name, value] : run.env) {
            scope.env.emplace(name, Binding{Binding::Kind::value, EvalValue::of(value)});
        }
        for (const auto& [name, value] : run.params) {
            params.emplace(name, Binding{Binding::Kind::value, value});
        }
        scope.params = &params;
    }
};

/// Why an evaluation gave no value, for people (names, never values).
std::string failure(const Evaluated& e, std::string_view what) {
    if (e.error) {
        return fmt::format("{}: {}", what, e.error->message);
    }
    std::string names;
    for (const auto& n : e.deferred) {
        names += fmt::format("{}{}", names.empty() ? "" : ", ", n);
    }
    return fmt::format("{}: no value for {}", what, names.empty() ? "(unknown)" : names);
}

/// The template as a triple-quoted GString: quotes in its literal text escaped, the `${…}`
/// and `$name` parts and the existing escapes kept as written.
std::string as_gstring_source(std::string_view text) {
    std::string out = "\"\"\"";
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\' && i + 1 < text.size()) {
            out += text.substr(i, 2);
            ++i;
        } else if (c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
            int depth = 0;
            std::size_t j = i + 1;
            for (; j < text.size(); ++j) {
                depth += text[j] == '{' ? 1 : text[j] == '}' ? -1 : 0;
                if (depth == 0) {
                    break;
                }
            }
            out += text.substr(i, j + 1 - i);
            i = j;
        } else if (c == '"') {
            out += "\\\"";
        } else {
            out += c;
        }
    }
    return out + "\"\"\"";
}

Resolved evaluate_parsed(std::string_view source, const RunScope& run, bool as_string) {
    auto parsed = grammar::parse_expression(source, 0);
    if (!parsed || !*parsed) {
        return {nullptr, fmt::format("cannot read `{}` as an expression", source)};
    }
    BoundScope bound(run);
    Evaluated e = evaluate(**parsed, bound.scope);
    if (!e.known()) {
        return {nullptr, failure(e, as_string ? "interpolation" : "expression")};
    }
    if (as_string) {
        return {to_text(*e.value), {}};
    }
    return {to_json_value<nlohmann::json>(*e.value), {}};
}

ir::Value literal(const nlohmann::json& v) {
    ir::Value out;
    if (v.is_string()) {
        out.kind = ir::Value::Kind::string;
        out.text = v.get<std::string>();
    } else if (v.is_boolean()) {
        out.kind = ir::Value::Kind::boolean;
        out.boolean = v.get<bool>();
    } else if (v.is_number_integer()) {
        out.kind = ir::Value::Kind::integer;
        out.integer = v.get<long long>();
        out.text = std::to_string(out.integer);
    } else if (v.is_number()) {
        out.kind = ir::Value::Kind::number;
        out.number = v.get<double>();
        out.text = v.dump();
    } else if (v.is_array()) {
        out.kind = ir::Value::Kind::list;
        for (const auto& item : v) {
            out.items.push_back(literal(item));
        }
    }
    return out;
}

/// A condition of the plan JSON as IR with literal parameters, resolved with the run's scope.
std::optional<ir::Condition> condition_from_json(const nlohmann::json& j, const RunScope& run,
                                                 std::string& error) {
    ir::Condition c;
    c.kind = j.value("kind", "");
    if (const auto it = j.find("params"); it != j.end() && it->is_object()) {
        for (const auto& [name, value] : it->items()) {
            Resolved r = resolve_value(value, run);
            if (!r.ok()) {
                error = fmt::format("when {}: {}", c.kind, r.error);
                return std::nullopt;
            }
            c.params.push_back({name, literal(r.value)});
        }
    }
    if (const auto it = j.find("expression"); it != j.end() && it->is_string()) {
        c.expression_text = it->get<std::string>();
    }
    if (const auto it = j.find("children"); it != j.end() && it->is_array()) {
        for (const auto& child : *it) {
            auto converted = condition_from_json(child, run, error);
            if (!converted) {
                return std::nullopt;
            }
            c.children.push_back(std::move(*converted));
        }
    }
    return c;
}

} // namespace

Resolved interpolate(std::string_view template_text, const RunScope& scope) {
    return evaluate_parsed(as_gstring_source(template_text), scope, true);
}

Resolved evaluate_text(std::string_view expression, const RunScope& scope) {
    return evaluate_parsed(expression, scope, false);
}

Resolved resolve_value(const nlohmann::json& value, const RunScope& scope) {
    if (value.is_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& item : value) {
            Resolved r = resolve_value(item, scope);
            if (!r.ok()) {
                return r;
            }
            out.push_back(std::move(r.value));
        }
        return {std::move(out), {}};
    }
    if (!value.is_object()) {
        return {value, {}};
    }
    if (const auto it = value.find("$template"); it != value.end() && it->is_string()) {
        return interpolate(it->get<std::string>(), scope);
    }
    if (const auto it = value.find("$expression"); it != value.end() && it->is_string()) {
        return evaluate_text(it->get<std::string>(), scope);
    }
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, item] : value.items()) {
        Resolved r = resolve_value(item, scope);
        if (!r.ok()) {
            return r;
        }
        out[key] = std::move(r.value);
    }
    return {std::move(out), {}};
}

WhenResult decide_when_at_run_time(const nlohmann::json& conditions, const RunScope& scope,
                                   const GitObservation& git) {
    if (!conditions.is_array()) {
        return {Verdict::unknown, "the plan carries no condition to decide", std::nullopt};
    }
    ir::When when;
    for (const auto& j : conditions) {
        std::string error;
        auto c = condition_from_json(j, scope, error);
        if (!c) {
            return {Verdict::unknown, error, std::nullopt};
        }
        when.conditions.push_back(std::move(*c));
    }
    BoundScope bound(scope);
    return decide_when(when, bound.scope, git);
}

nlohmann::ordered_json
condition_json(const ir::Condition& condition,
               const std::function<nlohmann::ordered_json(const ir::Value&)>& value_json) {
    nlohmann::ordered_json out = {{"kind", condition.kind}};
    if (!condition.params.empty()) {
        nlohmann::ordered_json params = nlohmann::ordered_json::object();
        for (const auto& p : condition.params) {
            params[p.name] = value_json(p.value);
        }
        out["params"] = std::move(params);
    }
    if (condition.expression_text) {
        out["expression"] = *condition.expression_text;
    }
    if (!condition.children.empty()) {
        nlohmann::ordered_json children = nlohmann::ordered_json::array();
        for (const auto& child : condition.children) {
            children.push_back(condition_json(child, value_json));
        }
        out["children"] = std::move(children);
    }
    return out;
}

} // namespace ferry::compiler
