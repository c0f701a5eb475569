#pragma once
// What `ferry watch` remembers across restarts, in `.ferry/watch/`: every commit it started a
// run for (so that none is built twice, whatever its result) and the last one, which the path
// filter diffs against. Written atomically (temporary file, then rename), format version first.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

/// The format version of the watch state this ferry reads and writes.
inline constexpr int watch_state_format_version = 1;

/// One commit a run was started for.
struct WatchedBuild {
    std::string commit;
    long long build_number = 0;
    std::string result; ///< SUCCESS, FAILURE, …; empty while the run is in progress (or died)
};

/// The state of one watch: a branch of a remote, a pipeline file, an environment.
struct WatchState {
    std::string remote; ///< without credentials
    std::string branch;
    std::string pipeline;
    std::string environment;
    std::vector<WatchedBuild> builds; ///< oldest first

    /// Whether a run was ever started for `commit`.
    [[nodiscard]] bool built(std::string_view commit) const;
    /// The commit of the newest run, if any: the base the path filter diffs against.
    [[nodiscard]] std::optional<std::string> last_built() const;
    /// Records the start of a run (or the result of one already recorded).
    void record(std::string_view commit, long long build_number, std::string_view result);
};

/// A state read from disk, or an error naming the file and what is wrong with it.
struct WatchStateRead {
    std::optional<WatchState> state; ///< a missing file reads as an empty state
    std::string error;
    [[nodiscard]] bool ok() const { return state.has_value(); }
};

/// The state file of (branch, environment, pipeline) under `state_dir` (a `.ferry/`).
[[nodiscard]] std::filesystem::path watch_state_path(const std::filesystem::path& state_dir,
                                                     std::string_view branch,
                                                     std::string_view environment,
                                                     std::string_view pipeline);

/// Parses a state file's text; `path` is named in errors. No I/O.
[[nodiscard]] WatchStateRead parse_watch_state(std::string_view text,
                                               const std::filesystem::path& path);

/// The file's text for `state` (JSON, format version first).
[[nodiscard]] std::string render_watch_state(const WatchState& state);

/// Reads the state at `path`; a missing file is an empty state.
[[nodiscard]] WatchStateRead read_watch_state(const std::filesystem::path& path);

/// Writes the state at `path` atomically. Returns an error message, or empty on success.
[[nodiscard]] std::string write_watch_state(const std::filesystem::path& path,
                                            const WatchState& state);

} // namespace ferry::runtime
