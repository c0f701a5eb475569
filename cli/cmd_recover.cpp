// `ferry rollback --env E [--to RUN]` compensates, newest first, the effects of the runs of an
// environment back to RUN (default: its last run that changed something); `ferry recover
// [--env E]` finishes the rollback of every unfinished journal. Both hold the environment's
// lock while they work, read ferry.yaml for registry credentials, and print what was restored
// and what was not. Exit 0 complete, 5 not complete, 2 usage, unreadable records or a busy lock.
#include "cli/cmd_recover.hpp"

#include "runtime/compensate.hpp"
#include "runtime/config.hpp"
#include "runtime/env_lock.hpp"
#include "runtime/git.hpp"
#include "runtime/state.hpp"

#include <algorithm>
#include <cstdio>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <map>
#include <set>

namespace ferry::cli {
namespace {

namespace fs = std::filesystem;

struct RecoverArgs {
    std::string env;
    long long to = 0;
    std::string pipeline;
    std::string config;
    std::string format = "text";
};

fs::path workspace_root() {
    const fs::path workspace = fs::absolute(fs::current_path());
    return runtime::git_work_tree(workspace).value_or(workspace);
}

/// ferry.yaml for registry endpoints: --config, else ./ferry.yaml, else the workspace's. A
/// rollback still runs without one (clusters are named by the journal; registries are then
/// reached anonymously), so a missing default file is only noted.
std::optional<runtime::LoadedConfig> load_ferry_yaml(const RecoverArgs& a, const char* command,
                                                     int& exit_code) {
    fs::path path = a.config;
    if (path.empty()) {
        for (const auto& candidate : {fs::path(runtime::default_config_name),
                                      workspace_root() / runtime::default_config_name}) {
            if (fs::exists(candidate)) {
                path = candidate;
                break;
            }
        }
    }
    if (path.empty()) {
        fmt::print(stderr, "ferry {}: no {} here: registries are reached without credentials\n",
                   command, runtime::default_config_name);
        return std::nullopt;
    }
    auto loaded = runtime::load_config(path);
    if (!loaded.ok()) {
        for (const auto& d : loaded.diagnostics.all()) {
            fmt::print(stderr, "ferry {}: {}: {}\n", command, path.string(), d.message);
        }
        exit_code = 2;
        return std::nullopt;
    }
    return loaded;
}

std::set<std::string> compensated(const runtime::JournalRead& journal) {
    std::set<std::string> ids;
    for (const auto& r : journal.records) {
        if (r.value("type", "") == "compensated") {
            ids.insert(r.value("effect_id", ""));
        }
    }
    return ids;
}

/// Whether a run has effects that no rollback has undone yet.
bool has_pending_effects(const runtime::RunSummary& run) {
    const auto journal = runtime::read_journal(run.dir);
    const auto done = compensated(journal);
    for (const auto& effect : runtime::journal_effects(journal)) {
        if (done.count(effect.value("effect_id", "")) == 0) {
            return true;
        }
    }
    return false;
}

std::string started_of(const runtime::RunSummary& run) {
    const auto journal = runtime::read_journal(run.dir);
    return journal.records.empty() ? std::string()
                                   : journal.records.front().value("time", std::string());
}

struct RunOutcome {
    runtime::RunSummary run;
    runtime::RollbackReport report;
    std::string error;
};

class Session {
public:
    Session(const RecoverArgs& args, const char* command) : args_(args), command_(command) {}

    /// Loads ferry.yaml; an exit code when it cannot go on.
    std::optional<int> start() {
        int exit_code = 0;
        config_ = load_ferry_yaml(args_, command_, exit_code);
        return exit_code == 0 ? std::nullopt : std::optional<int>(exit_code);
    }

    /// Rolls back `runs` (newest first) of environment `env` under its lock.
    std::optional<int> roll_back(const std::string& env,
                                 const std::vector<runtime::RunSummary>& runs) {
        runtime::LockRequest request;
        request.environment = env;
        request.holder.pipeline = fmt::format("ferry {}", command_);
        std::string error;
        std::string stale;
        const auto lock = runtime::EnvironmentLock::acquire(state_dir_, request, error, &stale);
        if (!lock) {
            fmt::print(stderr, "ferry {}: {}\n", command_, error);
            return 2;
        }
        if (!stale.empty()) {
            fmt::print(stderr, "ferry {}: {}\n", command_, stale);
        }
        runtime::CompensationContext context;
        if (config_ && config_->config) {
            context.config = &*config_->config;
            context.environment = config_->config->find_environment(env);
        }
        context.credential_sources = runtime::system_credential_sources();
        const auto table = runtime::make_compensators(std::move(context));
        for (const auto& run : runs) {
            RunOutcome done{run, {}, {}};
            auto record = runtime::RunRecord::open(run.dir, done.error);
            if (record) {
                done.report = runtime::roll_back_run(*record, table);
            }
            outcomes_.push_back(std::move(done));
        }
        return std::nullopt;
    }

    [[nodiscard]] const fs::path& state_dir() const { return state_dir_; }

    int finish() const {
        bool complete = true;
        for (const auto& o : outcomes_) {
            complete = complete && o.error.empty() && o.report.complete();
        }
        if (args_.format == "json") {
            print_json(complete);
        } else {
            print_text();
        }
        return complete ? 0 : 5;
    }

private:
    void print_text() const {
        if (outcomes_.empty()) {
            std::puts("nothing to undo");
        }
        for (const auto& o : outcomes_) {
            fmt::print("run {} of {} (environment {}):\n", o.run.number, o.run.pipeline,
                       o.run.header ? o.run.header->environment : "?");
            if (!o.error.empty()) {
                fmt::print("  NOT RESTORED  the run record cannot be opened: {}\n", o.error);
                continue;
            }
            std::fputs(runtime::format_rollback_report(o.report).c_str(), stdout);
        }
    }

