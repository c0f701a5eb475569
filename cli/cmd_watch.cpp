// `ferry watch REMOTE --branch B`: list the remote's refs every interval (cheap: no fetch);
// when the branch head is a commit no run was started for, fetch and check it out into the
// watch workspace, apply the --path filter against the last built commit, and run the
// pipeline there exactly as `ferry run`. Commits pushed during a run wait in a queue that
// keeps only the newest. docs/watch.md is the user's page.
#include "cli/cmd_watch.hpp"

#include "cli/run_pipeline.hpp"
#include "runtime/config.hpp"
#include "runtime/files.hpp"
#include "runtime/git.hpp"
#include "runtime/git_checkout.hpp"
#include "runtime/state.hpp"
#include "runtime/watch_cron.hpp"
#include "runtime/watch_policy.hpp"
#include "runtime/watch_remote.hpp"
#include "runtime/watch_state.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace ferry::cli {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

/// `--once` could not list the remote or fetch the commit (ferry run's codes stop at 5).
constexpr int remote_failed_exit = 6;

struct WatchArgs {
    std::string remote;
    std::string branch;
    std::vector<std::string> paths;
    double interval = 0; ///< seconds; 0: from the pipeline's pollSCM, else the default
    std::string workspace;
    std::string credentials;
    int max_runs = 0;
    bool once = false;
    RunArgs run;
};

/// One line of the watch's own log, time-stamped, flushed at once (runs print in between).
void say(const std::string& line) {
    const auto now = std::chrono::system_clock::now();
    const auto t = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm local{};
    localtime_r(&t, &local);
    char stamp[16];
    std::strftime(stamp, sizeof stamp, "%H:%M:%S", &local);
    fmt::print(stdout, "[watch {}.{:03}] {}\n", stamp, ms, line);
    std::fflush(stdout);
}

/// `0.5`, `300`: the interval as people write it.
std::string seconds_text(std::chrono::milliseconds interval) {
    return interval.count() % 1000 == 0
               ? std::to_string(interval.count() / 1000)
               : fmt::format("{:g}", static_cast<double>(interval.count()) / 1000.0);
}

std::string short_sha(const std::string& sha) {
    return sha.substr(0, 7);
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out;
}

/// Splits `user:password@` out of an http(s) URL; the URL returned holds no secret.
std::string take_url_credentials(const std::string& url, runtime::RemoteAuth& auth) {
    const auto clean = runtime::strip_url_credentials(url);
    if (clean == url) {
        return url;
    }
    const auto start = url.find("://") + 3;
    const auto userinfo = url.substr(start, url.find('@', start) - start);
    const auto colon = userinfo.find(':');
    const auto decode = [](std::string_view text) {
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '%' && i + 2 < text.size()) {
                out +=
                    static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
                i += 2;
            } else {
                out += text[i];
            }
        }
        return out;
    };
    auth.username = runtime::Secret(decode(userinfo.substr(0, colon)));
    if (colon != std::string::npos) {
        auth.password = runtime::Secret(decode(userinfo.substr(colon + 1)));
    }
    return clean;
}

/// The repository's name from its URL (`…/kiamol.git` → `kiamol`), for the workspace.
std::string repository_name(const std::string& url) {
    std::string name = url;
    while (!name.empty() && name.back() == '/') {
        name.pop_back();
    }
    name = name.substr(name.find_last_of("/:") + 1);
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".git") == 0) {
        name.resize(name.size() - 4);
    }
    return name.empty() ? "repository" : name;
}

/// Holds an exclusive flock on a file for the watch's lifetime: one watcher per workspace.
class WorkspaceLock {
public:
    explicit WorkspaceLock(const fs::path& file) {
        fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        held_ = fd_ >= 0 && ::flock(fd_, LOCK_EX | LOCK_NB) == 0;
    }
    WorkspaceLock(const WorkspaceLock&) = delete;
    WorkspaceLock& operator=(const WorkspaceLock&) = delete;
    ~WorkspaceLock() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    [[nodiscard]] bool held() const { return held_; }

private:
    int fd_ = -1;
    bool held_ = false;
};

