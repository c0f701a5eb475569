#pragma once
// The executor: runs a Plan (compiler/plan.hpp) with Jenkins' semantics. Stages in order,
// parallel branches and matrix cells on threads (failFast), `when` as planned (an `unknown`
// verdict decided now from the run's facts), post conditions in Jenkins' order with Jenkins'
// build results, options (timeout, retry, skipStagesAfterUnstable, disableConcurrentBuilds,
// skipDefaultCheckout), `input` (approved by id, by a prompt on a terminal, else failing with
// how to approve), block steps, and leaf steps through the driver table. It reports events,
// keeps the run record, and knows nothing of the AST.

#include "compiler/plan.hpp"
#include "runtime/driver.hpp"
#include "runtime/events.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ferry::runtime {

struct RunOptions {
    /// Input ids approved in advance (`--approve ID`); `*` approves all.
    std::vector<std::string> approvals;
    /// Who answers inputs here (by --approve or the prompt), for `input submitter:` and
    /// `submitterParameter` (ferry run --approver, else the CI's user, else $USER).
    std::string approver;
    /// Whether the approver is this machine's login (its Unix groups count for `submitter`).
    bool approver_is_local = false;
    /// Ask on this terminal for inputs not approved in advance (stdin and stderr are a tty).
    bool prompt = false;
    /// Answers a prompt: the input's message and id → approved. Empty: read stdin.
    std::function<bool(const std::string& message, const std::string& id)> ask;
    /// The run's base process environment (the variables every process starts from); empty:
    /// the current process's.
    std::vector<std::pair<std::string, std::string>> base_env;
    /// Password parameters' values (a plan carries them as `(secret)`): bound as variables and
    /// `params.NAME`, masked like credentials.
    std::vector<std::pair<std::string, Secret>> password_params;
};

struct RunOutcome {
    BuildResult result = BuildResult::success;
    int exit_code =
        0; ///< docs/cli.md: 0 SUCCESS, 1 FAILURE, 3 UNSTABLE, 4 ABORTED, 5 rollback incomplete
    std::string message; ///< the first failure's message (masked), if any
};

/// The step kinds the executor runs itself (block steps: dir, withEnv, withCredentials, retry,
/// timeout, catchError, warnError, the legacy parallel, …): every other kind needs a driver.
[[nodiscard]] const std::vector<std::string>& executor_block_steps();

/// The exit code of a result (no rollback involved).
[[nodiscard]] int exit_code_of(BuildResult result);

/// Runs `services.plan` to its end. Every event goes to `reporters`; the journal and step logs to
/// `services.record`. `cancel` is the run's root token (SIGINT cancels it: ABORTED, post still
/// runs, no process left). Never throws.
[[nodiscard]] RunOutcome execute(RunServices& services, const DriverTable& drivers,
                                 Reporters& reporters, const Cancellation& cancel,
                                 const RunOptions& options);

} // namespace ferry::runtime
