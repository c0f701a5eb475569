// The one file that includes Boost.Process for steps. Boost vforks and execs (reporting exec
// failures); the pipes are ours, created close-on-exec so that a sibling started by a parallel
// branch at the same moment never inherits them (an inherited write end would hold our EOF
// hostage).

// Boost.Process 1.74 offers bp::posix::use_vfork only where its config sees vfork in the feature
// macros, which it reads as "POSIX before 2008" (vfork left the standard then); glibc still has
// vfork with _GNU_SOURCE. Said here, before any Boost header, for this file only.
#define BOOST_POSIX_HAS_VFORK 1

#include "runtime/process.hpp"

#include <array>
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/error.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/posix.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

extern char** environ; // NOLINT: POSIX

namespace ferry::runtime {

namespace bp = boost::process;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t max_line = 64 * 1024;
/// How often the runner looks at the cancellation token while the child is quiet.
constexpr std::chrono::milliseconds cancel_poll{10};
/// After the leader exits and its group is killed, how long to wait for the pipes to close:
/// a process that left the group (setsid) may hold them open forever.
constexpr std::chrono::milliseconds drain_limit{1000};

/// A file descriptor closed on scope exit.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        reset(std::exchange(other.fd_, -1));
        return *this;
    }
    ~Fd() { reset(); }
    void reset(int fd = -1) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = fd;
    }
    [[nodiscard]] int get() const { return fd_; }
    [[nodiscard]] bool open() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

struct Pipe {
    Fd read;
    Fd write;
};

std::optional<Pipe> make_pipe(std::string& error) {
    int fds[2] = {-1, -1};
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        error = std::string("cannot create a pipe: ") + std::strerror(errno);
        return std::nullopt;
    }
    return Pipe{Fd(fds[0]), Fd(fds[1])};
}

/// Splits a stream into lines as bytes arrive; keeps at most one partial line.
class LineSplitter {
public:
    LineSplitter(OutputStream stream, const LineSink& sink) : stream_(stream), sink_(sink) {}

    void feed(std::string_view bytes) {
        pending_.append(bytes);
        std::size_t start = 0;
        for (;;) {
            const auto newline = pending_.find('\n', start);
            if (newline == std::string::npos) {
                break;
            }
            deliver(std::string_view(pending_).substr(start, newline - start));
            start = newline + 1;
        }
        while (pending_.size() - start >= max_line) {
            deliver(std::string_view(pending_).substr(start, max_line));
            start += max_line;
        }
        pending_.erase(0, start);
    }

    void finish() {
        if (!pending_.empty()) {
            deliver(pending_);
            pending_.clear();
        }
    }

private:
    void deliver(std::string_view line) {
        if (sink_) {
            sink_(stream_, line);
        }
    }

    OutputStream stream_;
    const LineSink& sink_;
    std::string pending_;
};

/// The child's PATH, or none.
std::optional<std::string_view> path_of(const ProcessSpec& spec) {
    std::optional<std::string_view> path;
    for (const auto& [name, value] : spec.env) {
        if (name == "PATH") {
            path = value; // the last one wins, as in the environment handed over
        }
    }
    return path;
}

/// The program to exec, or an error for people.
std::optional<std::filesystem::path> resolve_program(const ProcessSpec& spec, std::string& error) {
    const std::string name = spec.program.string();
    if (name.empty()) {
        error = "no program given";
        return std::nullopt;
    }
    if (name.find('/') != std::string::npos) {
        auto program = spec.program.is_absolute() ? spec.program : spec.cwd / spec.program;
        if (::access(program.c_str(), X_OK) != 0) {
            error = "cannot run " + program.string() + ": " + std::strerror(errno);
            return std::nullopt;
        }
        return program;
    }
    auto path = path_of(spec);
    if (!path) {
        error = name + ": not found (the step's environment has no PATH)";
        return std::nullopt;
    }
    auto found = search_path(name, *path);
    if (!found) {
        error = name + ": not found on PATH (" + std::string(*path) + ")";
        return std::nullopt;
    }
    if (found->is_relative()) {
        found = spec.cwd / *found;
    }
    return found;
}

