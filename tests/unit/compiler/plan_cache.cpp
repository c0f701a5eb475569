// The plan's cache predictions for buildImage and pushImage, from hand-made observations (the
// planner is pure): the probe requests a build with the step's parameters and context, the
// build's status follows the observation, and a push is a hit only over a hit build whose
// digest every tag already points at.
#include "plan_support.hpp"

using namespace ferry::compiler;
using plan_test::lower_text;

namespace {

constexpr const char* build_and_push =
    "pipeline { agent any; stages {"
    " stage('build') { steps { dir('sub') { buildImage name: 'web', context: 'src', base: "
    "'scratch', env: [A: '1'] } } };"
    " stage('push') { steps { pushImage name: 'web', tags: ['v1', 'v2'] } } } }";

ProbeRequests requests_for(const plan_test::Lowered& l) {
    PlanOptions options;
    options.environment = "test";
    options.job_name = "demo";
    return probe_requests(l.ir, plan_test::config(), options);
}

const PlanStep& step_of(const Plan& plan, std::string_view kind) {
    for (const auto& s : plan.steps) {
        if (s.kind == kind) {
            return s;
        }
    }
    FAIL("no step of kind " << kind);
    return plan.steps.front();
}

/// Observations where the probe saw the build as `hit` (with `digest`) or missing.
Observations observed(const ProbeRequests& requests, bool hit, const std::string& digest,
                      const std::optional<std::string>& tag_digest) {
    auto o = plan_test::observations();
    REQUIRE(requests.builds.size() == 1);
    BuildObservation b;
    b.step = requests.builds[0].step;
    b.reference = requests.builds[0].reference;
    b.params = requests.builds[0].params;
    b.known = Known::yes;
    b.key = "sha256:key";
    b.hit = hit;
    b.explanation = hit ? "key sha256:key was built before" : "file src/a.txt changed (content)";
    if (hit) {
        b.digest = digest;
    }
    o.builds.push_back(b);
    for (const auto* tag : {"v1", "v2"}) {
        TagObservation t;
        t.reference = std::string("127.0.0.1:5000/kiamol/web:") + tag;
        t.known = Known::yes;
        t.digest = tag_digest;
        o.tags.push_back(t);
    }
    return o;
}

} // namespace

TEST_CASE("the probe is asked to key each buildImage in its directory", "[plan][cache]") {
    auto l = lower_text(build_and_push);
    const auto r = requests_for(*l);
    REQUIRE(r.builds.size() == 1);
    CHECK(r.builds[0].context == "sub/src");
    CHECK(r.builds[0].reference == "127.0.0.1:5000/kiamol/web:latest");
    CHECK(nlohmann::json::parse(r.builds[0].params).value("base", "") == "scratch");
}

TEST_CASE("a build and its push are hits when the key is known and the tags are in place",
          "[plan][cache]") {
    auto l = lower_text(build_and_push);
    const auto o = observed(requests_for(*l), true, "sha256:img", "sha256:img");
    const auto result = plan_test::plan_text(*l, "test", o);
    REQUIRE(result.ok());
    const auto& build = step_of(result.plan, "buildImage");
    CHECK(build.cache.status == "hit");
    CHECK(build.cache.key == "sha256:key");
    const auto& push = step_of(result.plan, "pushImage");
    CHECK(push.cache.status == "hit");
    CHECK(push.cache.key == "sha256:img");
    CHECK(push.cache.reason.find("sha256:img") != std::string::npos);
    CHECK(build.action == Action::noop); // nothing to change: --detailed-exitcode says 0
    CHECK(push.action == Action::noop);
    CHECK(push.effects.at(0).after == "sha256:img");
    CHECK(build.cache.base.empty()); // a scratch build has no base to pin
}

TEST_CASE("a build's probed base digest is in the plan, for the run to build on", "[plan][cache]") {
    auto l = lower_text(build_and_push);
    auto o = observed(requests_for(*l), true, "sha256:img", "sha256:img");
    o.builds[0].base_digest = "sha256:base";
    const auto result = plan_test::plan_text(*l, "test", o);
    REQUIRE(result.ok());
    const auto& build = step_of(result.plan, "buildImage");
    CHECK(build.cache.base == "sha256:base");
    const auto json = to_json(result.plan);
    bool written = false;
    for (const auto& step : json["steps"]) {
        if (step.value("kind", "") == "buildImage") {
            written = step["cache"].value("base", "") == "sha256:base";
        }
    }
    CHECK(written);
    CHECK(nlohmann::ordered_json::parse(to_json_text(result.plan)) == json); // streamed alike
    std::string error;
    const auto saved = plan_from_json(nlohmann::json::parse(json.dump()), error);
    REQUIRE(saved);
    CHECK(step_of(*saved, "buildImage").cache.base == "sha256:base"); // a saved plan keeps it
}

