// The variables a plan evaluates with: Jenkins' built-ins, parameters, environment blocks and
// credential bindings (which are secrets: bound by name, never by value).
#include "compiler/builtins.hpp"
#include "compiler/plan_detail.hpp"

#include <fmt/format.h>

namespace ferry::compiler::detail {
namespace {

Binding value(std::string text) {
    return {Binding::Kind::value, EvalValue::of(std::move(text))};
}
Binding at_run_time() {
    return {Binding::Kind::runtime, {}};
}
Binding secret() {
    return {Binding::Kind::secret, {}};
}

std::optional<std::string> process_env(const Observations& obs, const std::string& name) {
    const auto it = obs.process_env.find(name);
    return it == obs.process_env.end() ? std::nullopt : std::optional<std::string>(it->second);
}

} // namespace

void Planner::bind_builtins(Scope& scope) const {
    auto& e = scope.env;
    if (obs.build_number) {
        for (auto& [name, v] :
             build_variables(options.job_name, std::to_string(*obs.build_number))) {
            e[name] = value(std::move(v));
        }
    } else {
        for (auto& [name, v] : build_variables(options.job_name, "0")) {
            e[name] = name.rfind("BUILD_", 0) == 0 ? at_run_time() : value(std::move(v));
        }
    }
    e["WORKSPACE"] = at_run_time();
    e["FERRY_ENVIRONMENT"] = value(env.name);
    e["FERRY_NAMESPACE"] = value(env.namespace_name.value);
    e["FERRY_CONTEXT"] = value(target.context);
    if (registry != nullptr) {
        e["FERRY_REGISTRY"] = value(target.registry);
    }
    const auto& git = obs.git;
    const char* git_names[] = {"GIT_COMMIT",
                               "GIT_BRANCH",
                               "GIT_URL",
                               "GIT_AUTHOR_NAME",
                               "GIT_AUTHOR_EMAIL",
                               "GIT_COMMITTER_NAME",
                               "GIT_COMMITTER_EMAIL",
                               "BRANCH_NAME",
                               "TAG_NAME",
                               "GIT_PREVIOUS_SUCCESSFUL_COMMIT"};
    if (git.known != Known::yes) {
        for (const char* name : git_names) {
            e[name] = at_run_time();
        }
    } else {
        for (auto& [name, v] : git_variables(git)) {
            e[name] = value(std::move(v));
        }
    }
    // A CI's own values win: it knows which branch or tag it is building.
    for (const auto& name : ci_override_variables()) {
        if (auto v = process_env(obs, name)) {
            e[name] = value(*v);
        }
    }
}

void Planner::bind_parameters() {
    const grammar::Span anchor{pipeline.span.begin, pipeline.span.begin + 8};
    for (const auto& p : pipeline.parameters) {
        if (p.name.empty()) {
            continue;
        }
        EvalValue v = EvalValue::of(std::string());
        if (p.type == "booleanParam") {
            v = EvalValue::of(false);
        }
        if (p.type == "choice" && !p.choices.empty()) {
            v = EvalValue::of(p.choices.front());
        }
        if (p.default_value) {
            Evaluated d = evaluate(*p.default_value, root);
            if (d.value) {
                v = *d.value;
            }
        }
        parameter_bindings[p.name] = {p.secret ? Binding::Kind::secret : Binding::Kind::value,
                                      p.secret ? EvalValue{} : v};
    }
    for (const auto& [name, text] : options.parameters) {
        const auto it = std::find_if(pipeline.parameters.begin(), pipeline.parameters.end(),
                                     [&](const ir::Parameter& p) { return p.name == name; });
        if (it == pipeline.parameters.end()) {
            std::vector<std::string_view> names;
            for (const auto& p : pipeline.parameters) {
                names.push_back(p.name);
            }
            auto& d = result.diagnostics.error(
                "E0709", anchor,
                fmt::format("-p {}: the pipeline declares no parameter '{}'", name, name));
            if (auto close = grammar::closest_match(name, names)) {
                d.notes.push_back(
                    {fmt::format("did you mean -p {}={}?", *close, text), std::nullopt});
            }
            continue;
        }
        if (it->type == "booleanParam") {
            if (text != "true" && text != "false") {
                result.diagnostics.error(
                    "E0710", it->span,
                    fmt::format("-p {}={}: a booleanParam takes true or false", name, text));
                continue;
            }
            parameter_bindings[name] = {Binding::Kind::value, EvalValue::of(text == "true")};
            continue;
        }
        if (it->type == "choice" &&
            std::find(it->choices.begin(), it->choices.end(), text) == it->choices.end()) {
            std::string choices;
            for (const auto& c : it->choices) {
                choices += fmt::format("{}'{}'", choices.empty() ? "" : ", ", c);
            }
            result.diagnostics.error(
                "E0710", it->span,
                fmt::format("-p {}={}: not one of the choices {}", name, text, choices));
            continue;
        }
        parameter_bindings[name] = {it->secret ? Binding::Kind::secret : Binding::Kind::value,
                                    it->secret ? EvalValue{} : EvalValue::of(text)};
    }
}

const Credential* Planner::credential(const std::string& id, grammar::Span span) {
    if (const auto* c = config.find_credential(id)) {
        return c;
    }
    std::vector<std::string_view> ids;
    for (const auto& c : config.credentials) {
        ids.push_back(c.id);
    }
    auto& d = result.diagnostics.error(
        "E0702", span,
        fmt::format("no credential '{}' in {}", id, config.path.filename().string()));
    if (auto close = grammar::closest_match(id, ids)) {
        d.fix = fmt::format("'{}'", *close);
    } else {
        d.notes.push_back({"declare it under credentials: in ferry.yaml (values come from files, "
                           "variables or helpers, never inline)",
                           std::nullopt});
    }
    return nullptr;
}

Json Planner::bind_environment(const std::vector<ir::EnvEntry>& entries, Scope& scope,
                               bool report_errors) {
    Json out = Json::array();
    for (const auto& entry : entries) {
        if (entry.credential) {
            const Credential* c = report_errors
                                      ? credential(*entry.credential, entry.credential_span)
                                      : config.find_credential(*entry.credential);
            const CredentialKind kind = c != nullptr ? c->kind : CredentialKind::string;
            const std::string binding(to_string(kind));
            const auto bind = [&](const std::string& name, bool is_secret) {
                scope.env[name] = is_secret ? secret() : at_run_time();
                out.push_back({{"name", name},
                               {"value", "(secret)"},
                               {"credential", *entry.credential},
                               {"binding", binding}});
            };
            bind(entry.name, kind != CredentialKind::file && kind != CredentialKind::docker_config);
            if (kind == CredentialKind::username_password) {
                bind(entry.name + "_USR", true);
                bind(entry.name + "_PSW", true);
            }
            continue;
        }
        Evaluated v = evaluate(entry.value, scope);
        Json item = {{"name", entry.name}};
        if (v.error) {
            if (report_errors) {
                report(*v.error, "");
            }
            scope.env[entry.name] = at_run_time();
            continue;
        }
        if (v.value && !v.secret) {
            const std::string text = to_text(*v.value);
            item["value"] = text;
            scope.env[entry.name] = value(text);
        } else {
            const auto* e = entry.value.expr;
            const bool gstring = e != nullptr && e->kind == grammar::syntax::ExprKind::gstring;
            item["template"] =
                gstring ? template_text(*e) : std::string(pipeline.source->slice(entry.value.span));
            if (!gstring) {
                item["expression"] = true; // the template is an expression's source text
            }
            item["variables"] = v.deferred;
            if (v.secret) {
                item["secret"] = true;
            }
            scope.env[entry.name] = v.secret ? secret() : at_run_time();
        }
        if (entry.axis) {
            item["axis"] = true;
        }
        out.push_back(std::move(item));
    }
    return out;
}

} // namespace ferry::compiler::detail