/// Writes to a pipe whose reader may be gone without killing ferry with SIGPIPE: the signal is
/// blocked for this thread during the write and a pending one is consumed.
ssize_t write_no_sigpipe(int fd, const char* data, std::size_t size) {
    sigset_t pipe_only;
    sigset_t previous;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);
    const ssize_t written = ::write(fd, data, size);
    const int saved = errno;
    if (written < 0 && errno == EPIPE) {
        const timespec zero{0, 0};
        while (sigtimedwait(&pipe_only, nullptr, &zero) > 0) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    errno = saved;
    return written;
}

/// Jenkins leaves a step's background processes alone when the step sets this cookie.
bool keeps_daemons(const ProcessSpec& spec) {
    for (const auto& [name, value] : spec.env) {
        if ((name == "JENKINS_NODE_COOKIE" || name == "BUILD_ID") && value == "dontKillMe") {
            return true;
        }
    }
    return false;
}

/// The file descriptors the child's stdin, stdout and stderr become.
struct ChildStdio {
    int in = -1;
    int out = -1;
    int err = -1;
};

/// Runs in the child between vfork and exec: its own process group (so that the whole tree can
/// be signalled), its stdio, default signal dispositions, and nothing else inherited.
struct ChildSetup {
    ChildStdio stdio;
    const char* directory = nullptr; ///< the step's working directory
    int* chdir_errno = nullptr;      ///< the parent's: set when the child cannot enter it

    template <typename Executor>
    void operator()(Executor& /*executor*/) const {
        // Boost's start_dir ignores a failed chdir (the step would run in ferry's directory).
        // Under vfork this child writes the parent's memory, so the parent sees why and reaps it.
        if (::chdir(directory) != 0) {
            *chdir_errno = errno;
            ::_exit(127);
        }
        ::setpgid(0, 0);
        ::dup2(stdio.in, STDIN_FILENO);
        ::dup2(stdio.out, STDOUT_FILENO);
        ::dup2(stdio.err, STDERR_FILENO);
        // sigaction, not signal(): only async-signal-safe calls between vfork and exec. The
        // parent blocked every signal across the vfork; dispositions are reset first, then the
        // mask cleared, so a signal never reaches one of ferry's handlers in this child.
        struct sigaction default_action {};
        default_action.sa_handler = SIG_DFL;
        for (int signal_number : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT}) {
            ::sigaction(signal_number, &default_action, nullptr);
        }
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        // Close-on-exec rather than close: Boost reports exec failures through a pipe of its own.
        ::syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
    }
};

/// The state of one running child, driven by run_process's loop.
class Runner {
public:
    Runner(const ProcessSpec& spec, const LineSink& sink, const Cancellation& cancel)
        : spec_(spec), cancel_(cancel), out_split_(OutputStream::out, sink),
          err_split_(OutputStream::err, sink) {}

    ProcessResult run();

private:
    bool start(ProcessResult& result);
    void loop();
    void watch_leader();
    void watch_cancel();
    void pump(int timeout_ms);
    void read_stream(Fd& fd, LineSplitter& split);
    void write_stdin();
    void reap(ProcessResult& result);

    const ProcessSpec& spec_;
    const Cancellation& cancel_;
    LineSplitter out_split_;
    LineSplitter err_split_;
    Fd out_;
    Fd err_;
    Fd in_;
    Fd pidfd_;
    std::size_t stdin_written_ = 0;
    pid_t pid_ = -1;
    bool leader_done_ = false;
    Clock::time_point leader_done_at_{};
    bool terminating_ = false;
    bool killed_ = false;
    Clock::time_point kill_at_{};
};

