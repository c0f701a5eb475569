// writeFile, readFile, fileExists, deleteDir, pwd, isUnix, touch: paths relative to cwd.
#include "runtime/secret.hpp"
#include "unit/drivers/driver_harness.hpp"

#include <catch2/catch.hpp>

using namespace ferry;
using runtime::BuildResult;
using testing::DriverHarness;
using testing::slurp;

TEST_CASE("writeFile and readFile, as text and as Base64", "[files]") {
    DriverHarness h;
    h.cwd = h.workspace / "sub";
    std::filesystem::create_directories(h.cwd);
    CHECK(h.run("writeFile", {{"file", "out/notes.txt"}, {"text", "héllo\n"}}).result ==
          BuildResult::success);
    CHECK(slurp(h.cwd / "out/notes.txt") == "héllo\n");
    CHECK(h.run("readFile", {{"file", "out/notes.txt"}}).value == "héllo\n");
    CHECK(h.run("readFile", {{"file", "out/notes.txt"}, {"encoding", "Base64"}}).value ==
          runtime::detail::base64_encode("héllo\n"));

    const std::string bytes("\x00\x01\xff", 3);
    CHECK(h.run("writeFile", {{"file", "bin"},
                              {"text", runtime::detail::base64_encode(bytes)},
                              {"encoding", "Base64"}})
              .result == BuildResult::success);
    CHECK(slurp(h.cwd / "bin") == bytes);

    auto outcome = h.run("readFile", {{"file", "missing.txt"}});
    CHECK(outcome.result == BuildResult::failure);
    CHECK(outcome.message.find((h.cwd / "missing.txt").string()) != std::string::npos);
    outcome = h.run("writeFile", {{"file", "x"}, {"text", "t"}, {"encoding", "EBCDIC"}});
    CHECK(outcome.result == BuildResult::failure);
}

TEST_CASE("fileExists, pwd, isUnix, touch and deleteDir", "[files]") {
    DriverHarness h;
    CHECK(h.run("fileExists", {{"file", "a.txt"}}).value == false);
    CHECK(h.run("touch", {{"file", "a.txt"}, {"timestamp", 1000000000000LL}}).result ==
          BuildResult::success);
    CHECK(h.run("fileExists", {{"file", "a.txt"}}).value == true);
    CHECK(std::filesystem::last_write_time(h.workspace / "a.txt") ==
          std::chrono::file_clock::from_sys(std::chrono::sys_time<std::chrono::nanoseconds>(
              std::chrono::milliseconds(1000000000000LL))));
    CHECK(h.run("pwd", nlohmann::json::object()).value == h.workspace.string());
    CHECK(h.run("pwd", {{"tmp", true}}).value == h.workspace.string() + "@tmp");
    CHECK(h.run("isUnix", nlohmann::json::object()).value == true);

    h.cwd = h.workspace / "build";
    testing::put_file(h.cwd / "deep/x.o", "x");
    CHECK(h.run("deleteDir", nlohmann::json::object()).result == BuildResult::success);
    CHECK_FALSE(std::filesystem::exists(h.cwd));
    CHECK(std::filesystem::exists(h.workspace / "a.txt"));
}

TEST_CASE("cleanWs empties the workspace but keeps ferry's state", "[files]") {
    DriverHarness h;
    h.services.state_dir = h.workspace / ".ferry";
    testing::put_file(h.workspace / ".ferry/runs/p/1/journal.ndjson", "{}");
    testing::put_file(h.workspace / "build/out.o", "x");
    testing::put_file(h.workspace / "keep.log", "x");
    testing::put_file(h.workspace / "src/a.c", "x");
    CHECK(
        h.run("cleanWs", {{"patterns", {{{"pattern", "**/*.log"}, {"type", "EXCLUDE"}}}}}).result ==
        BuildResult::success);
    CHECK(std::filesystem::exists(h.workspace / ".ferry/runs/p/1/journal.ndjson"));
    CHECK(std::filesystem::exists(h.workspace / "keep.log"));
    CHECK_FALSE(std::filesystem::exists(h.workspace / "build"));
    CHECK_FALSE(std::filesystem::exists(h.workspace / "src"));
    CHECK(h.run("cleanWs", nlohmann::json::object()).result == BuildResult::success);
    CHECK_FALSE(std::filesystem::exists(h.workspace / "keep.log"));
    CHECK(std::filesystem::exists(h.workspace / ".ferry/runs/p/1/journal.ndjson"));
}