/// Changes the current directory for its lifetime (runs use the current directory).
class InDirectory {
public:
    explicit InDirectory(const fs::path& dir) : previous_(fs::current_path()) {
        fs::current_path(dir);
    }
    InDirectory(const InDirectory&) = delete;
    InDirectory& operator=(const InDirectory&) = delete;
    ~InDirectory() {
        std::error_code ignored;
        fs::current_path(previous_, ignored);
    }

private:
    fs::path previous_;
};

class Watcher {
public:
    Watcher(WatchArgs args, runtime::RemoteAuth auth, fs::path workspace)
        : a_(std::move(args)), auth_(std::move(auth)), workspace_(std::move(workspace)) {}

    int run();

private:
    bool poll_and_build();
    bool build(const std::string& commit);
    bool check_out(const std::string& commit);
    bool passes_path_filter(const std::string& commit);
    void run_commit(const std::string& commit);
    void poll_during_run(const std::string& running, const std::atomic<long long>& number,
                         std::atomic<bool>& done);
    void update_interval(bool announce = true);
    [[nodiscard]] bool finished() const {
        return root_.cancelled() || (a_.max_runs > 0 && runs_ >= a_.max_runs);
    }

    WatchArgs a_;
    runtime::RemoteAuth auth_;
    fs::path workspace_;
    fs::path state_path_;
    runtime::WatchState state_;
    runtime::Cancellation root_;
    runtime::CoalescingQueue queue_;
    std::chrono::milliseconds interval_{runtime::default_poll_interval};
    std::string interval_source_;
    std::optional<std::string> last_seen_;
    int runs_ = 0;
    int last_exit_ = 0;
    bool poll_failed_ = false;
    bool checkout_failed_ = false;
    bool aborted_run_ = false; ///< the signal that stops the watch arrived during a run
};

void Watcher::update_interval(bool announce) {
    if (a_.interval > 0) {
        return;
    }
    LoadedPipeline pipeline;
    std::optional<std::string> spec;
    {
        const InDirectory in(workspace_);
        if (load_pipeline(a_.run.inputs.file, "watch", false, pipeline).has_value()) {
            return; // the run reports the pipeline's errors itself
        }
    }
    for (const auto& trigger : pipeline.ir->triggers) {
        if (trigger.name == "pollSCM" && !trigger.params.empty() &&
            trigger.params.front().value.kind == compiler::ir::Value::Kind::string) {
            spec = trigger.params.front().value.text;
        }
    }
    std::string source = "the default";
    auto interval = std::chrono::milliseconds(runtime::default_poll_interval);
    if (spec) {
        const auto job = fs::absolute(workspace_ / pipeline.source->path()).parent_path();
        const auto derived = runtime::poll_interval_from_cron(*spec, job.filename().string());
        if (const auto* seconds = std::get_if<std::chrono::seconds>(&derived)) {
            interval = *seconds;
            source = fmt::format("pollSCM('{}')", *spec);
        } else {
            say(fmt::format("pollSCM('{}'): {}; polling at the default interval", *spec,
                            std::get<std::string>(derived)));
        }
    }
    if (interval != interval_ || source != interval_source_) {
        interval_ = interval;
        interval_source_ = source;
        if (announce) {
            say(fmt::format("polling every {} s ({})", seconds_text(interval_), source));
        }
    }
}

bool Watcher::check_out(const std::string& commit) {
    if (auto error = runtime::prepare_watch_workspace(workspace_); !error.empty()) {
        say(error);
        return false;
    }
    runtime::GitCheckoutRequest request;
    request.workspace = workspace_;
    request.url = a_.remote;
    request.commit = commit;
    request.branch = a_.branch;
    request.username = auth_.username;
    request.password = auth_.password;
    const auto result = runtime::git_checkout(request, nullptr, root_);
    if (!result.ok) {
        say(fmt::format("commit {} on {}: cannot check it out: {}", short_sha(commit), a_.branch,
                        result.error));
    }
    return result.ok;
}

