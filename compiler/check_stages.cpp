// Stages and what hangs off a stage: its body kinds and their nesting, `post`, `when` and
// `matrix`. These are the plugin's validate-stage rules; names go to the catalogue.

#include "compiler/check_context.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <map>

namespace ferry::compiler::detail {

namespace {

using grammar::Span;
namespace model = grammar::model;

/// The build conditions of `post`, in the plugin's evaluation order (its messages list them so).
constexpr std::array<std::string_view, 11> post_conditions = {
    "always",       "changed",  "fixed",   "regression", "aborted", "success",
    "unsuccessful", "unstable", "failure", "notBuilt",   "cleanup"};

// ---- stage bodies ----

/// `steps { parallel(a: {...}, b: {...}) }`: the legacy form of parallel branches.
const model::Step* legacy_parallel(const model::Stage& stage) {
    if (!stage.steps || stage.steps->steps.size() != 1) {
        return nullptr;
    }
    const auto& step = stage.steps->steps.front();
    return step.call.name == "parallel" && !step.call.has_block ? &step : nullptr;
}

struct Bodies {
    bool steps = false;
    bool stages = false;
    bool parallel = false;
    bool matrix = false;
    const model::Step* legacy = nullptr; ///< legacy parallel branches in `steps`

    [[nodiscard]] int count() const {
        return int{steps} + int{stages} + int{parallel} + int{matrix};
    }
};

Bodies bodies_of(const model::Stage& stage) {
    Bodies bodies;
    bodies.legacy = legacy_parallel(stage);
    // `parallel()` with no branch leaves the stage with nothing to run, as in Jenkins.
    bodies.steps = stage.steps && !(bodies.legacy && bodies.legacy->branches.empty());
    bodies.stages = stage.stages != nullptr;
    bodies.parallel = stage.parallel != nullptr;
    bodies.matrix = stage.matrix != nullptr;
    return bodies;
}

/// The body-kind rules, in the plugin's order: nesting, several kinds, none, agent/tools.
void check_stage_body(Checker& checker, const model::Stage& stage, const Bodies& bodies,
                      bool nested) {
    const bool legacy_many = bodies.legacy && bodies.legacy->branches.size() > 1;
    if (nested && (bodies.parallel || bodies.matrix || legacy_many)) {
        const Span where = bodies.parallel ? head(stage.parallel->span, 8)
                           : bodies.matrix ? head(stage.matrix->span, 6)
                                           : bodies.legacy->call.name_span;
        checker.error(Code::E0317, where,
                      R"("matrix" or "parallel" cannot be nested inside another "matrix" or )"
                      R"("parallel".)");
    } else if (bodies.count() > 1) {
        checker.error(Code::E0305, stage.name_span,
                      fmt::format(R"(Only one of "matrix", "parallel", "stages", or "steps" )"
                                  R"(allowed for stage "{}")",
                                  stage.name));
    } else if (bodies.count() == 0) {
        checker.error(Code::E0304, stage.name_span,
                      fmt::format(R"(Expected one of "steps", "stages", or "parallel" for )"
                                  R"(stage "{}")",
                                  stage.name));
    } else if (bodies.parallel || bodies.matrix) {
        const auto report = [&](Span span, std::string_view section) {
            checker.error(Code::E0318, span,
                          fmt::format(R"("{}" is not allowed in stage "{}" as it contains )"
                                      "parallel or matrix stages",
                                      section, stage.name));
        };
        if (stage.agent) {
            report(head(stage.agent->span, 5), "agent");
        }
        if (stage.tools) {
            report(head(stage.tools->span, 5), "tools");
        }
    }
}

void check_stage(Checker& checker, const model::Stage& stage, bool nested) {
    const Bodies bodies = bodies_of(stage);
    check_stage_body(checker, stage, bodies, nested);
    if (stage.agent) {
        check_agent(checker, *stage.agent);
    }
    if (stage.environment) {
        check_environment(checker, *stage.environment);
    }
    if (stage.options) {
        check_options(checker, *stage.options, true);
    }
    if (stage.input) {
        check_input(checker, *stage.input);
    }
    if (stage.tools) {
        check_tools(checker, *stage.tools);
    }
    if (stage.when) {
        check_when(checker, *stage.when);
    }
    if (stage.steps && bodies.steps) {
        check_steps(checker, *stage.steps, StepsPlace::stage);
    }
    if (stage.stages) {
        check_stages(checker, *stage.stages, nested);
    }
    if (stage.parallel) {
        check_stages(checker, *stage.parallel, true);
    }
    if (stage.matrix) {
        check_matrix(checker, *stage.matrix);
    }
    if (stage.post) {
        check_post(checker, *stage.post);
    }
}

// ---- when ----

/// How many children a nesting condition takes: -1 for "at least one"; none for a leaf.
std::optional<int> allowed_children(std::string_view condition) {
    if (condition == "allOf" || condition == "anyOf") {
        return -1;
    }
    if (condition == "not") {
        return 1;
    }
    return std::nullopt;
}

std::vector<std::string_view> condition_names() {
    auto names = stdlib::names(stdlib::Kind::condition);
    for (const std::string_view nesting : {"allOf", "anyOf", "not", "expression"}) {
        if (std::find(names.begin(), names.end(), nesting) == names.end()) {
            names.push_back(nesting);
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

void check_changelog_pattern(Checker& checker, const model::WhenCondition& condition) {
    const grammar::syntax::Expr* value = nullptr;
    if (const auto* named = condition.call.named("pattern")) {
        value = named->value;
    } else if (condition.call.args.size() == 1 && !condition.call.args.front().name) {
        value = condition.call.args.front().value;
    }
    const auto pattern = value ? string_literal(*value) : std::nullopt;
    if (!pattern) {
        return;
    }
    if (const auto problem = java_regex_problem(*pattern)) {
        checker.error(
            Code::E0413, value->span,
            fmt::format(R"("{}" is not a valid regular expression. {})", *pattern, *problem));
    }
}

void check_condition(Checker& checker, const model::WhenCondition& condition) {
    const auto& call = condition.call;
    const auto children = allowed_children(call.name);
    const auto* signature = stdlib::find(stdlib::Kind::condition, call.name);
    if (!children && !signature && call.name != "expression") {
        const auto valid = condition_names();
        std::string list;
        for (const auto name : valid) {
            list += list.empty() ? "" : ", ";
            list += name;
        }
        auto& diagnostic = checker.error(
            Code::E0406, call.name_span,
            fmt::format("Unknown conditional {}. Valid conditionals are: {}", call.name, list));
        checker.suggest(diagnostic, call.name, valid);
        return;
    }
    if (children) {
        if (!call.args.empty()) {
            checker.error(Code::E0316, call.name_span,
                          fmt::format(R"(No additional arguments are allowed for children when )"
                                      R"(condition "{}".)",
                                      call.name));
        } else if (*children < 0 && condition.children.empty()) {
            checker.error(Code::E0314, call.name_span,
                          fmt::format(R"(Nested when condition "{}" requires at least one child )"
                                      "condition.",
                                      call.name));
        } else if (*children > 0 && condition.children.size() != std::size_t(*children)) {
            checker.error(Code::E0314, call.name_span,
                          fmt::format(R"(Nested when condition "{}" requires exactly {} child )"
                                      "condition(s).",
                                      call.name, *children));
        } else {
            for (const auto& child : condition.children) {
                check_condition(checker, child);
            }
        }
        return;
    }
    const bool code_block = condition.expression_text.has_value();
    if (!condition.children.empty() || (call.has_block && !code_block)) {
        checker.error(Code::E0315, call.name_span,
                      fmt::format(R"(No children when conditions are allowed for when )"
                                  R"(condition "{}".)",
                                  call.name));
        return;
    }
    if (!signature || code_block) {
        return;
    }
    checker.warn_support(*signature, call.name_span);
    check_describable(checker, view_of(call), *signature, false);
    if (call.name == "changelog") {
        check_changelog_pattern(checker, condition);
    }
}

// ---- matrix ----

void check_axes(Checker& checker, const std::vector<model::Axis>& axes, bool in_exclude) {
    std::map<std::string_view, int> names;
    for (const auto& axis : axes) {
        if (!axis.name) {
            checker.error(Code::E0322, head(axis.span, 4), R"(Missing required section "name")");
        } else if (axis.name->literal) {
            if (!valid_env_identifier(axis.name->text)) {
                checker.error(Code::E0308, axis.name->span,
                              fmt::format(R"("{}" is not a valid identifier and cannot be used )"
                                          "for an environment variable. Identifiers must start "
                                          "with a letter or underscore and can contain only "
                                          "letters, numbers or underscores.",
                                          axis.name->text));
            }
            // An empty name is already invalid; Jenkins does not call it a duplicate too.
            if (!axis.name->text.empty() && ++names[axis.name->text] == 2) {
                checker.error(Code::E0325, axis.name->span,
                              fmt::format(R"(Duplicate axis name: "{}")", axis.name->text));
            }
        }
        // Both values and notValues on an exclude axis is a parse error (grammar E0246).
        if (!axis.has_values && !(in_exclude && axis.has_not_values)) {
            checker.error(Code::E0322, head(axis.span, 4), R"(Missing required section "values")");
        }
        std::map<std::string_view, int> values;
        for (const auto& value : axis.values) {
            if (value.literal && ++values[value.text] == 2) {
                checker.error(Code::E0326, value.span,
                              fmt::format(R"(Duplicate axis value: "{}")", value.text));
            }
        }
    }
}

} // namespace

void check_stages(Checker& checker, const model::Stages& stages, bool nested) {
    if (stages.stages.empty()) {
        checker.error(Code::E0302, head(stages.span, 6), "No stages specified");
    }
    std::map<std::string_view, int> names;
    for (const auto& stage : stages.stages) {
        if (++names[stage.name] == 2) {
            checker.error(Code::E0303, stage.name_span,
                          fmt::format(R"(Duplicate stage name: "{}")", stage.name));
        }
    }
    for (const auto& stage : stages.stages) {
        check_stage(checker, stage, nested);
    }
}

void check_post(Checker& checker, const model::Post& post) {
    if (post.conditions.empty()) {
        checker.error(Code::E0307, head(post.span, 4), "post can not be empty");
        return;
    }
    const std::vector<std::string_view> valid(post_conditions.begin(), post_conditions.end());
    std::map<std::string_view, int> seen;
    for (const auto& condition : post.conditions) {
        if (std::find(valid.begin(), valid.end(), condition.name) == valid.end()) {
            auto& diagnostic =
                checker.error(Code::E0312, condition.name_span,
                              fmt::format(R"(Invalid condition "{}" - valid conditions are {})",
                                          condition.name, java_list(valid)));
            checker.suggest(diagnostic, condition.name, valid);
        }
        if (++seen[condition.name] == 2) {
            checker.error(Code::E0311, condition.name_span,
                          fmt::format(R"(Duplicate build condition name: "{}")", condition.name));
        }
        if (condition.steps.steps.empty()) {
            checker.error(Code::E0306, condition.name_span, "No steps specified for branch");
        } else {
            check_steps(checker, condition.steps, StepsPlace::post);
        }
    }
}

void check_when(Checker& checker, const model::When& when) {
    if (when.conditions.empty()) {
        checker.error(Code::E0313, head(when.span, 4),
                      "Empty when closure, remove the property or add some content.");
    }
    for (const auto& condition : when.conditions) {
        check_condition(checker, condition);
    }
}

void check_matrix(Checker& checker, const model::Matrix& matrix) {
    if (!matrix.axes_span) {
        checker.error(Code::E0322, head(matrix.span, 6), R"(Missing required section "axes")");
    } else if (matrix.axes.empty()) {
        checker.error(Code::E0323, head(*matrix.axes_span, 4), "No axis directives specified");
    }
    check_axes(checker, matrix.axes, false);
    if (matrix.excludes_span && matrix.excludes.empty()) {
        checker.error(Code::E0324, head(*matrix.excludes_span, 8),
                      "No exclude directives specified");
    }
    for (const auto& exclude : matrix.excludes) {
        if (exclude.axes.empty()) {
            checker.error(Code::E0323, head(exclude.span, 7), "No axis directives specified");
        }
        check_axes(checker, exclude.axes, true);
    }
    if (matrix.stages) {
        check_stages(checker, *matrix.stages, true);
    } else {
        checker.error(Code::E0322, head(matrix.span, 6), R"(Missing required section "stages")");
    }
    if (matrix.agent) {
        check_agent(checker, *matrix.agent);
    }
    if (matrix.environment) {
        check_environment(checker, *matrix.environment);
    }
    if (matrix.options) {
        check_options(checker, *matrix.options, true);
    }
    if (matrix.input) {
        check_input(checker, *matrix.input);
    }
    if (matrix.tools) {
        check_tools(checker, *matrix.tools);
    }
    if (matrix.when) {
        check_when(checker, *matrix.when);
    }
    if (matrix.post) {
        check_post(checker, *matrix.post);
    }
}

} // namespace ferry::compiler::detail
