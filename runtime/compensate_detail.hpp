#pragma once
// What the compensators of compensate*.cpp share: the tools, the shell, the journal key.

#include "runtime/cancel.hpp"
#include "runtime/compensate.hpp"
#include "runtime/deploy_seal.hpp"

#include <memory>
#include <mutex>

namespace ferry::runtime::detail {

/// The state behind one compensator table (shared by its compensators).
class CompensationState {
public:
    explicit CompensationState(CompensationContext context);

    [[nodiscard]] const CompensationContext& context() const { return context_; }
    [[nodiscard]] std::optional<std::string> env(const std::string& name) const;
    /// kubectl and helm for the cluster `effect` names; nullopt with `error` (no cluster in the
    /// record, a tool missing).
    [[nodiscard]] std::optional<KubeTools> kube_for(const nlohmann::json& effect, bool needs_helm,
                                                    std::string& error);
    /// The journal key, loaded once; nullopt with `error`.
    [[nodiscard]] std::optional<SealKey> seal_key(std::string& error);
    /// Opens a value sealed under the journal key, saying which key it needs when it differs.
    [[nodiscard]] std::optional<std::string> open_sealed(const nlohmann::json& sealed,
                                                         std::string& error);
    /// Sleeps between two looks at the world.
    void pause() const;

private:
    CompensationContext context_;
    Cancellation cancel_; ///< never cancelled: a rollback runs to its end
    std::unique_ptr<DeployShell> own_shell_;
    std::mutex key_mutex_;
    std::optional<SealKey> key_;
};

/// A string field of a JSON object, or empty.
[[nodiscard]] std::string text_of(const nlohmann::json& object, const char* name);

/// An outcome for `effect`.
[[nodiscard]] Compensation outcome(const nlohmann::json& effect, bool restored, std::string detail);

/// `Deployment.v1.apps` for `apps/v1` `Deployment`: unambiguous between API groups for kubectl.
[[nodiscard]] std::string kubectl_resource(const std::string& api_version, const std::string& kind);

/// Puts `object` (a JSON object as `kubectl get -o json` gave it) back as it was: `kubectl
/// replace`, or `kubectl create` when it no longer exists. Empty, or why not.
[[nodiscard]] std::string put_back(const KubeTools& kube, nlohmann::json object,
                                   const std::string& what);

/// Deletes an object the run created (`kubectl delete --ignore-not-found`, waiting at most
/// 60 s); already gone counts as deleted. Empty, or why not.
[[nodiscard]] std::string delete_created(const KubeTools& kube, const std::string& resource,
                                         const std::string& name, const std::string& ns,
                                         const std::string& what);

Compensation compensate_release(CompensationState& state, const nlohmann::json& effect);
Compensation compensate_namespace(CompensationState& state, const nlohmann::json& effect);
Compensation compensate_secret(CompensationState& state, const nlohmann::json& effect);
Compensation compensate_configmap(CompensationState& state, const nlohmann::json& effect);
Compensation compensate_manifests(CompensationState& state, const nlohmann::json& effect);
Compensation compensate_tag(CompensationState& state, const nlohmann::json& effect);

} // namespace ferry::runtime::detail
