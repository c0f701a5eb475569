#include "runtime/build_cache.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;
namespace rt = ferry::runtime;

TEST_CASE("build cache: keys change with each input and misses name it", "[build-cache]") {
    const auto root =
        fs::temp_directory_path() / ("ferry-cache-test-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "ctx");
    std::ofstream(root / "ctx" / "a.txt") << "one";
    std::ofstream(root / "ctx" / "b.txt") << "two";
    const auto listing = rt::list_context(root / "ctx");
    REQUIRE(listing.ok());
    auto stats = rt::StatCache::load(root / "cache", root / "ctx");
    std::string error;
    const auto files = rt::context_inputs(listing, stats, error);
    REQUIRE(files);
    const nlohmann::json params = {{"workdir", "/app"}};
    const auto inputs = rt::build_inputs("native", params, "sha256:base", *files, "t/1");
    const auto key = rt::build_key(inputs);
    CHECK(key == rt::build_key(rt::build_inputs("native", params, "sha256:base", *files, "t/1")));
    CHECK(key != rt::build_key(rt::build_inputs("native", params, "sha256:other", *files, "t/1")));
    CHECK(key != rt::build_key(
                     rt::build_inputs("native", {{"workdir", "/"}}, "sha256:base", *files, "t/1")));
    CHECK(inputs.dump().find("/app") == std::string::npos); // parameter values are hashed

    CHECK(rt::explain_miss(std::nullopt, inputs).find("no earlier build") != std::string::npos);
    CHECK(rt::record_build(root / "cache", key, inputs, {"sha256:m", 10, "r/x:latest"}).empty());
    CHECK(rt::lookup_build(root / "cache", key)->manifest_digest == "sha256:m");
    const auto last = rt::last_inputs(root / "cache", "r/x:latest");
    REQUIRE(last);

    std::ofstream(root / "ctx" / "b.txt") << "changed";
    auto again = rt::StatCache::load(root / "cache", root / "ctx");
    const auto changed_files = rt::context_inputs(rt::list_context(root / "ctx"), again, error);
    const auto changed = rt::build_inputs("native", params, "sha256:base", *changed_files, "t/1");
    CHECK(rt::build_key(changed) != key);
    CHECK(rt::explain_miss(last, changed) == "file b.txt changed (content)");
    CHECK(rt::explain_miss(last, rt::build_inputs("native", params, "sha256:new", *files, "t/1"))
              .find("base image digest") != std::string::npos);
    CHECK(rt::explain_miss(last, rt::build_inputs("native", {{"workdir", "/"}}, "sha256:base",
                                                  *files, "t/1")) == "parameter workdir changed");
    fs::remove_all(root);
}

TEST_CASE("build cache: a key this cache lacks is asked of the registry's evidence",
          "[build-cache]") {
    const auto root =
        fs::temp_directory_path() / ("ferry-cache-remote-" + std::to_string(::getpid()));
    fs::remove_all(root);
    const rt::BuildKey build{
        rt::build_inputs("native", {}, "scratch", nlohmann::json::array(), "t/1"), "sha256:k1"};
    const auto no_store = [](std::string_view) { return std::optional<long long>(); };
    int asked = 0;
    const auto found = rt::decide_build(root, build, "r/x:1", no_store, [&] {
        ++asked;
        rt::RemoteBuild remote;
        remote.build = rt::CachedBuild{"sha256:img", 42, "r/x:1"};
        remote.where = "r/x";
        return remote;
    });
    CHECK(found.hit);
    CHECK(found.reason == "key sha256:k1 was built before (evidence in r/x)");
    CHECK(found.build->manifest_digest == "sha256:img");

    const auto failed = rt::decide_build(root, build, "r/x:1", no_store, [&] {
        ++asked;
        rt::RemoteBuild remote;
        remote.note = "the registry said 500";
        return remote;
    });
    CHECK_FALSE(failed.hit);
    CHECK(failed.reason == "no earlier build of this image is recorded; the registry said 500");

    REQUIRE(rt::record_build(root, "sha256:k1", build.inputs, {"sha256:img", 42, "r/x:1"}).empty());
    const auto local = rt::decide_build(
        root, build, "r/x:1", [](std::string_view) { return std::optional<long long>(42); },
        [&] {
            ++asked;
            return rt::RemoteBuild{};
        });
    CHECK(local.hit);
    CHECK(asked == 2); // a local hit never asks the registry
    fs::remove_all(root);
}

TEST_CASE("build cache: the stat cache skips reading unchanged files", "[build-cache]") {
    const auto root = fs::temp_directory_path() / ("ferry-stat-test-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "ctx");
    std::ofstream(root / "ctx" / "a.txt") << "one";
    fs::last_write_time(root / "ctx" / "a.txt",
                        fs::file_time_type::clock::now() - std::chrono::hours(1));
    std::string error;
    auto first = rt::StatCache::load(root / "cache", root / "ctx");
    REQUIRE(rt::context_inputs(rt::list_context(root / "ctx"), first, error));
    CHECK(first.reads() == 1);
    CHECK(first.save().empty());
    auto second = rt::StatCache::load(root / "cache", root / "ctx");
    REQUIRE(rt::context_inputs(rt::list_context(root / "ctx"), second, error));
    CHECK(second.hits() == 1);
    CHECK(second.reads() == 0);
    // The same context spelled another way (the plan's probe joins `./ctx`) finds the same
    // stamps: they are kept by the path inside the context, not by the path on disk.
    auto spelled = rt::StatCache::load(root / "cache", root / "." / "ctx");
    REQUIRE(rt::context_inputs(rt::list_context(root / "." / "ctx"), spelled, error));
    CHECK(spelled.hits() == 1);
    CHECK(spelled.reads() == 0);
    fs::remove_all(root);
}