bool Runner::start(ProcessResult& result) {
    std::string error;
    auto program = resolve_program(spec_, error);
    std::error_code fs_error;
    // No working directory given: the child starts in ferry's own.
    const auto cwd = spec_.cwd.empty() ? std::filesystem::current_path(fs_error) : spec_.cwd;
    if (program && !std::filesystem::is_directory(cwd, fs_error)) {
        error = "working directory " + cwd.string() + " does not exist";
        program.reset();
    }
    auto out = make_pipe(error);
    auto err = out ? make_pipe(error) : std::nullopt;
    std::optional<Pipe> in;
    Fd dev_null;
    if (err && spec_.stdin_data) {
        in = make_pipe(error);
    } else if (err) {
        dev_null.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    }
    if (err && !spec_.stdin_data && dev_null.get() < 0 && error.empty()) {
        error = std::string("cannot open /dev/null: ") + std::strerror(errno);
    }
    if (!program || !out || !err || (spec_.stdin_data && !in) ||
        (!spec_.stdin_data && dev_null.get() < 0)) {
        result.end = ProcessEnd::failed_to_start;
        result.error = error;
        return false;
    }
    bp::environment environment;
    for (const auto& [name, value] : spec_.env) {
        environment[name] = value;
    }
    const auto directory = cwd.string();
    int chdir_errno = 0;
    ChildSetup setup{{in ? in->read.get() : dev_null.get(), out->write.get(), err->write.get()},
                     directory.c_str(),
                     &chdir_errno};
    std::error_code launch_error;
    // vfork: the child borrows ferry's memory until it execs instead of copying its page
    // tables, so a start costs the same whatever ferry's size (a fork of a 150 MB parent took
    // 7.7 ms of ferry's CPU; docs/performance.md). Everything the child runs before exec is
    // prepared here, in the parent: the program, arguments, environment, descriptors.
    // Every signal is blocked across the vfork (the child inherits the mask): none of ferry's
    // handlers may run in the child, which shares ferry's memory and descriptors until exec.
    sigset_t all;
    sigset_t previous;
    sigfillset(&all);
    ::pthread_sigmask(SIG_BLOCK, &all, &previous);
    bp::child child(bp::exe = program->string(), bp::args = spec_.args, bp::env = environment,
                    bp::extend::on_exec_setup = setup, bp::error = launch_error,
                    bp::posix::use_vfork);
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (launch_error) {
        result.end = ProcessEnd::failed_to_start;
        result.error = "cannot run " + program->string() + ": " + launch_error.message();
        return false;
    }
    if (chdir_errno != 0) { // the child never ran the program: reap it, say why
        child.detach();
        int status = 0;
        ::waitpid(child.id(), &status, 0);
        result.end = ProcessEnd::failed_to_start;
        result.error =
            "cannot enter working directory " + directory + ": " + std::strerror(chdir_errno);
        return false;
    }
    pid_ = child.id();
    child.detach();        // reaped here, with waitid, so that Boost never signals a reused pid
    ::setpgid(pid_, pid_); // also from this side: the group must exist before we signal it
    out_ = std::move(out->read);
    err_ = std::move(err->read);
    if (in) {
        in_ = std::move(in->write);
        ::fcntl(in_.get(), F_SETFL, ::fcntl(in_.get(), F_GETFL) | O_NONBLOCK);
    }
    pidfd_.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)));
    return true;
}

void Runner::watch_leader() {
    if (leader_done_) {
        return;
    }
    // WNOWAIT keeps the leader a zombie, so its pid (the group's id) cannot be reused while
    // we signal the rest of the group.
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0 ||
        info.si_pid != pid_) {
        return;
    }
    leader_done_ = true;
    leader_done_at_ = Clock::now();
    pidfd_.reset();
    if (!keeps_daemons(spec_)) {
        ::kill(-pid_, SIGKILL); // what it left behind in its group (Jenkins' ProcessTreeKiller)
    }
}

void Runner::watch_cancel() {
    if (!terminating_ && cancel_.cancelled()) {
        terminating_ = true;
        kill_at_ = Clock::now() + spec_.kill_grace;
        ::kill(-pid_, SIGTERM);
    }
    if (terminating_ && !killed_ && Clock::now() >= kill_at_) {
        killed_ = true;
        ::kill(-pid_, SIGKILL);
    }
}

void Runner::read_stream(Fd& fd, LineSplitter& split) {
    std::array<char, 64 * 1024> buffer{};
    const auto got = ::read(fd.get(), buffer.data(), buffer.size());
    if (got > 0) {
        split.feed(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
    } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        split.finish();
        fd.reset();
    }
}

