// probe_builds(): a build keyed before the run, with the key function the buildImage driver
// uses: never built, then (after a real native build is recorded) a hit with its digest, then a
// miss naming the changed file; offline, a registry base is unknown and scratch is still keyed.
#include "runtime/build_cache.hpp"
#include "runtime/build_evidence.hpp"
#include "runtime/image_build.hpp"
#include "runtime/probe_cache.hpp"
#include "unit/runtime/probe_support.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace ferry;
using namespace ferry::runtime;
using compiler::Known;
using testing::TempDir;
using testing::write_file;

namespace {

struct Fixture {
    TempDir dir{"probe-cache"};
    std::map<std::string, std::string> env;
    compiler::Environment environment;
    ProbeOptions options;
    compiler::ProbeRequests requests;
    nlohmann::json params = {
        {"name", "web"}, {"context", "src"}, {"base", "scratch"}, {"workdir", "/app"}};

    Fixture() {
        env["XDG_CACHE_HOME"] = (dir / "cache").string();
        options.offline = true;
        options.getenv = [this](const std::string& name) -> std::optional<std::string> {
            const auto it = env.find(name);
            return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
        };
        write_file(dir / "ws/src/a.txt", "one\n");
        write_file(dir / "ws/src/b.txt", "two\n");
        write_file(dir / "ws/src/.dockerignore", "ignored.txt\n");
        requests.workspace = (dir / "ws").string();
    }

    compiler::BuildObservation probe_one() {
        requests.builds = {{"s1", "127.0.0.1:5000/x/web:latest", params.dump(), "src", "."}};
        const auto out = probe_builds(requests, environment, options, options.getenv);
        REQUIRE(out.size() == 1);
        return out[0];
    }

    // What the buildImage driver does on a miss: build natively, record the key.
    std::string build_and_record() {
        const auto cache = dir / "cache" / "ferry";
        const auto listing = list_context(dir / "ws/src");
        auto stats = StatCache::load(cache, dir / "ws/src");
        std::string error;
        const auto keyed =
            key_build("native", params, "scratch", listing, stats, native_build_tool, error);
        REQUIRE(keyed);
        ImageStore store(cache / "images");
        NativeBuild build;
        build.context = listing;
        build.workdir = "/app";
        const auto built = build_native(build, store);
        REQUIRE(built.ok());
        REQUIRE(record_build(cache, keyed->key, keyed->inputs,
                             {built.manifest_digest, built.size, "127.0.0.1:5000/x/web:latest"})
                    .empty());
        return built.manifest_digest;
    }
};

} // namespace

TEST_CASE("a build probe predicts never built, then hit, then the changed file", "[probe][cache]") {
    Fixture f;
    REQUIRE(cache_root(f.options.getenv) == f.dir / "cache" / "ferry");
    const auto first = f.probe_one();
    CHECK(first.known == Known::yes);
    CHECK_FALSE(first.hit);
    CHECK(first.explanation == "no earlier build of this image is recorded");
    CHECK(first.params == f.params.dump());

    const auto digest = f.build_and_record();
    const auto second = f.probe_one();
    CHECK(second.hit);
    CHECK(second.key == first.key);
    REQUIRE(second.digest);
    CHECK(*second.digest == digest);

    write_file(f.dir / "ws/src/ignored.txt", "not in the context\n");
    CHECK(f.probe_one().hit);

    write_file(f.dir / "ws/src/b.txt", "changed\n");
    const auto third = f.probe_one();
    CHECK_FALSE(third.hit);
    CHECK(third.key != first.key);
    CHECK(third.explanation == "file b.txt changed (content)");

    f.env["FERRY_NO_CACHE"] = "1";
    write_file(f.dir / "ws/src/b.txt", "two\n");
    const auto off = f.probe_one();
    CHECK_FALSE(off.hit);
    CHECK(off.explanation == "caching is off (--no-cache)");
}

TEST_CASE("a build probe is read-only and reports what it cannot key", "[probe][cache]") {
    Fixture f;
    SECTION("offline, a registry base needs the network") {
        f.params["base"] = "127.0.0.1:1/base:1";
        const auto seen = f.probe_one();
        CHECK(seen.known == Known::unknown);
        CHECK(seen.reason == "base image 127.0.0.1:1/base:1: not probed: --offline");
    }
    SECTION("a missing context") {
        f.requests.builds = {{"s1", "r/web:latest", f.params.dump(), "nowhere", "."}};
        const auto out = probe_builds(f.requests, f.environment, f.options, f.options.getenv);
        REQUIRE(out.size() == 1);
        CHECK(out[0].known == Known::unknown);
        CHECK_FALSE(out[0].reason.empty());
    }
    SECTION("nothing is written to the cache") {
        (void)f.probe_one();
        CHECK_FALSE(std::filesystem::exists(f.dir / "cache"));
    }
}

TEST_CASE("a build probe and the registry's build evidence", "[probe][cache]") {
    Fixture f;
    compiler::EnvironmentConfig config;
    compiler::Registry registry;
    registry.name = "local";
    registry.server = "127.0.0.1:5000";
    config.registries.push_back(registry);
    f.options.config = &config;
    SECTION("offline, a key this machine never built may be in the registry: unknown") {
        const auto seen = f.probe_one();
        CHECK(seen.known == Known::unknown);
        CHECK(seen.reason.find("build evidence in 127.0.0.1:5000/x/web was not asked: --offline") !=
              std::string::npos);
    }
    SECTION("buildEvidence: false: a plain miss") {
        config.registries[0].build_evidence = false;
        const auto seen = f.probe_one();
        CHECK(seen.known == Known::yes);
        CHECK_FALSE(seen.hit);
        CHECK(seen.evidence == "off");
    }
    SECTION("a local hit: evidence present once this machine has seen it, else not known") {
        (void)f.build_and_record();
        const auto before = f.probe_one();
        CHECK(before.hit);
        CHECK(before.evidence.empty());
        REQUIRE(remember_evidence(f.dir / "cache" / "ferry", before.key, "127.0.0.1:5000/x/web")
                    .empty());
        CHECK(f.probe_one().evidence == "present");
    }
}
