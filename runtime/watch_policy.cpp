// Glob matching for `--path` and the coalescing queue of `ferry watch`.
#include "runtime/watch_policy.hpp"

namespace ferry::runtime {
namespace {

// `[...]` at the start of `glob`: whether `c` is in the class; `length` gets the class's size
// (0 when the bracket is not closed, and then it is an ordinary character).
bool class_matches(std::string_view glob, char c, std::size_t& length) {
    std::size_t i = 1;
    const bool negated = i < glob.size() && (glob[i] == '!' || glob[i] == '^');
    if (negated) {
        ++i;
    }
    bool found = false;
    const std::size_t first = i;
    for (; i < glob.size() && (glob[i] != ']' || i == first); ++i) {
        if (i + 2 < glob.size() && glob[i + 1] == '-' && glob[i + 2] != ']') {
            found = found || (glob[i] <= c && c <= glob[i + 2]);
            i += 2;
        } else {
            found = found || glob[i] == c;
        }
    }
    if (i >= glob.size()) {
        length = 0;
        return false;
    }
    length = i + 1;
    return found != negated;
}

// Classic backtracking glob match over the whole strings; `*` never crosses a `/`, `**` does.
bool match(std::string_view glob, std::string_view path) {
    while (!glob.empty()) {
        if (glob.substr(0, 2) == "**") {
            std::string_view rest = glob.substr(2);
            // `**/` also matches no directory at all.
            if (rest.substr(0, 1) == "/" && match(rest.substr(1), path)) {
                return true;
            }
            for (std::size_t i = 0; i <= path.size(); ++i) {
                if (match(rest, path.substr(i))) {
                    return true;
                }
            }
            return false;
        }
        if (glob.front() == '*') {
            for (std::size_t i = 0; i <= path.size(); ++i) {
                if (match(glob.substr(1), path.substr(i))) {
                    return true;
                }
                if (i < path.size() && path[i] == '/') {
                    break;
                }
            }
            return false;
        }
        if (path.empty()) {
            return false;
        }
        if (glob.front() == '?') {
            if (path.front() == '/') {
                return false;
            }
        } else if (glob.front() == '[') {
            std::size_t length = 0;
            const bool in = class_matches(glob, path.front(), length);
            if (length > 0) {
                if (!in || path.front() == '/') {
                    return false;
                }
                glob.remove_prefix(length);
                path.remove_prefix(1);
                continue;
            }
            if (path.front() != '[') {
                return false;
            }
        } else if (glob.front() != path.front()) {
            return false;
        }
        glob.remove_prefix(1);
        path.remove_prefix(1);
    }
    return path.empty();
}

} // namespace

bool glob_matches(std::string_view glob, std::string_view path) {
    while (glob.substr(0, 2) == "./") {
        glob.remove_prefix(2);
    }
    if (glob.empty()) {
        return false;
    }
    if (glob.back() == '/') { // a directory: everything below it
        return match(std::string(glob) + "**", path);
    }
    if (match(glob, path)) {
        return true;
    }
    if (glob.find('/') == std::string_view::npos) {
        const auto slash = path.rfind('/');
        return slash != std::string_view::npos && match(glob, path.substr(slash + 1));
    }
    return false;
}

PathDecision filter_paths(const std::vector<std::string>& globs,
                          const std::vector<std::string>& changed_files) {
    PathDecision decision;
    if (globs.empty()) {
        decision.build = true;
        return decision;
    }
    for (const auto& file : changed_files) {
        for (const auto& glob : globs) {
            if (glob_matches(glob, file)) {
                decision.build = true;
                decision.matched_file = file;
                decision.matched_glob = glob;
                return decision;
            }
        }
    }
    return decision;
}

CoalescingQueue::Offered CoalescingQueue::offer(SeenCommit commit) {
    const std::lock_guard lock(mutex_);
    Offered offered;
    if (waiting_ && waiting_->sha == commit.sha) {
        return offered;
    }
    offered.queued = true;
    if (waiting_) {
        offered.replaced = waiting_->sha;
    }
    waiting_ = std::move(commit);
    return offered;
}

std::optional<SeenCommit> CoalescingQueue::take() {
    const std::lock_guard lock(mutex_);
    auto taken = std::move(waiting_);
    waiting_.reset();
    return taken;
}

std::optional<std::string> CoalescingQueue::waiting() const {
    const std::lock_guard lock(mutex_);
    return waiting_ ? std::optional<std::string>(waiting_->sha) : std::nullopt;
}

} // namespace ferry::runtime
