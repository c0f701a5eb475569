#pragma once
// One run at a time per environment: an exclusive flock on `.ferry/locks/<environment>.lock`.
// The kernel drops the lock when its holder dies, so a lock can never outlive a crashed run;
// the file also names its holder (pid, host, pipeline, run, since when) so that a second run
// can say who it waits for, and so that a file left by a dead holder is recognised as stale
// and taken over with a note. Journals therefore never interleave.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::runtime {

/// Who holds (or held) an environment's lock, as its lock file says.
struct LockHolder {
    long pid = 0;
    std::string host;
    std::string pipeline;
    long long run = 0;
    std::string since; ///< RFC 3339 UTC
};

struct LockRequest {
    std::string environment;
    LockHolder holder; ///< pid, host and since are filled in by acquire()
    /// How long to wait for a busy lock; zero: refuse at once.
    std::chrono::milliseconds wait{0};
};

class EnvironmentLock {
public:
    EnvironmentLock(const EnvironmentLock&) = delete;
    EnvironmentLock& operator=(const EnvironmentLock&) = delete;
    ~EnvironmentLock(); ///< releases the lock and clears the holder

    /// Takes the lock. nullptr with `error` when it is busy after `wait` (naming the holder) or
    /// cannot be taken. `stale_note` says when the previous holder died without releasing.
    [[nodiscard]] static std::unique_ptr<EnvironmentLock>
    acquire(const std::filesystem::path& state_dir, const LockRequest& request, std::string& error,
            std::string* stale_note = nullptr);

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    EnvironmentLock(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
    std::filesystem::path path_;
    int fd_ = -1;
};

/// The holder a lock file names, if it names one (read without taking the lock).
[[nodiscard]] std::optional<LockHolder> read_lock_holder(const std::filesystem::path& path);

/// `.ferry/locks/<environment>.lock`.
[[nodiscard]] std::filesystem::path lock_path(const std::filesystem::path& state_dir,
                                              std::string_view environment);

} // namespace ferry::runtime
