#pragma once
// The deploy preflight's plan side: a right the target's user lacks (probed by
// runtime/probe_permissions.cpp) is a plan error at the deploy step, so `ferry plan` reports it
// and `ferry run` refuses before any step runs.

#include "compiler/plan_detail.hpp"

#include <string>
#include <string_view>

namespace ferry::compiler::detail {

/// Reports, at `step`, every right the user of the planner's target context lacks in `ns`.
void check_deploy_permissions(Planner& planner, const ir::Step& step, const std::string& ns,
                              std::string_view stage_name);

} // namespace ferry::compiler::detail
