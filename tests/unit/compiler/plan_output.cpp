// The planner: environment precedence, credentials, parameters, targets and effects from
// observations, text and JSON output, the fingerprint, and that no secret reaches any output.
#include "plan_support.hpp"

using namespace ferry::compiler;
using plan_test::lower_text;
using plan_test::plan_text;

namespace {

const char* deploy = R"(pipeline { agent any
  parameters { booleanParam(name: 'GO', defaultValue: false) }
  environment { TAG = "v${BUILD_NUMBER}"; LEVEL = 'pipeline'; TOKEN = credentials('api-token')
                USER = credentials('deployer') }
  stages {
    stage('Build') {
      environment { LEVEL = 'stage' }
      steps {
        echo "${LEVEL} ${TAG} ${params.GO}"
        buildImage "web:${TAG}"
        pushImage name: "web:${TAG}", tags: ['stable']
        sh "curl -u ${USER_USR}:${USER_PSW} -H ${TOKEN}"
        withEnv(['MODE=fast']) { sh "run ${MODE}" }
      }
    }
    stage('Deploy') {
      when { expression { params.GO } }
      steps { helmUpgrade release: 'web', chart: 'chart/', images: [image: 'web'] }
    }
  } })";

} // namespace

TEST_CASE("environment precedence, built-ins and parameters", "[plan]") {
    auto l = lower_text(deploy);
    auto r = plan_text(*l, "test", plan_test::observations(), {{"GO", "true"}});
    REQUIRE(r.ok());
    const auto& echo = r.plan.steps.at(0);
    CHECK(echo.params["message"] == "stage v42 true");
    CHECK(r.plan.parameters["GO"] == true);
    const auto& deploy_step = r.plan.steps.back();
    CHECK(deploy_step.kind == "helmUpgrade");
    CHECK(deploy_step.when.result == "true");
}

TEST_CASE("credentials become typed secret bindings and templates", "[plan]") {
    auto l = lower_text(deploy);
    auto r = plan_text(*l);
    REQUIRE(r.ok());
    std::vector<std::string> names;
    for (const auto& v : r.plan.variables) {
        names.push_back(v["name"]);
        if (v.contains("credential")) {
            CHECK(v["value"] == "(secret)");
        }
    }
    CHECK(names ==
          std::vector<std::string>{"TAG", "LEVEL", "TOKEN", "USER", "USER_USR", "USER_PSW"});
    const auto& sh = r.plan.steps.at(3);
    REQUIRE(sh.params["script"].is_object());
    CHECK(sh.params["script"]["$template"] == "curl -u ${USER_USR}:${USER_PSW} -H ${TOKEN}");
    CHECK(sh.params["script"]["secret"] == true);
    const auto& with_env_body = r.plan.steps.at(5);
    CHECK(with_env_body.parent == "Build/5");
    CHECK(with_env_body.params["script"] == "run fast");
}

TEST_CASE("images resolve in the environment's registry; effects come from observations",
          "[plan]") {
    auto l = lower_text(deploy);
    auto obs = plan_test::observations();
    TagObservation tag;
    tag.reference = "127.0.0.1:5000/kiamol/web:stable";
    tag.known = Known::yes;
    tag.digest = "sha256:aaaa";
    obs.tags.push_back(tag);
    ReleaseObservation rel;
    rel.context = "lab-admin";
    rel.namespace_ = "app-test";
    rel.name = "web";
    rel.known = Known::yes;
    rel.revision = 4;
    obs.releases.push_back(rel);
    NamespaceObservation ns;
    ns.context = "lab-admin";
    ns.name = "app-test";
    ns.known = Known::yes;
    ns.exists = false;
    obs.namespaces.push_back(ns);
    auto r = plan_text(*l, "test", obs, {{"GO", "true"}});
    REQUIRE(r.ok());
    const auto& build = r.plan.steps.at(1);
    CHECK(build.image == "127.0.0.1:5000/kiamol/web:v42");
    CHECK(build.action == Action::create);
    CHECK(build.cache.status == "unknown");
    const auto& push = r.plan.steps.at(2);
    CHECK(push.image == "127.0.0.1:5000/kiamol/web:stable");
    REQUIRE(push.effects.size() == 1);
    CHECK(push.effects[0].before == "sha256:aaaa");
    CHECK(push.action == Action::update);
    const auto& helm = r.plan.steps.back();
    CHECK(helm.target.context == "lab-admin");
    CHECK(helm.target.namespace_ == "app-test");
    REQUIRE(helm.effects.size() == 2);
    CHECK(helm.effects[0].kind == "namespace");
    CHECK(helm.effects[0].before == "absent");
    CHECK(helm.effects[1].before == "revision 4");
    CHECK(helm.effects[1].after == "revision 5");
    CHECK(r.plan.steps.at(0).cache.status == "uncacheable");
}

TEST_CASE("an absent namespace the environment may not create is an error in ferry.yaml",
          "[plan]") {
    auto l = lower_text(deploy);
    auto obs = plan_test::observations();
    NamespaceObservation ns;
    ns.context = "prod-admin";
    ns.name = "app-prod";
    ns.known = Known::yes;
    obs.namespaces.push_back(ns);
    auto r = plan_text(*l, "prod", obs, {{"GO", "true"}});
    CHECK(plan_test::has_code(r.config_diagnostics, "E0704"));
}

