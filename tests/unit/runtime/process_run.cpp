// run_process against real programs: exact environment, cwd, line streaming, exit codes,
// signals, start failures, and cancellation that leaves no process of the group behind.
#include "runtime/process.hpp"
#include "unit/runtime/probe_support.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <mutex>
#include <thread>

using namespace ferry::runtime;
using namespace std::chrono_literals;
using ferry::testing::TempDir;

namespace {

struct Captured {
    std::mutex mutex;
    std::vector<std::pair<OutputStream, std::string>> lines;
    std::vector<std::chrono::steady_clock::time_point> arrived;

    LineSink sink() {
        return [this](OutputStream stream, std::string_view line) {
            std::lock_guard lock(mutex);
            lines.emplace_back(stream, std::string(line));
            arrived.push_back(std::chrono::steady_clock::now());
        };
    }
    std::vector<std::string> texts(OutputStream stream) {
        std::vector<std::string> out;
        for (const auto& [s, text] : lines) {
            if (s == stream) {
                out.push_back(text);
            }
        }
        return out;
    }
};

ProcessSpec shell(const std::string& script, const std::filesystem::path& cwd = "/tmp") {
    ProcessSpec spec;
    spec.program = "sh";
    spec.args = {"-c", script};
    spec.cwd = cwd;
    spec.env = {{"PATH", "/usr/bin:/bin"}};
    return spec;
}

/// Whether `pid` names a live process (a zombie counts as gone).
bool alive(pid_t pid) {
    if (::kill(pid, 0) != 0) {
        return false;
    }
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("State:", 0) == 0) {
            return line.find('Z') == std::string::npos && line.find('X') == std::string::npos;
        }
    }
    return false;
}

/// Waits a little for `pid` to disappear (init reaps orphans asynchronously).
bool gone_soon(pid_t pid) {
    for (int i = 0; i < 200 && alive(pid); ++i) {
        std::this_thread::sleep_for(10ms);
    }
    return !alive(pid);
}

} // namespace

TEST_CASE("the child sees exactly the given environment", "[process]") {
    Captured out;
    ProcessSpec spec;
    spec.program = "/usr/bin/env";
    spec.cwd = "/";
    spec.env = {{"ZETA", "last"}, {"ALPHA", "a=b c"}, {"EMPTY", ""}};
    const Cancellation cancel;
    const auto result = run_process(spec, out.sink(), cancel);
    REQUIRE(result.end == ProcessEnd::exited);
    CHECK(result.exit_code == 0);
    auto lines = out.texts(OutputStream::out);
    std::sort(lines.begin(), lines.end());
    CHECK(lines == std::vector<std::string>{"ALPHA=a=b c", "EMPTY=", "ZETA=last"});
}

TEST_CASE("the child runs in the given directory", "[process]") {
    const TempDir dir("process");
    Captured out;
    const Cancellation cancel;
    const auto result = run_process(shell("pwd -P", dir.path()), out.sink(), cancel);
    REQUIRE(result.end == ProcessEnd::exited);
    CHECK(out.texts(OutputStream::out) ==
          std::vector<std::string>{std::filesystem::canonical(dir.path()).string()});
}

TEST_CASE("without a directory the child runs in ferry's own", "[process]") {
    Captured out;
    ProcessSpec spec;
    spec.program = "/bin/pwd";
    spec.args = {"-P"};
    const Cancellation cancel;
    const auto result = run_process(spec, out.sink(), cancel);
    REQUIRE(result.end == ProcessEnd::exited);
    CHECK(out.texts(OutputStream::out) ==
          std::vector<std::string>{
              std::filesystem::canonical(std::filesystem::current_path()).string()});
}

