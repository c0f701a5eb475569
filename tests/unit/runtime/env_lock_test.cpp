#include "runtime/env_lock.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace ferry::runtime;

namespace {

fs::path temp_state() {
    const fs::path dir =
        fs::temp_directory_path() /
        ("ferry-lock-test-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
    fs::create_directories(dir);
    return dir;
}

LockRequest request(std::string env, std::chrono::milliseconds wait = {}) {
    LockRequest r;
    r.environment = std::move(env);
    r.holder.pipeline = "web";
    r.holder.run = 7;
    r.wait = wait;
    return r;
}

} // namespace

TEST_CASE("a second lock of the same environment is refused naming the holder", "[lock]") {
    const auto state = temp_state();
    std::string error;
    auto first = EnvironmentLock::acquire(state, request("test"), error);
    REQUIRE(first);
    const auto holder = read_lock_holder(first->path());
    REQUIRE(holder);
    CHECK(holder->pid == ::getpid());
    CHECK(holder->run == 7);

    // flock locks belong to open file descriptions: a second open in this process conflicts.
    auto second = EnvironmentLock::acquire(state, request("test"), error);
    CHECK_FALSE(second);
    CHECK(error.find("environment 'test' is in use by run 7 of 'web'") != std::string::npos);
    CHECK(error.find(std::to_string(::getpid())) != std::string::npos);

    std::string other_error;
    CHECK(EnvironmentLock::acquire(state, request("prod"), other_error));
    first.reset();
    CHECK(EnvironmentLock::acquire(state, request("test"), error));
    fs::remove_all(state);
}

TEST_CASE("a lock left by a killed process is taken over and reported as stale", "[lock]") {
    const auto state = temp_state();
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        std::string error;
        auto lock = EnvironmentLock::acquire(state, request("test"), error);
        ::pause(); // killed below while holding the lock
        ::_exit(lock ? 0 : 1);
    }
    // Wait until the child holds it.
    std::string error;
    for (int i = 0; i < 200; ++i) {
        const auto holder = read_lock_holder(lock_path(state, "test"));
        if (holder && holder->pid == child) {
            break;
        }
        ::usleep(10000);
    }
    CHECK_FALSE(EnvironmentLock::acquire(state, request("test"), error));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);

    std::string note;
    auto lock = EnvironmentLock::acquire(state, request("test"), error, &note);
    REQUIRE(lock);
    CHECK(note.find("ended without releasing") != std::string::npos);
    CHECK(note.find(std::to_string(child)) != std::string::npos);
    fs::remove_all(state);
}

TEST_CASE("waiting for a lock succeeds once the holder releases it", "[lock]") {
    const auto state = temp_state();
    std::string error;
    auto first = EnvironmentLock::acquire(state, request("test"), error);
    REQUIRE(first);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        std::string e;
        auto lock = EnvironmentLock::acquire(state, request("test", std::chrono::seconds(20)), e);
        ::_exit(lock ? 0 : 1);
    }
    ::usleep(200000);
    first.reset();
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    fs::remove_all(state);
}

TEST_CASE("environment names become one safe path segment", "[lock]") {
    CHECK(lock_path("/s", "test").string() == "/s/locks/test.lock");
    CHECK(lock_path("/s", "../x/y").filename().string() == "%2E.%2Fx%2Fy.lock");
}
