// `.ferry/` build state: format version, fresh state, increments, successes, damaged files.
#include "runtime/state.hpp"
#include "unit/runtime/probe_support.hpp"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

using namespace ferry::runtime;
using ferry::testing::read_file;
using ferry::testing::TempDir;
using ferry::testing::write_file;

TEST_CASE("a missing state file reads as a fresh state and writes nothing", "[state]") {
    const TempDir dir("state");
    const auto read = read_build_state(dir / ".ferry", "shop", "test");
    REQUIRE(read.ok());
    CHECK(read.state->build_counter == 0);
    CHECK_FALSE(read.state->last_success_commit);
    CHECK_FALSE(std::filesystem::exists(dir / ".ferry"));
}

TEST_CASE("the counter increments per pipeline and environment", "[state]") {
    const TempDir dir("state");
    const auto state = dir / ".ferry";
    CHECK(increment_build_counter(state, "shop", "test").state->build_counter == 1);
    CHECK(increment_build_counter(state, "shop", "test").state->build_counter == 2);
    CHECK(increment_build_counter(state, "shop", "prod").state->build_counter == 1);
    CHECK(increment_build_counter(state, "other", "test").state->build_counter == 1);
    CHECK(read_build_state(state, "shop", "test").state->build_counter == 2);
}

TEST_CASE("the state file starts with its format version", "[state]") {
    const TempDir dir("state");
    const auto read = increment_build_counter(dir / ".ferry", "my pipeline/x", "test");
    REQUIRE(read.ok());
    const auto text = read_file(read.path);
    CHECK(text.rfind("{\n  \"format_version\": 1,", 0) == 0);
    CHECK(read.path.parent_path() == dir / ".ferry" / "builds");
    CHECK(read.path.filename().string().find('/') == std::string::npos);
    CHECK(read.path.filename() == "my%20pipeline%2Fx@test.json");
}

TEST_CASE("a success records the commit and keeps the counter", "[state]") {
    const TempDir dir("state");
    const auto state = dir / ".ferry";
    (void)increment_build_counter(state, "shop", "test");
    const auto after = record_success(state, "shop", "test", "abc123", 1);
    REQUIRE(after.ok());
    const auto read = read_build_state(state, "shop", "test");
    REQUIRE(read.ok());
    CHECK(read.state->last_success_commit == "abc123");
    CHECK(read.state->last_success_build == 1);
    CHECK(read.state->build_counter == 1);
}

TEST_CASE("concurrent increments hand out distinct numbers", "[state]") {
    const TempDir dir("state");
    const auto state = dir / ".ferry";
    std::vector<long long> numbers(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        threads.emplace_back(
            [&, i] { numbers[i] = increment_build_counter(state, "p", "e").state->build_counter; });
    }
    for (auto& t : threads) {
        t.join();
    }
    std::sort(numbers.begin(), numbers.end());
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        CHECK(numbers[i] == static_cast<long long>(i + 1));
    }
}

TEST_CASE("damaged and unknown state files are errors, never crashes", "[state]") {
    const TempDir dir("state");
    const auto state = dir / ".ferry";
    const auto path = build_state_path(state, "shop", "test");
    const auto expect_error = [&](const std::string& text, const std::string& fragment) {
        write_file(path, text);
        const auto read = read_build_state(state, "shop", "test");
        CHECK_FALSE(read.ok());
        CHECK(read.error.find(path.string()) != std::string::npos);
        CHECK(read.error.find(fragment) != std::string::npos);
        // Not overwritten by an increment either.
        CHECK_FALSE(increment_build_counter(state, "shop", "test").ok());
        CHECK(read_file(path) == text);
    };
    expect_error("{not json", "not a JSON object");
    expect_error("", "not a JSON object");
    expect_error("[1,2]", "not a JSON object");
    expect_error(R"({"build_counter": 3})", "no format_version");
    expect_error(R"({"format_version": 99, "build_counter": 3})", "format version 99");
    expect_error(R"({"format_version": 1, "build_counter": "x"})", "build_counter");
    expect_error(R"({"format_version": 1, "build_counter": -4})", "build_counter");
    expect_error(R"({"format_version": 1, "build_counter": 1, "last_success": {"x": 1}})",
                 "last_success");
}

TEST_CASE("a state file round-trips through render and parse", "[state]") {
    BuildState s;
    s.pipeline = "p";
    s.environment = "e";
    s.build_counter = 41;
    s.last_success_commit = std::string(40, 'a');
    s.last_success_build = 40;
    const auto read = parse_build_state(render_build_state(s), "x.json");
    REQUIRE(read.ok());
    CHECK(read.state->build_counter == 41);
    CHECK(read.state->last_success_commit == s.last_success_commit);
    CHECK(read.state->last_success_build == 40);
}
