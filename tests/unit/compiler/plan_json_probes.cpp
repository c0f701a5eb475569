// probe_requests() skips its blind plan when no step can name an image tag, a namespace or a
// release; the requests must be what the blind plan would have found either way.
#include "plan_support.hpp"

using namespace ferry::compiler;
using plan_test::lower_text;

namespace {

ProbeRequests requests_for(const std::string& text, const std::string& env = "test") {
    auto l = lower_text(text);
    PlanOptions options;
    options.environment = env;
    options.job_name = "demo";
    return probe_requests(l->ir, plan_test::config(), options);
}

} // namespace

TEST_CASE("a pipeline that deploys nothing asks for nothing of the network", "[plan][probes]") {
    const auto r = requests_for("pipeline { agent any; stages {"
                                " stage('A') { steps { echo 'a'; dir('x') { sh 'make' } } };"
                                " stage('B') { parallel { stage('C') { steps { sh 'c' } } } } };"
                                " post { always { echo 'done' } } }",
                                "prod");
    CHECK(r.environment == "prod");
    CHECK(r.tags.empty());
    CHECK(r.releases.empty());
    CHECK(r.namespaces.empty()); // no kubectl for a pipeline that deploys nothing
}

TEST_CASE("deploy steps anywhere still get their tags, namespaces and releases", "[plan][probes]") {
    // Nested in a block step, in a post block, in a legacy parallel branch.
    const auto nested = requests_for("pipeline { agent any; stages { stage('A') { steps {"
                                     " dir('x') { pushImage name: 'web:v1' } } } } }");
    REQUIRE(nested.tags.size() == 1);
    CHECK(nested.tags[0] == "127.0.0.1:5000/kiamol/web:v1");
    const auto post = requests_for(
        "pipeline { agent any; stages { stage('A') { steps { echo 'a' } } };"
        " post { success { helmUpgrade release: 'web', chart: 'c/', namespace: 'app-test' } } }");
    REQUIRE(post.releases.size() == 1);
    CHECK(post.releases[0].name == "web");
    REQUIRE(post.namespaces.size() == 1);
    CHECK(post.namespaces[0].name == "app-test");
    const auto branch =
        requests_for("pipeline { agent any; stages { stage('A') { steps {"
                     " parallel a: { echo 'a' }, b: { kubectlApply file: 'k8s/' } } } } }");
    CHECK(branch.namespaces.size() == 1);
    // A skipped stage's deploy asks for nothing more (the blind plan still decides that).
    const auto skipped = requests_for(
        "pipeline { agent any; stages { stage('A') { when { environment name: 'X', value: 'y' };"
        " steps { pushImage name: 'web:v1' } } } }");
    CHECK(skipped.tags.empty());
}
