#pragma once
// `checkout scm` and the `git` step: bring a revision of a repository into a workspace with
// libgit2 (included only by git_checkout.cpp). When the workspace already is the repository's
// work tree at that revision, nothing is done (a local run inside its own checkout).

#include "runtime/cancel.hpp"
#include "runtime/secret.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::runtime {

struct GitCheckoutRequest {
    std::filesystem::path workspace; ///< where the work tree goes (created when absent)
    std::string url;                 ///< the remote (`origin`); empty: only the local repository
    std::string commit;              ///< the revision to check out (full SHA); empty: `branch`
    std::string branch;              ///< used when `commit` is empty (the remote's HEAD if empty)
    std::optional<Secret> username;  ///< http(s) basic auth, when the remote asks
    std::optional<Secret> password;
};

struct GitCheckoutResult {
    bool ok = false;
    bool unchanged = false; ///< the workspace already was the work tree at that revision
    std::string commit;     ///< the revision checked out
    std::string error;      ///< what failed, naming the remote and what it said
};

/// Progress lines for the step's log (`Fetching origin`, `Checking out Revision …`).
using GitLog = std::function<void(std::string_view line)>;

/// Clones or fetches `request.url` into `request.workspace` and checks out the revision
/// (detached, forced over files git tracks; untracked files stay). Never throws.
[[nodiscard]] GitCheckoutResult git_checkout(const GitCheckoutRequest& request, const GitLog& log,
                                             const Cancellation& cancel);

} // namespace ferry::runtime
