#pragma once
// Read-only cluster probes through the kubectl and helm binaries: does a namespace exist, what
// is a helm release's current revision. Every call names the kubeconfig and the context
// explicitly; the kubeconfig's current-context is never used.

#include "compiler/observations.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

/// A cluster as ferry.yaml names it: a kubeconfig file and one of its contexts.
struct ClusterTarget {
    std::filesystem::path kubeconfig;
    std::string context;
};

struct ClusterProbeOptions {
    /// Environment lookup for $KUBECTL, $HELM and PATH; empty means the process environment.
    std::function<std::optional<std::string>(const std::string& name)> getenv;
    std::chrono::milliseconds timeout = std::chrono::seconds(30);
};

/// A tool found: its path, or why not (with how to get it).
struct ToolLookup {
    std::optional<std::filesystem::path> path;
    std::string error;
};

/// `$<VARIABLE>` when set, else `name` searched on PATH.
[[nodiscard]] ToolLookup find_tool(std::string_view name, std::string_view variable,
                                   const ClusterProbeOptions& options);

/// `kubectl get namespace NAME`: exists, absent, or unknown with the reason.
[[nodiscard]] compiler::NamespaceObservation probe_namespace(const ClusterTarget& target,
                                                             std::string_view name,
                                                             const ClusterProbeOptions& options);

/// `helm history NAME --max 1` and the release's labels, read as a deploy reads them
/// (runtime/deploy_cluster.hpp's read_release): the current revision, status, chart and the
/// deploy key on the revision ferry made, or absent. Implemented in probe_deploy.cpp.
[[nodiscard]] compiler::ReleaseObservation probe_release(const ClusterTarget& target,
                                                         std::string_view namespace_,
                                                         std::string_view name,
                                                         const ClusterProbeOptions& options);

/// What a finished process said.
struct ProcessOutput {
    bool started = false;
    bool timed_out = false;
    int exit_code = -1;
    std::string out;
    std::string err;
    std::string error; ///< why it did not start
};

/// Runs `program args...` with stdin closed, capturing both streams, killed after `timeout`.
[[nodiscard]] ProcessOutput run_captured(const std::filesystem::path& program,
                                         const std::vector<std::string>& args,
                                         std::chrono::milliseconds timeout);

} // namespace ferry::runtime
