#pragma once
// Plan values at run time: a `$template` interpolated and an `$expression` evaluated with the
// variables a step sees when it runs, and a stage's `when` the planner could not decide (its
// `conditions` in the plan JSON) decided now. The runtime never parses pipeline text; this file
// is the compiler's half of that bargain: it parses the template and expression texts the
// planner wrote and evaluates them with the safe evaluator (compiler/evaluate.hpp).

#include "compiler/evaluate.hpp"
#include "compiler/observations.hpp"
#include "compiler/when.hpp"

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

namespace ferry::compiler {

/// The variables known at one point of a run.
struct RunScope {
    /// Every environment variable the step sees, by name (secret values included).
    std::map<std::string, std::string, std::less<>> env;
    /// The build's parameters (`params.X`), typed as the plan gives them.
    std::map<std::string, EvalValue, std::less<>> params;
    /// Names whose values are secrets: marked so, never shown in messages.
    std::set<std::string, std::less<>> secrets;
};

/// A plan value resolved: JSON without `$template`/`$expression`, or an error for people.
struct Resolved {
    nlohmann::json value;
    std::string error; ///< never holds a variable's value
    [[nodiscard]] bool ok() const { return error.empty(); }
};

/// Resolves a plan value (docs/plan.md, *Values*): `$template` interpolated, `$expression`
/// evaluated, lists and objects (describables included) resolved member by member.
[[nodiscard]] Resolved resolve_value(const nlohmann::json& value, const RunScope& scope);

/// Interpolates a GString's text as the planner wrote it (`img-${TAG}`, `\$` for a `$`).
[[nodiscard]] Resolved interpolate(std::string_view template_text, const RunScope& scope);

/// Evaluates an expression's source text (`WORKSPACE + '/bin'`).
[[nodiscard]] Resolved evaluate_text(std::string_view expression, const RunScope& scope);

/// Decides the `conditions` of a stage's `when` (plan JSON: `[{kind, params, children,
/// expression}]`, all must hold) with the run's variables and git facts. A condition still
/// undecidable stays `unknown`, with the reason.
[[nodiscard]] WhenResult decide_when_at_run_time(const nlohmann::json& conditions,
                                                 const RunScope& scope, const GitObservation& git);

/// The plan JSON of a `when` condition tree (what decide_when_at_run_time reads), with its
/// parameters already as plan values.
[[nodiscard]] nlohmann::ordered_json
condition_json(const ir::Condition& condition,
               const std::function<nlohmann::ordered_json(const ir::Value&)>& value_json);

} // namespace ferry::compiler
