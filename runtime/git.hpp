#pragma once
// The git checkout a pipeline runs from, read with libgit2 (included only by git.cpp). Reading
// never changes the repository: no fetch, no index refresh written back, no lock taken.

#include "compiler/observations.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::runtime {

struct GitProbeOptions {
    /// The last successful run's commit: changed files and changelog are computed since it.
    std::optional<std::string> previous_commit;
    /// Environment lookup for the CI's branch variables; empty means none are consulted.
    std::function<std::optional<std::string>(const std::string& name)> getenv;
    /// At most this many changelog entries are kept (newest first).
    std::size_t max_changelog = 200;
};

/// Discovers the repository holding `workspace` (walking up) and reads HEAD, branch, tags,
/// origin, author, dirtiness and the changes since `previous_commit`. No repository, or a
/// repository without commits, is an `unknown` observation with a reason.
[[nodiscard]] compiler::GitObservation probe_git(const std::filesystem::path& workspace,
                                                 const GitProbeOptions& options);

/// The work tree's top directory of the repository holding `workspace`, if any.
[[nodiscard]] std::optional<std::filesystem::path>
git_work_tree(const std::filesystem::path& workspace);

/// A remote URL without its user information (`https://user:token@host/x` → `https://host/x`);
/// scp-like `git@host:path` is kept, it holds no secret.
[[nodiscard]] std::string strip_url_credentials(std::string_view url);

/// The CI variables consulted for the branch name, in order of preference.
[[nodiscard]] const std::vector<std::string>& ci_branch_variables();

} // namespace ferry::runtime
