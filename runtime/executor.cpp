// execute(): one run of a plan from run.started to run.finished: the pipeline's variables and
// options, its stages, its post, the build result, the run record's result.
#include "runtime/executor_detail.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace ferry::runtime {

const std::vector<std::string>& executor_block_steps() {
    static const std::vector<std::string> kinds = {"dir",       "withEnv",    "withCredentials",
                                                   "retry",     "timeout",    "catchError",
                                                   "warnError", "parallel",   "node",
                                                   "ws",        "timestamps", "ansiColor",
                                                   "wrap",      "lock",       "stage",
                                                   "input",     "tee",        "waitUntil"};
    return kinds;
}

int exit_code_of(BuildResult result) {
    switch (result) {
    case BuildResult::success:
        return 0;
    case BuildResult::unstable:
        return 3;
    case BuildResult::failure:
    case BuildResult::not_built:
        return 1;
    case BuildResult::aborted:
        return 4;
    }
    return 1;
}

namespace detail {
namespace {

std::string rfc3339(std::chrono::system_clock::time_point t) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
    const auto seconds = std::chrono::system_clock::to_time_t(t);
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", fmt::gmtime(seconds),
                       static_cast<int>(ms.count() % 1000));
}

compiler::GitObservation git_of(const compiler::Plan& plan) {
    compiler::GitObservation git;
    git.commit = plan.git.commit;
    git.branch = plan.git.branch;
    git.known = plan.git.known ? compiler::Known::yes : compiler::Known::unknown;
    git.reason = plan.git.reason;
    const auto it = plan.observations.find("git");
    if (it == plan.observations.end() || !it->is_object()) {
        return git;
    }
    const auto& g = *it;
    const auto text = [&](const char* key) {
        const auto v = g.find(key);
        return v != g.end() && v->is_string() ? v->get<std::string>() : std::string();
    };
    git.remote_url = text("remote_url");
    git.author_name = text("author_name");
    git.author_email = text("author_email");
    git.committer_name = text("committer_name");
    git.committer_email = text("committer_email");
    if (const auto v = g.find("tags"); v != g.end() && v->is_array()) {
        git.tags = v->get<std::vector<std::string>>();
    }
    if (const auto v = g.find("previous_successful_commit"); v != g.end() && v->is_string()) {
        git.previous_successful_commit = v->get<std::string>();
    }
    if (const auto v = g.find("changed_files"); v != g.end() && v->is_array()) {
        git.changed_files = v->get<std::vector<std::string>>();
    } else {
        git.changes_reason = "no successful run of this pipeline and environment is recorded";
    }
    if (const auto v = g.find("changelog"); v != g.end() && v->is_array()) {
        git.changelog = v->get<std::vector<std::string>>();
    }
    return git;
}

} // namespace

std::optional<BuildResult> result_from_name(std::string_view name) {
    for (BuildResult r : {BuildResult::success, BuildResult::unstable, BuildResult::failure,
                          BuildResult::not_built, BuildResult::aborted}) {
        if (to_string(r) == name) {
            return r;
        }
    }
    return std::nullopt;
}

std::string result_name(BuildResult result) {
    return std::string(to_string(result));
}

std::optional<std::chrono::milliseconds> duration_of(const nlohmann::json& params,
                                                     std::string& error) {
    const auto time = params.find("time");
    if (time == params.end() || !time->is_number()) {
        error = "timeout needs a number `time`";
        return std::nullopt;
    }
    const std::string unit = params.value("unit", "MINUTES");
    static const std::map<std::string, double, std::less<>> per_ms = {
        {"NANOSECONDS", 1e-6}, {"MICROSECONDS", 1e-3}, {"MILLISECONDS", 1}, {"SECONDS", 1e3},
        {"MINUTES", 60e3},     {"HOURS", 3600e3},      {"DAYS", 86400e3}};
    const auto factor = per_ms.find(unit);
    if (factor == per_ms.end()) {
        error = fmt::format("timeout: unknown unit '{}'", unit);
        return std::nullopt;
    }
    return std::chrono::milliseconds(static_cast<long long>(time->get<double>() * factor->second));
}

