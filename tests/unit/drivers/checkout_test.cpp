// checkout scm / git through libgit2, against repositories made with the git command.
#include "unit/drivers/driver_harness.hpp"

#include <catch2/catch.hpp>
#include <cstdio>

using namespace ferry;
using runtime::BuildResult;
using testing::DriverHarness;
using testing::put_file;

namespace {

std::string shell(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    char buffer[256];
    while (pipe != nullptr && std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
        out += buffer;
    }
    if (pipe != nullptr) {
        ::pclose(pipe);
    }
    while (!out.empty() && out.back() == '\n') {
        out.pop_back();
    }
    return out;
}

/// A repository with two commits and a bare clone of it; returns {bare path, first, second}.
std::tuple<std::string, std::string, std::string> make_repository(const std::filesystem::path& at) {
    const auto src = (at / "src").string();
    const std::string git =
        "git -C " + src + " -c user.name=t -c user.email=t@example.com -c init.defaultBranch=main ";
    std::filesystem::create_directories(src);
    shell("git -c init.defaultBranch=main init -q " + src);
    put_file(at / "src/app.txt", "v1\n");
    shell(git + "add app.txt && " + git + "commit -qm one");
    const auto first = shell(git + "rev-parse HEAD");
    put_file(at / "src/app.txt", "v2\n");
    shell(git + "commit -qam two");
    const auto second = shell(git + "rev-parse HEAD");
    shell("git clone -q --bare " + src + " " + (at / "remote.git").string());
    return {(at / "remote.git").string(), first, second};
}

} // namespace

TEST_CASE("checkout scm clones GIT_URL at GIT_COMMIT into the workspace", "[checkout]") {
    DriverHarness h;
    const auto [url, first, second] = make_repository(h.scratch());
    h.env.emplace_back("GIT_URL", url);
    h.env.emplace_back("GIT_COMMIT", first);
    put_file(h.workspace / "leftover.txt", "untracked");
    auto outcome = h.run("checkout", {{"scm", {{"$describable", "scm"}}}});
    INFO(outcome.message);
    REQUIRE(outcome.result == BuildResult::success);
    CHECK(outcome.value["GIT_COMMIT"] == first);
    CHECK(testing::slurp(h.workspace / "app.txt") == "v1\n");
    CHECK(shell("git -C " + h.workspace.string() + " rev-parse HEAD") == first);

    // Already there: nothing to do.
    outcome = h.run("checkout", {{"scm", "scm"}});
    CHECK(outcome.result == BuildResult::success);
    CHECK(h.output().back().find("already") != std::string::npos);

    // Another commit of the same remote: fetched and checked out over the tracked files.
    h.env.back().second = second;
    outcome = h.run("checkout", {{"scm", "scm"}});
    REQUIRE(outcome.result == BuildResult::success);
    CHECK(testing::slurp(h.workspace / "app.txt") == "v2\n");
}

TEST_CASE("a workspace that is the repository at the commit needs no remote", "[checkout]") {
    DriverHarness h;
    const auto [url, first, second] = make_repository(h.scratch());
    h.workspace = h.scratch() / "src";
    h.env.emplace_back("GIT_COMMIT", second);
    const auto outcome = h.run("checkout", {{"scm", "scm"}});
    CHECK(outcome.result == BuildResult::success);
    CHECK(outcome.value["GIT_COMMIT"] == second);
}

TEST_CASE("checkout failures say what is missing", "[checkout]") {
    DriverHarness h;
    const auto [url, first, second] = make_repository(h.scratch());
    h.env.emplace_back("GIT_URL", url);
    h.env.emplace_back("GIT_COMMIT", std::string(40, 'a'));
    auto outcome = h.run("checkout", {{"scm", "scm"}});
    CHECK(outcome.result == BuildResult::failure);
    CHECK(outcome.message.find("is not in " + url) != std::string::npos);

    outcome = h.run("checkout", {{"scm", {{"$describable", "svn"}}}});
    CHECK(outcome.result == BuildResult::failure);

    outcome = h.run("git", {{"url", h.scratch().string() + "/no-such.git"}, {"branch", "main"}});
    CHECK(outcome.result == BuildResult::failure);
    CHECK(outcome.message.find("cannot fetch from") != std::string::npos);
}

TEST_CASE("the git step checks out a branch", "[checkout]") {
    DriverHarness h;
    const auto [url, first, second] = make_repository(h.scratch());
    h.cwd = h.workspace / "checkout";
    const auto outcome = h.run("git", {{"url", url}, {"branch", "main"}});
    INFO(outcome.message);
    REQUIRE(outcome.result == BuildResult::success);
    CHECK(outcome.value["GIT_COMMIT"] == second);
    CHECK(testing::slurp(h.cwd / "app.txt") == "v2\n");
}
