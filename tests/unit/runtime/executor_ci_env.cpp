// The variables a CI sets for the branch or tag it builds reach the steps over git's own values.
#include "unit/runtime/executor_support.hpp"

using namespace exec_test;

TEST_CASE("a CI's BRANCH_NAME and TAG_NAME reach the steps", "[executor]") {
    Setup setup;
    setup.base_env = {{"BRANCH_NAME", "feature/x"}, {"TAG_NAME", "v1.2"}};
    auto r = run_pipeline(R"(pipeline { agent any
  stages { stage('A') { steps { sh 'env BRANCH_NAME'
                                sh 'env TAG_NAME'
                                sh 'env HOME' } } } })",
                          setup);
    CHECK(r.outcome.result == BuildResult::success);
    CHECK(r.logged("BRANCH_NAME=feature/x"));
    CHECK(r.logged("TAG_NAME=v1.2"));
    CHECK(r.logged("HOME=/home/test"));
}
