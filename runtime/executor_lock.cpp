// disableConcurrentBuilds(): one run of a pipeline at a time in a workspace.
#include "runtime/executor_detail.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

namespace ferry::runtime::detail {

std::optional<RunLock> RunLock::acquire(const std::filesystem::path& state_dir,
                                        const std::string& pipeline, const Cancellation& cancel,
                                        const std::function<void(const std::string&)>& say,
                                        std::string& error) {
    const auto dir = runs_dir(state_dir, pipeline);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const auto path = dir / "lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = fmt::format("disableConcurrentBuilds: cannot open {}", path.string());
        return std::nullopt;
    }
    bool said = false;
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (!said) {
            say(fmt::format("disableConcurrentBuilds: another run of {} holds {}; waiting for it "
                            "to finish (Ctrl-C to give up)",
                            pipeline, path.string()));
            said = true;
        }
        if (!cancel.sleep_for(std::chrono::milliseconds(200))) {
            ::close(fd);
            error = "disableConcurrentBuilds: gave up waiting for the other run";
            return std::nullopt;
        }
    }
    return RunLock(fd);
}

RunLock::~RunLock() {
    if (fd_ >= 0) {
        ::flock(fd_, LOCK_UN);
        ::close(fd_);
    }
}

} // namespace ferry::runtime::detail