TEST_CASE("a push over a hit build misses when a tag is elsewhere or absent", "[plan][cache]") {
    auto l = lower_text(build_and_push);
    const auto r = requests_for(*l);
    const auto moved =
        plan_test::plan_text(*l, "test", observed(r, true, "sha256:img", "sha256:old"));
    const auto& push = step_of(moved.plan, "pushImage");
    CHECK(push.cache.status == "miss");
    CHECK(push.cache.reason ==
          "tag 127.0.0.1:5000/kiamol/web:v1 points at sha256:old, the build is sha256:img");
    const auto absent = plan_test::plan_text(*l, "test", observed(r, true, "sha256:img", {}));
    CHECK(step_of(absent.plan, "pushImage").cache.reason ==
          "tag 127.0.0.1:5000/kiamol/web:v1 does not exist yet");
}

TEST_CASE("a missed build names what changed, and its push misses", "[plan][cache]") {
    auto l = lower_text(build_and_push);
    const auto result =
        plan_test::plan_text(*l, "test", observed(requests_for(*l), false, "", "sha256:img"));
    const auto& build = step_of(result.plan, "buildImage");
    CHECK(build.cache.status == "miss");
    CHECK(build.cache.reason == "file src/a.txt changed (content)");
    const auto& push = step_of(result.plan, "pushImage");
    CHECK(push.cache.status == "miss");
    CHECK(push.cache.reason.find("file src/a.txt changed") != std::string::npos);
}

TEST_CASE("without a usable observation the cache status is unknown, with the reason",
          "[plan][cache]") {
    auto l = lower_text(build_and_push);
    const auto r = requests_for(*l);
    SECTION("not probed") {
        const auto result = plan_test::plan_text(*l);
        CHECK(step_of(result.plan, "buildImage").cache.status == "unknown");
        CHECK(step_of(result.plan, "pushImage").cache.status == "unknown");
    }
    SECTION("probed offline") {
        auto o = observed(r, true, "sha256:img", "sha256:img");
        o.builds[0].known = Known::unknown;
        o.builds[0].reason = "base image x: not probed: --offline";
        o.tags[0].known = Known::unknown;
        const auto result = plan_test::plan_text(*l, "test", o);
        CHECK(step_of(result.plan, "buildImage").cache.reason ==
              "base image x: not probed: --offline");
        CHECK(step_of(result.plan, "pushImage").cache.status == "unknown");
    }
    SECTION("parameters not the ones probed") {
        auto o = observed(r, true, "sha256:img", "sha256:img");
        o.builds[0].params = "{}";
        const auto result = plan_test::plan_text(*l, "test", o);
        CHECK(step_of(result.plan, "buildImage").cache.status == "unknown");
    }
    SECTION("a tag not probed") {
        auto o = observed(r, true, "sha256:img", "sha256:img");
        o.tags[1].known = Known::unknown;
        o.tags[1].reason = "registry down";
        const auto result = plan_test::plan_text(*l, "test", o);
        CHECK(step_of(result.plan, "pushImage").cache.status == "unknown");
        CHECK(step_of(result.plan, "pushImage").cache.reason.find("registry down") !=
              std::string::npos);
    }
}

TEST_CASE("a push writes the build's evidence when its repository lacks it", "[plan][cache]") {
    auto l = lower_text(build_and_push);
    const auto r = requests_for(*l);
    SECTION("a hit build whose evidence is absent: the push is no longer a no-op") {
        auto o = observed(r, true, "sha256:img", "sha256:img");
        o.builds[0].evidence = "absent";
        const auto result = plan_test::plan_text(*l, "test", o);
        const auto& push = step_of(result.plan, "pushImage");
        CHECK(push.cache.status == "miss");
        CHECK(push.cache.reason.find("evidence tag is written") != std::string::npos);
        CHECK(push.action != Action::noop);
        const auto& effect = push.effects.back();
        CHECK(effect.kind == "evidence");
        CHECK(effect.target == "127.0.0.1:5000/kiamol/web:ferry-build-key");
        CHECK(effect.before == "absent");
        CHECK(effect.after == "sha256:img");
    }
    SECTION("a missed build: the evidence names the digest still to be built") {
        auto o = observed(r, false, "", {});
        o.builds[0].evidence = "absent";
        const auto result = plan_test::plan_text(*l, "test", o);
        const auto& push = step_of(result.plan, "pushImage");
        CHECK(push.effects.back().kind == "evidence");
        CHECK(push.effects.back().after == "digest of this build");
    }
    SECTION("present, off or not known: no evidence effect, the push stays a hit") {
        for (const auto* state : {"present", "off", ""}) {
            auto o = observed(r, true, "sha256:img", "sha256:img");
            o.builds[0].evidence = state;
            const auto result = plan_test::plan_text(*l, "test", o);
            const auto& push = step_of(result.plan, "pushImage");
            CHECK(push.cache.status == "hit");
            CHECK(push.effects.back().kind == "tag");
        }
    }
    CHECK(build_evidence_tag("sha256:abc") == "ferry-build-abc");
}
