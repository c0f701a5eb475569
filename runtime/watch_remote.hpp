#pragma once
// The git side of `ferry watch` through libgit2 (included only by watch_remote.cpp, beside
// git*.cpp): the head of a remote branch by listing the remote's refs (no fetch, no objects:
// the cheap poll), and the workspace clone made ready for the next checkout.

#include "runtime/secret.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace ferry::runtime {

/// http(s) basic auth for the remote, when it asks.
struct RemoteAuth {
    std::optional<Secret> username;
    std::optional<Secret> password;
};

/// A branch head seen on a remote.
struct RemoteHead {
    std::optional<std::string> commit; ///< the 40-hex SHA; empty when the branch is absent
    std::string error;                 ///< the remote could not be listed: says why
    [[nodiscard]] bool ok() const { return error.empty(); }
};

/// Lists `url`'s refs (as `git ls-remote`) and returns `refs/heads/<branch>`'s commit. `url`
/// holds no credentials; errors name the URL and what the server said. Never throws.
[[nodiscard]] RemoteHead remote_branch_head(const std::string& url, const std::string& branch,
                                            const RemoteAuth& auth);

/// Makes `workspace` its own git repository (initialised when it is not one yet, so that it
/// never borrows an enclosing work tree) and resets tracked files to its HEAD, so that what
/// an earlier run changed cannot block the next checkout. Untracked files stay. Returns an
/// error message, or empty on success.
[[nodiscard]] std::string prepare_watch_workspace(const std::filesystem::path& workspace);

} // namespace ferry::runtime
