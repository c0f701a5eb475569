// agent, environment, options / parameters / triggers, tools and libraries.

#include "grammar/model_builder.hpp"

#include <algorithm>
#include <cctype>

namespace ferry::grammar::model::detail {

using syntax::Block;
using syntax::Expr;
using syntax::ExprKind;
using syntax::Stmt;

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.remove_suffix(1);
    }
    return s;
}

bool is_quoted(const Expr& expr) {
    const Expr* e = unparen(&expr);
    return is_constant(*e) || e->kind == ExprKind::gstring;
}

bool is_binary(const Expr& expr, bool plus) {
    // The elvis `?:` is a ternary in Groovy's AST, not a binary expression.
    return expr.kind == ExprKind::binary && expr.op != "?:" && (expr.op == "+") == plus;
}

} // namespace

Agent Builder::agent(const Stmt& stmt, const Expr& call) {
    Agent a;
    a.span = stmt.span;
    a.type_span = call.name_span;
    const Block* body = block_call(call);
    if (body == nullptr) {
        const auto args = groovy_args(call);
        if (args.empty()) {
            error(code::no_agent_argument, call.name_span, "No argument for agent");
            return a;
        }
        const auto literal = args.size() == 1 && args[0].kind == GroovyArg::Kind::value
                                 ? string_literal(*args[0].expr)
                                 : std::nullopt;
        if (!literal || (*literal != "any" && *literal != "none")) {
            error(code::invalid_bare_agent, args[0].span,
                  "Only \"agent none\", \"agent any\" or \"agent {...}\" are allowed.");
            return a;
        }
        a.type = *literal;
        a.type_span = args[0].span;
        a.bare = true;
        return a;
    }
    a.has_block = true;
    const auto entries = statements(*body);
    if (entries.empty()) {
        error(code::expected_agent, call.name_span, "Expected an agent");
        return a;
    }
    if (entries.size() > 1) {
        error(code::one_agent_type, entries[1]->span,
              "Only one agent type is allowed per agent section");
        return a;
    }
    const Expr* type = call_of(*entries[0]);
    if (type == nullptr) {
        error(code::expected_agent, entries[0]->span, "Expected an agent");
        return a;
    }
    const auto name = method_name(*type);
    if (!name) {
        return a;
    }
    a.type = *name;
    a.type_span = type->name_span;
    auto options = agent_options(*body);
    if (!options.empty()) {
        AgentOption& option = options.front();
        a.value = option.value;
        a.options = std::move(option.nested);
        // The plugin turns `label` with several settings into a `node` agent (JENKINS-41118).
        if (a.type == "label" && option.has_block) {
            a.type = "node";
        }
    }
    return a;
}

std::vector<AgentOption> Builder::agent_options(const Block& block) {
    std::vector<AgentOption> out;
    for (const Stmt* stmt : statements(block)) {
        const Expr* call = call_of(*stmt);
        if (call == nullptr) {
            error(code::expected_agent_option, stmt->span,
                  "Expected to find \u2018someKey \"someValue\"\u2019");
            continue;
        }
        AgentOption option;
        option.name = plain_name(*call) ? std::string(*plain_name(*call)) : call->name;
        option.span = stmt->span;
        const auto args = groovy_args(*call);
        if (args.empty()) {
            error(code::agent_option_arity, call->name_span,
                  "No argument for map key \"" + option.name + "\"");
            continue;
        }
        if (args.size() > 1) {
            error(code::agent_option_arity, call->name_span,
                  "Too many arguments for map key \"" + option.name + "\"");
            continue;
        }
        if (args[0].kind == GroovyArg::Kind::closure) {
            option.has_block = true;
            option.nested = agent_options(*args[0].block);
        } else if (args[0].kind == GroovyArg::Kind::named) {
            // `docker image: 'x', args: '-v'` is the block form written as named arguments.
            for (const auto& arg : call->args) {
                if (arg.name && arg.value) {
                    check_value(*arg.value);
                    AgentOption nested;
                    nested.name = *arg.name;
                    nested.span = Span{arg.name_span.begin, arg.value->span.end};
                    nested.value = arg.value.get();
                    option.nested.push_back(std::move(nested));
                }
            }
        } else {
            check_value(*args[0].expr);
            option.value = args[0].expr;
        }
        out.push_back(std::move(option));
    }
    return out;
}

