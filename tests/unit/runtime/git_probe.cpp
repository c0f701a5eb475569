// probe_git against repositories the test makes with the git CLI in a temporary directory.
#include "runtime/git.hpp"
#include "unit/runtime/probe_support.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace ferry::runtime;
using ferry::compiler::Known;
using ferry::testing::sh;
using ferry::testing::sh_out;
using ferry::testing::TempDir;
using ferry::testing::write_file;

namespace {

const std::string git = "git -c init.defaultBranch=main -c user.name='Ada Lovelace' "
                        "-c user.email=ada@example.org -c commit.gpgsign=false ";

// A repository with two commits: README (c1), then src/app.txt and an edited README (c2).
struct Repo {
    TempDir dir{"git"};
    std::string c1;
    std::string c2;
    Repo() {
        REQUIRE(sh(dir.path(), git + "init -q .") == 0);
        write_file(dir / "README", "hello\n");
        write_file(dir / "old.txt", "old\n");
        REQUIRE(sh(dir.path(), git + "add -A && " + git + "commit -q -m 'first commit'") == 0);
        c1 = sh_out(dir.path(), "git rev-parse HEAD");
        write_file(dir / "README", "hello again\n");
        write_file(dir / "src/app.txt", "app\n");
        REQUIRE(sh(dir.path(), git + "mv old.txt renamed.txt && " + git + "add -A && " + git +
                                   "commit -q -m 'second commit' -m 'with a body'") == 0);
        c2 = sh_out(dir.path(), "git rev-parse HEAD");
    }
};

GitProbeOptions with_env(std::map<std::string, std::string> vars) {
    GitProbeOptions o;
    o.getenv = [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    return o;
}

} // namespace

TEST_CASE("git: HEAD, branch, author and message", "[git]") {
    const Repo repo;
    const auto obs = probe_git(repo.dir.path(), {});
    REQUIRE(obs.known == Known::yes);
    CHECK(obs.commit == repo.c2);
    CHECK(obs.short_commit == repo.c2.substr(0, 7));
    CHECK(obs.branch == "main");
    CHECK(obs.branch_source == "git");
    CHECK(obs.author_name == "Ada Lovelace");
    CHECK(obs.author_email == "ada@example.org");
    CHECK(obs.committer_name == "Ada Lovelace");
    CHECK(obs.message == "second commit");
    CHECK_FALSE(obs.dirty);
    CHECK(obs.tags.empty());
    CHECK_FALSE(obs.changed_files);
    CHECK_FALSE(obs.changes_reason.empty());
}

TEST_CASE("git: discovery from a subdirectory", "[git]") {
    const Repo repo;
    const auto obs = probe_git(repo.dir / "src", {});
    REQUIRE(obs.known == Known::yes);
    CHECK(obs.commit == repo.c2);
    const auto top = git_work_tree(repo.dir / "src");
    REQUIRE(top);
    CHECK(std::filesystem::equivalent(*top, repo.dir.path()));
}

TEST_CASE("git: tags at HEAD, lightweight and annotated", "[git]") {
    const Repo repo;
    REQUIRE(sh(repo.dir.path(), git + "tag v1.0 && " + git + "tag -a -m rel v1.1 && " + git +
                                    "tag v0.9 " + repo.c1) == 0);
    const auto obs = probe_git(repo.dir.path(), {});
    CHECK(obs.tags == std::vector<std::string>{"v1.0", "v1.1"});
}

TEST_CASE("git: detached HEAD has no branch unless the CI names one", "[git]") {
    const Repo repo;
    REQUIRE(sh(repo.dir.path(), "git checkout -q --detach HEAD") == 0);
    CHECK(probe_git(repo.dir.path(), {}).branch.empty());

    auto jenkins = probe_git(repo.dir.path(), with_env({{"GIT_BRANCH", "origin/release-2"}}));
    CHECK(jenkins.branch == "release-2");
    CHECK(jenkins.branch_source == "GIT_BRANCH");

    auto both = probe_git(repo.dir.path(),
                          with_env({{"GIT_BRANCH", "origin/x"}, {"BRANCH_NAME", "feature/y"}}));
    CHECK(both.branch == "feature/y");
    CHECK(both.branch_source == "BRANCH_NAME");

    auto tag_build = probe_git(repo.dir.path(), with_env({{"GITHUB_REF_NAME", "v1"},
                                                          {"GITHUB_REF_TYPE", "tag"},
                                                          {"CI_COMMIT_REF_NAME", "main"}}));
    CHECK(tag_build.branch == "main");
    CHECK(tag_build.branch_source == "CI_COMMIT_REF_NAME");
}

TEST_CASE("git: dirty means tracked changes only", "[git]") {
    const Repo repo;
    write_file(repo.dir / "untracked.txt", "x\n");
    CHECK_FALSE(probe_git(repo.dir.path(), {}).dirty);
    write_file(repo.dir / "README", "changed\n");
    CHECK(probe_git(repo.dir.path(), {}).dirty);
}

TEST_CASE("git: origin URL without credentials", "[git]") {
    const Repo repo;
    REQUIRE(sh(repo.dir.path(),
               "git remote add origin https://bob:s3cr3t@git.example.org/team/app.git") == 0);
    const auto obs = probe_git(repo.dir.path(), {});
    CHECK(obs.remote_url == "https://git.example.org/team/app.git");
    CHECK(strip_url_credentials("git@github.com:team/app.git") == "git@github.com:team/app.git");
    CHECK(strip_url_credentials("ssh://git@host:22/x") == "ssh://host:22/x");
    CHECK(strip_url_credentials("https://host/p@th") == "https://host/p@th");
    CHECK(strip_url_credentials("/srv/repo.git") == "/srv/repo.git");
}

TEST_CASE("git: changed files and changelog since the last successful commit", "[git]") {
    const Repo repo;
    GitProbeOptions o;
    o.previous_commit = repo.c1;
    const auto obs = probe_git(repo.dir.path(), o);
    REQUIRE(obs.changed_files);
    CHECK(*obs.changed_files ==
          std::vector<std::string>{"README", "old.txt", "renamed.txt", "src/app.txt"});
    CHECK(obs.changelog == std::vector<std::string>{"second commit"});
    CHECK(obs.previous_successful_commit == repo.c1);

    o.previous_commit = repo.c2;
    const auto same = probe_git(repo.dir.path(), o);
    REQUIRE(same.changed_files);
    CHECK(same.changed_files->empty());
    CHECK(same.changelog.empty());
}

TEST_CASE("git: a previous commit that is gone is a reason, not an error", "[git]") {
    const Repo repo;
    GitProbeOptions o;
    o.previous_commit = std::string(40, 'f');
    const auto obs = probe_git(repo.dir.path(), o);
    CHECK(obs.known == Known::yes);
    CHECK_FALSE(obs.changed_files);
    CHECK(obs.changes_reason.find("not in this repository") != std::string::npos);
}

TEST_CASE("git: no repository, or no commits, is unknown with a reason", "[git]") {
    const TempDir empty("nogit");
    const auto none = probe_git(empty.path(), {});
    CHECK(none.known == Known::unknown);
    CHECK(none.reason.find("not inside a git repository") != std::string::npos);
    CHECK_FALSE(git_work_tree(empty.path()));

    REQUIRE(sh(empty.path(), git + "init -q .") == 0);
    const auto unborn = probe_git(empty.path(), {});
    CHECK(unborn.known == Known::unknown);
    CHECK(unborn.reason.find("no commits") != std::string::npos);
}

TEST_CASE("git: probing changes nothing in the repository", "[git]") {
    const Repo repo;
    write_file(repo.dir / "README", "changed\n");
    const auto before = sh_out(repo.dir.path(), "find .git -type f -newer .git/HEAD | sort; "
                                                "ls -l --time-style=full-iso .git/index");
    GitProbeOptions o;
    o.previous_commit = repo.c1;
    (void)probe_git(repo.dir.path(), o);
    const auto after = sh_out(repo.dir.path(), "find .git -type f -newer .git/HEAD | sort; "
                                               "ls -l --time-style=full-iso .git/index");
    CHECK(before == after);
}
