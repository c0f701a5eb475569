// Cancellation tokens: parents, deadlines, reasons, cancellable sleeps, and SIGINT.
#include "runtime/cancel.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <thread>

using namespace ferry::runtime;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST_CASE("a cancel reaches children, not parents; the first reason wins", "[cancel]") {
    Cancellation root;
    Cancellation stage(&root);
    Cancellation step(&stage);
    CHECK_FALSE(step.cancelled());
    CHECK(step.reason() == CancelReason::none);
    stage.cancel(CancelReason::fail_fast, "branch b failed");
    stage.cancel(CancelReason::interrupted);
    CHECK(step.cancelled());
    CHECK(step.reason() == CancelReason::fail_fast);
    CHECK(step.message() == "branch b failed");
    CHECK_FALSE(root.cancelled());
}

TEST_CASE("a deadline cancels as timed out, and the earliest one counts", "[cancel]") {
    Cancellation root;
    const auto soon = Clock::now() + 50ms;
    Cancellation outer(&root, Clock::now() + 1h);
    Cancellation inner(&outer, soon);
    CHECK(inner.deadline() == soon);
    CHECK_FALSE(inner.cancelled());
    std::this_thread::sleep_for(60ms);
    CHECK(inner.cancelled());
    CHECK(inner.reason() == CancelReason::timed_out);
    CHECK(inner.message() == "Timeout has been exceeded");
    CHECK_FALSE(outer.cancelled());
}

TEST_CASE("sleep_for runs its time, or wakes on a cancel of an ancestor", "[cancel]") {
    Cancellation root;
    const Cancellation child(&root);
    auto started = Clock::now();
    CHECK(child.sleep_for(30ms));
    CHECK(Clock::now() - started >= 30ms);

    std::thread canceller([&] {
        std::this_thread::sleep_for(50ms);
        root.cancel(CancelReason::interrupted);
    });
    started = Clock::now();
    CHECK_FALSE(child.sleep_for(std::chrono::milliseconds(60'000)));
    canceller.join();
    CHECK(Clock::now() - started < 10s);
}

TEST_CASE("sleep_for stops at a deadline", "[cancel]") {
    const Cancellation root;
    const Cancellation timed(&root, Clock::now() + 50ms);
    const auto started = Clock::now();
    CHECK_FALSE(timed.sleep_for(std::chrono::milliseconds(60'000)));
    CHECK(Clock::now() - started < 10s);
}

TEST_CASE("SIGINT cancels the root as interrupted; handlers are restored", "[cancel]") {
    struct sigaction before {};
    ::sigaction(SIGINT, nullptr, &before);
    Cancellation root;
    {
        const SignalGuard guard(root);
        ::raise(SIGINT);
        for (int i = 0; i < 500 && !root.cancelled(); ++i) {
            std::this_thread::sleep_for(2ms);
        }
        CHECK(root.reason() == CancelReason::interrupted);
        CHECK(root.message() == "interrupted by SIGINT");
    }
    struct sigaction after {};
    ::sigaction(SIGINT, nullptr, &after);
    CHECK(after.sa_handler == before.sa_handler);
}