bool Watcher::passes_path_filter(const std::string& commit) {
    if (a_.paths.empty()) {
        return true;
    }
    const auto base = state_.last_built();
    if (!base) {
        say(fmt::format("commit {} on {}: no commit built yet, so the path filter does not apply",
                        short_sha(commit), a_.branch));
        return true;
    }
    runtime::GitProbeOptions options;
    options.previous_commit = base;
    const auto observed = runtime::probe_git(workspace_, options);
    if (!observed.changed_files) {
        say(fmt::format("commit {} on {}: the changes since {} are unknown ({}): built",
                        short_sha(commit), a_.branch, short_sha(*base), observed.changes_reason));
        return true;
    }
    const auto decision = runtime::filter_paths(a_.paths, *observed.changed_files);
    if (!decision.build) {
        say(fmt::format("commit {} on {} touches no path matching {} ({} file{} changed since "
                        "{}): not built",
                        short_sha(commit), a_.branch, joined(a_.paths),
                        observed.changed_files->size(),
                        observed.changed_files->size() == 1 ? "" : "s", short_sha(*base)));
    }
    return decision.build;
}

void Watcher::poll_during_run(const std::string& running, const std::atomic<long long>& number,
                              std::atomic<bool>& done) {
    while (!done.load() && !root_.cancelled()) {
        const auto deadline = std::chrono::steady_clock::now() + interval_;
        while (!done.load() && !root_.cancelled() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(milliseconds(50));
        }
        if (done.load() || root_.cancelled()) {
            return;
        }
        const auto head = runtime::remote_branch_head(a_.remote, a_.branch, auth_);
        // The state is the runner's; whether a queued commit was built is decided on taking it.
        if (!head.ok() || !head.commit || *head.commit == running ||
            queue_.waiting() == *head.commit) {
            continue;
        }
        const auto offered = queue_.offer({*head.commit, a_.branch});
        if (offered.replaced) {
            say(fmt::format("new commit {} on {} replaces the queued {} (run #{} in progress)",
                            short_sha(*head.commit), a_.branch, short_sha(*offered.replaced),
                            number.load()));
        } else if (offered.queued) {
            say(fmt::format("new commit {} on {}: queued behind run #{}", short_sha(*head.commit),
                            a_.branch, number.load()));
        }
    }
}

void Watcher::run_commit(const std::string& commit) {
    std::atomic<long long> number{0};
    std::atomic<bool> done{false};
    std::thread poller([&] { poll_during_run(commit, number, done); });
    RunHooks hooks;
    hooks.root = &root_;
    hooks.started = [&](long long build, const std::string& /*commit*/) {
        number = build;
        say(fmt::format("new commit {} on {}: run #{}", short_sha(commit), a_.branch, build));
        state_.record(commit, build, "");
        if (auto error = runtime::write_watch_state(state_path_, state_); !error.empty()) {
            say(error);
        }
    };
    ::setenv("BRANCH_NAME", a_.branch.c_str(), 1);
    RunSummary summary;
    {
        const InDirectory in(workspace_);
        summary = run_pipeline(a_.run, hooks);
    }
    aborted_run_ = root_.cancelled();
    done = true;
    poller.join();
    ++runs_;
    last_exit_ = summary.exit_code;
    const std::string result =
        summary.result ? std::string(runtime::to_string(*summary.result)) : "NOT_BUILT";
    state_.record(commit, summary.build_number, result);
    if (auto error = runtime::write_watch_state(state_path_, state_); !error.empty()) {
        say(error);
    }
    say(summary.build_number > 0
            ? fmt::format("run #{} of {} finished: {}", summary.build_number, short_sha(commit),
                          result)
            : fmt::format("commit {} on {}: no run (ferry run's exit code {}); it is not tried "
                          "again",
                          short_sha(commit), a_.branch, summary.exit_code));
}

bool Watcher::build(const std::string& commit) {
    checkout_failed_ = !check_out(commit);
    if (checkout_failed_) {
        last_seen_.reset(); // tried again at the next poll
        return false;
    }
    update_interval();
    if (!passes_path_filter(commit)) {
        return true;
    }
    run_commit(commit);
    return true;
}