void Runner::write_stdin() {
    const std::string& data = *spec_.stdin_data;
    const std::size_t left = data.size() - stdin_written_;
    if (left > 0) {
        const auto wrote =
            write_no_sigpipe(in_.get(), data.data() + stdin_written_, std::min(left, max_line));
        if (wrote > 0) {
            stdin_written_ += static_cast<std::size_t>(wrote);
        } else if (errno != EAGAIN && errno != EINTR) {
            in_.reset(); // the child closed its stdin: what it did not read is dropped
            return;
        }
    }
    if (stdin_written_ == data.size()) {
        in_.reset();
    }
}

void Runner::pump(int timeout_ms) {
    std::array<pollfd, 4> fds{};
    std::size_t count = 0;
    auto add = [&](const Fd& fd, short events) {
        if (fd.open()) {
            fds[count++] = pollfd{fd.get(), events, 0};
        }
    };
    add(out_, POLLIN);
    add(err_, POLLIN);
    add(in_, POLLOUT);
    add(pidfd_, POLLIN);
    if (::poll(fds.data(), count, timeout_ms) <= 0) {
        return;
    }
    for (std::size_t i = 0; i < count; ++i) {
        if (fds[i].revents == 0) {
            continue;
        }
        if (fds[i].fd == out_.get()) {
            read_stream(out_, out_split_);
        } else if (fds[i].fd == err_.get()) {
            read_stream(err_, err_split_);
        } else if (fds[i].fd == in_.get()) {
            write_stdin();
        }
        // the pidfd only wakes the loop; watch_leader() looks at the child
    }
}

void Runner::loop() {
    for (;;) {
        watch_leader();
        watch_cancel();
        const bool pipes_open = out_.open() || err_.open();
        if (leader_done_ && (!pipes_open || Clock::now() - leader_done_at_ > drain_limit)) {
            return;
        }
        // Without a pidfd (old kernels) a quiet child is noticed at the next poll tick.
        pump(pipes_open || pidfd_.open() ? static_cast<int>(cancel_poll.count()) : 1);
    }
}

void Runner::reap(ProcessResult& result) {
    out_split_.finish();
    err_split_.finish();
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
        result.end = ProcessEnd::exited;
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
        result.end = ProcessEnd::signalled;
    }
    if (terminating_) {
        result.end = ProcessEnd::cancelled;
        result.error = cancel_.message();
    }
}

ProcessResult Runner::run() {
    ProcessResult result;
    const auto started = Clock::now();
    if (cancel_.cancelled()) {
        result.end = ProcessEnd::cancelled;
        result.error = cancel_.message();
        return result;
    }
    if (start(result)) {
        loop();
        reap(result);
    }
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    return result;
}

} // namespace

ProcessResult run_process(const ProcessSpec& spec, const LineSink& sink,
                          const Cancellation& cancel) {
    try {
        Runner runner(spec, sink, cancel);
        return runner.run();
    } catch (const std::exception& error) {
        ProcessResult result;
        result.error = "cannot run " + spec.program.string() + ": " + error.what();
        return result;
    }
}

std::optional<std::filesystem::path> search_path(std::string_view name, std::string_view path) {
    if (name.empty()) {
        return std::nullopt;
    }
    auto usable = [](const std::filesystem::path& candidate) {
        std::error_code error;
        return std::filesystem::is_regular_file(candidate, error) &&
               ::access(candidate.c_str(), X_OK) == 0;
    };
    if (name.find('/') != std::string_view::npos) {
        return usable(name) ? std::optional<std::filesystem::path>(name) : std::nullopt;
    }
    std::size_t start = 0;
    for (;;) {
        const auto colon = path.find(':', start);
        auto dir = path.substr(start, colon == std::string_view::npos ? colon : colon - start);
        // POSIX: an empty entry is the current directory.
        std::filesystem::path candidate =
            dir.empty() ? std::filesystem::path(name) : std::filesystem::path(dir) / name;
        if (usable(candidate)) {
            return candidate;
        }
        if (colon == std::string_view::npos) {
            return std::nullopt;
        }
        start = colon + 1;
    }
}

std::vector<std::pair<std::string, std::string>> current_environment() {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        const auto equals = text.find('=');
        if (equals == std::string_view::npos || equals == 0) {
            continue;
        }
        pairs.emplace_back(std::string(text.substr(0, equals)),
                           std::string(text.substr(equals + 1)));
    }
    return pairs;
}

} // namespace ferry::runtime
