// post conditions in Jenkins' order for each build result, stage and pipeline.
#include "unit/runtime/executor_support.hpp"

using namespace exec_test;
using V = std::vector<std::string>;

namespace {

std::string with_step(const std::string& step) {
    return R"(pipeline { agent any
  stages { stage('A') { steps { )" +
           step + R"( }
      post { always { echo 'stage always' }; failure { echo 'stage failure' } } } }
  post {
    cleanup { echo 'cleanup' }
    success { echo 'success' }
    failure { echo 'failure' }
    unstable { echo 'unstable' }
    aborted { echo 'aborted' }
    unsuccessful { echo 'unsuccessful' }
    changed { echo 'changed' }
    regression { echo 'regression' }
    fixed { echo 'fixed' }
    always { echo 'always' }
  } })";
}

V echoes(const Run& r) {
    V out;
    for (const auto& s : r.scripts) {
        if (s.rfind("echo ", 0) == 0) {
            out.push_back(s.substr(5));
        }
    }
    return out;
}

} // namespace

TEST_CASE("post on SUCCESS", "[executor][post]") {
    auto r = run_pipeline(with_step("sh 'ok'"));
    CHECK(echoes(r) == V{"stage always", "always", "changed", "success", "cleanup"});
}

TEST_CASE("post on FAILURE", "[executor][post]") {
    auto r = run_pipeline(with_step("sh 'fail'"));
    CHECK(echoes(r) == V{"stage always", "stage failure", "always", "changed", "unsuccessful",
                         "failure", "cleanup"});
}

TEST_CASE("post on UNSTABLE", "[executor][post]") {
    auto r = run_pipeline(with_step("sh 'unstable'"));
    CHECK(echoes(r) ==
          V{"stage always", "always", "changed", "unsuccessful", "unstable", "cleanup"});
}

TEST_CASE("post on ABORTED (timeout)", "[executor][post]") {
    auto r =
        run_pipeline(with_step("timeout(time: 100, unit: 'MILLISECONDS') { sh 'sleep 20000' }"));
    CHECK(r.outcome.result == BuildResult::aborted);
    CHECK(echoes(r) ==
          V{"stage always", "always", "changed", "aborted", "unsuccessful", "cleanup"});
}

TEST_CASE("a failing post step makes later conditions see FAILURE", "[executor][post]") {
    auto r = run_pipeline(R"(pipeline { agent any
  stages { stage('A') { steps { sh 'ok' } } }
  post {
    always { sh 'fail' }
    success { echo 'success' }
    failure { echo 'failure' }
  } })");
    CHECK(r.outcome.result == BuildResult::failure);
    CHECK(echoes(r) == V{"failure"});
}
