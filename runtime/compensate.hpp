#pragma once
// The compensators: how each kind of effect the drivers journal is undone (runtime/transaction.hpp
// runs them, newest first). Each one looks at the world before acting, so that running it again
// (after a crash, from `ferry recover`) finds the effect already undone and says so:
//
//   release    helm rollback to the recorded revision (nothing when the current revision already
//              has that revision's manifest and values), or helm uninstall when it was absent
//   namespace  deleted when the run created it, and waited for until it is gone
//   secret     its previous content unsealed and put back (kubectl replace), or deleted
//   manifests  each object the run created deleted, each one it replaced put back (unsealed)
//   configmap  the deploy key fallback of old helm: deleted or its previous data put back
//   tag        the previous manifest (by digest) PUT under the tag again, or the tag deleted
//
// helm and kubectl run with the kubeconfig and context the effect recorded, never the current
// context; registries are reached with the environment's TLS settings and credentials.

#include "runtime/config.hpp"
#include "runtime/deploy_shell.hpp"
#include "runtime/driver.hpp"
#include "runtime/registry_client.hpp"
#include "runtime/transaction.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace ferry::runtime {

/// What the compensators need from the run (or from `ferry rollback`/`recover`).
struct CompensationContext {
    /// ferry.yaml: registry TLS and credentials for tags. Null: registries are reached
    /// anonymously with default TLS.
    const compiler::EnvironmentConfig* config = nullptr;
    const compiler::Environment* environment = nullptr;
    CredentialSources credential_sources;
    /// $HELM, $KUBECTL, PATH and $XDG_CACHE_HOME (the journal key); null: the process's.
    std::function<std::optional<std::string>(const std::string&)> getenv;
    /// Runs helm and kubectl; null: real processes with ferry's own environment.
    DeployShell* shell = nullptr;
    /// How to reach a registry server; null: from `config` and `environment`.
    std::function<std::optional<RegistryEndpoint>(const std::string& server, std::string& error)>
        endpoint_for;
    /// How long a deleted namespace is waited for before it is reported as still terminating.
    std::chrono::milliseconds namespace_wait = std::chrono::seconds(120);
    /// Pause between two looks at a terminating namespace.
    std::chrono::milliseconds poll_interval = std::chrono::seconds(1);
};

/// One compensator per effect kind the drivers journal (release, namespace, secret, manifests,
/// configmap, tag). The table keeps what it needs (a copy of `context`).
[[nodiscard]] CompensatorTable make_compensators(CompensationContext context);

/// `journal` with each effect's `effect.done` record (when there is one) copied into the
/// effect as `"done"`: a compensator then knows whether the effect completed and what it became.
[[nodiscard]] JournalRead with_effect_outcomes(JournalRead journal);

/// Reads the journal of `record`'s run and compensates every effect not compensated yet,
/// newest first, appending the outcomes to it.
[[nodiscard]] RollbackReport roll_back_run(RunRecord& record, const CompensatorTable& compensators,
                                           const RollbackObserver& observer = {});

/// For the executor: undoes what a failed or aborted run changed, with the run's services
/// (ferry.yaml, environment, credentials, getenv). Call it after the run ended with FAILURE or
/// ABORTED; an empty report means the run changed nothing. Exit 1 when `complete()`, else 5.
[[nodiscard]] RollbackReport finish_failed_run(RunServices& services, RunRecord& record,
                                               const RollbackObserver& observer = {});

/// Appends `{"type": "commit"}`: the run succeeded and its effects stay. Returns an error
/// message, or empty.
[[nodiscard]] std::string commit_run(RunRecord& record);

/// The report for people: one line per compensation ("restored  release ctx/ns/web: rolled back
/// to revision 3"), then a summary line.
[[nodiscard]] std::string format_rollback_report(const RollbackReport& report);
/// One compensation's line of that report, without indentation or newline.
[[nodiscard]] std::string format_compensation(const Compensation& compensation);
/// The report's last line, without newline: complete, incomplete (what to do) or nothing to undo.
[[nodiscard]] std::string format_rollback_summary(const RollbackReport& report);

} // namespace ferry::runtime
