#include "runtime/watch_state.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;
namespace rt = ferry::runtime;

TEST_CASE("watch: the state remembers every commit a run started for", "[watch]") {
    rt::WatchState state;
    CHECK_FALSE(state.last_built());
    state.record("aaa", 1, "");
    state.record("aaa", 1, "FAILURE");
    state.record("bbb", 2, "SUCCESS");
    CHECK(state.builds.size() == 2);
    CHECK(state.builds[0].result == "FAILURE");
    CHECK(state.built("aaa"));
    CHECK(state.built("bbb"));
    CHECK_FALSE(state.built("ccc"));
    CHECK(state.last_built() == "bbb");
    const auto text = rt::render_watch_state(state);
    CHECK(text.rfind("{\n  \"format\": 1", 0) == 0);
    const auto read = rt::parse_watch_state(text, "w.json");
    REQUIRE(read.ok());
    CHECK(read.state->builds.size() == 2);
    CHECK(read.state->builds[1].build_number == 2);
    CHECK(read.state->builds[1].result == "SUCCESS");
}

TEST_CASE("watch: a damaged or newer state file is an error naming it", "[watch]") {
    CHECK(rt::parse_watch_state("{", "w.json").error.find("w.json: not a JSON object") == 0);
    CHECK(rt::parse_watch_state(R"({"format": 9})", "w.json").error.find("format version 9") !=
          std::string::npos);
    CHECK(rt::parse_watch_state(R"({"format": 1, "builds": [{"build": 1}]})", "w.json")
              .error.find("unexpected content") != std::string::npos);
    CHECK(rt::parse_watch_state("[]", "w.json").error.find("not a JSON object") !=
          std::string::npos);
}

TEST_CASE("watch: the state file survives a restart and keys stay in their directory", "[watch]") {
    const auto dir = fs::temp_directory_path() / ("ferry-watch-state-" + std::to_string(getpid()));
    fs::remove_all(dir);
    const auto path = rt::watch_state_path(dir, "feature/x", "test", "../Jenkinsfile");
    CHECK(path.parent_path() == dir / "watch");
    auto missing = rt::read_watch_state(path);
    REQUIRE(missing.ok());
    CHECK(missing.state->builds.empty());
    rt::WatchState state;
    state.branch = "feature/x";
    state.record("abc", 3, "SUCCESS");
    CHECK(rt::write_watch_state(path, state).empty());
    const auto read = rt::read_watch_state(path);
    REQUIRE(read.ok());
    CHECK(read.state->built("abc"));
    CHECK(read.state->branch == "feature/x");
    std::ofstream(path) << "garbage";
    CHECK_FALSE(rt::read_watch_state(path).ok());
    fs::remove_all(dir);
}
