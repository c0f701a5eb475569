#pragma once
// Reading pipeline files from disk, and finding them in directories.

#include "grammar/source.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ferry::runtime {

/// Files larger than this are refused before they are read (a pipeline is text, not data).
inline constexpr std::uintmax_t max_pipeline_bytes = 64ull * 1024 * 1024;

/// Either the loaded file or a message that names the path and says what went wrong.
using LoadResult = std::variant<std::shared_ptr<const grammar::SourceFile>, std::string>;

/// Reads one pipeline file. `display_path` is what diagnostics will print.
[[nodiscard]] LoadResult load_source(const std::filesystem::path& path);

/// The pipeline file to use when none is named: `Ferryfile`, else `Jenkinsfile`, in `dir`.
[[nodiscard]] std::optional<std::filesystem::path>
default_pipeline(const std::filesystem::path& dir);

/// Expands files and directories into pipeline files: a directory contributes, recursively,
/// `Ferryfile`, `Jenkinsfile`, `*.jenkinsfile`, `Jenkinsfile.*`, `*.groovy` and `*.ferry` files,
/// and `ferry.yaml` / `*.ferry.yaml` configuration files,
/// skipping hidden and build directories. Paths that do not exist are returned in `missing`.
struct Expansion {
    std::vector<std::filesystem::path> files;
    std::vector<std::filesystem::path> missing;
};
[[nodiscard]] Expansion expand_paths(const std::vector<std::filesystem::path>& paths);

/// One path segment for a name (a pipeline, an environment): letters, digits, `.` (not first),
/// `_` and `-` kept, everything else as %XX, so no name can climb out of its directory.
[[nodiscard]] std::string path_segment(std::string_view name);
/// The inverse of path_segment, for display (`%XX` decoded); the text itself when malformed.
[[nodiscard]] std::string from_path_segment(std::string_view segment);

/// Replaces `path`'s content atomically (write to a temporary file, then rename).
/// Returns an error message, or an empty string on success.
[[nodiscard]] std::string write_atomically(const std::filesystem::path& path,
                                           const std::string& content);

} // namespace ferry::runtime
