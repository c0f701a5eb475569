// archiveArtifacts into the run record, stash/unstash, and the Ant patterns they use.
#include "stdlib/drivers/basic_support.hpp"
#include "unit/drivers/driver_harness.hpp"

#include <catch2/catch.hpp>

using namespace ferry;
using runtime::BuildResult;
using stdlib::drivers::detail::ant_match;
using testing::DriverHarness;
using testing::put_file;

TEST_CASE("Ant patterns: * within a segment, ** across, ? one character", "[patterns]") {
    CHECK(ant_match("*.jar", "app.jar"));
    CHECK_FALSE(ant_match("*.jar", "build/app.jar"));
    CHECK(ant_match("**/*.jar", "app.jar"));
    CHECK(ant_match("**/*.jar", "build/libs/app.jar"));
    CHECK(ant_match("build/**", "build/a/b.txt"));
    CHECK(ant_match("build/**/test-?.xml", "build/test-1.xml"));
    CHECK_FALSE(ant_match("build/**/test-?.xml", "build/test-10.xml"));
    CHECK(ant_match("**/.git/**", ".git/config"));
    CHECK_FALSE(ant_match("*.JAR", "app.jar"));
    CHECK(ant_match("*.JAR", "app.jar", false));
}

TEST_CASE("archiveArtifacts copies matches into the record, keeping relative paths", "[archive]") {
    DriverHarness h;
    put_file(h.workspace / "build/libs/app.jar", "jar");
    put_file(h.workspace / "build/libs/app-sources.jar", "src");
    put_file(h.workspace / "build/report.txt", "report");
    put_file(h.workspace / ".git/HEAD", "ref");
    const auto outcome = h.run("archiveArtifacts", {{"artifacts", "build/**/*.jar, **/*.txt"},
                                                    {"excludes", "**/*-sources.jar"}});
    CHECK(outcome.result == BuildResult::success);
    CHECK(outcome.value == nlohmann::json::array({"build/libs/app.jar", "build/report.txt"}));
    const auto dir = h.record().artifacts_dir();
    CHECK(testing::slurp(dir / "build/libs/app.jar") == "jar");
    CHECK(testing::slurp(dir / "build/report.txt") == "report");
    CHECK_FALSE(std::filesystem::exists(dir / "build/libs/app-sources.jar"));
}

TEST_CASE("archiveArtifacts without a match fails unless allowEmptyArchive", "[archive]") {
    DriverHarness h;
    auto outcome = h.run("archiveArtifacts", {{"artifacts", "dist/*.zip"}});
    CHECK(outcome.result == BuildResult::failure);
    CHECK(outcome.message ==
          "No artifacts found that match the file pattern \"dist/*.zip\". Configuration error?");
    outcome = h.run("archiveArtifacts", {{"artifacts", "dist/*.zip"}, {"allowEmptyArchive", true}});
    CHECK(outcome.result == BuildResult::success);
}

TEST_CASE("stash and unstash carry files between directories", "[stash]") {
    DriverHarness h;
    put_file(h.workspace / "bin/tool", "binary");
    put_file(h.workspace / "src/main.c", "code");
    CHECK(h.run("stash", {{"name", "bins"}, {"includes", "bin/**"}}).result ==
          BuildResult::success);
    CHECK(h.output() == std::vector<std::string>{"Stashed 1 file(s)"});
    h.cwd = h.workspace / "elsewhere";
    std::filesystem::create_directories(h.cwd);
    CHECK(h.run("unstash", {{"name", "bins"}}).result == BuildResult::success);
    CHECK(testing::slurp(h.cwd / "bin/tool") == "binary");
    CHECK_FALSE(std::filesystem::exists(h.cwd / "src"));
    auto outcome = h.run("unstash", {{"name", "nope"}});
    CHECK(outcome.result == BuildResult::failure);
    CHECK(outcome.message == "No such saved stash ‘nope’");
    outcome = h.run("stash", {{"name", "empty"}, {"includes", "*.none"}});
    CHECK(outcome.result == BuildResult::failure);
}
