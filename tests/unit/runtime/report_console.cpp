// The console and CI reporters: plain lines, the live view's escapes, CI conventions.
#include "unit/runtime/report_support.hpp"

#include <catch2/catch.hpp>

using namespace ferry::runtime;
using ferry::testing::failing_run;
using ferry::testing::MemoryStream;

namespace {

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string play_console(const ConsoleOptions& options) {
    MemoryStream out;
    auto reporter = make_console_reporter(out.file(), options);
    failing_run().play(*reporter);
    CHECK(reporter->finish().empty());
    return out.text();
}

} // namespace

TEST_CASE("plain console lines: [Stage] step: line, failures at file:line:col, a summary",
          "[report][console]") {
    const auto text = play_console({});
    CHECK(text.rfind("Started shop #7 in test\n", 0) == 0);
    CHECK(has(text, "[Build] sh: compiling\n"));
    CHECK(has(text, "[Build] SUCCESS in 1.2s\n"));
    CHECK(has(text, "[Test] sh: line 60 <&\"'>\n"));
    CHECK(has(text, "[Test] Jenkinsfile:12:17: error: sh: script returned exit code 2\n"));
    CHECK(has(text, "[Deploy] skipped: skipped due to earlier failure(s)\n"));
    CHECK(has(text, "Stages:\n"));
    CHECK(has(text, "  SUCCESS      1.2s Build\n"));
    CHECK(has(text, "  FAILURE      1.2s Test\n"));
    CHECK(has(text, "  skipped       Deploy\n"));
    CHECK(
        has(text, "Finished: FAILURE in 4.3s\n  stage 'Test', sh: script returned exit code 2\n"));
    CHECK_FALSE(has(text, "\x1b["));
    CHECK_FALSE(has(text, "2024-05-01T")); // timestamps are off by default
}

TEST_CASE("plain console options: quiet drops output, timestamps prefix lines",
          "[report][console]") {
    ConsoleOptions quiet;
    quiet.quiet = true;
    const auto text = play_console(quiet);
    CHECK_FALSE(has(text, "compiling"));
    CHECK(has(text, "error: sh: script returned exit code 2"));
    ConsoleOptions stamped;
    stamped.timestamps = true;
    CHECK(has(play_console(stamped), "2024-05-01T12:00:00.000Z [Build] sh: compiling\n"));
}

TEST_CASE("on a terminal the live block is redrawn in place, coloured, and erased at the end",
          "[report][console]") {
    ConsoleOptions tty;
    tty.terminal = true;
    tty.color = true;
    const auto text = play_console(tty);
    CHECK(has(text, "\x1b[1A\r\x1b[J")); // the block is erased before each redraw
    // A running stage's line: spinner, name, elapsed time, current step.
    CHECK(has(text, "\x1b[36m"));
    CHECK(has(text, " Test  "));
    CHECK(has(text, "ms  sh\x1b[0m\n"));
    CHECK(has(text, "\x1b[31mFAILURE\x1b[0m"));
    CHECK(has(text, "compiling\n"));
    CHECK(has(text, "Finished:"));
    tty.color = false;
    CHECK_FALSE(has(play_console(tty), "\x1b[3"));
}

TEST_CASE("GitHub Actions: a group per stage and annotations at the failing step", "[report][ci]") {
    MemoryStream out;
    auto reporter = make_ci_reporter(out.file(), CiSystem::github_actions);
    auto run = failing_run();
    run.log("Test", "Test/1", "::add-mask::x");
    run.play(*reporter);
    Event unstable;
    unstable.type = "step.finished";
    unstable.stage = "Test";
    unstable.kind = "junit";
    unstable.result = "UNSTABLE";
    unstable.message = "3 tests failed: 100% of\nthem";
    reporter->report(unstable);
    CHECK(reporter->finish().empty());
    const auto text = out.text();
    CHECK(has(text, "::group::Build\n"));
    CHECK(has(text, "::group::Test\n"));
    CHECK(has(text, "::endgroup::\n"));
    CHECK(has(text, "::error file=Jenkinsfile,line=12,col=17,title=Test sh (FAILURE)::script "
                    "returned exit code 2\n"));
    CHECK(has(text, "::warning title=Test junit (UNSTABLE)::3 tests failed: 100%25 of%0Athem\n"));
    CHECK(has(text, "[Test] sh: ::add-mask::x\n")); // output never starts a workflow command
    CHECK(text.find("::group::Test") < text.find("[Test] sh: line 1\n"));
}

TEST_CASE("GitLab CI: collapsible sections; Jenkins: plain lines", "[report][ci]") {
    MemoryStream gitlab;
    auto reporter = make_ci_reporter(gitlab.file(), CiSystem::gitlab_ci);
    failing_run().play(*reporter);
    (void)reporter->finish();
    const auto text = gitlab.text();
    CHECK(has(text, "\x1b[0Ksection_start:1714564800:ferry_1_Build\r\x1b[0KBuild\n"));
    CHECK(has(text, "\x1b[0Ksection_end:1714564800:ferry_1_Build\r\x1b[0K\n"));
    CHECK(has(text, "section_start:1714564800:ferry_2_Test"));

    MemoryStream jenkins;
    auto plain = make_ci_reporter(jenkins.file(), CiSystem::jenkins);
    failing_run().play(*plain);
    (void)plain->finish();
    CHECK_FALSE(has(jenkins.text(), "::"));
    CHECK_FALSE(has(jenkins.text(), "section_"));
    CHECK(has(jenkins.text(), "[Test] Jenkinsfile:12:17: error: sh:"));
}
