#pragma once
// The deploy preflight: for every cluster context and namespace a plan deploys into, whether the
// context's user may do what a deploy needs there (`kubectl auth can-i`, read-only: it asks the
// API server's authorizer and changes nothing). The planner turns a denial into a plan error at
// the deploy step, so nothing runs (compiler/plan_permissions.hpp).

#include "compiler/environment.hpp"
#include "compiler/observations.hpp"
#include "runtime/probe.hpp"

#include <vector>

namespace ferry::runtime {

/// The rights a deploy needs in each of `requests.deploy_targets`, and `create namespaces` per
/// context; unknown with the reason when not answerable.
[[nodiscard]] std::vector<compiler::PermissionObservation>
probe_permissions(const compiler::ProbeRequests& requests, const compiler::Environment& environment,
                  const ProbeOptions& options);

} // namespace ferry::runtime
