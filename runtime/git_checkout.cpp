// libgit2 for `checkout scm` and `git`. Each libgit2 object is held by a unique_ptr with its
// free function; every failure becomes an error string naming the remote.

#include "runtime/git_checkout.hpp"

#include "runtime/git.hpp"
#include "runtime/libgit2_detail.hpp"

#include <fmt/format.h>
#include <git2.h>
#include <memory>

namespace ferry::runtime {

namespace {

using detail::Libgit2;

std::string last_error() {
    return detail::git_last_error();
}

/// The URL without its user information, for messages (git.hpp).
std::string shown_url(const std::string& url) {
    return strip_url_credentials(url);
}

std::optional<git_oid> head_commit(git_repository* repo) {
    git_oid oid;
    if (git_reference_name_to_id(&oid, repo, "HEAD") != 0) {
        return std::nullopt;
    }
    return oid;
}

struct CallbackState {
    const GitCheckoutRequest* request = nullptr;
    const Cancellation* cancel = nullptr;
    int attempts = 0;
};

int credentials_callback(git_credential** out, const char* /*url*/, const char* /*user_from_url*/,
                         unsigned int allowed, void* payload) {
    auto* state = static_cast<CallbackState*>(payload);
    return detail::userpass_credential(out, allowed, state->request->username,
                                       state->request->password, state->attempts);
}

int progress_callback(const git_indexer_progress* /*stats*/, void* payload) {
    const auto* state = static_cast<CallbackState*>(payload);
    return state->cancel->cancelled() ? GIT_EUSER : 0; // a non-zero value stops the transfer
}

class Checkout {
public:
    Checkout(const GitCheckoutRequest& request, const GitLog& log, const Cancellation& cancel)
        : request_(request), log_(log), cancel_(cancel) {}

    GitCheckoutResult run();

private:
    std::optional<GitCheckoutResult> reuse_existing();
    bool open_or_init();
    bool fetch();
    std::optional<git_oid> target();
    bool check_out(const git_oid& oid);
    void say(const std::string& line) const {
        if (log_) {
            log_(line);
        }
    }
    GitCheckoutResult fail(std::string message) const {
        GitCheckoutResult result;
        result.error = cancel_.cancelled() ? cancel_.message() : std::move(message);
        return result;
    }

    const GitCheckoutRequest& request_;
    const GitLog& log_;
    const Cancellation& cancel_;
    detail::GitRepository repo_;

    bool fresh_ = false;
    std::string error_;
};

std::optional<GitCheckoutResult> Checkout::reuse_existing() {
    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, request_.workspace.c_str(), 0, nullptr) != 0) {
        return std::nullopt; // no repository here: a fresh one is made
    }
    repo_.reset(raw);
    const char* workdir = git_repository_workdir(raw);
    if (workdir == nullptr) {
        repo_.reset(); // a bare repository above the workspace is not its work tree
        return std::nullopt;
    }
    std::error_code error;
    const auto top = std::filesystem::weakly_canonical(workdir, error);
    const auto workspace = std::filesystem::weakly_canonical(request_.workspace, error);
    const auto head = head_commit(raw);
    if (head && (request_.commit.empty() || detail::git_oid_text(*head) == request_.commit)) {
        GitCheckoutResult result;
        result.ok = true;
        result.unchanged = true;
        result.commit = detail::git_oid_text(*head);
        say(fmt::format("The workspace is already the work tree at revision {}", result.commit));
        return result;
    }
    if (top != workspace) {
        GitCheckoutResult result;
        result.error = fmt::format(
            "the workspace {} lies inside the work tree {} at revision {}, not {}; ferry does not "
            "check out part of another work tree (check out {} there, or run from a clean "
            "directory)",
            workspace.string(), top.string(), head ? detail::git_oid_text(*head) : "(none)",
            request_.commit, request_.commit);
        return result;
    }
    return std::nullopt; // the workspace's own repository: fetch into it
}

bool Checkout::open_or_init() {
    if (repo_) {
        return true;
    }
    std::error_code fs_error;
    std::filesystem::create_directories(request_.workspace, fs_error);
    git_repository* raw = nullptr;
    if (git_repository_init(&raw, request_.workspace.c_str(), 0) != 0) {
        error_ = fmt::format("cannot create a git repository in {}: {}",
                             request_.workspace.string(), last_error());
        return false;
    }
    repo_.reset(raw);
    fresh_ = true;
    say(fmt::format("Cloning the remote Git repository {}", shown_url(request_.url)));
    return true;
}

