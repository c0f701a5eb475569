// The sections around the stages: agent, environment, options, parameters, triggers, tools,
// libraries and input. Empty sections, duplicates and names against the catalogue.

#include "compiler/check_context.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace ferry::compiler::detail {

namespace {

using grammar::Span;
using stdlib::Kind;
using stdlib::OptionScope;
namespace model = grammar::model;

/// Reports every name used more than once, once, at its second use.
template <typename Item, typename Report>
void report_duplicates(const std::vector<Item>& items, Report report) {
    std::map<std::string_view, int> seen;
    for (const auto& item : items) {
        if (++seen[item.name] == 2) {
            report(item);
        }
    }
}

bool allowed_in_stage(OptionScope scope) {
    return scope == OptionScope::pipeline_stage || scope == OptionScope::wrapper;
}

void check_option(Checker& checker, const model::Invocation& option, bool in_stage) {
    const auto* signature = stdlib::find(Kind::option, option.name);
    if (signature && !signature->rejected.empty()) {
        // `parameters(...)` and `triggers(...)`: job properties with a directive of their own.
        checker.error(Code::E0329, option.name_span, std::string(signature->rejected));
        return;
    }
    if (!signature || (in_stage && !allowed_in_stage(signature->option_scope))) {
        const auto valid = stdlib::option_names(in_stage);
        auto& diagnostic =
            checker.error(Code::E0401, option.name_span,
                          fmt::format(R"(Invalid option type "{}". Valid option types: {})",
                                      option.name, java_list(valid)));
        checker.suggest(diagnostic, option.name, valid);
        return;
    }
    checker.warn_support(*signature, option.name_span);
    check_method_call(checker, view_of(option), signature);
}

/// Parameters and triggers: a known type of `kind`, then its arguments.
void check_typed_call(Checker& checker, const model::Invocation& call, Kind kind,
                      std::string_view what, Code unknown) {
    const auto* signature = stdlib::find(kind, call.name);
    if (!signature) {
        const auto valid = stdlib::names(kind);
        auto& diagnostic = checker.error(unknown, call.name_span,
                                         fmt::format(R"(Invalid {} type "{}". Valid {} types: {})",
                                                     what, call.name, what, java_list(valid)));
        checker.suggest(diagnostic, call.name, valid);
        return;
    }
    checker.warn_support(*signature, call.name_span);
    check_method_call(checker, view_of(call), signature);
}

void check_agent_options(Checker& checker, const model::Agent& agent,
                         const stdlib::Signature& signature) {
    for (const auto& param : signature.params) {
        const bool given =
            std::any_of(agent.options.begin(), agent.options.end(),
                        [&](const auto& option) { return option.name == param.name; });
        if (param.required && !given) {
            checker.error(Code::E0417, agent.type_span,
                          fmt::format(R"(Missing required parameter for agent type "{}": {})",
                                      agent.type, param.name));
        }
    }
    const auto valid = signature.param_names();
    for (const auto& option : agent.options) {
        if (!signature.param(option.name)) {
            auto& diagnostic = checker.error(
                Code::E0416, head(option.span, static_cast<std::uint32_t>(option.name.size())),
                fmt::format(R"(Invalid config option "{}" for agent type "{}". Valid config )"
                            "options are {}",
                            option.name, agent.type, java_list(valid)));
            checker.suggest(diagnostic, option.name, valid);
        }
    }
}

} // namespace

void check_agent(Checker& checker, const model::Agent& agent) {
    const auto types = stdlib::names(Kind::agent);
    if (agent.type.empty()) {
        checker.error(Code::E0330, head(agent.span, 5),
                      fmt::format("No agent type specified. Must be one of {}", java_list(types)));
        return;
    }
    const auto* signature = stdlib::find(Kind::agent, agent.type);
    if (!signature) {
        auto& diagnostic =
            checker.error(Code::E0405, agent.type_span,
                          fmt::format(R"(Invalid agent type "{}" specified. Must be one of {})",
                                      agent.type, java_list(types)));
        checker.suggest(diagnostic, agent.type, types);
        return;
    }
    checker.warn_support(*signature, agent.type_span);
    if (signature->params.empty()) {
        return;
    }
    // `docker { image 'x' }` sets options; `docker 'x'` and `label 'x'` give one value.
    if (!agent.value && !agent.bare) {
        check_agent_options(checker, agent, *signature);
    }
}

void check_environment(Checker& checker, const model::Environment& environment) {
    if (environment.vars.empty()) {
        checker.error(Code::E0307, head(environment.span, 11),
                      "No variables specified for environment");
    }
    for (const auto& var : environment.vars) {
        if (!valid_env_identifier(var.name)) {
            checker.error(Code::E0308, var.name_span,
                          fmt::format(R"("{}" is not a valid identifier and cannot be used for )"
                                      "an environment variable. Identifiers must start with a "
                                      "letter or underscore and can contain only letters, "
                                      "numbers or underscores.",
                                      var.name));
        }
    }
}

void check_options(Checker& checker, const model::InvocationList& options, bool in_stage) {
    if (options.items.empty()) {
        checker.error(Code::E0307, head(options.span, 7), "options can not be empty");
        return;
    }
    for (const auto& option : options.items) {
        check_option(checker, option, in_stage);
    }
    report_duplicates(options.items, [&](const model::Invocation& option) {
        checker.error(Code::E0309, option.name_span,
                      fmt::format(R"(Duplicate option name: "{}")", option.name));
    });
}

void check_parameters(Checker& checker, const model::InvocationList& parameters) {
    if (parameters.items.empty()) {
        checker.error(Code::E0307, head(parameters.span, 10), "parameters can not be empty");
        return;
    }
    for (const auto& parameter : parameters.items) {
        check_typed_call(checker, parameter, Kind::parameter, "parameter", Code::E0403);
    }
}

void check_triggers(Checker& checker, const model::InvocationList& triggers) {
    if (triggers.items.empty()) {
        checker.error(Code::E0307, head(triggers.span, 8), "triggers can not be empty");
        return;
    }
    for (const auto& trigger : triggers.items) {
        check_typed_call(checker, trigger, Kind::trigger, "trigger", Code::E0402);
    }
    report_duplicates(triggers.items, [&](const model::Invocation& trigger) {
        checker.error(Code::E0310, trigger.name_span,
                      fmt::format(R"(Duplicate trigger name: "{}")", trigger.name));
    });
}

void check_tools(Checker& checker, const model::Tools& tools) {
    if (tools.tools.empty()) {
        checker.error(Code::E0307, head(tools.span, 5), "No tools specified");
        return;
    }
    for (const auto& tool : tools.tools) {
        const auto* signature = stdlib::find(Kind::tool, tool.type);
        if (!signature) {
            const auto valid = stdlib::names(Kind::tool);
            auto& diagnostic =
                checker.error(Code::E0404, tool.type_span,
                              fmt::format(R"(Invalid tool type "{}". Valid tool types: {})",
                                          tool.type, java_list(valid)));
            checker.suggest(diagnostic, tool.type, valid);
            continue;
        }
        checker.warn_support(*signature, tool.type_span);
    }
}

void check_libraries(Checker& checker, const model::Libraries& libraries) {
    if (libraries.libraries.empty()) {
        checker.error(Code::E0307, head(libraries.span, 9), "libraries can not be empty");
    }
}

void check_input(Checker& checker, const model::Input& input) {
    if (!input.field("message")) {
        checker.error(Code::E0321, head(input.span, 5), "No message specified for input");
    }
    if (input.parameters) {
        check_parameters(checker, *input.parameters);
    }
}

} // namespace ferry::compiler::detail
