#include "runtime/env_lock.hpp"

#include "runtime/files.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace ferry::runtime {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string now_rfc3339() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::string host_name() {
    char buffer[256] = {};
    if (::gethostname(buffer, sizeof buffer - 1) != 0) {
        return "unknown";
    }
    return buffer;
}

std::optional<LockHolder> parse_holder(const std::string& text) {
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (!json.is_object()) {
        return std::nullopt;
    }
    LockHolder h;
    h.pid = json.value("pid", 0L);
    h.host = json.value("host", "");
    h.pipeline = json.value("pipeline", "");
    h.run = json.value("run", 0LL);
    h.since = json.value("since", "");
    return h;
}

std::string describe(const LockHolder& h) {
    std::string who =
        h.pipeline.empty() ? "a run" : fmt::format("run {} of '{}'", h.run, h.pipeline);
    return fmt::format("{} (pid {} on {}, since {})", who, h.pid, h.host, h.since);
}

std::string read_fd(int fd) {
    std::string text;
    char buffer[4096];
    if (::lseek(fd, 0, SEEK_SET) < 0) {
        return text;
    }
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) {
            break;
        }
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

bool write_holder(int fd, const LockHolder& h) {
    const nlohmann::ordered_json json = {{"format_version", 1}, {"pid", h.pid},
                                         {"host", h.host},      {"pipeline", h.pipeline},
                                         {"run", h.run},        {"since", h.since}};
    const std::string text = json.dump() + "\n";
    if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) < 0) {
        return false;
    }
    // Not synced: other processes read it through the page cache, and after a power loss no
    // lock is held anyway (the holder it names is then recognised as stale).
    return ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

} // namespace

fs::path lock_path(const fs::path& state_dir, std::string_view environment) {
    return state_dir / "locks" / (path_segment(environment) + ".lock");
}

std::optional<LockHolder> read_lock_holder(const fs::path& path) {
    std::ifstream in(path);
    if (!in) {
        return std::nullopt;
    }
    std::stringstream text;
    text << in.rdbuf();
    return parse_holder(text.str());
}

std::unique_ptr<EnvironmentLock> EnvironmentLock::acquire(const fs::path& state_dir,
                                                          const LockRequest& request,
                                                          std::string& error,
                                                          std::string* stale_note) {
    const fs::path path = lock_path(state_dir, request.environment);
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
        error = fmt::format("cannot create {}: {}", path.parent_path().string(), ec.message());
        return nullptr;
    }
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = fmt::format("cannot open the lock {}: {}", path.string(), std::strerror(errno));
        return nullptr;
    }
    const auto deadline = Clock::now() + request.wait;
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            error = fmt::format("cannot lock {}: {}", path.string(), std::strerror(errno));
            ::close(fd);
            return nullptr;
        }
        if (Clock::now() >= deadline) {
            const auto holder = parse_holder(read_fd(fd));
            error = fmt::format("environment '{}' is in use by {}; wait for it to finish{}",
                                request.environment,
                                holder ? describe(*holder) : std::string("another ferry run"),
                                request.wait.count() > 0 ? " (waited too long)" : "");
            ::close(fd);
            return nullptr;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    // Locked. A holder still named in the file died without releasing: its lock is stale.
    if (const auto previous = parse_holder(read_fd(fd));
        previous && previous->pid != 0 && stale_note != nullptr) {
        *stale_note = fmt::format("the previous holder of environment '{}', {}, ended without "
                                  "releasing it; the lock was taken over",
                                  request.environment, describe(*previous));
    }
    LockHolder holder = request.holder;
    holder.pid = static_cast<long>(::getpid());
    holder.host = host_name();
    holder.since = now_rfc3339();
    if (!write_holder(fd, holder)) {
        error = fmt::format("cannot write the lock {}: {}", path.string(), std::strerror(errno));
        ::close(fd);
        return nullptr;
    }
    return std::unique_ptr<EnvironmentLock>(new EnvironmentLock(path, fd));
}

EnvironmentLock::~EnvironmentLock() {
    if (fd_ >= 0) {
        // Clear the holder first: an empty file under a free lock is the normal state.
        (void)::ftruncate(fd_, 0);
        ::flock(fd_, LOCK_UN);
        ::close(fd_);
    }
}

} // namespace ferry::runtime