Environment Builder::environment(const Stmt& stmt, const Expr& call) {
    Environment env;
    env.span = stmt.span;
    const Block* body = block_call(call);
    if (body == nullptr) {
        error(code::expected_block, call.name_span, "Expected a block for environment");
        return env;
    }
    bool malformed = false;
    for (const Stmt* entry : statements(*body)) {
        environment_entry(env, *entry, malformed);
    }
    if (malformed) {
        error(code::env_expected_pairs, call.name_span, "Expected name=value pairs");
    }
    return env;
}

void Builder::environment_entry(Environment& env, const Stmt& stmt, bool& malformed) {
    if (stmt.kind != syntax::StmtKind::assign || stmt.op != "=" || !stmt.expr || !stmt.value) {
        const std::string src = statement_text(stmt);
        malformed = true;
        const auto equals = src.find('=');
        if (equals == std::string::npos) {
            error(code::env_invalid_statement, stmt.span,
                  "\"" + src +
                      "\" is not a valid environment expression. Use \"key = value\" pairs "
                      "with valid Java/shell keys.");
        } else {
            // The plugin reports a key Groovy could not read as an invalid identifier.
            error(code::env_invalid_statement, stmt.span,
                  "\"" + std::string(trim(std::string_view(src).substr(0, equals))) +
                      "\" is not a valid identifier and cannot be used for an environment "
                      "variable. Identifiers must start with a letter or underscore and can "
                      "contain only letters, numbers or underscores.");
        }
        return;
    }
    const Expr* key = unparen(stmt.expr.get());
    EnvVar var;
    var.name = string_literal(*key).value_or(std::string(text(key->span)));
    var.span = stmt.span;
    var.name_span = key->span;
    const bool duplicate = std::any_of(env.vars.begin(), env.vars.end(),
                                       [&](const EnvVar& v) { return v.name == var.name; });
    if (duplicate) {
        error(code::env_duplicate, key->span,
              "Duplicate environment variable name: \"" + var.name + "\"");
        return;
    }
    const Expr* value = unparen(stmt.value.get());
    var.value = stmt.value.get();
    if (auto id = environment_value(*value)) {
        if (!id->empty()) {
            var.credentials_id = std::move(*id);
        }
        env.vars.push_back(std::move(var));
    }
}

/// Checks an environment value; nothing when it is rejected, else the credentials id when the
/// value is `credentials('id')` (an empty string otherwise).
std::optional<std::string> Builder::environment_value(const Expr& value) {
    if (is_quoted(value)) {
        check_value(value);
        return std::string();
    }
    if (value.kind == ExprKind::call) {
        if (plain_name(value) != "credentials") {
            check_value(value);
            return std::string();
        }
        // `credentials(...)` is the plugin's one internal function: its arguments are strings.
        std::string id;
        bool valid = true;
        for (const auto& arg : groovy_args(value)) {
            if (arg.kind != GroovyArg::Kind::value || !is_quoted(*arg.expr)) {
                error(code::env_credentials_argument, arg.span,
                      "Internal function call parameters must be strings.");
                valid = false;
            } else if (id.empty() && unparen(arg.expr)->kind == ExprKind::string) {
                id = unparen(arg.expr)->value;
            }
        }
        return valid ? std::optional<std::string>(id) : std::nullopt;
    }
    if (is_binary(value, true)) {
        return concat_value(value) ? std::optional<std::string>(std::string()) : std::nullopt;
    }
    if (is_binary(value, false)) {
        error(code::env_invalid_operator, value.span,
              "Environment variable values can only be joined together with \u2018+\u2019s.");
        return std::nullopt;
    }
    error(code::env_invalid_value, value.span,
          "Environment variable values must either be single quoted, double quoted, or function "
          "calls.");
    return std::nullopt;
}

/// `"a" + "b" + ...`: only quoted operands may be joined, and only with `+`.
bool Builder::concat_value(const Expr& expr) {
    bool valid = true;
    const Expr* left = unparen(expr.target.get());
    const Expr* right = unparen(expr.rhs.get());
    if (left == nullptr || right == nullptr) {
        return false;
    }
    if (is_binary(*left, true)) {
        if (!concat_value(*left)) {
            return false;
        }
    } else if (is_binary(*left, false)) {
        error(code::env_invalid_operator, left->span,
              "Environment variable values can only be joined together with \u2018+\u2019s.");
        return false;
    }
    for (const Expr* operand : {left, right}) {
        if (operand == left && is_binary(*left, true)) {
            continue;
        }
        if (is_quoted(*operand)) {
            check_value(*operand);
        } else {
            error(code::env_concat_not_quoted, operand->span,
                  "Environment variable values to be concatenated together must be single or "
                  "double quoted.");
            valid = false;
        }
    }
    return valid;
}

