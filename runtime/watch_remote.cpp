// libgit2 for `ferry watch`: a detached remote listed over git://, http(s) or a local path,
// and the workspace repository reset between runs. Each libgit2 object is owned by a
// unique_ptr with its free function; failures become messages, never throws.
#include "runtime/watch_remote.hpp"

#include "runtime/git.hpp"
#include "runtime/libgit2_detail.hpp"

#include <fmt/format.h>
#include <git2.h>

namespace ferry::runtime {
namespace {

using detail::git_last_error;

struct AuthState {
    const RemoteAuth* auth = nullptr;
    int attempts = 0;
};

int credentials(git_credential** out, const char* /*url*/, const char* /*user_from_url*/,
                unsigned int allowed, void* payload) {
    auto* state = static_cast<AuthState*>(payload);
    return detail::userpass_credential(out, allowed, state->auth->username, state->auth->password,
                                       state->attempts);
}

} // namespace

RemoteHead remote_branch_head(const std::string& url, const std::string& branch,
                              const RemoteAuth& auth) {
    const detail::Libgit2 library;
    RemoteHead head;
    const std::string shown = strip_url_credentials(url);
    git_remote* raw = nullptr;
    if (git_remote_create_detached(&raw, url.c_str()) != 0) {
        head.error = fmt::format("{}: not a git remote: {}", shown, git_last_error());
        return head;
    }
    const detail::GitRemote remote(raw);
    AuthState state{&auth, 0};
    git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
    callbacks.credentials = credentials;
    callbacks.payload = &state;
    if (git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr) != 0) {
        head.error = fmt::format("cannot list the refs of {}: {}", shown, git_last_error());
        if (!auth.username && head.error.find("authentication") != std::string::npos) {
            head.error += " (give --credentials ID, a username and password credential of "
                          "ferry.yaml, or user:password in the URL)";
        }
        return head;
    }
    const git_remote_head** refs = nullptr;
    std::size_t count = 0;
    if (git_remote_ls(&refs, &count, remote.get()) != 0) {
        head.error = fmt::format("cannot list the refs of {}: {}", shown, git_last_error());
        git_remote_disconnect(remote.get());
        return head;
    }
    const std::string wanted = "refs/heads/" + branch;
    for (std::size_t i = 0; i < count; ++i) {
        if (refs[i]->name != nullptr && wanted == refs[i]->name) {
            head.commit = detail::git_oid_text(refs[i]->oid);
            break;
        }
    }
    git_remote_disconnect(remote.get());
    return head;
}

std::string prepare_watch_workspace(const std::filesystem::path& workspace) {
    const detail::Libgit2 library;
    std::error_code fs_error;
    std::filesystem::create_directories(workspace, fs_error);
    if (fs_error) {
        return fmt::format("cannot create the watch workspace {}: {}", workspace.string(),
                           fs_error.message());
    }
    git_repository* raw = nullptr;
    // Opened without walking up: the workspace often lies inside the user's own work tree.
    if (git_repository_open_ext(&raw, workspace.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr) !=
            0 &&
        git_repository_init(&raw, workspace.c_str(), 0) != 0) {
        return fmt::format("cannot make a git repository in {}: {}", workspace.string(),
                           git_last_error());
    }
    const detail::GitRepository repo(raw);
    git_object* head_raw = nullptr;
    if (git_revparse_single(&head_raw, repo.get(), "HEAD") != 0) {
        return {}; // nothing checked out yet
    }
    const detail::GitObject head(head_raw);
    git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
    options.checkout_strategy = GIT_CHECKOUT_FORCE;
    if (git_reset(repo.get(), head.get(), GIT_RESET_HARD, &options) != 0) {
        return fmt::format("cannot reset the watch workspace {} to its HEAD: {}",
                           workspace.string(), git_last_error());
    }
    return {};
}

} // namespace ferry::runtime
