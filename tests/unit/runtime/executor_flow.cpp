// The executor's stage walk with fake drivers: sequence, skip after failure, parallel with
// failFast, matrix cells, when, a missing driver, unstable and skipStagesAfterUnstable.
#include "unit/runtime/executor_support.hpp"

using namespace exec_test;
using V = std::vector<std::string>;

TEST_CASE("stages run in order and the run succeeds", "[executor]") {
    auto r = run_pipeline(R"(pipeline { agent any
  stages {
    stage('A') { steps { sh 'print one' } }
    stage('B') { steps { sh 'print two'; echo 'done' } }
  } })");
    CHECK(r.outcome.result == BuildResult::success);
    CHECK(r.outcome.exit_code == 0);
    CHECK(r.trace({"run.started", "stage.started", "stage.finished", "run.finished"}) ==
          V{"run.started:", "stage.started:A", "stage.finished:A=SUCCESS", "stage.started:B",
            "stage.finished:B=SUCCESS", "run.finished:=SUCCESS"});
    CHECK(r.scripts == V{"print one", "print two", "echo done"});
    CHECK(r.logged("two"));
    const auto* step = r.find("step.started", "A");
    REQUIRE(step != nullptr);
    CHECK(step->file == "Ferryfile");
    CHECK(step->line == 3);
    CHECK(step->kind == "sh");
}

TEST_CASE("a failing stage fails the run and later stages are skipped", "[executor]") {
    auto r = run_pipeline(R"(pipeline { agent any
  stages {
    stage('A') { steps { sh 'fail'; sh 'print never' } }
    stage('B') { steps { sh 'print never' } }
  } })");
    CHECK(r.outcome.result == BuildResult::failure);
    CHECK(r.outcome.exit_code == 1);
    CHECK(r.scripts == V{"fail"});
    const auto* skipped = r.find("stage.skipped", "B");
    REQUIRE(skipped != nullptr);
    CHECK(skipped->message.find("earlier failure") != std::string::npos);
    CHECK(r.outcome.message.find("script returned exit code 1") != std::string::npos);
    CHECK(r.outcome.message.find("Ferryfile:3:") != std::string::npos);
}

TEST_CASE("parallel with failFast aborts the other branches", "[executor]") {
    const auto start = std::chrono::steady_clock::now();
    auto r = run_pipeline(R"(pipeline { agent any
  stages {
    stage('P') {
      failFast true
      parallel {
        stage('fast') { steps { sh 'sleep 50'; sh 'fail' } }
        stage('slow') { steps { sh 'sleep 20000' } }
      }
    }
    stage('after') { steps { sh 'print never' } }
  } })");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
    CHECK(r.outcome.result == BuildResult::failure);
    REQUIRE(r.find("stage.finished", "P/slow") != nullptr);
    CHECK(r.find("stage.finished", "P/slow")->result == "ABORTED");
    CHECK(r.find("stage.finished", "P/fast")->result == "FAILURE");
    CHECK(r.find("stage.finished", "P")->result == "FAILURE");
    CHECK(r.find("stage.skipped", "after") != nullptr);
}

TEST_CASE("parallel without failFast lets the other branches finish", "[executor]") {
    auto r = run_pipeline(R"(pipeline { agent any
  stages {
    stage('P') {
      parallel {
        stage('a') { steps { sh 'fail' } }
        stage('b') { steps { sh 'sleep 100'; sh 'print b done' } }
      }
    }
  } })");
    CHECK(r.outcome.result == BuildResult::failure);
    CHECK(r.find("stage.finished", "P/b")->result == "SUCCESS");
    CHECK(r.logged("b done"));
}

TEST_CASE("matrix cells run with their axis values, excludes left out", "[executor]") {
    auto r = run_pipeline(R"(pipeline { agent any
  stages {
    stage('M') {
      matrix {
        axes {
          axis { name 'OS'; values 'linux', 'mac' }
          axis { name 'ARCH'; values 'amd64', 'arm64' }
        }
        excludes { exclude { axis { name 'OS'; values 'mac' }; axis { name 'ARCH'; values 'amd64' } } }
        stages { stage('build') { steps { sh "print ${OS}-${ARCH}" } } }
      }
    }
  } })");
    CHECK(r.outcome.result == BuildResult::success);
    std::vector<std::string> seen = r.scripts;
    std::sort(seen.begin(), seen.end());
    CHECK(seen == V{"print linux-amd64", "print linux-arm64", "print mac-arm64"});
}

TEST_CASE("when false skips the stage with its reason", "[executor]") {
    auto r = run_pipeline(R"(pipeline { agent any
  stages {
    stage('Release') { when { branch 'release-*' }; steps { sh 'print never' } }
    stage('Always') { steps { sh 'print yes' } }
  } })");
    CHECK(r.outcome.result == BuildResult::success);
    const auto* skipped = r.find("stage.skipped", "Release");
    REQUIRE(skipped != nullptr);
    CHECK(skipped->message.find("release-*") != std::string::npos);
    CHECK(r.scripts == V{"print yes"});
}

TEST_CASE("a when the plan could not decide is decided at run time", "[executor]") {
    // changeset with no earlier successful run: unknown at plan time; Jenkins sees no change
    // sets then, so the stage does not run.
    auto r = run_pipeline(R"(pipeline { agent any
  stages {
    stage('Changed') { when { changeset 'src/**' }; steps { sh 'print never' } }
    stage('Workspace') {
      when { expression { return env.WORKSPACE != '' } }
      steps { sh 'print ran' }
    }
  } })");
    CHECK(r.find("stage.skipped", "Changed") != nullptr);
    CHECK(r.scripts == V{"print ran"});
}

TEST_CASE("a step without a driver fails the run naming the step", "[executor]") {
    Setup setup;
    setup.drop_echo = true;
    auto r = run_pipeline(R"(pipeline { agent any
  stages { stage('A') { steps { echo 'hi' } } } })",
                          setup);
    CHECK(r.outcome.result == BuildResult::failure);
    CHECK(r.outcome.message.find("'echo'") != std::string::npos);
    CHECK(r.outcome.message.find("Ferryfile:2:") != std::string::npos);
}

TEST_CASE("unstable makes the run UNSTABLE; skipStagesAfterUnstable skips the rest", "[executor]") {
    auto plain = run_pipeline(R"(pipeline { agent any
  stages {
    stage('A') { steps { unstable 'flaky tests' } }
    stage('B') { steps { sh 'print b' } }
  } })");
    CHECK(plain.outcome.result == BuildResult::unstable);
    CHECK(plain.outcome.exit_code == 3);
    CHECK(plain.scripts == V{"print b"});
    auto skipping = run_pipeline(R"(pipeline { agent any
  options { skipStagesAfterUnstable() }
  stages {
    stage('A') { steps { sh 'unstable' } }
    stage('B') { steps { sh 'print b' } }
  } })");
    CHECK(skipping.outcome.result == BuildResult::unstable);
    CHECK(skipping.find("stage.skipped", "B") != nullptr);
}

TEST_CASE("nested sequential stages run in order", "[executor]") {
    auto r = run_pipeline(R"(pipeline { agent any
  stages {
    stage('Outer') { stages {
      stage('one') { steps { sh 'print 1' } }
      stage('two') { steps { sh 'print 2' } }
    } }
  } })");
    CHECK(r.trace({"stage.started"}) ==
          V{"stage.started:Outer", "stage.started:Outer/one", "stage.started:Outer/two"});
}
