// The build-state files in `.ferry/builds/`: JSON, format version first, written atomically
// and updated under an exclusive lock so that two runs never hand out the same build number.
#include "runtime/state.hpp"

#include "runtime/files.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/file.h>
#include <unistd.h>

namespace ferry::runtime {
namespace {

BuildStateRead error_at(const std::filesystem::path& path, std::string message) {
    return {std::nullopt, path,
            fmt::format("{}: {} (ferry will not overwrite it; move it away to start the build "
                        "counter afresh)",
                        path.string(), message)};
}

std::optional<long long> number_field(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer()) {
        return std::nullopt;
    }
    return it->get<long long>();
}

// Holds an exclusive flock on `.ferry/builds/<name>.lock` for its lifetime.
class StateLock {
public:
    explicit StateLock(const std::filesystem::path& file) {
        const auto lock_path = file.string() + ".lock";
        fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) {
            error_ = fmt::format("cannot open lock file {}: {}", lock_path, std::strerror(errno));
        } else if (::flock(fd_, LOCK_EX) != 0) {
            error_ = fmt::format("cannot lock {}: {}", lock_path, std::strerror(errno));
        }
    }
    StateLock(const StateLock&) = delete;
    StateLock& operator=(const StateLock&) = delete;
    ~StateLock() {
        if (fd_ >= 0) {
            ::close(fd_); // releases the lock
        }
    }
    [[nodiscard]] const std::string& error() const { return error_; }

private:
    int fd_ = -1;
    std::string error_;
};

// Reads, changes and writes one state file under its lock.
BuildStateRead update(const std::filesystem::path& state_dir, std::string_view pipeline,
                      std::string_view environment,
                      const std::function<void(BuildState&)>& change) {
    const auto path = build_state_path(state_dir, pipeline, environment);
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
        return {std::nullopt, path,
                fmt::format("cannot create {}: {}", path.parent_path().string(), ec.message())};
    }
    const StateLock lock(path);
    if (!lock.error().empty()) {
        return {std::nullopt, path, lock.error()};
    }
    auto read = read_build_state(state_dir, pipeline, environment);
    if (!read.ok()) {
        return read;
    }
    change(*read.state);
    if (auto error = write_atomically(path, render_build_state(*read.state)); !error.empty()) {
        return {std::nullopt, path, std::move(error)};
    }
    return read;
}

} // namespace

std::filesystem::path build_state_path(const std::filesystem::path& state_dir,
                                       std::string_view pipeline, std::string_view environment) {
    return state_dir / "builds" /
           (path_segment(pipeline) + "@" + path_segment(environment) + ".json");
}

BuildStateRead parse_build_state(std::string_view text, const std::filesystem::path& path) {
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return error_at(path, "damaged state file: not a JSON object");
    }
    const auto version = number_field(j, "format_version");
    if (!version) {
        return error_at(path, "damaged state file: no format_version");
    }
    if (*version != build_state_format_version) {
        return error_at(path, fmt::format("state file format version {} is not known to this "
                                          "ferry (it reads version {})",
                                          *version, build_state_format_version));
    }
    BuildState state;
    state.pipeline = j.value("pipeline", std::string());
    state.environment = j.value("environment", std::string());
    const auto counter = number_field(j, "build_counter");
    if (!counter || *counter < 0) {
        return error_at(path, "damaged state file: build_counter is not a non-negative integer");
    }
    state.build_counter = *counter;
    if (const auto it = j.find("last_success"); it != j.end() && !it->is_null()) {
        const auto commit = it->find("commit");
        if (!it->is_object() || commit == it->end() || !commit->is_string()) {
            return error_at(path, "damaged state file: last_success has no commit");
        }
        state.last_success_commit = commit->get<std::string>();
        state.last_success_build = number_field(*it, "build_number");
    }
    return {std::move(state), path, {}};
}

BuildStateRead read_build_state(const std::filesystem::path& state_dir, std::string_view pipeline,
                                std::string_view environment) {
    const auto path = build_state_path(state_dir, pipeline, environment);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        BuildState fresh;
        fresh.pipeline = pipeline;
        fresh.environment = environment;
        return {std::move(fresh), path, {}};
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return {std::nullopt, path,
                fmt::format("{}: cannot read state file: {}", path.string(), std::strerror(errno))};
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto read = parse_build_state(text.str(), path);
    if (read.ok()) {
        read.state->pipeline = pipeline;
        read.state->environment = environment;
    }
    return read;
}

std::string render_build_state(const BuildState& state) {
    // ordered_json keeps format_version first, so `head -1`-style sniffing works.
    nlohmann::ordered_json j;
    j["format_version"] = build_state_format_version;
    j["pipeline"] = state.pipeline;
    j["environment"] = state.environment;
    j["build_counter"] = state.build_counter;
    if (state.last_success_commit) {
        nlohmann::ordered_json success;
        success["commit"] = *state.last_success_commit;
        if (state.last_success_build) {
            success["build_number"] = *state.last_success_build;
        }
        j["last_success"] = std::move(success);
    }
    return j.dump(2) + "\n";
}

BuildStateRead increment_build_counter(const std::filesystem::path& state_dir,
                                       std::string_view pipeline, std::string_view environment) {
    return update(state_dir, pipeline, environment, [](BuildState& s) { ++s.build_counter; });
}

BuildStateRead record_success(const std::filesystem::path& state_dir, std::string_view pipeline,
                              std::string_view environment, std::string_view commit,
                              long long build_number) {
    return update(state_dir, pipeline, environment, [&](BuildState& s) {
        s.last_success_commit = std::string(commit);
        s.last_success_build = build_number;
        s.build_counter = std::max(s.build_counter, build_number);
    });
}

} // namespace ferry::runtime
