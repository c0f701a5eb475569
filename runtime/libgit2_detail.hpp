#pragma once
// Internal to runtime/git*.cpp, the files that include libgit2: its global state, owning
// handles, and its last error message.

#include <git2.h>
#include <memory>
#include <string>
#include <string_view>

namespace ferry::runtime::detail {

/// libgit2's global state, reference-counted by the library itself: hold one per operation.
class Libgit2 {
public:
    Libgit2() { git_libgit2_init(); }
    Libgit2(const Libgit2&) = delete;
    Libgit2& operator=(const Libgit2&) = delete;
    ~Libgit2() { git_libgit2_shutdown(); }
};

template <typename T, void (*Free)(T*)>
struct GitFreer {
    void operator()(T* object) const { Free(object); }
};
/// A libgit2 object freed with its own free function.
template <typename T, void (*Free)(T*)>
using GitOwned = std::unique_ptr<T, GitFreer<T, Free>>;

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
