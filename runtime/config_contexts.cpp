// Checks ferry.yaml's clusters against their kubeconfigs: each named context must exist.
#include "runtime/config.hpp"
#include "runtime/kubeconfig.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace ferry::runtime {

void check_cluster_contexts(const compiler::EnvironmentConfig& config,
                            const std::vector<std::string>& clusters, grammar::Diagnostics& out) {
    std::map<std::filesystem::path, KubeconfigResult> loaded; // each file read once
    for (const auto& cluster : config.clusters) {
        if (!clusters.empty() &&
            std::find(clusters.begin(), clusters.end(), cluster.name) == clusters.end()) {
            continue;
        }
        auto it = loaded.find(cluster.kubeconfig);
        if (it == loaded.end()) {
            it = loaded.emplace(cluster.kubeconfig, load_kubeconfig(cluster.kubeconfig)).first;
        }
        const KubeconfigResult& kubeconfig = it->second;
        if (!kubeconfig.config) {
            out.error("E0610", cluster.span,
                      fmt::format("cluster '{}': {}", cluster.name, kubeconfig.error));
            continue;
        }
        const KubeSelection selection = select_context(*kubeconfig.config, cluster.context.value);
        if (selection.target) {
            continue;
        }
        const grammar::Span at = cluster.context.span.empty() ? cluster.span : cluster.context.span;
        if (kubeconfig.config->find_context(cluster.context.value)) {
            // The context exists but is broken (a missing cluster or user entry).
            out.error("E0605", at, fmt::format("cluster '{}': {}", cluster.name, selection.error));
            continue;
        }
        auto& d = out.error("E0613", at,
                            fmt::format("cluster '{}' names context '{}', which {} does not define",
                                        cluster.name, cluster.context.value,
                                        cluster.kubeconfig.string()));
        if (selection.suggestion) {
            d.notes.push_back(
                {fmt::format(R"(did you mean "{}"?)", *selection.suggestion), std::nullopt});
            d.fix = *selection.suggestion;
        }
    }
}

} // namespace ferry::runtime