Executor::Executor(RunServices& services_, const DriverTable& drivers_, Reporters& reporters_,
                   const Cancellation& root_, const RunOptions& options_)
    : services(services_), drivers(drivers_), reporters(reporters_), root(root_), options(options_),
      plan(*services_.plan) {
    for (const auto& step : plan.steps) {
        steps_by_id.emplace(step.id, &step);
        if (!step.parent.empty()) {
            children[step.parent].push_back(&step);
        }
    }
    for (const auto& [name, value] : plan.parameters.items()) {
        if (value.is_boolean()) {
            build_params[name] = compiler::EvalValue::of(value.get<bool>());
        } else if (value.is_string() && value.get<std::string>() != "(secret)") {
            build_params[name] = compiler::EvalValue::of(value.get<std::string>());
        }
    }
    git = git_of(plan);
}

void Executor::worsen_build(BuildResult result, const std::string& message) {
    std::lock_guard lock(result_mutex_);
    build_result_ = worse(build_result_, result);
    if (first_message_.empty() && !message.empty() && result != BuildResult::success) {
        first_message_ = mask(message);
    }
}

BuildResult Executor::build_result() const {
    std::lock_guard lock(result_mutex_);
    return build_result_;
}

std::string Executor::mask(std::string_view text) const {
    return services.masker != nullptr ? services.masker->mask(text) : std::string(text);
}

void Executor::report(Event event) {
    event.message = mask(event.message);
    reporters.report(event);
}

void Executor::journal(Json record) {
    if (services.record != nullptr) {
        (void)services.record->append(std::move(record));
    }
}

Event Executor::stage_event(const std::string& type, const Json& node) const {
    Event e;
    e.type = type;
    e.stage = node.value("id", "");
    e.stage_name = node.value("name", "");
    e.file = plan.pipeline;
    e.line = node.value("line", 0U);
    e.column = node.value("column", 0U);
    return e;
}

Event Executor::step_event(const std::string& type, const compiler::PlanStep& step) const {
    Event e;
    e.type = type;
    e.stage = step.stage;
    e.stage_name = step.stage_name;
    e.step = step.id;
    e.kind = step.kind;
    e.file = step.file;
    e.line = step.line;
    e.column = step.column;
    return e;
}

void Executor::settle(const Flow& flow, StageRun& stage) {
    if (flow.end == Flow::End::error) {
        stage.result = worse(stage.result, BuildResult::failure);
        worsen_build(BuildResult::failure, flow.message);
    } else if (flow.end == Flow::End::interrupted) {
        stage.result = worse(stage.result, BuildResult::aborted);
        // A branch ended because a sibling failed is ABORTED; the build fails by the sibling.
        if (flow.reason != CancelReason::fail_fast) {
            worsen_build(BuildResult::aborted, flow.message);
        }
    }
}

namespace {

/// The result of the last completed run of this pipeline before `number`.
std::optional<BuildResult> previous_run_result(const RunServices& services, const std::string& job,
                                               long long number) {
    if (services.state_dir.empty()) {
        return std::nullopt;
    }
    // Newest first: only the runs down to the first with a result are read.
    for (const auto& run : list_run_dirs(services.state_dir, job)) {
        if (run.number >= number) {
            continue;
        }
        std::string error;
        if (const auto result = read_result(run.dir, error)) {
            return result->result;
        }
    }
    return std::nullopt;
}

bool has_option(const Json& frame, const char* name) {
    const auto it = frame.find("options");
    return it != frame.end() && it->is_object() && it->contains(name);
}

} // namespace

