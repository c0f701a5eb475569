// junit: counting cases across report files, UNSTABLE on failures, FAILURE without reports.
#include "unit/drivers/driver_harness.hpp"

#include <catch2/catch.hpp>

using namespace ferry;
using runtime::BuildResult;
using testing::DriverHarness;
using testing::put_file;

TEST_CASE("junit counts tests, failures, errors and skips across files", "[junit]") {
    DriverHarness h;
    put_file(h.workspace / "build/test-results/a.xml", R"(<?xml version="1.0"?>
<testsuites>
  <testsuite name="api" tests="3">
    <testcase classname="api.Users" name="creates"/>
    <testcase classname="api.Users" name="deletes"><failure message="expected 204">trace</failure></testcase>
    <testcase classname="api.Users" name="lists"><skipped/></testcase>
  </testsuite>
  <testsuite name="outer"><testsuite name="inner">
    <testcase name="nested"><error message="boom"/></testcase>
  </testsuite></testsuite>
</testsuites>)");
    put_file(
        h.workspace / "build/test-results/b.xml",
        R"(<testsuite name="web"><testcase classname="web.Home" name="renders"/></testsuite>)");
    const auto outcome = h.run("junit", {{"testResults", "build/test-results/*.xml"}});
    CHECK(outcome.result == BuildResult::unstable);
    CHECK(outcome.message == "2 tests failed");
    CHECK(outcome.value["totalCount"] == 5);
    CHECK(outcome.value["failCount"] == 2);
    CHECK(outcome.value["skipCount"] == 1);
    CHECK(outcome.value["passCount"] == 2);
    CHECK(outcome.value["failed"] == nlohmann::json::array({"api.Users.deletes", "inner.nested"}));
}

TEST_CASE("junit with only passing tests succeeds", "[junit]") {
    DriverHarness h;
    put_file(h.workspace / "r.xml", R"(<testsuite name="s"><testcase name="ok"/></testsuite>)");
    const auto outcome = h.run("junit", {{"testResults", "r.xml"}});
    CHECK(outcome.result == BuildResult::success);
    CHECK(outcome.value["totalCount"] == 1);
}

TEST_CASE("junit without report files fails unless allowEmptyResults", "[junit]") {
    DriverHarness h;
    auto outcome = h.run("junit", {{"testResults", "**/TEST-*.xml"}});
    CHECK(outcome.result == BuildResult::failure);
    CHECK(outcome.message == "No test report files were found. Configuration error?");
    outcome = h.run("junit", {{"testResults", "**/TEST-*.xml"}, {"allowEmptyResults", true}});
    CHECK(outcome.result == BuildResult::success);
}

TEST_CASE("a damaged report names the file and the line", "[junit]") {
    DriverHarness h;
    put_file(h.workspace / "bad.xml", "<testsuite>\n<testcase name='x'>\n</testsuite>");
    const auto outcome = h.run("junit", {{"testResults", "bad.xml"}});
    CHECK(outcome.result == BuildResult::failure);
    CHECK(outcome.message.find("bad.xml") != std::string::npos);
    CHECK(outcome.message.find("line") != std::string::npos);
}
