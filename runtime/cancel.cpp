#include "runtime/cancel.hpp"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

namespace ferry::runtime {

namespace {

// Tokens keep no list of their children, so a cancel wakes every sleeper of the process and
// each one asks its own chain whether it is concerned. Cancels are rare; this stays cheap.
std::mutex& wake_mutex() {
    static std::mutex mutex;
    return mutex;
}

std::condition_variable& wake_all() {
    static std::condition_variable cv;
    return cv;
}

std::string default_message(CancelReason reason) {
    switch (reason) {
    case CancelReason::interrupted:
        return "interrupted";
    case CancelReason::timed_out:
        return "Timeout has been exceeded";
    case CancelReason::fail_fast:
        return "Failed in branch: another parallel branch failed (failFast)";
    case CancelReason::none:
        break;
    }
    return {};
}

bool past(const std::optional<Cancellation::Clock::time_point>& deadline) {
    return deadline && Cancellation::Clock::now() >= *deadline;
}

} // namespace

Cancellation::Cancellation(const Cancellation* parent, std::optional<Clock::time_point> deadline)
    : parent_(parent), deadline_(deadline) {}

void Cancellation::cancel(CancelReason reason, std::string message) {
    if (reason == CancelReason::none) {
        return;
    }
    {
        std::lock_guard lock(mutex_);
        int expected = 0;
        if (!reason_.compare_exchange_strong(expected, static_cast<int>(reason))) {
            return; // the first reason wins
        }
        message_ = message.empty() ? default_message(reason) : std::move(message);
    }
    std::lock_guard lock(wake_mutex());
    wake_all().notify_all();
}

bool Cancellation::cancelled() const {
    for (const Cancellation* token = this; token != nullptr; token = token->parent_) {
        if (token->reason_.load() != 0 || past(token->deadline_)) {
            return true;
        }
    }
    return false;
}

CancelReason Cancellation::reason() const {
    for (const Cancellation* token = this; token != nullptr; token = token->parent_) {
        if (int own = token->reason_.load(); own != 0) {
            return static_cast<CancelReason>(own);
        }
        if (past(token->deadline_)) {
            return CancelReason::timed_out;
        }
    }
    return CancelReason::none;
}

std::string Cancellation::message() const {
    for (const Cancellation* token = this; token != nullptr; token = token->parent_) {
        if (token->reason_.load() != 0) {
            std::lock_guard lock(token->mutex_);
            return token->message_;
        }
        if (past(token->deadline_)) {
            return default_message(CancelReason::timed_out);
        }
    }
    return {};
}

std::optional<Cancellation::Clock::time_point> Cancellation::deadline() const {
    std::optional<Clock::time_point> earliest;
    for (const Cancellation* token = this; token != nullptr; token = token->parent_) {
        if (token->deadline_ && (!earliest || *token->deadline_ < *earliest)) {
            earliest = token->deadline_;
        }
    }
    return earliest;
}

bool Cancellation::sleep_for(std::chrono::milliseconds duration) const {
    const auto end = Clock::now() + duration;
    std::unique_lock lock(wake_mutex());
    while (!cancelled()) {
        auto until = end;
        if (auto limit = deadline(); limit && *limit < until) {
            until = *limit;
        }
        if (Clock::now() >= end) {
            return true;
        }
        wake_all().wait_until(lock, until);
    }
    return false;
}

// --- SignalGuard -------------------------------------------------------------------------

namespace {

// The handler may only touch async-signal-safe things: it writes the signal number into a
// pipe that the watcher thread reads.
int signal_pipe_write = -1;

extern "C" void on_stop_signal(int signal_number) {
    const int saved = errno;
    const auto byte = static_cast<unsigned char>(signal_number);
    if (signal_pipe_write >= 0) {
        [[maybe_unused]] auto written = ::write(signal_pipe_write, &byte, 1);
    }
    errno = saved;
}

} // namespace

struct SignalGuard::Impl {
    Cancellation& root;
    int read_fd = -1;
    int write_fd = -1;
    struct sigaction previous_int {};
    struct sigaction previous_term {};
    std::thread watcher;

    explicit Impl(Cancellation& token) : root(token) {}

    void watch() {
        int received = 0;
        for (;;) {
            unsigned char byte = 0;
            const auto got = ::read(read_fd, &byte, 1);
            if (got < 0 && errno == EINTR) {
                continue;
            }
            if (got <= 0 || byte == 0) {
                return; // the guard is going away
            }
            ++received;
            const char* name = byte == SIGINT ? "SIGINT" : "SIGTERM";
            if (received == 1) {
                root.cancel(CancelReason::interrupted, std::string("interrupted by ") + name);
            } else {
                std::fprintf(stderr,
                             "ferry: %s received again; finishing what is under way (post "
                             "steps, rollback) before stopping\n",
                             name);
            }
        }
    }
};

SignalGuard::SignalGuard(Cancellation& root) : impl_(std::make_unique<Impl>(root)) {
    int fds[2] = {-1, -1};
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        std::perror("ferry: cannot install signal handlers (pipe)");
        return;
    }
    impl_->read_fd = fds[0];
    impl_->write_fd = fds[1];
    signal_pipe_write = fds[1];
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, &impl_->previous_int);
    ::sigaction(SIGTERM, &action, &impl_->previous_term);
    impl_->watcher = std::thread([impl = impl_.get()] { impl->watch(); });
}

SignalGuard::~SignalGuard() {
    if (impl_->write_fd < 0) {
        return;
    }
    ::sigaction(SIGINT, &impl_->previous_int, nullptr);
    ::sigaction(SIGTERM, &impl_->previous_term, nullptr);
    signal_pipe_write = -1;
    const unsigned char stop = 0;
    [[maybe_unused]] auto written = ::write(impl_->write_fd, &stop, 1);
    if (impl_->watcher.joinable()) {
        impl_->watcher.join();
    }
    ::close(impl_->read_fd);
    ::close(impl_->write_fd);
}

} // namespace ferry::runtime
