// `ferry run`: plan (or read a saved plan and check it is not stale), take a build number,
// open the run record, and execute with the console, CI, NDJSON and JUnit reporters.
#include "cli/cmd_run.hpp"

#include "cli/pipeline_setup.hpp"
#include "cli/run_pipeline.hpp"
#include "runtime/compensate.hpp"
#include "runtime/env_lock.hpp"
#include "runtime/executor.hpp"
#include "runtime/git.hpp"
#include "runtime/state.hpp"
#include "runtime/transaction.hpp"
#include "stdlib/drivers/drivers.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <unistd.h>

namespace ferry::cli {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> real_getenv(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return v != nullptr ? std::optional<std::string>(v) : std::nullopt;
}

/// Where two observation documents differ, as dotted paths (at most `limit`).
void differences(const nlohmann::json& a, const nlohmann::json& b, const std::string& path,
                 std::vector<std::string>& out, std::size_t limit = 6) {
    if (out.size() >= limit || a == b) {
        return;
    }
    if (a.is_object() && b.is_object()) {
        for (const auto& [key, value] : a.items()) {
            differences(value, b.contains(key) ? b[key] : nlohmann::json(), path + "." + key, out,
                        limit);
        }
        for (const auto& [key, value] : b.items()) {
            if (!a.contains(key)) {
                differences(nlohmann::json(), value, path + "." + key, out, limit);
            }
        }
        return;
    }
    if (a.is_array() && b.is_array() && a.size() == b.size()) {
        for (std::size_t i = 0; i < a.size(); ++i) {
            differences(a[i], b[i], fmt::format("{}[{}]", path, i), out, limit);
        }
        return;
    }
    const auto shown = [](const nlohmann::json& v) {
        const std::string text = v.dump();
        return text.size() > 60 ? text.substr(0, 60) + "…" : text;
    };
    out.push_back(fmt::format("{}: {} -> {}", path.substr(1), shown(a), shown(b)));
}

/// Reads `--plan FILE` and checks it against the fresh plan. Exit code on refusal.
std::optional<int> use_saved_plan(const std::string& file, const compiler::Plan& fresh,
                                  compiler::Plan& out) {
    std::ifstream in(file);
    if (!in) {
        fmt::print(stderr, "ferry run: --plan {}: cannot read the file\n", file);
        return 2;
    }
    nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_discarded()) {
        fmt::print(stderr, "ferry run: --plan {}: not JSON (write it with ferry plan --out)\n",
                   file);
        return 2;
    }
    std::string error;
    auto saved = compiler::plan_from_json(json, error);
    if (!saved) {
        fmt::print(stderr, "ferry run: --plan {}: {}\n", file, error);
        return 2;
    }
    if (saved->pipeline != fresh.pipeline || saved->environment != fresh.environment) {
        fmt::print(stderr,
                   "ferry run: --plan {} is a plan of {} in environment {}, not of {} in {}\n",
                   file, saved->pipeline, saved->environment, fresh.pipeline, fresh.environment);
        return 2;
    }
    if (saved->observations_fingerprint != fresh.observations_fingerprint) {
        std::vector<std::string> changed;
        differences(nlohmann::json(saved->observations), nlohmann::json(fresh.observations), "",
                    changed);
        fmt::print(stderr,
                   "ferry run: --plan {} is stale: the world changed since it was made "
                   "(observations {} now {}); plan again\n",
                   file, saved->observations_fingerprint, fresh.observations_fingerprint);
        for (const auto& c : changed) {
            fmt::print(stderr, "  changed: {}\n", c);
        }
        return 2;
    }
    out = std::move(*saved);
    return std::nullopt;
}

/// Password parameters' values: `-p NAME=VALUE`, else the variable NAME of ferry's own
/// environment, else the pipeline's default (docs/cli.md).
std::vector<std::pair<std::string, runtime::Secret>> password_parameters(const RunArgs& a,
                                                                         const Planned& planned) {
    std::vector<std::pair<std::string, runtime::Secret>> out;
    if (!planned.pipeline.ir) {
        return out;
    }
    for (const auto& p : planned.pipeline.ir->parameters) {
        if (!p.secret) {
            continue;
        }
        std::optional<std::string> value;
        for (const auto& given : a.inputs.params) {
            if (given.rfind(p.name + "=", 0) == 0) {
                value = given.substr(p.name.size() + 1);
            }
        }
        if (!value) {
            value = real_getenv(p.name);
        }
        if (!value && p.default_value &&
            p.default_value->kind == compiler::ir::Value::Kind::string) {
            value = p.default_value->text;
        }
        out.emplace_back(p.name, runtime::Secret(value.value_or("")));
    }
    return out;
}