    void print_json(bool complete) const {
        auto runs = nlohmann::ordered_json::array();
        for (const auto& o : outcomes_) {
            nlohmann::ordered_json j{{"pipeline", o.run.pipeline},
                                     {"number", o.run.number},
                                     {"environment", o.run.header ? o.run.header->environment : ""},
                                     {"dir", o.run.dir.string()}};
            if (!o.error.empty()) {
                j["error"] = o.error;
                j["complete"] = false;
            } else {
                const auto report = o.report.to_json();
                for (const auto& [k, v] : report.items()) {
                    j[k] = v;
                }
            }
            runs.push_back(std::move(j));
        }
        const nlohmann::ordered_json out{{"complete", complete}, {"runs", std::move(runs)}};
        std::puts(out.dump(2).c_str());
    }

    const RecoverArgs& args_;
    const char* command_;
    fs::path state_dir_ = workspace_root() / std::string(runtime::state_dir_name);
    std::optional<runtime::LoadedConfig> config_;
    std::vector<RunOutcome> outcomes_;
};

/// The runs of `env` newest first (by start time, then number).
std::vector<runtime::RunSummary> runs_of(const fs::path& state_dir, const RecoverArgs& a) {
    std::vector<std::pair<std::string, runtime::RunSummary>> dated;
    for (auto& run : runtime::list_runs(state_dir, a.pipeline)) {
        if (run.header && run.header->environment == a.env) {
            auto started = started_of(run);
            dated.emplace_back(std::move(started), std::move(run));
        }
    }
    std::stable_sort(dated.begin(), dated.end(), [](const auto& x, const auto& y) {
        return x.first != y.first ? x.first > y.first : x.second.number > y.second.number;
    });
    std::vector<runtime::RunSummary> out;
    for (auto& [started, run] : dated) {
        out.push_back(std::move(run));
    }
    return out;
}

int rollback(const RecoverArgs& a) {
    Session session(a, "rollback");
    if (auto failed = session.start()) {
        return *failed;
    }
    const auto runs = runs_of(session.state_dir(), a);
    std::vector<runtime::RunSummary> chosen;
    if (a.to > 0) {
        std::vector<std::string> pipelines;
        for (const auto& run : runs) {
            if (run.number == a.to) {
                pipelines.push_back(run.pipeline);
            }
        }
        if (pipelines.empty()) {
            fmt::print(stderr, "ferry rollback: environment {} has no run {} (see ferry history)\n",
                       a.env, a.to);
            return 2;
        }
        if (pipelines.size() > 1) {
            fmt::print(stderr,
                       "ferry rollback: run {} exists in pipelines {}: name one with "
                       "--pipeline\n",
                       a.to, fmt::join(pipelines, ", "));
            return 2;
        }
        for (const auto& run : runs) {
            if (has_pending_effects(run)) {
                chosen.push_back(run);
            }
            if (run.number == a.to) {
                break;
            }
        }
    } else {
        for (const auto& run : runs) {
            if (has_pending_effects(run)) {
                chosen.push_back(run);
                break;
            }
        }
    }
    if (chosen.empty()) {
        fmt::print(stderr, "ferry rollback: no run of environment {} has changes left to undo\n",
                   a.env);
    } else if (auto failed = session.roll_back(a.env, chosen)) {
        return *failed;
    }
    return session.finish();
}

int recover(const RecoverArgs& a) {
    Session session(a, "recover");
    if (auto failed = session.start()) {
        return *failed;
    }
    // Newest first within each environment: a later run's effects sit on top of an earlier one's.
    std::map<std::string, std::vector<runtime::RunSummary>> by_env;
    for (auto& run : runtime::unfinished_runs(session.state_dir(), a.env)) {
        auto& list = by_env[run.header->environment];
        list.insert(list.begin(), std::move(run));
    }
    if (by_env.empty()) {
        fmt::print(stderr, "ferry recover: no unfinished run{}\n",
                   a.env.empty() ? std::string() : " in environment " + a.env);
    }
    for (const auto& [env, runs] : by_env) {
        if (auto failed = session.roll_back(env, runs)) {
            return *failed;
        }
    }
    return session.finish();
}

void common_options(CLI::App& app, RecoverArgs& a) {
    app.add_option("--config", a.config,
                   "ferry.yaml, for registry credentials (default: ./ferry.yaml, else the "
                   "workspace's)");
    app.add_option("--format", a.format, "Output: text or json")
        ->check(CLI::IsMember({"text", "json"}));
}

} // namespace

Runner setup_rollback(CLI::App& app) {
    auto a = std::make_shared<RecoverArgs>();
    app.add_option("--env", a->env, "The environment whose runs to undo")->required();
    app.add_option("--to", a->to,
                   "Undo this run and every later one (default: the last run with changes)")
        ->check(CLI::PositiveNumber);
    app.add_option("--pipeline", a->pipeline, "Only this pipeline's runs (default: every one)");
    common_options(app, *a);
    return [a]() -> int { return rollback(*a); };
}

Runner setup_recover(CLI::App& app) {
    auto a = std::make_shared<RecoverArgs>();
    app.add_option("--env", a->env, "Only this environment (default: every one)");
    common_options(app, *a);
    return [a]() -> int { return recover(*a); };
}

} // namespace ferry::cli
