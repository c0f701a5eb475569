#pragma once
// What the step drivers share: reading evaluated parameters, resolving paths against the
// step's directory, the environment's registry, Ant-style file patterns, and outcomes.

#include "runtime/driver.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::stdlib::drivers::detail {

/// A string parameter (numbers and booleans are written as Groovy would print them).
[[nodiscard]] std::optional<std::string> string_param(const runtime::StepContext& context,
                                                      std::string_view name);
/// A boolean parameter (`true`, or the strings "true"/"false"), else `fallback`.
[[nodiscard]] bool bool_param(const runtime::StepContext& context, std::string_view name,
                              bool fallback);
/// An integer parameter (a number or a numeric string).
[[nodiscard]] std::optional<long long> int_param(const runtime::StepContext& context,
                                                 std::string_view name);

/// A list parameter as strings (a lone value is a list of one; numbers as written, e.g.
/// `ports: [8080]`); nullopt when absent.
[[nodiscard]] std::optional<std::vector<std::string>>
string_list_param(const nlohmann::json& params, std::string_view name);
/// The registry of the run's environment, if it names one.
[[nodiscard]] const compiler::Registry* environment_registry(const runtime::RunServices& services);
/// `path` relative to the step's directory (absolute paths are kept), lexically normalised.
[[nodiscard]] std::filesystem::path resolve(const runtime::StepContext& context,
                                            std::string_view path);

[[nodiscard]] runtime::StepOutcome failure(std::string message);
[[nodiscard]] runtime::StepOutcome succeeded(nlohmann::json value = nullptr);
/// A required parameter is missing: the step fails saying which.
[[nodiscard]] runtime::StepOutcome missing_param(const runtime::StepContext& context,
                                                 std::string_view name);

/// Writes every line of `text` to the step's output.
void log_lines(const runtime::StepContext& context, std::string_view text,
               runtime::OutputStream stream = runtime::OutputStream::out);

/// Ant-style patterns, comma separated (`**/*.xml, reports/`), as archiveArtifacts, junit and
/// stash take them: `*` and `?` within a path segment, `**` across segments, a trailing `/`
/// meaning everything below.
struct FilePatterns {
    std::string includes;
    std::string excludes;
    bool default_excludes = true; ///< Ant's: .git, .svn, CVS, editor backups, …
    bool case_sensitive = true;
};

/// The regular files under `root` matching `patterns`, as sorted relative paths ('/'
/// separated). Symbolic links to files count; directories behind links are not walked.
[[nodiscard]] std::vector<std::string> find_files(const std::filesystem::path& root,
                                                  const FilePatterns& patterns);

/// Whether one relative path matches one Ant pattern.
[[nodiscard]] bool ant_match(std::string_view pattern, std::string_view path,
                             bool case_sensitive = true);

/// Copies `files` (relative to `from`) below `to`, keeping their relative paths.
[[nodiscard]] std::string copy_files(const std::filesystem::path& from,
                                     const std::vector<std::string>& files,
                                     const std::filesystem::path& to);

} // namespace ferry::stdlib::drivers::detail

namespace ferry::stdlib::drivers::detail {

void register_shell_steps(runtime::DriverTable& table);    ///< sh, pwsh
void register_flow_steps(runtime::DriverTable& table);     ///< echo, error, unstable, sleep
void register_file_steps(runtime::DriverTable& table);     ///< writeFile, readFile, pwd, …
void register_artifact_steps(runtime::DriverTable& table); ///< archiveArtifacts, stash, …
void register_junit_step(runtime::DriverTable& table);     ///< junit
void register_checkout_steps(runtime::DriverTable& table); ///< checkout, git

} // namespace ferry::stdlib::drivers::detail
