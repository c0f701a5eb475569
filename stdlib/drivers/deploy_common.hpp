#pragma once
// What helmUpgrade and kubectlApply share: the target (cluster, namespace within the
// environment's policy, kubectl and helm), the pull secret and namespace preparation, and the
// driver entry points that take the process shell as a parameter so tests can record calls.

#include "runtime/deploy_cluster.hpp"
#include "runtime/deploy_shell.hpp"
#include "runtime/driver.hpp"
#include "stdlib/drivers/basic_support.hpp"

#include <optional>
#include <string>

namespace ferry::stdlib::drivers::detail {

/// Where a deploy step acts, resolved from its parameters and the run's environment.
struct DeployTarget {
    runtime::ClusterTarget cluster;
    std::string namespace_;
    std::filesystem::path kubectl;
    std::filesystem::path helm; ///< empty when not needed
};

/// The step's target; nullopt with `error` (no environment, namespace not allowed, tool missing).
[[nodiscard]] std::optional<DeployTarget>
resolve_deploy_target(const runtime::StepContext& context, bool needs_helm, std::string& error);

/// Ensures the namespace and (when the environment's policy says so) the pull secret, both
/// journaled. Returns an error message, or empty.
[[nodiscard]] std::string prepare_namespace(runtime::StepContext& context,
                                            const runtime::KubeTools& kube,
                                            runtime::DeployJournal& journal, const std::string& ns);

/// The key that seals what the journal must keep secret (runtime/deploy_seal.hpp).
[[nodiscard]] std::optional<runtime::SealKey> journal_key(const runtime::StepContext& context,
                                                          std::string& error);

/// The drivers, with the shell to run kubectl and helm through.
[[nodiscard]] runtime::StepOutcome helm_upgrade(runtime::StepContext& context,
                                                runtime::DeployShell& shell);
[[nodiscard]] runtime::StepOutcome kubectl_apply(runtime::StepContext& context,
                                                 runtime::DeployShell& shell);

} // namespace ferry::stdlib::drivers::detail
