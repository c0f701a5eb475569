#pragma once
// `when` at plan time: every condition decided from the stage's variables and the git
// observation, with a reason a person can read. A condition that needs a fact nobody could
// observe (offline, no git, no previous run) is `unknown` and says which fact is missing; the
// planner then plans the stage as "runs if …".

#include "compiler/evaluate.hpp"
#include "compiler/ir.hpp"
#include "compiler/observations.hpp"

#include <optional>
#include <string>

namespace ferry::compiler {

enum class Verdict { yes, no, unknown };

[[nodiscard]] std::string_view to_string(Verdict verdict);

struct WhenResult {
    Verdict verdict = Verdict::yes;
    std::string reason;
    std::optional<EvalError> error; ///< an expression ferry cannot evaluate (E0706-E0709)
};

/// Decides a stage's `when` block (all its conditions must hold).
[[nodiscard]] WhenResult decide_when(const ir::When& when, const Scope& scope,
                                     const GitObservation& git);

/// Decides one condition.
[[nodiscard]] WhenResult decide_condition(const ir::Condition& condition, const Scope& scope,
                                          const GitObservation& git);

/// Ant-style glob: `*` and `?` stay within one `/` segment, `**` crosses segments.
[[nodiscard]] bool ant_glob_match(std::string_view pattern, std::string_view text,
                                  bool case_sensitive);

} // namespace ferry::compiler
