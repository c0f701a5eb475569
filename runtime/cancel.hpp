#pragma once
// Cancellation for a run: Ctrl-C / SIGTERM, `timeout` options and steps, `failFast`. A token
// is cancelled when its own deadline passes, when cancel() is called on it, or when any
// ancestor is cancelled. Process runners and sleeps poll it; it never throws.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace ferry::runtime {

/// Why a token ended: a timeout is FAILURE-like in Jenkins only when it is a `timeout` step or
/// option (it reports ABORTED for the stage); an interrupt is ABORTED.
enum class CancelReason { none, interrupted, timed_out, fail_fast };

class Cancellation {
public:
    using Clock = std::chrono::steady_clock;

    /// A root token (the run's): no parent, no deadline.
    Cancellation() = default;
    /// A child of `parent` (which must outlive it), with an optional deadline.
    explicit Cancellation(const Cancellation* parent,
                          std::optional<Clock::time_point> deadline = std::nullopt);

    /// Cancels this token (and so every child) for `reason`; the first reason wins.
    void cancel(CancelReason reason, std::string message = {});

    /// Whether this token or an ancestor is cancelled or past its deadline.
    [[nodiscard]] bool cancelled() const;
    /// The reason of the nearest cancelled token (this one first); none when not cancelled.
    [[nodiscard]] CancelReason reason() const;
    /// A message for people ("Timeout has been exceeded", "interrupted by SIGINT", …).
    [[nodiscard]] std::string message() const;
    /// The earliest deadline of this token and its ancestors.
    [[nodiscard]] std::optional<Clock::time_point> deadline() const;

    /// Sleeps up to `duration`, waking early when cancelled; returns false when cancelled.
    bool sleep_for(std::chrono::milliseconds duration) const;

private:
    const Cancellation* parent_ = nullptr;
    std::optional<Clock::time_point> deadline_;
    std::atomic<int> reason_{0};
    mutable std::mutex mutex_;
    std::string message_;
};

/// Installs SIGINT and SIGTERM handlers that cancel `root` (interrupted). The handler only
/// sets an atomic flag; a watcher thread turns it into root.cancel(). A second Ctrl-C while a
/// rollback runs is reported but does not stop the rollback. Returns a guard that restores the
/// previous handlers.
class SignalGuard {
public:
    explicit SignalGuard(Cancellation& root);
    SignalGuard(const SignalGuard&) = delete;
    SignalGuard& operator=(const SignalGuard&) = delete;
    ~SignalGuard();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace ferry::runtime
