#pragma once
// Internal to executor*.cpp: the state of one run and the pieces that walk the plan.

#include "compiler/resolve.hpp"
#include "runtime/executor.hpp"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ferry::runtime::detail {

using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

/// A process environment under construction: later entries replace earlier ones in place.
class Variables {
public:
    void set(const std::string& name, std::string value, bool secret = false);
    [[nodiscard]] std::optional<std::string> get(std::string_view name) const;
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& pairs() const {
        return pairs_;
    }
    [[nodiscard]] const std::set<std::string, std::less<>>& secrets() const { return secrets_; }

private:
    std::vector<std::pair<std::string, std::string>> pairs_;
    std::set<std::string, std::less<>> secrets_;
};

/// A private directory for secret files (0700, files 0600), removed with everything in it.
class SecretDir {
public:
    SecretDir() = default;
    SecretDir(const SecretDir&) = delete;
    SecretDir& operator=(const SecretDir&) = delete;
    ~SecretDir();
    /// Writes `content` to a new file `name` in the directory; empty path and `error` on failure.
    std::filesystem::path write(const std::string& name, const std::string& content,
                                std::string& error);

private:
    std::filesystem::path dir_;
};

/// disableConcurrentBuilds(): an exclusive flock on `.ferry/runs/<pipeline>/lock`. A second
/// run waits for the first (as Jenkins queues it), saying so once; Ctrl-C stops the wait.
class RunLock {
public:
    [[nodiscard]] static std::optional<RunLock>
    acquire(const std::filesystem::path& state_dir, const std::string& pipeline,
            const Cancellation& cancel, const std::function<void(const std::string&)>& say,
            std::string& error);
    RunLock(RunLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    RunLock& operator=(RunLock&&) = delete;
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;
    ~RunLock();

private:
    explicit RunLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

/// How a list of steps ended (Jenkins: normally, by an error, or by an interruption).
struct Flow {
    enum class End { normal, error, interrupted };
    End end = End::normal;
    std::string message;
    CancelReason reason = CancelReason::none; ///< interrupted: why
    /// A normal end: what the last step returned (a leaf step's StepOutcome::value).
    nlohmann::json value = nullptr;

    [[nodiscard]] bool ok() const { return end == End::normal; }
    static Flow error(std::string message) { return {End::error, std::move(message), {}}; }
    static Flow interrupted(const Cancellation& cancel) {
        return {End::interrupted, cancel.message(), cancel.reason()};
    }
};

/// Runs `count` branches at once, each on its own thread under one child token of `parent`
/// (parallel stages, matrix cells, the legacy parallel step). With `fail_fast` the first branch
/// that fails cancels its siblings. The first real failure wins over the branches it aborted;
/// else the first branch that did not end normally; else normal.
[[nodiscard]] Flow run_branches(std::size_t count, const Cancellation* parent, bool fail_fast,
                                const std::function<Flow(std::size_t, const Cancellation&)>& run,
                                const std::function<std::string(std::size_t)>& name);

/// The result a stage (or the pipeline frame) earned so far: only ever gets worse.
struct StageRun {
    std::string id;
    std::string name;
    BuildResult result = BuildResult::success;
};

/// `tee(file) { … }`: the file every output line of the steps inside is copied to, masked.
class TeeFile {
public:
    /// Opens (truncates) `path`; `error` says why not.
    TeeFile(const std::filesystem::path& path, std::string& error);
    void write(std::string_view line);

private:
    std::mutex mutex_;
    std::ofstream out_;
};

/// Where a step runs: its variables, directory, token and stage.
struct Frame {
    const Variables* vars = nullptr;
    std::filesystem::path cwd;
    const Cancellation* cancel = nullptr;
    StageRun* stage = nullptr;
    std::vector<std::shared_ptr<TeeFile>> tees = {}; ///< the `tee` blocks around the step
};

class Executor {
public:
    Executor(RunServices& services, const DriverTable& drivers, Reporters& reporters,
             const Cancellation& root, const RunOptions& options);
    RunOutcome run();

    // executor_vars.cpp
    /// The base environment, Jenkins' built-ins, parameters, ferry.yaml's and the pipeline's
    /// variables. Fails with a message when a value cannot be resolved.
    Flow pipeline_variables(Variables& vars, SecretDir& secrets);
    /// Binds a plan `environment` list (docs/plan.md, *Variables*) on top of `vars`.
    Flow bind_entries(const Json& entries, Variables& vars, SecretDir& secrets);
    [[nodiscard]] compiler::RunScope scope_of(const Variables& vars) const;
    /// Binds one credential by id: `bind(suffix, value)` for each variable it sets.
    Flow credential_value(const std::string& id, SecretDir& secrets, std::string& single,
                          std::optional<std::pair<std::string, std::string>>& user_pass);

    // executor_stages.cpp
    /// Runs a list of sibling stages in order (Jenkins' skip-after-failure rules).
    Flow run_sequence(const Json& stages, const Variables& vars, const Cancellation& cancel,
                      const std::string& parent_name);
    Flow run_stage(const Json& node, const Variables& parent_vars, const Cancellation& cancel);
    /// The stage's own work once it runs: input, then its steps, children or branches.
    Flow run_stage_body(const Json& node, Variables& vars, const Cancellation& cancel,
                        StageRun& stage);
    Flow run_parallel(const Json& node, const Variables& vars, const Cancellation& cancel,
                      StageRun& stage);
    void skip_stage(const Json& node, const std::string& reason);

    // executor_post.cpp
    /// Runs `post` blocks in order, each condition decided on the current result; the first
    /// failure of a post step, if any.
    Flow run_post(const Json& post, const Frame& frame);
    [[nodiscard]] bool post_condition_holds(const std::string& condition,
                                            BuildResult current) const;

    // executor_steps.cpp
    Flow run_steps(const std::vector<const compiler::PlanStep*>& steps, const Frame& frame);
    Flow run_step(const compiler::PlanStep& step, const Frame& frame);
    /// The top-level steps among `ids` (a stage's or post block's list).
    [[nodiscard]] std::vector<const compiler::PlanStep*> top_level(const Json& ids) const;
    [[nodiscard]] std::vector<const compiler::PlanStep*> body_of(const std::string& id) const;

    // executor_blocks.cpp
    Flow run_block(const compiler::PlanStep& step, const nlohmann::json& params,
                   const Frame& frame);
    Flow with_credentials(const compiler::PlanStep& step, const nlohmann::json& params,
                          const Frame& frame);
    Flow legacy_parallel(const compiler::PlanStep& step, const nlohmann::json& params,
                         const Frame& frame);
    /// `tee(file) { … }`: the body's output also goes to the file (masked).
    Flow tee(const compiler::PlanStep& step, const nlohmann::json& params, const Frame& frame);
    /// `waitUntil { … }`: runs the body until it holds (docs/cli.md), waiting longer each time.
    Flow wait_until(const compiler::PlanStep& step, const nlohmann::json& params,
                    const Frame& frame);

    // executor_input.cpp
    /// Asks for a stage's `input`; binds its parameters into `vars` when approved.
    Flow ask_input(const Json& node, const Json& input, Variables& vars,
                   const Cancellation& cancel);
    /// The `input` step: the same approval rules; returns the parameters' values as Jenkins
    /// does (none: null, one: its value, several: a map).
    Flow input_step(const compiler::PlanStep& step, const nlohmann::json& params,
                    const Frame& frame);
    /// Asks for one input (stage or step): reports input.waiting and input.answered through
    /// `event`, and on approval gives each parameter's value (`secret` for passwords).
    struct InputValue {
        std::string name;
        nlohmann::json value;
        bool secret = false;
    };
    Flow answer_input(const nlohmann::json& input, const std::string& id,
                      const std::function<Event(const std::string&)>& event, const Variables& vars,
                      const Cancellation& cancel, std::vector<InputValue>& values);

    // executor.cpp: results, events, the journal
    void worsen_build(BuildResult result, const std::string& message);
    [[nodiscard]] BuildResult build_result() const;
    void report(Event event);
    void journal(Json record);
    [[nodiscard]] Event stage_event(const std::string& type, const Json& node) const;
    [[nodiscard]] Event step_event(const std::string& type, const compiler::PlanStep& step) const;
    [[nodiscard]] std::string mask(std::string_view text) const;
    /// Applies how a flow ended to the stage's result (and the build's, unless failFast).
    void settle(const Flow& flow, StageRun& stage);

    RunServices& services;
    const DriverTable& drivers;
    Reporters& reporters;
    const Cancellation& root;
    const RunOptions& options;
    const compiler::Plan& plan;

    std::map<std::string, const compiler::PlanStep*, std::less<>> steps_by_id;
    std::map<std::string, std::vector<const compiler::PlanStep*>, std::less<>> children;
    std::map<std::string, compiler::EvalValue, std::less<>> build_params; ///< `params.X`
    compiler::GitObservation git;
    std::optional<BuildResult> previous_result; ///< the last completed run's
    std::vector<Json> stage_results;            ///< for result.json
    std::mutex stage_results_mutex;

private:
    mutable std::mutex result_mutex_;
    BuildResult build_result_ = BuildResult::success;
    std::string first_message_;
};

/// What `--approve` says of one input: approved, and the parameter values it gives.
struct InputAnswer {
    bool approved = false;
    std::map<std::string, std::string, std::less<>> values; ///< `ID:…`: every name must exist
    std::map<std::string, std::string, std::less<>> any_input_values; ///< `*:…`: where declared
};
/// Reads `--approve` arguments for input `id`: `ID`, `*`, `ID:NAME=VALUE,NAME=VALUE…` (a comma
/// starts a new pair only before `NAME=`); several arguments for one id add up.
[[nodiscard]] InputAnswer approval_for(const std::vector<std::string>& approvals,
                                       std::string_view id);

/// Whether `approver` may answer an input whose `submitter` is `submitters` (Jenkins: user ids
/// and group names separated by commas, spaces trimmed, compared without case): a name matches
/// the approver, or (when `local`: the approver is this machine's login) a Unix group the
/// approver belongs to. An empty list lets anyone approve.
[[nodiscard]] bool may_submit(std::string_view approver, std::string_view submitters, bool local);

/// `time` in `unit` (Jenkins' TimeUnit names, MINUTES by default) as a duration.
[[nodiscard]] std::optional<std::chrono::milliseconds> duration_of(const nlohmann::json& params,
                                                                   std::string& error);
/// Jenkins' result names (`FAILURE`, …) as a BuildResult.
[[nodiscard]] std::optional<BuildResult> result_from_name(std::string_view name);
/// The Jenkins result name of a result.
[[nodiscard]] std::string result_name(BuildResult result);

} // namespace ferry::runtime::detail