/// The reporters the options and the terminal call for. Exit code on failure.
// The events of a rollback after a failed run: `rollback.started`, one `effect.compensated`
// per effect (data: effect_id, kind, target, restored, detail), then `rollback.finished`.
runtime::RollbackObserver rollback_events(runtime::Reporters& reporters,
                                          const runtime::Masker& masker) {
    runtime::RollbackObserver observer;
    observer.started = [&reporters](std::size_t effects) {
        runtime::Event event;
        event.type = "rollback.started";
        event.message = fmt::format("undoing {} change{} of this run, newest first", effects,
                                    effects == 1 ? "" : "s");
        event.data = {{"effects", effects}};
        reporters.report(event);
    };
    observer.compensated = [&reporters, &masker](const runtime::Compensation& c) {
        runtime::Event event;
        event.type = "effect.compensated";
        event.result = c.restored ? "SUCCESS" : "FAILURE";
        event.message = masker.mask(runtime::format_compensation(c));
        event.data = {{"effect_id", c.effect_id},
                      {"kind", c.kind},
                      {"target", masker.mask(c.target)},
                      {"restored", c.restored},
                      {"detail", masker.mask(c.detail)}};
        reporters.report(event);
    };
    return observer;
}

std::optional<int> add_reporters(const RunArgs& a, runtime::Reporters& reporters,
                                 const std::string& job) {
    const auto ci = runtime::detect_ci(real_getenv);
    const bool events_on_stdout = a.events == "-";
    std::FILE* console = events_on_stdout ? stderr : stdout;
    if (ci != runtime::CiSystem::none) {
        reporters.add(runtime::make_ci_reporter(console, ci));
    } else {
        runtime::ConsoleOptions options;
        options.terminal = isatty(fileno(console)) != 0;
        options.color = options.terminal && !a.no_color && std::getenv("NO_COLOR") == nullptr;
        options.quiet = a.quiet;
        reporters.add(runtime::make_console_reporter(console, options));
    }
    if (events_on_stdout) {
        reporters.add(runtime::make_ndjson_reporter(stdout));
    } else if (!a.events.empty()) {
        std::string error;
        auto reporter = runtime::make_ndjson_reporter(fs::path(a.events), error);
        if (!reporter) {
            fmt::print(stderr, "ferry run: --events {}: {}\n", a.events, error);
            return 2;
        }
        reporters.add(std::move(reporter));
    }
    if (!a.junit.empty()) {
        reporters.add(runtime::make_junit_reporter(a.junit, job));
    }
    return std::nullopt;
}

} // namespace

