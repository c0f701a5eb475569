// The stage-level directives with their own little grammars: when, input and matrix.

#include "grammar/model_builder.hpp"

namespace ferry::grammar::model::detail {

using syntax::Block;
using syntax::Expr;
using syntax::ExprKind;
using syntax::Stmt;

namespace {

const std::vector<std::string_view> matrix_sections = {
    "axes",    "excludes", "agent", "when",        "post",
    "options", "input",    "tools", "environment", "stages",
};

} // namespace

When Builder::when(const Stmt& stmt, const Expr& call) {
    When w;
    w.span = stmt.span;
    const Block* body = block_call(call);
    if (body == nullptr) {
        error(code::expected_block, call.name_span, "Expected a block for when");
        return w;
    }
    for (const Stmt* entry : statements(*body)) {
        const Expr* item = call_of(*entry);
        if (item == nullptr) {
            error(code::expected_when_condition, entry->span, "Expected a when condition");
            continue;
        }
        const auto name = plain_name(*item);
        if (name == "beforeAgent") {
            w.before_agent = boolean_argument(*item, "beforeAgent");
        } else if (name == "beforeInput") {
            w.before_input = boolean_argument(*item, "beforeInput");
        } else if (name == "beforeOptions") {
            w.before_options = boolean_argument(*item, "beforeOptions");
        } else if (auto condition = when_condition(*entry)) {
            w.conditions.push_back(std::move(*condition));
        }
    }
    return w;
}

std::optional<WhenCondition> Builder::when_condition(const Stmt& stmt) {
    const Expr* call = call_of(stmt);
    if (call == nullptr) {
        error(code::expected_when_condition, stmt.span, "Expected a when condition");
        return std::nullopt;
    }
    const auto name = method_name(*call);
    if (!name) {
        return std::nullopt;
    }
    WhenCondition condition;
    condition.call = invocation(*call, false);
    const Block* body = closure_of(*call);
    if (*name == "expression") {
        if (body == nullptr) {
            error(code::code_block_without_block, call->name_span, "When step without a block");
            return condition;
        }
        condition.expression_text = body->opaque ? body->text : std::string(text(body->body_span));
        condition.expression_span = body->body_span;
        islands.push_back({GroovyIsland::Kind::expression, body->body_span});
        return condition;
    }
    if (body != nullptr) {
        for (const Stmt* child : statements(*body)) {
            if (auto nested = when_condition(*child)) {
                condition.children.push_back(std::move(*nested));
            }
        }
    }
    return condition;
}

Input Builder::input(const Stmt& stmt, const Expr& call) {
    Input in;
    in.span = stmt.span;
    const Block* body = block_call(call);
    if (body == nullptr) {
        error(code::expected_block, call.name_span, "Expected a block for input");
        return in;
    }
    SectionsSeen seen;
    for (const Stmt* entry : statements(*body)) {
        const Expr* item = call_of(*entry);
        if (item == nullptr) {
            error(code::invalid_section, entry->span,
                  "Not a valid section definition: \"" + statement_text(*entry) +
                      "\". Some extra configuration is required.");
            continue;
        }
        const auto name = method_name(*item);
        if (!name) {
            continue;
        }
        if (!seen.add(*name)) {
            error(code::duplicate_section, item->name_span,
                  "Multiple occurrences of the " + *name + " section");
        }
        const auto args = groovy_args(*item);
        if (args.empty()) {
            error(code::field_arity, item->name_span, "No argument for field \"" + *name + "\"");
            continue;
        }
        if (args.size() > 1) {
            error(code::field_arity, item->name_span,
                  "Too many arguments for field \"" + *name + "\"");
            continue;
        }
        if (*name == "parameters") {
            in.parameters = definitions(*entry, *item, DefinitionKind::parameters);
        } else if (*name == "message" || *name == "id" || *name == "ok" || *name == "submitter" ||
                   *name == "submitterParameter") {
            const Expr* value = args[0].kind == GroovyArg::Kind::value ? args[0].expr
                                : args[0].kind == GroovyArg::Kind::named
                                    ? item->args.front().value.get()
                                    : nullptr;
            if (value == nullptr) {
                error(code::expected_string_literal, args[0].span, "Expected string literal");
                continue;
            }
            check_value(*value);
            in.fields.push_back({*name, entry->span, value});
        } else {
            error(code::invalid_input_field, item->name_span,
                  "Not a valid field for input: \"" + *name + "\"");
        }
    }
    return in;
}

std::unique_ptr<Matrix> Builder::matrix(const Stmt& stmt, const Expr& call) {
    auto m = std::make_unique<Matrix>();
    m->span = stmt.span;
    const Block* body = block_call(call);
    if (body == nullptr) {
        error(code::expected_block, call.name_span, "Expected a block for matrix");
        return m;
    }
    SectionsSeen seen;
    for (const Stmt* entry : statements(*body)) {
        const Expr* item = call_of(*entry);
        if (item == nullptr) {
            error(code::invalid_section, entry->span,
                  "Not a valid section definition: \"" + statement_text(*entry) +
                      "\". Some extra configuration is required.");
            continue;
        }
        const auto name = method_name(*item);
        if (!name) {
            continue;
        }
        if (!seen.add(*name)) {
            error(code::duplicate_section, item->name_span,
                  "Multiple occurrences of the " + *name + " section");
        }
        matrix_section(*m, *entry, *item, *name);
    }
    return m;
}

void Builder::matrix_section(Matrix& m, const Stmt& stmt, const Expr& call,
                             const std::string& name) {
    if (name == "axes") {
        m.axes_span = stmt.span;
        m.axes = axes(call, false);
    } else if (name == "excludes") {
        m.excludes_span = stmt.span;
        const Block* body = block_call(call);
        if (body == nullptr) {
            error(code::expected_block, call.name_span, "Expected a block for excludes");
            return;
        }
        for (const Stmt* entry : statements(*body)) {
            const Expr* item = call_of(*entry);
            if (item == nullptr || block_call(*item) == nullptr || item->name != "exclude") {
                error(code::expected_block, item != nullptr ? item->name_span : entry->span,
                      "Expected a block for exclude");
                continue;
            }
            Exclude exclude;
            exclude.span = entry->span;
            exclude.axes = axes(*item, true);
            m.excludes.push_back(std::move(exclude));
        }
    } else if (name == "agent") {
        m.agent = agent(stmt, call);
    } else if (name == "when") {
        m.when = when(stmt, call);
    } else if (name == "post") {
        m.post = post(stmt, call);
    } else if (name == "options") {
        m.options = definitions(stmt, call, DefinitionKind::options);
    } else if (name == "input") {
        m.input = input(stmt, call);
    } else if (name == "tools") {
        m.tools = tools(stmt, call);
    } else if (name == "environment") {
        m.environment = environment(stmt, call);
    } else if (name == "stages") {
        m.stages = stages(stmt, call, "stages");
    } else {
        auto& d =
            error(code::undefined_section, call.name_span, "Undefined section \"" + name + "\"");
        if (const auto near = closest_match(name, matrix_sections)) {
            d.notes.push_back({"did you mean \"" + std::string(*near) + "\"?", std::nullopt});
        }
    }
}

/// The `axis {}` entries of `axes {}` or of one `exclude {}`.
std::vector<Axis> Builder::axes(const Expr& call, bool in_exclude) {
    std::vector<Axis> out;
    const Block* body = block_call(call);
    if (body == nullptr) {
        error(code::expected_block, call.name_span, "Expected a block for " + call.name);
        return out;
    }
    for (const Stmt* entry : statements(*body)) {
        const Expr* item = call_of(*entry);
        if (item == nullptr || plain_name(*item) != "axis") {
            error(code::expected_axis, entry->span, "Expected an axis");
            continue;
        }
        out.push_back(axis(*entry, in_exclude));
    }
    return out;
}

Axis Builder::axis(const Stmt& stmt, bool in_exclude) {
    Axis a;
    a.span = stmt.span;
    const Expr& call = *call_of(stmt);
    const Block* body = block_call(call);
    if (body == nullptr) {
        error(code::expected_block, call.name_span, "Expected a block for axis");
        return a;
    }
    SectionsSeen seen;
    for (const Stmt* entry : statements(*body)) {
        const Expr* item = call_of(*entry);
        if (item == nullptr) {
            error(code::invalid_section, entry->span,
                  "Not a valid section definition: \"" + statement_text(*entry) +
                      "\". Some extra configuration is required.");
            continue;
        }
        const auto name = method_name(*item);
        if (!name) {
            continue;
        }
        if (!seen.add(*name)) {
            error(code::duplicate_section, item->name_span,
                  "Multiple occurrences of the " + *name + " section");
        }
        if (*name == "name") {
            axis_name(a, *item);
        } else if (*name == "values" || (in_exclude && *name == "notValues")) {
            const bool inverse = *name == "notValues";
            if (in_exclude && seen.contains(inverse ? "values" : "notValues")) {
                error(code::exclude_values_and_not_values, item->name_span,
                      "Exclude axis must contain either \"values\" or \"notValues\"");
            }
            (inverse ? a.has_not_values : a.has_values) = true;
            axis_values(a, *item);
        } else {
            error(code::undefined_section, item->name_span, "Undefined section \"" + *name + "\"");
        }
    }
    return a;
}

void Builder::axis_name(Axis& a, const Expr& call) {
    const auto args = groovy_args(call);
    if (args.empty()) {
        error(code::field_arity, call.name_span, "No argument for field \"name\"");
        return;
    }
    if (args.size() > 1) {
        error(code::field_arity, call.name_span, "Too many arguments for field \"name\"");
        return;
    }
    if (args[0].kind != GroovyArg::Kind::value) {
        error(code::expected_string_literal, args[0].span, "Expected string literal");
        return;
    }
    const Expr* value = unparen(args[0].expr);
    if (auto literal = expect_string_literal(*value)) {
        a.name = AxisValue{*literal, value->span, true};
    } else {
        a.name = AxisValue{std::string(text(value->span)), value->span, false};
    }
}

void Builder::axis_values(Axis& a, const Expr& call) {
    check_strict_arguments(call);
    for (const auto& arg : call.args) {
        if (!arg.value) {
            continue;
        }
        const Expr* value = unparen(arg.value.get());
        const std::string src(text(value->span));
        AxisValue v{src, value->span, true};
        if (value->kind == ExprKind::string) {
            v.text = value->value;
        } else if (!is_constant(*value)) {
            // The plugin keeps GStrings and maps as written and wraps anything else in `${}`.
            v.literal = false;
            if (value->kind != ExprKind::gstring && value->kind != ExprKind::map) {
                v.text = "${" + src + "}";
            }
            error(code::axis_value_not_literal, value->span,
                  "Expected string literal but got " + v.text);
        }
        a.values.push_back(std::move(v));
    }
}

} // namespace ferry::grammar::model::detail
