// sh: `/bin/sh -xe` from a script file, returnStdout, returnStatus, exit codes, cancellation.
#include "unit/drivers/driver_harness.hpp"

#include <catch2/catch.hpp>
#include <thread>

using namespace ferry;
using runtime::BuildResult;
using runtime::OutputStream;
using testing::DriverHarness;

TEST_CASE("sh runs the script with -xe in the step's directory and environment", "[sh]") {
    DriverHarness h;
    h.env.emplace_back("GREETING", "hello");
    const auto outcome = h.run("sh", {{"script", "echo $GREETING; pwd\necho after >&2"}});
    CHECK(outcome.result == BuildResult::success);
    CHECK(h.output() == std::vector<std::string>{"hello", h.workspace.string()});
    // -x traces each command on stderr, as Jenkins shows them.
    CHECK(h.output(OutputStream::err) ==
          std::vector<std::string>{"+ echo hello", "+ pwd", "+ echo after", "after"});
    // The script's temporary directory is gone.
    CHECK(std::filesystem::is_empty(h.workspace.string() + "@tmp"));
}

TEST_CASE("sh stops at the first failing command, as -e does", "[sh]") {
    DriverHarness h;
    const auto outcome = h.run("sh", {{"script", "echo one\nfalse\necho never"}});
    CHECK(outcome.result == BuildResult::failure);
    CHECK(outcome.message == "script returned exit code 1 (the failing command: false)");
    CHECK(h.output() == std::vector<std::string>{"one"});
}

TEST_CASE("sh returnStdout returns the output with its trailing newline, unlogged", "[sh]") {
    DriverHarness h;
    const auto outcome =
        h.run("sh", {{"script", "echo v1.2\necho note >&2"}, {"returnStdout", true}});
    CHECK(outcome.result == BuildResult::success);
    CHECK(outcome.value == "v1.2\n");
    CHECK(h.output().empty());
    CHECK(h.output(OutputStream::err) ==
          std::vector<std::string>{"+ echo v1.2", "+ echo note", "note"});
    const auto failed = h.run("sh", {{"script", "exit 4"}, {"returnStdout", true}});
    CHECK(failed.result == BuildResult::failure);
    CHECK(failed.message == "script returned exit code 4 (the failing command: exit 4)");
}

TEST_CASE("sh returnStatus makes a non-zero exit a value, not a failure", "[sh]") {
    DriverHarness h;
    auto outcome = h.run("sh", {{"script", "exit 7"}, {"returnStatus", true}});
    CHECK(outcome.result == BuildResult::success);
    CHECK(outcome.value == 7);
    outcome = h.run("sh", {{"script", "kill -TERM $$"}, {"returnStatus", true}});
    CHECK(outcome.value == 128 + 15);
    outcome = h.run("sh", {{"script", "true"}, {"returnStatus", true}, {"returnStdout", true}});
    CHECK(outcome.result == BuildResult::failure);
}

TEST_CASE("sh runs a script with its own #! line by that interpreter", "[sh]") {
    DriverHarness h;
    const auto outcome = h.run("sh", {{"script", "#!/bin/sh\necho \"$0\" | grep -c script.sh"}});
    CHECK(outcome.result == BuildResult::success);
    CHECK(h.output() == std::vector<std::string>{"1"});
}

TEST_CASE("sh reports a missing command with the shell's status", "[sh]") {
    DriverHarness h;
    const auto outcome = h.run("sh", {{"script", "no-such-tool-ferry --version"}});
    CHECK(outcome.result == BuildResult::failure);
    CHECK(outcome.message ==
          "script returned exit code 127 (the failing command: no-such-tool-ferry --version)");
    const auto err = h.output(OutputStream::err);
    REQUIRE(err.size() == 2);
    CHECK(err[1].find("no-such-tool-ferry") != std::string::npos);
}

TEST_CASE("a cancelled sh is aborted with the token's message", "[sh]") {
    DriverHarness h;
    runtime::Cancellation cancel(&h.root);
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        cancel.cancel(runtime::CancelReason::timed_out);
    });
    const auto outcome = h.run("sh", {{"script", "sleep 30"}}, &cancel);
    canceller.join();
    CHECK(outcome.result == BuildResult::aborted);
    CHECK(outcome.message == "Timeout has been exceeded");
}
