#pragma once
// The pure decisions of `ferry watch`: which changed files a `--path` glob selects, and the
// queue in which commits that arrive during a run wait and coalesce to the newest. No I/O.

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

/// Whether `path` (slash-separated, relative to the repository's top) matches `glob`: `*` and
/// `?` stay inside one path segment, `**` spans any number of segments (`a/**` holds `a/x/y`,
/// `**/x` holds `x`), `[abc]` is a character class. A glob without a slash also matches the
/// file name in any directory, as Jenkins' includedRegions authors usually mean it.
[[nodiscard]] bool glob_matches(std::string_view glob, std::string_view path);

/// Why a set of changed files triggers a build or not.
struct PathDecision {
    bool build = false;
    std::string matched_file; ///< the first changed file that matched (when build)
    std::string matched_glob; ///< the glob it matched
};

/// Decides on `changed_files` against `globs`: no globs always builds; otherwise the first
/// file matching any glob builds, and none matching does not.
[[nodiscard]] PathDecision filter_paths(const std::vector<std::string>& globs,
                                        const std::vector<std::string>& changed_files);

/// A commit of the watched branch seen by a poll.
struct SeenCommit {
    std::string sha;
    std::string branch;
};

/// Commits that arrive while a run is in progress: only the newest waits (the branch head is
/// what a run would build anyway). Thread-safe: the poller offers, the runner takes.
class CoalescingQueue {
public:
    /// What offering a commit did: queued into an empty queue, replaced a waiting commit (its
    /// SHA is returned), or nothing because it already waits.
    struct Offered {
        bool queued = false;
        std::optional<std::string> replaced;
    };
    /// Queues `commit`, dropping an older waiting one.
    Offered offer(SeenCommit commit);
    /// Takes the waiting commit, leaving the queue empty.
    [[nodiscard]] std::optional<SeenCommit> take();
    /// The SHA of the waiting commit, if any.
    [[nodiscard]] std::optional<std::string> waiting() const;

private:
    mutable std::mutex mutex_;
    std::optional<SeenCommit> waiting_;
};

} // namespace ferry::runtime
