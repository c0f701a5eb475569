#pragma once
// Internal to runtime/git*.cpp, the files that include libgit2: its global state, owning
// handles, and its last error message.

#include "runtime/secret.hpp"

#include <git2.h>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::runtime::detail {

/// libgit2's global state, set up on the first use in the process and kept until it exits:
/// hold one per operation. (Its set-up parses the system's CA bundle, a few milliseconds with
/// Debian's mbedTLS build, so an init/shutdown pair per operation paid that each time.)
class Libgit2 {
public:
    Libgit2() { static const ProcessState state; }
    Libgit2(const Libgit2&) = delete;
    Libgit2& operator=(const Libgit2&) = delete;
    ~Libgit2() = default;

private:
    struct ProcessState {
        ProcessState() { git_libgit2_init(); }
        ProcessState(const ProcessState&) = delete;
        ProcessState& operator=(const ProcessState&) = delete;
        ~ProcessState() { git_libgit2_shutdown(); }
    };
};

template <typename T, void (*Free)(T*)>
struct GitFreer {
    void operator()(T* object) const { Free(object); }
};
/// A libgit2 object freed with its own free function.
template <typename T, void (*Free)(T*)>
using GitOwned = std::unique_ptr<T, GitFreer<T, Free>>;

using GitRepository = GitOwned<git_repository, git_repository_free>;
using GitRemote = GitOwned<git_remote, git_remote_free>;
using GitObject = GitOwned<git_object, git_object_free>;
using GitReference = GitOwned<git_reference, git_reference_free>;

/// The body of a libgit2 credentials callback for a username and password: offered once
/// (`attempts` counts the calls of one operation); asked again, the server refused them.
/// Without both, or when the server wants another kind, libgit2 goes on without (passthrough).
inline int userpass_credential(git_credential** out, unsigned int allowed,
                               const std::optional<Secret>& username,
                               const std::optional<Secret>& password, int& attempts) {
    if (!username || !password || (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) == 0) {
        return GIT_PASSTHROUGH;
    }
    if (++attempts > 1) {
        git_error_set_str(GIT_ERROR_NET, "authentication failed: the server refused the "
                                         "username and password given");
        return GIT_EUSER;
    }
    return git_credential_userpass_plaintext_new(out, username->reveal().c_str(),
                                                 password->reveal().c_str());
}

/// libgit2's last error message, or `fallback` when it has none.
inline std::string git_last_error(std::string_view fallback = "unknown libgit2 error") {
    const git_error* e = git_error_last();
    return e != nullptr && e->message != nullptr ? std::string(e->message) : std::string(fallback);
}

/// A commit id as 40 hex characters.
inline std::string git_oid_text(const git_oid& oid) {
    char text[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(text, sizeof text, &oid);
    return text;
}

} // namespace ferry::runtime::detail
