// The file reporters: NDJSON (one object per event, flushed) and JUnit XML.
#include "unit/runtime/probe_support.hpp"
#include "unit/runtime/report_support.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace ferry::runtime;
using ferry::testing::failing_run;
using ferry::testing::MemoryStream;
using ferry::testing::read_file;
using ferry::testing::RunScript;
using ferry::testing::TempDir;

namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++n;
    }
    return n;
}

std::string junit_of(const RunScript& run, const std::string& suite = "shop") {
    const TempDir dir("junit");
    auto reporter = make_junit_reporter(dir / "report.xml", suite);
    run.play(*reporter);
    REQUIRE(reporter->finish().empty());
    return read_file(dir / "report.xml");
}

} // namespace

TEST_CASE("NDJSON: one object per event, written as it happens", "[report][ndjson]") {
    const TempDir dir("ndjson");
    std::string error;
    auto reporter = make_ndjson_reporter(dir / "events.ndjson", error);
    REQUIRE(reporter);
    const auto run = failing_run();
    run.play(*reporter);
    // Flushed per event: the file is complete before finish().
    const auto text = read_file(dir / "events.ndjson");
    std::istringstream lines(text);
    std::string line;
    std::size_t n = 0;
    while (std::getline(lines, line)) {
        const auto j = nlohmann::json::parse(line);
        CHECK(j["type"] == run.events()[n].type);
        CHECK(j["time"] == "2024-05-01T12:00:00.000Z");
        ++n;
    }
    CHECK(n == run.events().size());
    CHECK(reporter->finish().empty());

    MemoryStream stream;
    auto to_stream = make_ndjson_reporter(stream.file());
    Event binary;
    binary.type = "log";
    binary.message = "bad \xff utf-8";
    to_stream->report(binary);
    CHECK(has(stream.text(), R"("message":"bad )"));
}

TEST_CASE("NDJSON: a file that cannot be created is an error naming it", "[report][ndjson]") {
    std::string error;
    CHECK_FALSE(make_ndjson_reporter("/nonexistent-dir/events.ndjson", error));
    CHECK(has(error, "/nonexistent-dir/events.ndjson: cannot create the events file"));
}

TEST_CASE("JUnit: a testcase per stage, failures with the step's message and log tail",
          "[report][junit]") {
    const auto xml = junit_of(failing_run());
    CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"shop\" "
                    "tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"4.321\">",
                    0) == 0);
    CHECK(has(xml, "<testsuite name=\"shop\" tests=\"3\" failures=\"1\" errors=\"0\" "
                   "skipped=\"1\" time=\"4.321\" timestamp=\"2024-05-01T12:00:00\""));
    CHECK(has(xml, "<testcase name=\"Build\" classname=\"shop\" time=\"1.250\"/>"));
    CHECK(has(xml, "<failure message=\"script returned exit code 2\" type=\"FAILURE\">"
                   "Jenkinsfile:12:17: script returned exit code 2\n"
                   "--- the last 50 lines of the output of Test/1 (sh) ---\nline 11\n"));
    CHECK_FALSE(has(xml, "line 10\n"));
    CHECK(has(xml, "line 60 &lt;&amp;\"'&gt;\n</failure>"));
    CHECK(has(xml, "<testcase name=\"Deploy\" classname=\"shop\" time=\"0.000\">\n      "
                   "<skipped message=\"skipped due to earlier failure(s)\"/>"));
    CHECK(count(xml, "<testcase ") == 3);
}

TEST_CASE("JUnit: leaves only, unique names, unstable and aborted stages, escaping",
          "[report][junit]") {
    RunScript run;
    run.run_started()
        .stage("stage.started", "Tests", "Tests")
        .stage("stage.started", "Tests/linux", "Cell")
        .stage("stage.started", "Tests/mac", "Cell")
        .step("step.started", "Tests/linux", "Tests/linux/1")
        .step("step.finished", "Tests/linux", "Tests/linux/1", "UNSTABLE", "2 tests failed")
        .stage("stage.finished", "Tests/linux", "Cell", "UNSTABLE")
        .step("step.started", "Tests/mac", "Tests/mac/1")
        .step("step.finished", "Tests/mac", "Tests/mac/1", "ABORTED", "timeout after 5s")
        .stage("stage.finished", "Tests/mac", "Cell", "ABORTED")
        .stage("stage.finished", "Tests", "Tests", "ABORTED")
        .stage("stage.started", "Odd \"<name>\"\x01", "Odd \"<name>\"\x01")
        .stage("stage.finished", "Odd \"<name>\"\x01", "Odd \"<name>\"\x01", "SUCCESS")
        .run_finished("ABORTED");
    const auto xml = junit_of(run, "a&b");
    CHECK(count(xml, "<testcase ") == 3); // the parent "Tests" is no testcase
    CHECK(has(xml, "<testcase name=\"Cell\" classname=\"a&amp;b\""));
    CHECK(has(xml, "<testcase name=\"Tests/mac\" classname=\"a&amp;b\""));
    CHECK(has(xml, "<failure message=\"2 tests failed\" type=\"UNSTABLE\">"));
    CHECK(has(xml, "<failure message=\"timeout after 5s\" type=\"ABORTED\">"));
    CHECK(has(xml, "name=\"Odd &quot;&lt;name&gt;&quot;\xEF\xBF\xBD\""));
    CHECK(has(xml, "tests=\"3\" failures=\"2\" errors=\"0\" skipped=\"0\""));
}

TEST_CASE("JUnit: a stage the run never finished is a failure; an unwritable file an error",
          "[report][junit]") {
    RunScript run;
    run.run_started().stage("stage.started", "Build", "Build");
    const auto xml = junit_of(run);
    CHECK(has(xml, "type=\"ABORTED\""));
    CHECK(has(xml, "the stage did not finish"));
    auto reporter = make_junit_reporter("/nonexistent-dir/report.xml", "x");
    CHECK(has(reporter->finish(), "/nonexistent-dir/report.xml"));
}
