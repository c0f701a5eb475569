// probe_git with libgit2 (git_checkout.cpp is the other file that includes git2.h). Every
// libgit2 object is held by a unique_ptr with its free function, and every failure becomes a
// reason string, never a throw.
#include "runtime/git.hpp"

#include "runtime/libgit2_detail.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <git2.h>
#include <memory>
#include <set>

namespace ferry::runtime {
namespace {

using detail::git_last_error;
using detail::Libgit2;
template <typename T, void (*Free)(T*)>
using Owned = detail::GitOwned<T, Free>;

using Commit = Owned<git_commit, git_commit_free>;
using Tree = Owned<git_tree, git_tree_free>;
using Diff = Owned<git_diff, git_diff_free>;
using Config = Owned<git_config, git_config_free>;
using StatusList = Owned<git_status_list, git_status_list_free>;
using RefIter = Owned<git_reference_iterator, git_reference_iterator_free>;
using Walk = Owned<git_revwalk, git_revwalk_free>;

std::string first_line(const char* message) {
    if (message == nullptr) {
        return {};
    }
    const std::string_view text(message);
    return std::string(text.substr(0, text.find('\n')));
}

detail::GitRepository open_repository(const std::filesystem::path& workspace) {
    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, workspace.c_str(), 0, nullptr) != 0) {
        return nullptr;
    }
    return detail::GitRepository(raw);
}

std::vector<std::string> tags_at(git_repository* repo, const git_oid& head) {
    std::vector<std::string> tags;
    git_reference_iterator* raw = nullptr;
    if (git_reference_iterator_glob_new(&raw, repo, "refs/tags/*") != 0) {
        return tags;
    }
    const RefIter iter(raw);
    git_reference* ref_raw = nullptr;
    while (git_reference_next(&ref_raw, iter.get()) == 0) {
        const detail::GitReference ref(ref_raw);
        git_object* peeled_raw = nullptr;
        if (git_reference_peel(&peeled_raw, ref.get(), GIT_OBJECT_COMMIT) != 0) {
            continue; // a tag of a tree or blob
        }
        const detail::GitObject peeled(peeled_raw);
        if (git_oid_equal(git_object_id(peeled.get()), &head) != 0) {
            tags.emplace_back(git_reference_shorthand(ref.get()));
        }
    }
    std::sort(tags.begin(), tags.end());
    return tags;
}

// Read from the configuration rather than with git_remote_lookup, which leaks a regex match
// block per call in libgit2 1.5 (PCRE2 builds).
std::string origin_url(git_repository* repo) {
    git_config* raw = nullptr;
    if (git_repository_config_snapshot(&raw, repo) != 0) {
        return {};
    }
    const Config config(raw);
    const char* url = nullptr;
    if (git_config_get_string(&url, config.get(), "remote.origin.url") != 0 || url == nullptr) {
        return {};
    }
    return strip_url_credentials(url);
}

// Tracked files whose work-tree or index content differs from HEAD (untracked files ignored).
bool has_tracked_changes(git_repository* repo) {
    git_status_options opts = GIT_STATUS_OPTIONS_INIT;
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    git_status_list* raw = nullptr;
    if (git_status_list_new(&raw, repo, &opts) != 0) {
        return false;
    }
    const StatusList list(raw);
    return git_status_list_entrycount(list.get()) > 0;
}

// The branch from the CI's variables, when one is set: (name, variable).
std::optional<std::pair<std::string, std::string>> ci_branch(const GitProbeOptions& options) {
    if (!options.getenv) {
        return std::nullopt;
    }
    for (const auto& name : ci_branch_variables()) {
        auto value = options.getenv(name);
        if (!value || value->empty()) {
            continue;
        }
        if (name == "GITHUB_REF_NAME" && options.getenv("GITHUB_REF_TYPE") == "tag") {
            continue; // a tag build: GITHUB_REF_NAME is the tag
        }
        std::string branch = *value;
        for (const std::string_view prefix : {"refs/heads/", "origin/"}) {
            if (branch.rfind(prefix, 0) == 0) {
                branch.erase(0, prefix.size());
            }
        }
        return std::pair{branch, name};
    }
    return std::nullopt;
}

