#pragma once
// The plan's cache predictions for buildImage and pushImage (issue 6) and helmUpgrade (issue 7):
// the probe keys each build as its run will (runtime/build_cache.hpp) and looks it up, and
// prepares each deploy as its run will (runtime/helm_request.hpp); the planner turns those
// observations, the registry's tags and the releases' deploy keys into `cache` {status, key,
// reason} per step, and a deploy's object diff into effects. Pure.

#include "compiler/observations.hpp"
#include "compiler/plan.hpp"

#include <optional>
#include <span>
#include <vector>

namespace ferry::compiler::detail {

/// What the probe must key for `step` (a buildImage of `plan`), or nullopt when its parameters
/// are only known at run time (the plan then says `unknown`).
[[nodiscard]] std::optional<ProbeRequests::Build> build_request(const Plan& plan,
                                                                const PlanStep& step);

/// What the probe must prepare for `step` (a helmUpgrade of `plan`): its parameters, directory
/// and the images of this run it names; nullopt when a parameter is only known at run time.
[[nodiscard]] std::optional<ProbeRequests::Deploy> deploy_request(const Plan& plan,
                                                                  const PlanStep& step);

/// Sets `step.cache` for a buildImage, pushImage or helmUpgrade step from the observations;
/// `earlier` are the steps planned before it (a push follows its build). Other steps are left
/// alone.
void predict_cache(const Observations& observations, std::span<const PlanStep> earlier,
                   PlanStep& step);

} // namespace ferry::compiler::detail
