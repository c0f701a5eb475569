// The `cluster:` parameter of deploy steps, resolved against ferry.yaml's clusters at plan time.
#include "compiler/plan_targets.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace ferry::compiler::detail {

StepClusterScope::StepClusterScope(Planner& planner, const ir::Step& step, PlanStep& out)
    : planner_(planner), saved_(planner.target) {
    const auto param = out.params.find("cluster");
    if (param == out.params.end() || !param->is_string() || param->empty()) {
        return;
    }
    const auto name = param->get<std::string>();
    const Cluster* cluster = planner.config.find_cluster(name);
    if (cluster == nullptr) {
        std::string known;
        for (const auto& c : planner.config.clusters) {
            known += (known.empty() ? "" : ", ") + c.name;
        }
        const ir::Param* p = step.param("cluster");
        planner.result.diagnostics.error(
            "E0715", p != nullptr ? p->value.span : step.span,
            fmt::format("cluster '{}' is not declared in {} (clusters: {})", name,
                        planner.config.path.filename().string(), known.empty() ? "none" : known));
        return;
    }
    planner.target.context = cluster->context.value;
    const auto& clusters = planner.obs.clusters;
    const auto it =
        std::find_if(clusters.begin(), clusters.end(), [&](const ClusterObservation& c) {
            return c.context == planner.target.context;
        });
    planner.target.server =
        it != clusters.end() && it->known == Known::yes ? it->server : "unknown";
    out.target.context = planner.target.context;
    out.target.server = planner.target.server;
}

StepClusterScope::~StepClusterScope() {
    planner_.target = saved_;
}

} // namespace ferry::compiler::detail