TEST_CASE("output arrives line by line, in order, while the child runs", "[process]") {
    Captured out;
    const Cancellation cancel;
    const auto started = std::chrono::steady_clock::now();
    const auto result = run_process(
        shell("echo one; echo two >&2; echo three; sleep 0.4; printf 'tail without newline'"),
        out.sink(), cancel);
    const auto ended = std::chrono::steady_clock::now();
    REQUIRE(result.end == ProcessEnd::exited);
    CHECK(out.texts(OutputStream::out) ==
          std::vector<std::string>{"one", "three", "tail without newline"});
    CHECK(out.texts(OutputStream::err) == std::vector<std::string>{"two"});
    REQUIRE(out.arrived.size() == 4);
    // "one" was delivered before the child slept, not buffered to its end.
    CHECK(out.arrived.front() - started < ended - started - 200ms);
}

TEST_CASE("long lines come in 64 KiB pieces and stdin is fed from data", "[process]") {
    Captured out;
    const Cancellation cancel;
    auto spec = shell("cat");
    spec.stdin_data = std::string(150 * 1024, 'x') + "\nshort\n";
    const auto result = run_process(spec, out.sink(), cancel);
    REQUIRE(result.end == ProcessEnd::exited);
    const auto lines = out.texts(OutputStream::out);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].size() == 64 * 1024);
    CHECK(lines[1].size() == 64 * 1024);
    CHECK(lines[2].size() == 22 * 1024);
    CHECK(lines[3] == "short");
}

TEST_CASE("stdin is /dev/null when no data is given", "[process]") {
    Captured out;
    const Cancellation cancel;
    const auto result = run_process(shell("cat; echo done"), out.sink(), cancel);
    REQUIRE(result.end == ProcessEnd::exited);
    CHECK(out.texts(OutputStream::out) == std::vector<std::string>{"done"});
}

TEST_CASE("exit codes and signals are reported", "[process]") {
    const Cancellation cancel;
    auto result = run_process(shell("exit 3"), {}, cancel);
    CHECK(result.end == ProcessEnd::exited);
    CHECK(result.exit_code == 3);
    result = run_process(shell("kill -KILL $$"), {}, cancel);
    CHECK(result.end == ProcessEnd::signalled);
    CHECK(result.signal == SIGKILL);
}

TEST_CASE("a program that cannot start says why", "[process]") {
    const Cancellation cancel;
    ProcessSpec spec;
    spec.program = "no-such-program-ferry";
    spec.cwd = "/";
    spec.env = {{"PATH", "/usr/bin:/bin"}};
    auto result = run_process(spec, {}, cancel);
    CHECK(result.end == ProcessEnd::failed_to_start);
    CHECK(result.error.find("no-such-program-ferry: not found on PATH") != std::string::npos);

    spec.env.clear();
    result = run_process(spec, {}, cancel);
    CHECK(result.end == ProcessEnd::failed_to_start);
    CHECK(result.error.find("no PATH") != std::string::npos);

    result = run_process(shell("true", "/no/such/dir"), {}, cancel);
    CHECK(result.end == ProcessEnd::failed_to_start);
    CHECK(result.error.find("/no/such/dir") != std::string::npos);

    const TempDir dir("process");
    ferry::testing::write_file(dir / "plain", "not a program");
    spec.program = dir / "plain";
    result = run_process(spec, {}, cancel);
    CHECK(result.end == ProcessEnd::failed_to_start);
    CHECK(result.error.find("plain: Permission denied") != std::string::npos);
}

TEST_CASE("a deadline ends the child and its grandchild", "[process]") {
    Captured out;
    const Cancellation root;
    const Cancellation timed(&root, std::chrono::steady_clock::now() + 300ms);
    const auto result =
        run_process(shell("sleep 100 & echo $!; trap '' TERM; sleep 100"), out.sink(), timed);
    CHECK(result.end == ProcessEnd::cancelled);
    CHECK(result.error == "Timeout has been exceeded");
    const auto lines = out.texts(OutputStream::out);
    REQUIRE(lines.size() == 1);
    const auto grandchild = static_cast<pid_t>(std::stol(lines[0]));
    CHECK(gone_soon(grandchild));
}

