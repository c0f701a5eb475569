#pragma once
// A deploy step's own cluster: helmUpgrade and kubectlApply may name another cluster of
// ferry.yaml (`cluster: 'edge'`) than their environment's, so that one run (one transaction)
// deploys to several clusters. While such a step is planned, the planner's target is that
// cluster's context, so its effects, observations and preflight are looked up there.

#include "compiler/plan_detail.hpp"

namespace ferry::compiler::detail {

/// Points the planner's target (and the step's) at the step's `cluster:` while alive.
class StepClusterScope {
public:
    StepClusterScope(Planner& planner, const ir::Step& step, PlanStep& out);
    ~StepClusterScope();
    StepClusterScope(const StepClusterScope&) = delete;
    StepClusterScope& operator=(const StepClusterScope&) = delete;

private:
    Planner& planner_;
    PlanTarget saved_;
};

} // namespace ferry::compiler::detail
