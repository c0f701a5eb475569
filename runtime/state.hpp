#pragma once
// ferry's state in the workspace's `.ferry/`: per pipeline and environment, the build counter
// and the last successful run's commit. Every state file starts with its format version; a file
// that is damaged or of an unknown version is reported as an error, never a crash. Probing only
// reads; `ferry run` increments the counter and records successes.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::runtime {

/// The directory name ferry keeps its state in, inside the workspace.
inline constexpr std::string_view state_dir_name = ".ferry";

/// The format version this ferry reads and writes.
inline constexpr int build_state_format_version = 1;

/// What ferry remembers of one pipeline in one environment.
struct BuildState {
    std::string pipeline;
    std::string environment;
    long long build_counter = 0; ///< the last build number handed out (0: none yet)
    std::optional<std::string> last_success_commit;
    std::optional<long long> last_success_build;
};

/// The result of reading the state: a value, or an error naming the file and what is wrong.
struct BuildStateRead {
    std::optional<BuildState> state; ///< a missing file reads as a fresh state
    std::filesystem::path path;      ///< the file that was (or would be) read
    std::string error;
    [[nodiscard]] bool ok() const { return state.has_value(); }
};

/// The file holding the state of (pipeline, environment) under `state_dir` (a `.ferry/`).
[[nodiscard]] std::filesystem::path build_state_path(const std::filesystem::path& state_dir,
                                                     std::string_view pipeline,
                                                     std::string_view environment);

/// Parses a state file's text. Does no I/O.
[[nodiscard]] BuildStateRead parse_build_state(std::string_view text,
                                               const std::filesystem::path& path);

/// Reads the state of (pipeline, environment). Never writes.
[[nodiscard]] BuildStateRead read_build_state(const std::filesystem::path& state_dir,
                                              std::string_view pipeline,
                                              std::string_view environment);

/// The state file's text for `state` (JSON, format version first).
[[nodiscard]] std::string render_build_state(const BuildState& state);

/// Increments the build counter under an exclusive lock and returns the new state (its
/// counter is this run's build number). A damaged file is an error, not overwritten.
[[nodiscard]] BuildStateRead increment_build_counter(const std::filesystem::path& state_dir,
                                                     std::string_view pipeline,
                                                     std::string_view environment);

/// Records a successful run of `build_number` at `commit`, under the same lock.
[[nodiscard]] BuildStateRead record_success(const std::filesystem::path& state_dir,
                                            std::string_view pipeline, std::string_view environment,
                                            std::string_view commit, long long build_number);

} // namespace ferry::runtime
