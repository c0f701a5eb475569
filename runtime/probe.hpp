#pragma once
// The read-only probes run before planning: git (libgit2), ferry's state in `.ferry/`, image
// tags in registries (OCI distribution API) and namespaces and helm releases in clusters
// (kubectl and helm). None of them creates, pushes, tags or writes anything.

#include "compiler/environment.hpp"
#include "compiler/observations.hpp"
#include "runtime/cluster_probe.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace ferry::runtime {

/// How to probe; the defaults are the real world.
struct ProbeOptions {
    /// Skip registry and cluster probes: their observations are `unknown`, "not probed: --offline".
    bool offline = false;
    /// ferry.yaml: the clusters, registries and credentials the environment names. Not owned;
    /// without it registry and cluster observations are `unknown`.
    const compiler::EnvironmentConfig* config = nullptr;
    /// Process environment lookup (CI variables, BUILD_NUMBER, $KUBECTL, $HELM, PATH);
    /// empty means the real process environment.
    std::function<std::optional<std::string>(const std::string& name)> getenv;
    /// Where `.ferry/` lives; empty means the git work tree's top, else the workspace.
    std::filesystem::path state_dir;
    /// Per network request or process call.
    std::chrono::milliseconds timeout = std::chrono::seconds(30);
};

/// The cluster of ferry.yaml that `environment` reaches through kube context `context`, as a
/// probe target; nullopt with `reason` (no ferry.yaml loaded, no such cluster).
[[nodiscard]] std::optional<ClusterTarget> probe_target(const ProbeOptions& options,
                                                        const compiler::Environment& environment,
                                                        const std::string& context,
                                                        std::string& reason);

/// Gathers everything `requests` asks for. Never throws; a probe that fails yields an `unknown`
/// observation whose reason says what went wrong and, where it helps, how to fix it.
[[nodiscard]] compiler::Observations probe(const compiler::ProbeRequests& requests,
                                           const compiler::Environment& environment,
                                           const ProbeOptions& options);

} // namespace ferry::runtime