// One poll; false when the remote could not be listed.
bool Watcher::poll_and_build() {
    const auto head = runtime::remote_branch_head(a_.remote, a_.branch, auth_);
    if (!head.ok()) {
        if (!poll_failed_) {
            say(head.error + " (trying again at every poll)");
        }
        poll_failed_ = true;
        return false;
    }
    poll_failed_ = false;
    if (!head.commit) {
        if (last_seen_ != std::string()) {
            say(fmt::format("branch {} is not on {} (yet)", a_.branch, a_.remote));
        }
        last_seen_ = std::string();
        return true;
    }
    if (last_seen_ == *head.commit) {
        return true;
    }
    last_seen_ = *head.commit;
    if (state_.built(*head.commit)) {
        const auto& builds = state_.builds;
        const auto it = std::find_if(builds.rbegin(), builds.rend(),
                                     [&](const auto& b) { return b.commit == *head.commit; });
        say(fmt::format("commit {} on {}: already built (run #{}{}): not built again",
                        short_sha(*head.commit), a_.branch, it->build_number,
                        it->result.empty() ? "" : ", " + it->result));
        return true;
    }
    build(*head.commit);
    // Commits pushed during the run: only the newest waits, and it is built next.
    while (!finished()) {
        const auto waiting = queue_.take();
        if (!waiting || state_.built(waiting->sha)) {
            break;
        }
        last_seen_ = waiting->sha;
        build(waiting->sha);
    }
    return true;
}

int Watcher::run() {
    const fs::path state_dir = workspace_ / std::string(runtime::state_dir_name);
    std::error_code error;
    fs::create_directories(state_dir, error);
    const WorkspaceLock lock(state_dir / "watch.lock");
    if (!lock.held()) {
        fmt::print(stderr,
                   "ferry watch: another ferry watch uses the workspace {} (choose another with "
                   "--workspace)\n",
                   workspace_.string());
        return 2;
    }
    const auto pipeline =
        a_.run.inputs.file.empty() ? std::string("(default)") : a_.run.inputs.file;
    state_path_ = runtime::watch_state_path(state_dir, a_.branch, a_.run.inputs.env, pipeline);
    auto read = runtime::read_watch_state(state_path_);
    if (!read.ok()) {
        fmt::print(stderr, "ferry watch: {}\n", read.error);
        return 2;
    }
    state_ = std::move(*read.state);
    state_.remote = a_.remote;
    state_.branch = a_.branch;
    state_.pipeline = pipeline;
    state_.environment = a_.run.inputs.env;
    if (a_.interval > 0) {
        interval_ = milliseconds(static_cast<long long>(a_.interval * 1000));
        interval_source_ = "--interval";
    } else if (a_.run.inputs.file.empty() ? runtime::default_pipeline(workspace_).has_value()
                                          : fs::exists(workspace_ / a_.run.inputs.file)) {
        update_interval(false); // a restart: the pipeline checked out last time says how often
    }
    say(fmt::format("watching {} branch {} into {}{}; {} commit{} built before; polling every "
                    "{} s ({})",
                    a_.remote, a_.branch, workspace_.string(),
                    a_.paths.empty() ? "" : " for changes to " + joined(a_.paths),
                    state_.builds.size(), state_.builds.size() == 1 ? "" : "s",
                    seconds_text(interval_),
                    interval_source_.empty() ? "the default" : interval_source_));
    const runtime::SignalGuard guard(root_);
    while (!finished()) {
        const bool listed = poll_and_build();
        if (a_.once) {
            return listed && !checkout_failed_ ? last_exit_ : remote_failed_exit;
        }
        if (finished() || !root_.sleep_for(interval_)) {
            break;
        }
    }
    if (root_.cancelled()) {
        say(fmt::format("stopped: {}", root_.message()));
        return aborted_run_ ? last_exit_ : 0;
    }
    return last_exit_;
}