bool Checkout::fetch() {
    git_remote* raw = nullptr;
    if (git_remote_lookup(&raw, repo_.get(), "origin") == 0) {
        const char* current = git_remote_url(raw);
        if (current == nullptr || request_.url != current) {
            git_remote_free(raw);
            raw = nullptr;
            if (git_remote_set_url(repo_.get(), "origin", request_.url.c_str()) != 0 ||
                git_remote_lookup(&raw, repo_.get(), "origin") != 0) {
                error_ = fmt::format("cannot set the remote origin to {}: {}",
                                     shown_url(request_.url), last_error());
                return false;
            }
        }
    } else if (git_remote_create(&raw, repo_.get(), "origin", request_.url.c_str()) != 0) {
        error_ = fmt::format("cannot add the remote {}: {}", shown_url(request_.url), last_error());
        return false;
    }
    const detail::GitRemote remote(raw);
    say(fmt::format("Fetching changes from the remote Git repository {}", shown_url(request_.url)));
    CallbackState state{&request_, &cancel_, 0};
    git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
    options.callbacks.credentials = credentials_callback;
    options.callbacks.transfer_progress = progress_callback;
    options.callbacks.payload = &state;
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    char refspec[] = "+refs/heads/*:refs/remotes/origin/*";
    char* refspecs[] = {refspec};
    const git_strarray specs{refspecs, 1};
    if (git_remote_fetch(remote.get(), &specs, &options, nullptr) != 0) {
        error_ = fmt::format("cannot fetch from {}: {}", shown_url(request_.url), last_error());
        if (!request_.username && error_.find("authentication required") != std::string::npos) {
            error_ += " (give the step credentials: a username and password credential of "
                      "ferry.yaml)";
        }
        return false;
    }
    return true;
}

std::optional<git_oid> Checkout::target() {
    git_oid oid;
    if (!request_.commit.empty()) {
        if (git_oid_fromstr(&oid, request_.commit.c_str()) != 0) {
            error_ = fmt::format("'{}' is not a commit id", request_.commit);
            return std::nullopt;
        }
        git_commit* commit = nullptr;
        if (git_commit_lookup(&commit, repo_.get(), &oid) != 0) {
            error_ =
                fmt::format("revision {} is not in {}", request_.commit, shown_url(request_.url));
            return std::nullopt;
        }
        git_commit_free(commit);
        return oid;
    }
    std::vector<std::string> candidates;
    if (!request_.branch.empty()) {
        candidates.push_back("refs/remotes/origin/" + request_.branch);
        candidates.push_back("refs/tags/" + request_.branch);
    } else {
        candidates = {"refs/remotes/origin/HEAD", "refs/remotes/origin/main",
                      "refs/remotes/origin/master"};
    }
    for (const auto& name : candidates) {
        if (git_reference_name_to_id(&oid, repo_.get(), name.c_str()) == 0) {
            return oid;
        }
    }
    error_ = request_.branch.empty()
                 ? fmt::format("{} has no main or master branch; name the branch",
                               shown_url(request_.url))
                 : fmt::format("Couldn't find any revision to build: branch '{}' is not in {}",
                               request_.branch, shown_url(request_.url));
    return std::nullopt;
}

bool Checkout::check_out(const git_oid& oid) {
    git_object* raw = nullptr;
    if (git_object_lookup(&raw, repo_.get(), &oid, GIT_OBJECT_COMMIT) != 0) {
        error_ =
            fmt::format("cannot read revision {}: {}", detail::git_oid_text(oid), last_error());
        return false;
    }
    const detail::GitObject commit(raw);
    git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
    // A fresh repository in a used directory takes the revision over whatever is there, as the
    // git plugin's `checkout -f`; an existing work tree keeps local changes and says so.
    options.checkout_strategy = fresh_ ? GIT_CHECKOUT_FORCE : GIT_CHECKOUT_SAFE;
    if (git_checkout_tree(repo_.get(), commit.get(), &options) != 0) {
        error_ = fmt::format("cannot check out revision {} in {}: {}", detail::git_oid_text(oid),
                             request_.workspace.string(), last_error());
        return false;
    }
    if (git_repository_set_head_detached(repo_.get(), &oid) != 0) {
        error_ = fmt::format("cannot move HEAD to {}: {}", detail::git_oid_text(oid), last_error());
        return false;
    }
    return true;
}

GitCheckoutResult Checkout::run() {
    if (auto reused = reuse_existing()) {
        return *reused;
    }
    if (!open_or_init()) {
        return fail(error_);
    }
    git_oid wanted;
    const bool have_commit =
        !request_.commit.empty() && git_oid_fromstr(&wanted, request_.commit.c_str()) == 0 && [&] {
            git_commit* commit = nullptr;
            const bool found = git_commit_lookup(&commit, repo_.get(), &wanted) == 0;
            git_commit_free(commit);
            return found;
        }();
    if (!have_commit) {
        if (request_.url.empty()) {
            return fail(fmt::format("no remote to fetch revision {} from (GIT_URL is not set)",
                                    request_.commit.empty() ? request_.branch : request_.commit));
        }
        if (!fetch()) {
            return fail(error_);
        }
    }
    const auto oid = target();
    if (!oid) {
        return fail(error_);
    }
    const auto revision = detail::git_oid_text(*oid);
    say(request_.branch.empty()
            ? fmt::format("Checking out Revision {}", revision)
            : fmt::format("Checking out Revision {} ({})", revision, request_.branch));
    if (!check_out(*oid)) {
        return fail(error_);
    }
    GitCheckoutResult result;
    result.ok = true;
    result.commit = revision;
    return result;
}

} // namespace

GitCheckoutResult git_checkout(const GitCheckoutRequest& request, const GitLog& log,
                               const Cancellation& cancel) {
    static const Libgit2 library;
    try {
        Checkout checkout(request, log, cancel);
        return checkout.run();
    } catch (const std::exception& error) {
        GitCheckoutResult result;
        result.error = fmt::format("git checkout into {} failed: {}", request.workspace.string(),
                                   error.what());
        return result;
    }
}

} // namespace ferry::runtime
