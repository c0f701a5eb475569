// Block steps, options, input and interrupts with fake drivers.
#include "unit/runtime/executor_support.hpp"

#include <thread>

using namespace exec_test;
using V = std::vector<std::string>;

TEST_CASE("retry reruns its body until it succeeds", "[executor]") {
    auto r = run_pipeline(R"(pipeline { agent any
  stages { stage('A') { steps { retry(3) { sh 'flaky 2' } } } } })");
    CHECK(r.outcome.result == BuildResult::success);
    CHECK(r.scripts == V{"flaky 2", "flaky 2", "flaky 2"});
    auto exhausted = run_pipeline(R"(pipeline { agent any
  stages { stage('A') { steps { retry(2) { sh 'flaky 5' } } } } })");
    CHECK(exhausted.outcome.result == BuildResult::failure);
    CHECK(exhausted.scripts.size() == 2);
}

TEST_CASE("the retry option reruns the stage", "[executor]") {
    auto r = run_pipeline(R"(pipeline { agent any
  stages { stage('A') { options { retry(2) }; steps { sh 'flaky 1' } } } })");
    CHECK(r.outcome.result == BuildResult::success);
    CHECK(r.scripts.size() == 2);
}

TEST_CASE("timeout ends its body: ABORTED, exit 4", "[executor]") {
    const auto start = std::chrono::steady_clock::now();
    auto r = run_pipeline(R"(pipeline { agent any
  stages {
    stage('A') { steps { timeout(time: 200, unit: 'MILLISECONDS') { sh 'sleep 30000' } } }
    stage('B') { steps { sh 'print never' } }
  } })");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
    CHECK(r.outcome.result == BuildResult::aborted);
    CHECK(r.outcome.exit_code == 4);
    CHECK(r.outcome.message.find("Timeout") != std::string::npos);
    CHECK(r.find("stage.skipped", "B") != nullptr);
}

TEST_CASE("the timeout option ends the stage", "[executor]") {
    auto r = run_pipeline(R"(pipeline { agent any
  stages { stage('A') { options { timeout(time: 1, unit: 'SECONDS') }; steps { sh 'sleep 30000' } } } })");
    CHECK(r.outcome.result == BuildResult::aborted);
    CHECK(r.find("stage.finished", "A")->result == "ABORTED");
}

TEST_CASE("catchError and warnError set the results they are told and go on", "[executor]") {
    auto r = run_pipeline(R"(pipeline { agent any
  stages {
    stage('A') { steps {
      catchError(buildResult: 'UNSTABLE', stageResult: 'FAILURE') { sh 'fail' }
      sh 'print after'
    } }
    stage('B') { steps { warnError('careful') { error 'bad' } } }
    stage('C') { steps { sh 'print c' } }
  } })");
    CHECK(r.outcome.result == BuildResult::unstable);
    CHECK(r.find("stage.finished", "A")->result == "FAILURE");
    CHECK(r.find("stage.finished", "B")->result == "UNSTABLE");
    CHECK(r.scripts == V{"fail", "print after", "print c"});
    auto plain = run_pipeline(R"(pipeline { agent any
  stages { stage('A') { steps { catchError { sh 'fail' } } }; stage('B') { steps { sh 'ok' } } } })");
    CHECK(plain.outcome.result == BuildResult::failure);
    CHECK(plain.find("stage.finished", "A")->result == "SUCCESS");
    CHECK(plain.find("stage.finished", "B") != nullptr); // no error escaped: B runs
}

TEST_CASE("dir and withEnv change where and with what steps run", "[executor]") {
    auto r = run_pipeline(R"(pipeline { agent any
  environment { GREETING = "hello ${BUILD_NUMBER}" }
  stages { stage('A') { steps {
    dir('ferry-exec-test-sub') { sh 'pwd' }
    withEnv(['COLOUR=blue']) { sh 'env COLOUR' }
    sh 'env COLOUR'
    sh 'env GREETING'
    sh "print ${WORKSPACE}"
  } } } })");
    CHECK(r.outcome.result == BuildResult::success);
    CHECK(r.logged("ferry-exec-test-sub"));
    CHECK(r.logged("COLOUR=blue"));
    CHECK(r.logged("COLOUR=(unset)"));
    CHECK(r.logged("GREETING=hello 42"));
    CHECK(r.logged(std::filesystem::temp_directory_path().string()));
    std::filesystem::remove_all(std::filesystem::temp_directory_path() / "ferry-exec-test-sub");
}

