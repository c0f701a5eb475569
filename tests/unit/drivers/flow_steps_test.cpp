// echo, error, unstable, sleep.
#include "unit/drivers/driver_harness.hpp"

#include <catch2/catch.hpp>
#include <thread>

using namespace ferry;
using runtime::BuildResult;
using testing::DriverHarness;

TEST_CASE("echo prints each line of its message", "[flow]") {
    DriverHarness h;
    CHECK(h.run("echo", {{"message", "one\ntwo"}}).result == BuildResult::success);
    CHECK(h.output() == std::vector<std::string>{"one", "two"});
    h.run("echo", {{"message", ""}});
    CHECK(h.output() == std::vector<std::string>{""});
}

TEST_CASE("error fails and unstable warns, each with its message", "[flow]") {
    DriverHarness h;
    auto outcome = h.run("error", {{"message", "deploy refused"}});
    CHECK(outcome.result == BuildResult::failure);
    CHECK(outcome.message == "deploy refused");
    outcome = h.run("unstable", {{"message", "coverage dropped"}});
    CHECK(outcome.result == BuildResult::unstable);
    CHECK(outcome.message == "coverage dropped");
}

TEST_CASE("sleep waits in its unit and wakes on cancel", "[flow]") {
    DriverHarness h;
    auto started = std::chrono::steady_clock::now();
    auto outcome = h.run("sleep", {{"time", 50}, {"unit", "MILLISECONDS"}});
    CHECK(outcome.result == BuildResult::success);
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(50));
    CHECK(h.output() == std::vector<std::string>{"Sleeping for 50 ms"});

    runtime::Cancellation cancel(&h.root);
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        cancel.cancel(runtime::CancelReason::interrupted, "interrupted by SIGINT");
    });
    started = std::chrono::steady_clock::now();
    outcome = h.run("sleep", {{"time", 1}, {"unit", "HOURS"}}, &cancel);
    canceller.join();
    CHECK(outcome.result == BuildResult::aborted);
    CHECK(outcome.message == "interrupted by SIGINT");
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));

    outcome = h.run("sleep", {{"time", 1}, {"unit", "FORTNIGHTS"}});
    CHECK(outcome.result == BuildResult::failure);
    CHECK(outcome.message.find("FORTNIGHTS") != std::string::npos);
}
