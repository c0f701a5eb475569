// The plan's deploy predictions, from hand-made observations (the planner is pure): the probe is
// asked to prepare each helmUpgrade with the images of this run it names; the release is a hit
// (no upgrade, no new revision) only when its ferry-made revision carries the key the run will
// compute; otherwise the reason says why, and the object diff becomes effects.
#include "plan_support.hpp"

using namespace ferry::compiler;
using plan_test::lower_text;

namespace {

constexpr const char* pipeline =
    "pipeline { agent any; stages {"
    " stage('build') { steps { buildImage name: 'web', context: 'src', base: 'scratch';"
    "   pushImage name: 'web', tags: ['v1', 'v2'] } };"
    " stage('deploy') { steps { dir('ops') { helmUpgrade release: 'web', chart: 'chart',"
    "   images: [image: 'web'], set: [replicas: 2] } } } } }";

ProbeRequests requests_for(const plan_test::Lowered& l) {
    PlanOptions options;
    options.environment = "test";
    options.job_name = "demo";
    return probe_requests(l.ir, plan_test::config(), options);
}

const PlanStep& helm_step(const Plan& plan) {
    for (const auto& s : plan.steps) {
        if (s.kind == "helmUpgrade") {
            return s;
        }
    }
    FAIL("no helmUpgrade step");
    return plan.steps.front();
}

/// The probe prepared the deploy (key label `label`, or unknown) and saw the release at
/// revision 3 with `release_key` on it.
Observations observed(const ProbeRequests& r, const std::optional<std::string>& label,
                      const std::optional<std::string>& release_key) {
    auto o = plan_test::observations();
    REQUIRE(r.deploys.size() == 1);
    DeployObservation d;
    d.step = r.deploys[0].step;
    d.params = r.deploys[0].params;
    if (label) {
        d.known = Known::yes;
        d.key = *label + "full";
        d.key_label = *label;
    } else {
        d.reason = "image web is built in this run (a cache miss): its digest, and so the "
                   "deploy key, is known after the build";
        d.pending_images = {"web"};
    }
    d.diff_known = Known::yes;
    d.unchanged_objects = 1;
    d.objects.push_back({"apps/v1",
                         "Deployment",
                         "app-test",
                         "web",
                         "changed",
                         {"spec.replicas", "spec.template.spec.containers[0].image"},
                         0});
    d.objects.push_back({"policy/v1", "PodDisruptionBudget", "app-test", "web", "added", {}, 0});
    o.deploys.push_back(d);
    ReleaseObservation rel;
    rel.context = "lab-admin";
    rel.namespace_ = "app-test";
    rel.name = "web";
    rel.known = Known::yes;
    rel.revision = 3;
    rel.status = "deployed";
    rel.deploy_key = release_key;
    o.releases.push_back(rel);
    NamespaceObservation ns{"lab-admin", "app-test", Known::yes, "", true};
    o.namespaces.push_back(ns);
    return o;
}

} // namespace

TEST_CASE("the probe is asked to prepare each helmUpgrade with the run's images",
          "[plan][deploy]") {
    auto l = lower_text(pipeline);
    const auto r = requests_for(*l);
    REQUIRE(r.deploys.size() == 1);
    const auto& d = r.deploys[0];
    CHECK(d.context == "lab-admin");
    CHECK(d.namespace_ == "app-test");
    CHECK(d.directory == "ops");
    REQUIRE(d.images.size() == 1);
    CHECK(d.images[0].name == "web");
    CHECK(d.images[0].build_step == r.builds.at(0).step);
    CHECK(d.images[0].reference == "127.0.0.1:5000/kiamol/web:v1"); // the first pushed tag
    CHECK(nlohmann::json::parse(d.params).value("release", "") == "web");
}

TEST_CASE("the same deploy key on the ferry-made revision: no upgrade, no new revision",
          "[plan][deploy]") {
    auto l = lower_text(pipeline);
    const auto result = plan_test::plan_text(*l, "test", observed(requests_for(*l), "abc", "abc"));
    REQUIRE(result.ok());
    const auto& helm = helm_step(result.plan);
    CHECK(helm.cache.status == "hit");
    CHECK(helm.cache.key == "abcfull");
    CHECK(helm.action == Action::noop);
    bool release_seen = false;
    for (const auto& e : helm.effects) {
        CHECK(e.kind != "object"); // nothing is upgraded, no object changes
        if (e.kind == "release") {
            release_seen = true;
            CHECK(e.before == "revision 3");
            CHECK(e.after == "revision 3");
        }
    }
    CHECK(release_seen);
}

TEST_CASE("another key, no key, or an unknown image: an upgrade with the object diff",
          "[plan][deploy]") {
    auto l = lower_text(pipeline);
    const auto r = requests_for(*l);
    SECTION("other inputs") {
        const auto result = plan_test::plan_text(*l, "test", observed(r, "abc", "def"));
        const auto& helm = helm_step(result.plan);
        CHECK(helm.cache.status == "miss");
        CHECK(helm.cache.reason.find("revision 3 was deployed from other inputs") !=
              std::string::npos);
        CHECK(helm.action == Action::update);
        std::vector<std::string> objects;
        for (const auto& e : helm.effects) {
            if (e.kind == "object") {
                objects.push_back(e.target + ": " + e.before + " -> " + e.after);
            }
        }
        CHECK(objects ==
              std::vector<std::string>{"Deployment/web: present -> changed: spec.replicas, "
                                       "spec.template.spec.containers[0].image",
                                       "PodDisruptionBudget/web: absent -> added"});
        const auto text = render_text(result.plan, {});
        CHECK(text.find("object Deployment/web: present -> changed: spec.replicas") !=
              std::string::npos);
        CHECK(text.find("cache miss: revision 3 was deployed from other inputs") !=
              std::string::npos);
    }
    SECTION("someone else's revision") {
        const auto result = plan_test::plan_text(*l, "test", observed(r, "abc", std::nullopt));
        CHECK(helm_step(result.plan).cache.reason.find("carries no deploy key") !=
              std::string::npos);
    }
    SECTION("an image built in this run") {
        const auto result = plan_test::plan_text(*l, "test", observed(r, std::nullopt, "abc"));
        const auto& helm = helm_step(result.plan);
        CHECK(helm.cache.status == "unknown");
        CHECK(helm.cache.reason.find("known after the build") != std::string::npos);
        CHECK(helm.cache.reason.find("placeholder digest for web") != std::string::npos);
        CHECK(helm.action == Action::update);
    }
    SECTION("parameters other than the ones probed") {
        auto o = observed(r, "abc", "abc");
        o.deploys[0].params = "{}";
        const auto result = plan_test::plan_text(*l, "test", o);
        CHECK(helm_step(result.plan).cache.status == "unknown");
        CHECK(helm_step(result.plan).action == Action::update);
    }
}
