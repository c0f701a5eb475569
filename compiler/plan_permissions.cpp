// A denied right becomes an error of the step that needs it; an unknown one (offline, kubectl
// missing, the server unreachable) says nothing here: the namespace and release probes already
// report an unreachable cluster, and the run itself would fail with the server's answer.
#include "compiler/plan_permissions.hpp"

#include <fmt/format.h>

namespace ferry::compiler::detail {

void check_deploy_permissions(Planner& planner, const ir::Step& step, const std::string& ns,
                              std::string_view stage_name) {
    const auto& context = planner.target.context;
    const NamespaceObservation* seen = planner.obs.namespace_in(context, ns);
    const bool must_create = planner.env.create_namespace && seen != nullptr &&
                             seen->known == Known::yes && !seen->exists;
    for (const auto& right : planner.obs.permissions) {
        if (right.context != context || right.known != Known::yes || right.allowed) {
            continue;
        }
        const bool cluster_scoped = right.namespace_.empty();
        if (cluster_scoped ? !must_create : right.namespace_ != ns) {
            continue;
        }
        auto& d = planner.result.diagnostics.error(
            "E0714", step.span,
            cluster_scoped
                ? fmt::format("stage '{}': context {} may not {} {}, and namespace '{}' must be "
                              "created",
                              stage_name, context, right.verb, right.resource, ns)
                : fmt::format("stage '{}': context {} may not {} {} in namespace {}", stage_name,
                              context, right.verb, right.resource, ns));
        d.notes.push_back(
            {fmt::format("kubectl auth can-i {} {}{} --context {} says no", right.verb,
                         right.resource, cluster_scoped ? "" : " -n " + ns, context),
             std::nullopt});
    }
}

} // namespace ferry::compiler::detail