TEST_CASE("two environments resolve to different targets", "[plan]") {
    auto l = lower_text(deploy);
    auto test = plan_text(*l, "test", plan_test::observations(), {{"GO", "true"}});
    auto prod = plan_text(*l, "prod", plan_test::observations(), {{"GO", "true"}});
    CHECK(test.plan.steps.back().target.context == "lab-admin");
    CHECK(prod.plan.steps.back().target.context == "prod-admin");
    CHECK(prod.plan.steps.back().target.namespace_ == "app-prod");
}

TEST_CASE("plan errors: environment, credential, parameters, namespace", "[plan]") {
    auto l = lower_text(deploy);
    CHECK(plan_test::has_code(plan_text(*l, "tset").config_diagnostics, "E0701"));
    CHECK(plan_test::has_code(
        plan_text(*l, "test", plan_test::observations(), {{"NOPE", "1"}}).diagnostics, "E0709"));
    CHECK(plan_test::has_code(
        plan_text(*l, "test", plan_test::observations(), {{"GO", "yes"}}).diagnostics, "E0710"));
    auto bad = lower_text(
        "pipeline { agent any; environment { T = credentials('nope') }; stages { stage('S') {"
        " steps { helmUpgrade release: 'r', chart: 'c', namespace: 'prod' } } } }");
    auto r = plan_text(*bad);
    CHECK(plan_test::has_code(r.diagnostics, "E0702"));
    CHECK(plan_test::has_code(r.diagnostics, "E0703"));
}

TEST_CASE("a skipped stage's Groovy is not an error; a running one's is", "[plan]") {
    auto l = lower_text("pipeline { agent any; stages {"
                        " stage('A') { when { branch 'dev' }; steps { script { x() } } };"
                        " stage('B') { steps { script { y() } } } } }");
    auto r = plan_text(*l);
    REQUIRE(r.diagnostics.error_count() == 1);
    CHECK(r.diagnostics.all()[0].message.find("stage 'B'") != std::string::npos);
}

TEST_CASE("JSON round-trips, text has one line per step, fingerprint follows observations",
          "[plan]") {
    auto l = lower_text(deploy);
    auto r = plan_text(*l);
    REQUIRE(r.ok());
    const auto json = to_json(r.plan);
    CHECK(json["format_version"] == plan_format_version);
    std::string error;
    auto back = plan_from_json(nlohmann::json::parse(json.dump()), error);
    REQUIRE(back);
    CHECK(nlohmann::json::parse(to_json(*back).dump()) == nlohmann::json::parse(json.dump()));
    const std::string text = render_text(r.plan);
    CHECK(text.find("  + buildImage  127.0.0.1:5000/kiamol/web:v42  (Build/2)") !=
          std::string::npos);
    CHECK(text.find("  - helmUpgrade") != std::string::npos);
    auto other = plan_test::observations();
    CHECK(observations_fingerprint(other) == r.plan.observations_fingerprint);
    other.build_number = 43;
    CHECK(observations_fingerprint(other) != r.plan.observations_fingerprint);
    CHECK(r.plan.has_changes());
}

TEST_CASE("no credential value nor its base64 appears in any plan output", "[plan][secrets]") {
    // The planner never reads credential values; the pipeline even spells a value-like string
    // only through the variable names. Every output form is searched for the value anyway.
    const std::string value = "s3cr3t-Value-9f8e";
    const std::string base64 = "czNjcjN0LVZhbHVlLTlmOGU=";
    auto l = lower_text(deploy);
    auto obs = plan_test::observations();
    obs.process_env["BUILD_URL"] = "http://ci.test/1";
    auto r = plan_text(*l, "test", obs, {{"GO", "true"}});
    for (const auto& out : {to_json(r.plan).dump(), render_text(r.plan)}) {
        CHECK(out.find(value) == std::string::npos);
        CHECK(out.find(base64) == std::string::npos);
    }
    CHECK(to_json(r.plan).dump().find("(secret)") != std::string::npos);
    // A password parameter's value given with -p is a secret too.
    auto p =
        lower_text("pipeline { agent any; parameters { password(name: 'PW', defaultValue: '') };"
                   " stages { stage('S') { steps { sh \"login ${params.PW}\" } } } }");
    auto pr = plan_text(*p, "test", plan_test::observations(), {{"PW", value}});
    for (const auto& out : {to_json(pr.plan).dump(), render_text(pr.plan)}) {
        CHECK(out.find(value) == std::string::npos);
        CHECK(out.find(base64) == std::string::npos);
    }
}

TEST_CASE("probe requests name the tags, namespaces and releases steps touch", "[plan]") {
    auto l = lower_text(deploy);
    PlanOptions options;
    options.environment = "test";
    options.job_name = "demo";
    options.parameters = {{"GO", "true"}};
    auto req = probe_requests(l->ir, plan_test::config(), options);
    CHECK(req.environment == "test");
    REQUIRE(req.releases.size() == 1);
    CHECK(req.releases[0].name == "web");
    CHECK(req.releases[0].context == "lab-admin");
    REQUIRE_FALSE(req.namespaces.empty());
    CHECK(req.namespaces[0].name == "app-test");
}
