#pragma once
// The contract between the executor and the steps it runs. The executor walks the plan's
// stages, decides when/post/options, runs block steps (dir, withEnv, withCredentials, retry,
// timeout, catchError, warnError, …) itself, and hands every leaf step to the driver the table
// names for its kind. Drivers live in stdlib/drivers/ (the standard library's run-time half);
// they do their work through the services here and never parse pipeline text: their
// parameters arrive evaluated, templates already interpolated with Jenkins' rules.

#include "compiler/environment.hpp"
#include "compiler/plan.hpp"
#include "runtime/cancel.hpp"
#include "runtime/config.hpp"
#include "runtime/mask.hpp"
#include "runtime/process.hpp"
#include "runtime/run_record.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::runtime {

/// An image a step of this run built (buildImage) or pushed (pushImage), by the name the
/// pipeline gave it, for later steps: pushImage finds the build, deploys pin the digest.
struct RunImage {
    std::string name;                ///< as written in the pipeline (`bulletin-board`)
    std::string reference;           ///< full reference it was built or pushed as
    std::string digest;              ///< manifest digest, `sha256:…`
    long long size = 0;              ///< total compressed size (config + layers)
    std::filesystem::path layout;    ///< local OCI layout holding it, if built here
    std::vector<std::string> pushed; ///< references pushed (`server/repo:tag`)
    std::string build_key;           ///< the build's cache key, for its registry evidence
};

/// What every step of one run shares. Owned by the executor; thread-safe where noted.
struct RunServices {
    const compiler::Plan* plan = nullptr;
    const compiler::EnvironmentConfig* config = nullptr;
    const compiler::Environment* environment = nullptr; ///< the plan's environment
    std::filesystem::path workspace;                    ///< absolute
    std::filesystem::path state_dir;                    ///< `.ferry/`
    RunRecord* record = nullptr;                        ///< journal, step logs, artifacts
    Masker* masker = nullptr;
    CredentialSources credential_sources;
    /// Process-environment lookup (PATH, $HELM, $KUBECTL, CI variables).
    std::function<std::optional<std::string>(const std::string&)> getenv;

    /// Images built or pushed so far, by name. Use with images_mutex held.
    std::mutex images_mutex;
    std::map<std::string, RunImage, std::less<>> images;
};

/// Where a leaf step runs and what it may use.
struct StepContext {
    const compiler::PlanStep& step;
    /// The step's parameters, evaluated: `$template` and `$expression` values resolved against
    /// the step's variables (secrets included: never log these), `$describable` kept as objects.
    nlohmann::json params;
    /// The complete process environment for this step, in order (the run's base environment,
    /// then the pipeline's variables as the plan scopes them, then withEnv/withCredentials).
    std::vector<std::pair<std::string, std::string>> env;
    std::filesystem::path cwd; ///< the workspace, or where `dir` points
    const Cancellation& cancel;
    RunServices& services;
    /// Writes one line of the step's output: masked, to its log and to the reporters.
    std::function<void(OutputStream stream, std::string_view line)> log;

    /// A variable of `env`, if set.
    [[nodiscard]] std::optional<std::string> variable(std::string_view name) const;
};

struct StepOutcome {
    BuildResult result = BuildResult::success; ///< success, unstable, failure or aborted
    std::string message;  ///< why it failed or is unstable; shown to people (masked on output)
    nlohmann::json value; ///< what the step returns (returnStdout, an image digest, …)
};

using StepDriver = std::function<StepOutcome(StepContext& context)>;
using DriverTable = std::map<std::string, StepDriver, std::less<>>;

} // namespace ferry::runtime