TEST_CASE("a child ignoring SIGTERM is killed after the grace period", "[process]") {
    Captured out;
    Cancellation cancel;
    auto spec = shell("trap '' TERM; echo $$; while :; do sleep 0.05; done");
    spec.kill_grace = 200ms;
    std::thread canceller([&] {
        std::this_thread::sleep_for(200ms);
        cancel.cancel(CancelReason::interrupted, "interrupted by SIGINT");
    });
    const auto result = run_process(spec, out.sink(), cancel);
    canceller.join();
    CHECK(result.end == ProcessEnd::cancelled);
    CHECK(result.error == "interrupted by SIGINT");
    REQUIRE(out.texts(OutputStream::out).size() == 1);
    CHECK_FALSE(alive(static_cast<pid_t>(std::stol(out.texts(OutputStream::out)[0]))));
}

TEST_CASE("what the leader leaves behind in its group is killed when it exits", "[process]") {
    Captured out;
    const Cancellation cancel;
    const auto result = run_process(shell("sleep 100 & echo $!"), out.sink(), cancel);
    CHECK(result.end == ProcessEnd::exited);
    REQUIRE(out.texts(OutputStream::out).size() == 1);
    CHECK(gone_soon(static_cast<pid_t>(std::stol(out.texts(OutputStream::out)[0]))));
}

TEST_CASE("JENKINS_NODE_COOKIE=dontKillMe keeps a background process", "[process]") {
    Captured out;
    const Cancellation cancel;
    auto spec = shell("sleep 30 >/dev/null 2>&1 & echo $!");
    spec.env.emplace_back("JENKINS_NODE_COOKIE", "dontKillMe");
    const auto result = run_process(spec, out.sink(), cancel);
    CHECK(result.end == ProcessEnd::exited);
    REQUIRE(out.texts(OutputStream::out).size() == 1);
    const auto daemon = static_cast<pid_t>(std::stol(out.texts(OutputStream::out)[0]));
    CHECK(alive(daemon));
    ::kill(daemon, SIGKILL);
}

TEST_CASE("a cancel reaches a running child quickly", "[process]") {
    Cancellation cancel;
    std::chrono::steady_clock::time_point cancelled_at;
    std::thread canceller([&] {
        std::this_thread::sleep_for(200ms);
        cancelled_at = std::chrono::steady_clock::now();
        cancel.cancel(CancelReason::interrupted);
    });
    const auto result = run_process(shell("sleep 100"), {}, cancel);
    const auto latency = std::chrono::steady_clock::now() - cancelled_at;
    canceller.join();
    CHECK(result.end == ProcessEnd::cancelled);
    WARN(
        "cancel latency: " << std::chrono::duration_cast<std::chrono::microseconds>(latency).count()
                           << " us");
    CHECK(latency < 5s); // far below the child's 100 s: the child was ended, not awaited
}

TEST_CASE("a cancelled token starts nothing", "[process]") {
    Cancellation cancel;
    cancel.cancel(CancelReason::fail_fast);
    const auto result = run_process(shell("echo never"), {}, cancel);
    CHECK(result.end == ProcessEnd::cancelled);
}

TEST_CASE("search_path and current_environment", "[process]") {
    CHECK(search_path("sh", "/nonexistent:/bin:/usr/bin") == std::filesystem::path("/bin/sh"));
    CHECK_FALSE(search_path("no-such-program-ferry", "/bin:/usr/bin"));
    const TempDir dir("process");
    ferry::testing::write_file(dir / "plain", "not a program");
    CHECK_FALSE(search_path("plain", dir.path().string())); // a file, not executable
    CHECK(search_path("/bin/sh", "") == std::filesystem::path("/bin/sh"));
    const auto env = current_environment();
    CHECK(std::any_of(env.begin(), env.end(), [](const auto& e) { return e.first == "PATH"; }));
}
