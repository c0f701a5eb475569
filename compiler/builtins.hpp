#pragma once
// Jenkins' built-in variables, as the planner binds them at plan time and the executor sets them
// at run time: one list, so that a plan and its run agree on every name and value.

#include "compiler/observations.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::compiler {

using Variable = std::pair<std::string, std::string>;

/// BUILD_NUMBER, BUILD_ID, BUILD_TAG (`ferry-JOB-N`), JOB_NAME, JOB_BASE_NAME, NODE_NAME and
/// EXECUTOR_NUMBER of build `number` of `job`.
[[nodiscard]] std::vector<Variable> build_variables(std::string_view job, std::string_view number);

/// GIT_COMMIT, GIT_BRANCH, BRANCH_NAME, GIT_URL, the author and committer, TAG_NAME (a tag at
/// HEAD) and GIT_PREVIOUS_SUCCESSFUL_COMMIT of a known checkout: those that have a value.
[[nodiscard]] std::vector<Variable> git_variables(const GitObservation& git);

/// The variables a CI system sets that win over what git says: it knows what it builds.
[[nodiscard]] const std::vector<std::string>& ci_override_variables();

} // namespace ferry::compiler