InvocationList Builder::definitions(const Stmt& stmt, const Expr& call, DefinitionKind kind) {
    struct Words {
        std::string_view section;
        std::string_view plural;
        std::string_view expected;
    };
    const Words words =
        kind == DefinitionKind::options ? Words{"options", "Options", "an option"}
        : kind == DefinitionKind::parameters
            ? Words{"parameters", "Build parameters", "a build parameter definition"}
            : Words{"triggers", "Triggers", "a trigger"};
    InvocationList list;
    list.span = stmt.span;
    const Block* body = block_call(call);
    if (body == nullptr) {
        error(code::expected_block, call.name_span,
              "Expected a block for " + std::string(words.section));
        return list;
    }
    for (const Stmt* entry : statements(*body)) {
        const Expr* item = call_of(*entry);
        if (item == nullptr) {
            const Expr* expr =
                entry->kind == syntax::StmtKind::expr ? unparen(entry->expr.get()) : nullptr;
            if (expr != nullptr && expr->kind == ExprKind::map) {
                error(code::definition_as_map, entry->span,
                      std::string(words.plural) + " cannot be defined as maps");
            } else {
                error(code::expected_definition, entry->span,
                      "Expected " + std::string(words.expected));
            }
            continue;
        }
        if (block_call(*item) != nullptr) {
            error(code::definition_with_block, item->name_span,
                  std::string(words.plural) + " definitions cannot have blocks");
            continue;
        }
        if (!method_name(*item)) {
            continue;
        }
        list.items.push_back(invocation(*item, true));
    }
    return list;
}

Tools Builder::tools(const Stmt& stmt, const Expr& call) {
    Tools out;
    out.span = stmt.span;
    const Block* body = block_call(call);
    if (body == nullptr) {
        error(code::expected_block, call.name_span, "Expected a block for tools");
        return out;
    }
    for (const Stmt* entry : statements(*body)) {
        const Expr* item = call_of(*entry);
        const auto args = item != nullptr ? groovy_args(*item) : std::vector<GroovyArg>{};
        if (item == nullptr || (args.size() == 1 && args[0].kind == GroovyArg::Kind::closure)) {
            error(code::expected_tool, entry->span,
                  "Expected to find \u2018someTool \"someVersion\"\u2019");
            continue;
        }
        Tool tool;
        tool.type = plain_name(*item) ? std::string(*plain_name(*item)) : item->name;
        tool.span = entry->span;
        tool.type_span = item->name_span;
        const auto named = std::count_if(item->args.begin(), item->args.end(),
                                         [](const syntax::Arg& a) { return a.name.has_value(); });
        if (args.empty()) {
            error(code::tool_arity, item->name_span, "No argument for tool \"" + tool.type + "\"");
            continue;
        }
        if (args.size() > 1 || named > 1) {
            error(code::tool_arity, item->name_span,
                  "Too many arguments for tool \"" + tool.type + "\"");
            continue;
        }
        tool.value =
            args[0].kind == GroovyArg::Kind::value ? args[0].expr : item->args.front().value.get();
        check_value(*tool.value);
        out.tools.push_back(std::move(tool));
    }
    return out;
}

Libraries Builder::libraries(const Stmt& stmt, const Expr& call) {
    Libraries out;
    out.span = stmt.span;
    const Block* body = block_call(call);
    if (body == nullptr) {
        error(code::expected_block, call.name_span, "Expected a block for libraries");
        return out;
    }
    for (const Stmt* entry : statements(*body)) {
        const Expr* item = call_of(*entry);
        if (item == nullptr || plain_name(*item) != "lib") {
            error(code::expected_library, entry->span,
                  "Expected a \"lib(...)\" but got " + statement_text(*entry));
            continue;
        }
        if (closure_of(*item) != nullptr) {
            error(code::definition_with_block, item->name_span,
                  "Libraries definitions cannot have blocks");
            continue;
        }
        check_strict_arguments(*item);
        const auto args = groovy_args(*item);
        const Expr* value = args.size() == 1 && args[0].kind == GroovyArg::Kind::value
                                ? unparen(args[0].expr)
                                : nullptr;
        if (value == nullptr || value->kind == ExprKind::call) {
            error(code::expected_library, item->span,
                  "Expected a \"lib(...)\" but got " + std::string(text(item->span)));
            continue;
        }
        out.libraries.push_back({entry->span, value});
    }
    return out;
}

} // namespace ferry::grammar::model::detail