RunOutcome Executor::run() {
    const auto started = std::chrono::system_clock::now();
    const auto started_clock = Clock::now();
    const long long number = services.record != nullptr ? services.record->header().number
                             : plan.build_number        ? *plan.build_number
                                                        : 0;
    previous_result = previous_run_result(services, plan.job, number);
    Event begin;
    begin.type = "run.started";
    begin.file = plan.pipeline;
    begin.data["pipeline"] = plan.job;
    begin.data["environment"] = plan.environment;
    begin.data["build"] = number;
    report(begin);
    journal({{"type", "run.started"}, {"pipeline", plan.job}, {"build", number}});

    const Json& frame_node = plan.stages;
    StageRun pipeline_stage{"", "pipeline", BuildResult::success};
    Variables vars;
    SecretDir secrets;
    Flow flow = pipeline_variables(vars, secrets);
    std::optional<RunLock> lock;
    if (flow.ok() && has_option(frame_node, "disableConcurrentBuilds") &&
        !services.state_dir.empty()) {
        std::string error;
        const auto say = [&](const std::string& m) {
            Event e;
            e.type = "log";
            e.stream = "err";
            e.message = m;
            report(e);
        };
        if (auto acquired = RunLock::acquire(services.state_dir, plan.job, root, say, error)) {
            lock.emplace(std::move(*acquired));
        } else {
            flow = root.cancelled() ? Flow::interrupted(root) : Flow::error(error);
        }
    }
    std::optional<Cancellation> timed;
    if (flow.ok()) {
        nlohmann::json options_json = frame_node.value("options", Json::object());
        if (const auto t = options_json.find("timeout"); t != options_json.end()) {
            std::string error;
            if (auto d = duration_of(compiler::resolve_value(*t, scope_of(vars)).value, error)) {
                timed.emplace(&root, Clock::now() + *d);
            } else {
                flow = Flow::error(error);
            }
        }
    }
    const Cancellation& cancel = timed ? *timed : root;
    if (flow.ok()) {
        // The implicit `checkout scm`: the workspace is the checkout being built, so it is a
        // no-op with or without skipDefaultCheckout (docs/cli.md).
        flow = run_sequence(frame_node.value("stages", Json::array()), vars, cancel, "");
    }
    settle(flow, pipeline_stage);
    std::optional<Cancellation> detached;
    if (cancel.cancelled()) {
        detached.emplace(); // post runs after an interrupt or timeout, Jenkins-style
    }
    Frame frame{&vars, services.workspace, detached ? &*detached : &cancel, &pipeline_stage};
    (void)run_post(frame_node.value("post", Json::array()), frame);

    RunOutcome outcome;
    outcome.result = build_result();
    outcome.exit_code = exit_code_of(outcome.result);
    {
        std::lock_guard guard(result_mutex_);
        outcome.message = first_message_;
    }
    const auto finished = std::chrono::system_clock::now();
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_clock);
    Event end;
    end.type = "run.finished";
    end.file = plan.pipeline;
    end.result = result_name(outcome.result);
    end.message = outcome.message;
    end.duration = elapsed;
    report(end);
    journal({{"type", "run.finished"}, {"result", end.result}});
    if (services.record != nullptr) {
        RunResultRecord record;
        record.result = outcome.result;
        record.exit_code = outcome.exit_code;
        record.started = rfc3339(started);
        record.finished = rfc3339(finished);
        record.duration_ms = elapsed.count();
        record.message = outcome.message;
        std::lock_guard guard(stage_results_mutex);
        for (auto& s : stage_results) {
            record.stages.push_back(std::move(s));
        }
        if (auto error = services.record->write_result(record); !error.empty()) {
            Event e;
            e.type = "log";
            e.stream = "err";
            e.message = error;
            report(e);
        }
    }
    return outcome;
}

} // namespace detail

RunOutcome execute(RunServices& services, const DriverTable& drivers, Reporters& reporters,
                   const Cancellation& cancel, const RunOptions& options) {
    if (services.plan == nullptr) {
        return {BuildResult::failure, 1, "no plan to run"};
    }
    Masker fallback;
    if (services.masker == nullptr) {
        services.masker = &fallback;
    }
    detail::Executor executor(services, drivers, reporters, cancel, options);
    RunOutcome outcome;
    try {
        outcome = executor.run();
    } catch (const std::exception& e) {
        outcome = {BuildResult::failure, 1,
                   executor.mask(fmt::format("internal error: {}", e.what()))};
    }
    if (services.masker == &fallback) {
        services.masker = nullptr;
    }
    return outcome;
}

} // namespace ferry::runtime