TEST_CASE("withCredentials binds variables and masks their values", "[executor]") {
    Setup setup;
    setup.process_env = {{"SECRET_api-token", "t0ken-value"}, {"DEPLOYER_PASSWORD", "pa55word"}};
    auto r = run_pipeline(R"(pipeline { agent any
  environment { CREDS = credentials('deployer') }
  stages { stage('A') { steps {
    withCredentials([string(credentialsId: 'api-token', variable: 'TOKEN')]) {
      sh 'env TOKEN'
      sh "print ${TOKEN}"
    }
    sh 'env TOKEN'
    sh 'env CREDS_USR'
    sh 'env CREDS_PSW'
    withCredentials([usernamePassword(credentialsId: 'deployer', usernameVariable: 'U', passwordVariable: 'P')]) {
      sh 'env P'
    }
  } } } })",
                          setup);
    CHECK(r.outcome.result == BuildResult::success);
    CHECK(r.logged("TOKEN=****"));
    CHECK(r.logged("TOKEN=(unset)"));
    CHECK(r.logged("CREDS_USR=deploy-user"));
    CHECK(r.logged("CREDS_PSW=****"));
    CHECK(r.logged("P=****"));
    for (const auto& e : r.events) {
        CHECK(e.message.find("t0ken-value") == std::string::npos);
        CHECK(e.message.find("pa55word") == std::string::npos);
    }
}

TEST_CASE("input: approved in advance, refused, or not approvable", "[executor]") {
    const std::string text = R"(pipeline { agent any
  stages {
    stage('Deploy') {
      input { message 'Ship it?'; id 'ship' }
      steps { sh 'print shipped' }
    }
  } })";
    Setup approve;
    approve.approvals = {"ship"};
    auto approved = run_pipeline(text, approve);
    CHECK(approved.outcome.result == BuildResult::success);
    CHECK(approved.logged("shipped"));

    Setup refuse;
    refuse.ask = [](const std::string& message, const std::string& id) {
        CHECK(message == "Ship it?");
        CHECK(id == "ship");
        return false;
    };
    auto refused = run_pipeline(text, refuse);
    CHECK(refused.outcome.result == BuildResult::aborted);
    CHECK_FALSE(refused.logged("shipped"));

    auto nobody = run_pipeline(text);
    CHECK(nobody.outcome.result == BuildResult::failure);
    CHECK(nobody.outcome.message.find("--approve ship") != std::string::npos);
}

TEST_CASE("an interrupt aborts the run and post still runs", "[executor]") {
    Setup setup;
    setup.during = [](runtime::Cancellation& root) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        root.cancel(runtime::CancelReason::interrupted, "interrupted by SIGINT");
    };
    auto r = run_pipeline(R"(pipeline { agent any
  stages {
    stage('A') { steps { sh 'sleep 30000' } }
    stage('B') { steps { sh 'print never' } }
  }
  post { always { echo 'post ran' }; aborted { echo 'was aborted' } } })",
                          setup);
    CHECK(r.outcome.result == BuildResult::aborted);
    CHECK(r.outcome.exit_code == 4);
    CHECK(r.scripts == V{"sleep 30000", "echo post ran", "echo was aborted"});
    CHECK(r.find("stage.skipped", "B") != nullptr);
}

TEST_CASE("the legacy parallel step runs its branches", "[executor]") {
    auto r = run_pipeline(R"(pipeline { agent any
  stages { stage('A') { steps {
    parallel(one: { sh 'print 1' }, two: { sh 'print 2' })
  } } } })");
    CHECK(r.outcome.result == BuildResult::success);
    CHECK(r.scripts.size() == 2);
}