Commit lookup_commit(git_repository* repo, const std::string& sha, std::string& error) {
    git_object* raw = nullptr;
    if (git_revparse_single(&raw, repo, sha.c_str()) != 0) {
        error = fmt::format("the last successful run's commit {} is not in this repository",
                            sha.substr(0, 12));
        return nullptr;
    }
    const detail::GitObject object(raw);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) != 0) {
        error = fmt::format("{} is not a commit", sha.substr(0, 12));
        return nullptr;
    }
    return Commit(reinterpret_cast<git_commit*>(peeled));
}

// Files that differ between the two commits' trees (both paths of a rename), sorted.
std::optional<std::vector<std::string>> changed_between(git_repository* repo, git_commit* from,
                                                        git_commit* to, std::string& error) {
    git_tree* from_raw = nullptr;
    git_tree* to_raw = nullptr;
    if (git_commit_tree(&from_raw, from) != 0) {
        error = git_last_error("cannot read the previous commit's tree");
        return std::nullopt;
    }
    const Tree from_tree(from_raw);
    if (git_commit_tree(&to_raw, to) != 0) {
        error = git_last_error("cannot read HEAD's tree");
        return std::nullopt;
    }
    const Tree to_tree(to_raw);
    git_diff* diff_raw = nullptr;
    if (git_diff_tree_to_tree(&diff_raw, repo, from_tree.get(), to_tree.get(), nullptr) != 0) {
        error = git_last_error("cannot diff the trees");
        return std::nullopt;
    }
    const Diff diff(diff_raw);
    git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
    find.flags = GIT_DIFF_FIND_RENAMES;
    git_diff_find_similar(diff.get(), &find);
    std::set<std::string> files;
    const std::size_t n = git_diff_num_deltas(diff.get());
    for (std::size_t i = 0; i < n; ++i) {
        const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
        if (delta->old_file.path != nullptr) {
            files.insert(delta->old_file.path);
        }
        if (delta->new_file.path != nullptr) {
            files.insert(delta->new_file.path);
        }
    }
    return std::vector<std::string>(files.begin(), files.end());
}

// First lines of the commits reachable from `head` but not from `since`, newest first.
std::vector<std::string> changelog(git_repository* repo, const git_oid& head, const git_oid& since,
                                   std::size_t limit) {
    std::vector<std::string> out;
    git_revwalk* raw = nullptr;
    if (git_revwalk_new(&raw, repo) != 0) {
        return out;
    }
    const Walk walk(raw);
    git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
    if (git_revwalk_push(walk.get(), &head) != 0 || git_revwalk_hide(walk.get(), &since) != 0) {
        return out;
    }
    git_oid oid;
    while (out.size() < limit && git_revwalk_next(&oid, walk.get()) == 0) {
        git_commit* c = nullptr;
        if (git_commit_lookup(&c, repo, &oid) == 0) {
            const Commit commit(c);
            out.push_back(first_line(git_commit_message(commit.get())));
        }
    }
    return out;
}

void fill_changes(git_repository* repo, git_commit* head, const GitProbeOptions& options,
                  compiler::GitObservation& out) {
    if (!options.previous_commit) {
        out.changes_reason = "no successful run of this pipeline and environment is recorded";
        return;
    }
    out.previous_successful_commit = options.previous_commit;
    std::string error;
    const Commit previous = lookup_commit(repo, *options.previous_commit, error);
    if (!previous) {
        out.changes_reason = error;
        return;
    }
    out.changed_files = changed_between(repo, previous.get(), head, error);
    if (!out.changed_files) {
        out.changes_reason = error;
        return;
    }
    out.changelog = changelog(repo, *git_commit_id(head), *git_commit_id(previous.get()),
                              options.max_changelog);
}

