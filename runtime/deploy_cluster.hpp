#pragma once
// The cluster-side steps of a deploy, each journaled before it changes anything: ensuring the
// target namespace, ensuring the pull secret in it, reading a release's state and deploy key,
// and gathering the reasons a rollout failed.
//
// Journal records (runtime/transaction.hpp's format; docs/deploys.md): before an effect
//   {"type":"effect","effect_id":"<step>/<n>","kind":"namespace|secret|release|manifests|
//    configmap","target":"<context>/<namespace>/<name>","step":…,
//    "cluster":{"kubeconfig":…,"context":…},"namespace":…,"before":…what it replaces…}
// and after it {"type":"effect.done","effect_id":…, …what it became…}. An effect without its
// done record may or may not have happened; compensation checks the world before undoing it.

#include "runtime/deploy_seal.hpp"
#include "runtime/deploy_shell.hpp"
#include "runtime/run_record.hpp"
#include "runtime/secret.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::runtime {

/// Appends a step's effect records to the run's journal.
class DeployJournal {
public:
    DeployJournal(RunRecord* record, std::string step, ClusterTarget cluster)
        : record_(record), step_(std::move(step)), cluster_(std::move(cluster)) {}

    /// Writes the "effect" record for object `name` of `kind` (fields added to the common
    /// ones); returns its effect_id, or
    /// nullopt with `error` when the journal cannot be written (then nothing may be changed).
    [[nodiscard]] std::optional<std::string> begin(std::string_view kind, std::string_view name,
                                                   nlohmann::ordered_json fields,
                                                   std::string& error);
    /// Writes the "effect.done" record for `id`.
    [[nodiscard]] std::string done(const std::string& id, nlohmann::ordered_json fields = {});

    [[nodiscard]] nlohmann::ordered_json cluster_json() const;

private:
    RunRecord* record_;
    std::string step_;
    ClusterTarget cluster_;
    int next_ = 0;
};

/// Creates namespace `ns` when absent and `may_create`; journals `{"existed": false}` first.
/// Returns an error message, or empty.
[[nodiscard]] std::string ensure_namespace(const KubeTools& kube, DeployJournal& journal,
                                           const std::string& ns, bool may_create);

/// Ensures a `kubernetes.io/dockerconfigjson` secret `name` in `ns` holding `document`. The
/// document travels on stdin only. An identical secret is left alone (no effect journaled);
/// a different one is journaled with its previous content sealed under `key`. Returns an
/// error message, or empty.
[[nodiscard]] std::string ensure_pull_secret(const KubeTools& kube, DeployJournal& journal,
                                             const std::string& ns, const std::string& name,
                                             const Secret& document, const SealKey& key);

/// A release as `helm history` and its storage show it.
struct ReleaseState {
    bool exists = false;
    int revision = 0;
    std::string status;
    std::string chart;      ///< `name-version`
    std::string deploy_key; ///< the ferry.dev/deploy-key label of the current revision
    std::string error;      ///< the release could not be read
};
[[nodiscard]] ReleaseState read_release(const KubeTools& kube, const std::string& ns,
                                        const std::string& release);

/// Why pods with `selector` in `ns` are not ready (pods' statuses and their warning events).
[[nodiscard]] std::vector<std::string> diagnose_pods(const KubeTools& kube, const std::string& ns,
                                                     const std::string& selector);

} // namespace ferry::runtime