RunSummary run_pipeline(const RunArgs& a, const RunHooks& hooks) {
    RunSummary summary;
    // Every early return before the run starts is an exit code only.
    const auto stop = [&summary](int code) {
        summary.exit_code = code;
        return summary;
    };
    const bool color = use_color(a.no_color);
    Planned planned;
    if (auto failed = compute_plan(a.inputs, "run", color, 2, planned)) {
        return stop(*failed);
    }
    compiler::Plan plan = planned.result.plan;
    if (!a.plan_file.empty()) {
        if (auto refused = use_saved_plan(a.plan_file, planned.result.plan, plan)) {
            return stop(*refused);
        }
    }
    const fs::path workspace = fs::absolute(fs::current_path());
    const fs::path state_dir = runtime::git_work_tree(workspace).value_or(workspace) /
                               std::string(runtime::state_dir_name);
    // One run at a time per environment, and none while an earlier run's changes are neither
    // committed nor rolled back (docs/deploys.md).
    runtime::LockRequest lock_request;
    lock_request.environment = plan.environment;
    lock_request.holder.pipeline = plan.job;
    std::string lock_error;
    std::string stale;
    const auto lock =
        runtime::EnvironmentLock::acquire(state_dir, lock_request, lock_error, &stale);
    if (!lock) {
        fmt::print(stderr, "ferry run: {}\n", lock_error);
        return stop(2);
    }
    if (!stale.empty()) {
        fmt::print(stderr, "ferry run: note: {}\n", stale);
    }
    if (const auto unfinished = runtime::unfinished_runs(state_dir, plan.environment);
        !unfinished.empty()) {
        fmt::print(stderr,
                   "ferry run: run {} of '{}' in environment {} did not finish, and its changes "
                   "are not rolled back: run `ferry recover --env {}` first\n",
                   unfinished.front().number, unfinished.front().pipeline, plan.environment,
                   plan.environment);
        return stop(2);
    }
    long long number = 0;
    if (auto ci = real_getenv("BUILD_NUMBER");
        ci && !ci->empty() && ci->find_first_not_of("0123456789") == std::string::npos) {
        number = std::stoll(*ci);
    } else {
        auto counted = runtime::increment_build_counter(state_dir, plan.job, plan.environment);
        if (!counted.ok()) {
            fmt::print(stderr, "ferry run: {}\n", counted.error);
            return stop(2);
        }
        number = counted.state->build_counter;
    }
    plan.build_number = number;
    runtime::RunHeader header{plan.job,      plan.environment, number,
                              plan.pipeline, plan.git.commit,  plan.observations_fingerprint};
    std::string error;
    auto record = runtime::RunRecord::create(state_dir, header, error);
    if (!record) {
        fmt::print(stderr, "ferry run: {}\n", error);
        return stop(2);
    }
    runtime::Reporters reporters;
    if (auto failed = add_reporters(a, reporters, plan.job)) {
        return stop(*failed);
    }
    const auto& config = *planned.config.config;
    runtime::Masker masker;
    runtime::RunServices services;
    services.plan = &plan;
    services.config = &config;
    services.environment = config.find_environment(plan.environment);
    services.workspace = workspace;
    services.state_dir = state_dir;
    services.record = record.get();
    services.masker = &masker;
    services.credential_sources = runtime::system_credential_sources();
    services.getenv = real_getenv;
    runtime::RunOptions options;
    options.approvals = a.approvals;
    options.approver = a.approver;
    // Who answers here when --approver is not given: the CI's user, else the user running ferry.
    for (const char* name :
         {"GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILD_USER_ID", "USER", "LOGNAME"}) {
        if (!options.approver.empty()) {
            break;
        }
        options.approver = real_getenv(name).value_or("");
        // Only a local login's Unix groups are its groups: a CI's user name may happen to be
        // the name of an unrelated local account.
        options.approver_is_local =
            !options.approver.empty() &&
            (std::string_view(name) == "USER" || std::string_view(name) == "LOGNAME");
    }
    options.password_params = password_parameters(a, planned);
    options.prompt = isatty(fileno(stdin)) != 0 && isatty(fileno(stderr)) != 0;
    summary.build_number = number;
    if (hooks.started) {
        hooks.started(number, plan.git.commit);
    }
    runtime::Cancellation own_root;
    runtime::RunOutcome outcome;
    {
        std::optional<runtime::SignalGuard> guard;
        if (hooks.root == nullptr) {
            guard.emplace(own_root);
        }
        const auto drivers = stdlib::drivers::builtin_drivers();
        outcome = runtime::execute(services, drivers, reporters,
                                   hooks.root != nullptr ? *hooks.root : own_root, options);
    }
    summary.result = outcome.result;
    int exit_code = outcome.exit_code;
    if (outcome.result == runtime::BuildResult::success ||
        outcome.result == runtime::BuildResult::unstable) {
        // The run's effects stay: commit them so that nothing rolls them back later.
        if (auto failed = runtime::commit_run(*record); !failed.empty()) {
            fmt::print(stderr, "ferry run: {}\n", failed);
        }
    }
    if (outcome.result == runtime::BuildResult::success) {
        auto recorded =
            runtime::record_success(state_dir, plan.job, plan.environment, plan.git.commit, number);
        if (!recorded.ok()) {
            fmt::print(stderr, "ferry run: {}\n", recorded.error);
        }
    }
    if (outcome.result == runtime::BuildResult::failure ||
        outcome.result == runtime::BuildResult::aborted) {
        // A run is a transaction: undo everything it changed, newest first, reported as events.
        const auto rollback =
            runtime::finish_failed_run(services, *record, rollback_events(reporters, masker));
        if (!rollback.compensations.empty()) {
            runtime::Event finished;
            finished.type = "rollback.finished";
            finished.result = rollback.complete() ? "SUCCESS" : "FAILURE";
            finished.message = masker.mask(runtime::format_rollback_summary(rollback));
            finished.data = {{"complete", rollback.complete()},
                             {"effects", rollback.compensations.size()}};
            reporters.report(finished);
            exit_code = rollback.complete() ? outcome.exit_code : 5;
        }
    }
    if (auto failed = reporters.finish(); !failed.empty()) {
        fmt::print(stderr, "ferry run: {}\n", masker.mask(failed));
    }
    summary.exit_code = exit_code;
    return summary;
}

Runner setup_run(CLI::App& app) {
    auto a = std::make_shared<RunArgs>();
    app.add_option("-f,--file", a->inputs.file,
                   "The pipeline file (default: Ferryfile, else Jenkinsfile)");
    app.add_option("--env", a->inputs.env, "The environment of ferry.yaml to run in")->required();
    app.add_option("--config", a->inputs.config,
                   "ferry.yaml (default: beside the pipeline file, else in this directory)");
    app.add_option("-p,--param", a->inputs.params, "A parameter value, NAME=VALUE (repeatable)");
    app.add_flag("--offline", a->inputs.offline,
                 "Probe no registry or cluster before running (as `ferry plan --offline`)");
    app.add_flag("--no-cache", a->inputs.no_cache,
                 "Build every image even when its key was built before (FERRY_NO_CACHE=1)");
    app.add_option("--plan", a->plan_file,
                   "Run exactly this saved plan (ferry plan --out); refused when stale");
    app.add_option("--approve", a->approvals,
                   "Approve the input with this id in advance; `*` approves every input "
                   "(repeatable)");
    app.add_option("--approver", a->approver,
                   "Who approves, for `input submitter:` (default: the CI's user "
                   "GITHUB_ACTOR, GITLAB_USER_LOGIN or BUILD_USER_ID, else $USER)");
    app.add_option("--events", a->events, "Write events as NDJSON to FILE, or - for stdout");
    app.add_option("--junit", a->junit, "Write a JUnit XML report to FILE");
    app.add_flag("--no-color", a->no_color, "Never colour the output (also: NO_COLOR)");
    app.add_flag("--quiet", a->quiet, "Show stage results and failures, not step output");
    return [a]() -> int { return run_pipeline(*a, RunHooks{}).exit_code; };
}

} // namespace ferry::cli