int watch(WatchArgs a) {
    if (a.interval < 0) {
        fmt::print(stderr, "ferry watch: --interval must be positive\n");
        return 2;
    }
    runtime::RemoteAuth auth;
    a.remote = take_url_credentials(a.remote, auth);
    if (std::error_code e; a.remote.find("://") == std::string::npos && fs::exists(a.remote, e)) {
        a.remote = fs::absolute(a.remote).lexically_normal().string();
    }
    if (!a.credentials.empty()) {
        const fs::path config_path = a.run.inputs.config.empty()
                                         ? fs::path(runtime::default_config_name)
                                         : fs::path(a.run.inputs.config);
        const auto loaded = runtime::load_config(config_path);
        const auto* credential =
            loaded.ok() ? loaded.config->find_credential(a.credentials) : nullptr;
        if (credential == nullptr) {
            fmt::print(stderr, "ferry watch: --credentials {}: not declared in {}\n", a.credentials,
                       config_path.string());
            return 2;
        }
        const auto resolved =
            runtime::resolve_credential(*credential, runtime::system_credential_sources());
        const auto* pair =
            resolved.ok() ? std::get_if<runtime::UsernamePassword>(&*resolved.value) : nullptr;
        if (pair == nullptr) {
            fmt::print(stderr, "ferry watch: --credentials {}: {}\n", a.credentials,
                       resolved.ok() ? "not a username and password" : resolved.error);
            return 2;
        }
        auth.username = pair->username;
        auth.password = pair->password;
    }
    // Paths the user gave are relative to where ferry watch started; runs happen elsewhere.
    for (auto* path : {&a.run.inputs.config, &a.run.events, &a.run.junit}) {
        if (!path->empty() && *path != "-") {
            *path = fs::absolute(*path).string();
        }
    }
    const fs::path here = fs::absolute(fs::current_path());
    const fs::path workspace = a.workspace.empty() ? runtime::git_work_tree(here).value_or(here) /
                                                         std::string(runtime::state_dir_name) /
                                                         "watch" / repository_name(a.remote)
                                                   : fs::absolute(a.workspace);
    Watcher watcher(std::move(a), std::move(auth), workspace.lexically_normal());
    return watcher.run();
}

} // namespace

Runner setup_watch(CLI::App& app) {
    auto a = std::make_shared<WatchArgs>();
    app.add_option("remote", a->remote, "The git remote: git://, http(s):// or a local path")
        ->required();
    app.add_option("--branch", a->branch, "The branch to watch")->required();
    app.add_option("--path", a->paths,
                   "Build only commits that change a file matching this glob since the last "
                   "built commit (repeatable; ** spans directories)")
        ->expected(1, -1);
    app.add_option("--interval", a->interval,
                   "Seconds between polls (default: from the pipeline's pollSCM trigger, else "
                   "60)");
    app.add_option("--workspace", a->workspace,
                   "The clone the pipeline runs in (default: .ferry/watch/<repository>)");
    app.add_option("--credentials", a->credentials,
                   "A username and password credential of ferry.yaml for http(s) remotes");
    app.add_option("--max-runs", a->max_runs, "Stop after this many runs");
    app.add_flag("--once", a->once, "Poll once, run if the head needs it, then stop");
    app.add_option("-f,--file", a->run.inputs.file,
                   "The pipeline file in the repository (default: Ferryfile, else Jenkinsfile)");
    app.add_option("--env", a->run.inputs.env, "The environment of ferry.yaml to run in")
        ->required();
    app.add_option("--config", a->run.inputs.config,
                   "ferry.yaml (default: beside the pipeline file in the repository)");
    app.add_option("-p,--param", a->run.inputs.params,
                   "A parameter value, NAME=VALUE (repeatable)");
    app.add_flag("--offline", a->run.inputs.offline, "Probe no registry or cluster before a run");
    app.add_flag("--no-cache", a->run.inputs.no_cache,
                 "Build every image even when its key was built before (FERRY_NO_CACHE=1)");
    app.add_option("--approve", a->run.approvals,
                   "Approve the input with this id in advance; `*` approves every input");
    app.add_option("--approver", a->run.approver,
                   "Who approves, for `input submitter:` (default: the CI's user, else $USER)");
    app.add_option("--events", a->run.events, "Write each run's events as NDJSON to FILE, or -");
    app.add_option("--junit", a->run.junit, "Write each run's JUnit XML report to FILE");
    app.add_flag("--no-color", a->run.no_color, "Never colour the output (also: NO_COLOR)");
    app.add_flag("--quiet", a->run.quiet, "Show stage results and failures, not step output");
    return [a]() -> int { return watch(*a); };
}

} // namespace ferry::cli
