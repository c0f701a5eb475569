#pragma once
// Running processes (Boost.Process is included only by process.cpp): the environment exactly
// as given (nothing inherited implicitly), the working directory, stdout and stderr streamed
// line by line as they arrive, and the whole process group ended (SIGTERM, then SIGKILL after
// a grace period) when the cancellation token fires, so no grandchild outlives its step.

#include "runtime/cancel.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::runtime {

struct ProcessSpec {
    std::filesystem::path program; ///< absolute, or a name searched on the spec's PATH
    std::vector<std::string> args;
    std::filesystem::path cwd; ///< empty: ferry's own working directory
    /// The complete environment of the child, in order; nothing else is inherited.
    std::vector<std::pair<std::string, std::string>> env;
    std::optional<std::string> stdin_data;                          ///< none: stdin is /dev/null
    std::chrono::milliseconds kill_grace = std::chrono::seconds(5); ///< SIGTERM → SIGKILL
};

enum class OutputStream { out, err };

/// Called from the runner's thread for every complete line (without its newline) and for a
/// last line without one. Lines longer than 64 KiB are delivered in 64 KiB pieces.
using LineSink = std::function<void(OutputStream stream, std::string_view line)>;

enum class ProcessEnd {
    exited,          ///< exit_code is valid
    signalled,       ///< killed by `signal` (not by ferry)
    cancelled,       ///< ferry ended the group: see the token's reason
    failed_to_start, ///< `error` says why (not found, not executable, bad cwd)
};

struct ProcessResult {
    ProcessEnd end = ProcessEnd::failed_to_start;
    int exit_code = -1;
    int signal = 0;
    std::string error;
    std::chrono::milliseconds elapsed{0};
};

/// Runs `spec` to its end. Never throws.
[[nodiscard]] ProcessResult run_process(const ProcessSpec& spec, const LineSink& sink,
                                        const Cancellation& cancel);

/// `name` searched on `path` (a PATH value); nullopt when absent or not executable.
[[nodiscard]] std::optional<std::filesystem::path> search_path(std::string_view name,
                                                               std::string_view path);

/// The process's own environment, as pairs (the starting point of a run's variables).
[[nodiscard]] std::vector<std::pair<std::string, std::string>> current_environment();

} // namespace ferry::runtime