void fill_commit(git_commit* commit, compiler::GitObservation& out) {
    out.commit = detail::git_oid_text(*git_commit_id(commit));
    out.short_commit = out.commit.substr(0, 7);
    if (const git_signature* a = git_commit_author(commit)) {
        out.author_name = a->name != nullptr ? a->name : "";
        out.author_email = a->email != nullptr ? a->email : "";
    }
    if (const git_signature* c = git_commit_committer(commit)) {
        out.committer_name = c->name != nullptr ? c->name : "";
        out.committer_email = c->email != nullptr ? c->email : "";
    }
    out.message = first_line(git_commit_message(commit));
}

} // namespace

const std::vector<std::string>& ci_branch_variables() {
    static const std::vector<std::string> names = {"BRANCH_NAME", "GIT_BRANCH", "GITHUB_REF_NAME",
                                                   "CI_COMMIT_REF_NAME"};
    return names;
}

std::string strip_url_credentials(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos) {
        return std::string(url);
    }
    const auto host_start = scheme + 3;
    const auto authority_end = url.find_first_of("/?#", host_start);
    const auto authority = url.substr(host_start, authority_end == std::string_view::npos
                                                      ? std::string_view::npos
                                                      : authority_end - host_start);
    const auto at = authority.rfind('@');
    if (at == std::string_view::npos) {
        return std::string(url);
    }
    std::string out(url.substr(0, host_start));
    out += url.substr(host_start + at + 1);
    return out;
}

std::optional<std::filesystem::path> git_work_tree(const std::filesystem::path& workspace) {
    const Libgit2 lib;
    const detail::GitRepository repo = open_repository(workspace);
    if (!repo) {
        return std::nullopt;
    }
    const char* dir = git_repository_workdir(repo.get());
    if (dir == nullptr) {
        return std::nullopt; // bare
    }
    auto path = std::filesystem::path(dir);
    return path.has_filename() ? path : path.parent_path();
}

compiler::GitObservation probe_git(const std::filesystem::path& workspace,
                                   const GitProbeOptions& options) {
    const Libgit2 lib;
    compiler::GitObservation out;
    const detail::GitRepository repo = open_repository(workspace);
    if (!repo) {
        out.reason = fmt::format("{} is not inside a git repository", workspace.string());
        return out;
    }
    git_reference* head_raw = nullptr;
    const int head_rc = git_repository_head(&head_raw, repo.get());
    if (head_rc == GIT_EUNBORNBRANCH || head_rc == GIT_ENOTFOUND) {
        out.reason = "the git repository has no commits yet";
        return out;
    }
    if (head_rc != 0) {
        out.reason = "cannot read HEAD: " + git_last_error("unknown error");
        return out;
    }
    const detail::GitReference head(head_raw);
    git_object* peeled = nullptr;
    if (git_reference_peel(&peeled, head.get(), GIT_OBJECT_COMMIT) != 0) {
        out.reason = "HEAD is not a commit: " + git_last_error("unknown error");
        return out;
    }
    const Commit commit(reinterpret_cast<git_commit*>(peeled));
    out.known = compiler::Known::yes;
    fill_commit(commit.get(), out);
    if (git_reference_is_branch(head.get()) != 0) {
        out.branch = git_reference_shorthand(head.get());
        out.branch_source = "git";
    }
    if (auto ci = ci_branch(options)) {
        out.branch = std::move(ci->first);
        out.branch_source = std::move(ci->second);
    }
    out.tags = tags_at(repo.get(), *git_commit_id(commit.get()));
    out.remote_url = origin_url(repo.get());
    out.dirty = git_repository_is_bare(repo.get()) == 0 && has_tracked_changes(repo.get());
    fill_changes(repo.get(), commit.get(), options, out);
    return out;
}

} // namespace ferry::runtime
