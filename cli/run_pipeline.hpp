#pragma once
// One run of a pipeline, as `ferry run` performs it (plan, lock, build number, run record,
// execute, commit or roll back), shared by `ferry run` and `ferry watch`. It runs in the
// current directory. Defined in cmd_run.cpp, beside the command it was factored out of.

#include "cli/pipeline_setup.hpp"
#include "runtime/cancel.hpp"
#include "runtime/events.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ferry::cli {

/// The options of `ferry run`.
struct RunArgs {
    PlanInputs inputs;
    std::string plan_file;
    std::vector<std::string> approvals;
    std::string approver; ///< --approver; empty: the CI's user, else $USER
    std::string events;
    std::string junit;
    bool no_color = false;
    bool quiet = false;
};

/// What a caller that runs pipelines repeatedly (ferry watch) adds to a run.
struct RunHooks {
    /// The caller's root token, cancelled by its own signal handling; null: the run installs
    /// SIGINT/SIGTERM handlers of its own for the time it executes.
    runtime::Cancellation* root = nullptr;
    /// Called once the build number is taken, before the first step runs.
    std::function<void(long long build_number, const std::string& commit)> started;
};

/// How a run ended.
struct RunSummary {
    int exit_code = 0;
    long long build_number = 0; ///< 0: the run never started (no plan, lock held, …)
    std::optional<runtime::BuildResult> result;
};

/// Runs the pipeline `args` name in the current directory, exactly as `ferry run`.
[[nodiscard]] RunSummary run_pipeline(const RunArgs& args, const RunHooks& hooks);

} // namespace ferry::cli
