// Lowering: the stage tree, matrix cells, arguments bound by name, defaults, post order.
#include "plan_support.hpp"

using namespace ferry::compiler;
using plan_test::lower_text;

TEST_CASE("parallel stages lower to a parallel stage with branches", "[ir]") {
    auto l = lower_text(R"(pipeline { agent any
      stages { stage('T') { failFast true
        parallel { stage('A') { steps { sh 'a' } }; stage('B') { steps { sh 'b' } } } } } })");
    REQUIRE(l->ir.stages.size() == 1);
    const auto& t = l->ir.stages[0];
    CHECK(t.kind == ir::StageKind::parallel);
    CHECK(t.fail_fast);
    REQUIRE(t.children.size() == 2);
    CHECK(t.children[1].id == "T/B");
    CHECK(t.children[1].steps[0].id == "T/B/1");
}

TEST_CASE("matrix cells are expanded, excludes with values and notValues", "[ir]") {
    auto l = lower_text(R"(pipeline { agent any; stages { stage('M') { matrix {
      axes { axis { name 'OS'; values 'linux', 'mac', 'win' }; axis { name 'ARCH'; values 'amd64', 'arm64' } }
      excludes {
        exclude { axis { name 'OS'; values 'win' }; axis { name 'ARCH'; values 'arm64' } }
        exclude { axis { name 'OS'; values 'mac' }; axis { name 'ARCH'; notValues 'arm64' } }
      }
      stages { stage('Build') { steps { sh "build" } } } } } } })");
    const auto& m = l->ir.stages[0];
    CHECK(m.kind == ir::StageKind::matrix);
    std::vector<std::string> ids;
    for (const auto& cell : m.children) {
        ids.push_back(cell.id);
    }
    CHECK(ids == std::vector<std::string>{"M/OS=linux,ARCH=amd64", "M/OS=linux,ARCH=arm64",
                                          "M/OS=mac,ARCH=arm64", "M/OS=win,ARCH=amd64"});
    const auto& cell = m.children[2];
    REQUIRE(cell.environment.size() == 2);
    CHECK(cell.environment[0].axis);
    CHECK(cell.environment[0].name == "OS");
    CHECK(cell.environment[0].value.text == "mac");
    CHECK(cell.children[0].id == "M/OS=mac,ARCH=arm64/Build");
}

TEST_CASE("a single unnamed value binds to the signature's single parameter", "[ir]") {
    auto l = lower_text(R"(pipeline { agent any; stages { stage('S') { steps {
      sh 'make'
      buildImage 'web'
      dir('src') { echo "in ${env.X}" }
    } } } })");
    const auto& steps = l->ir.stages[0].steps;
    REQUIRE(steps[0].param("script") != nullptr);
    CHECK(steps[0].param("script")->value.kind == ir::Value::Kind::string);
    REQUIRE(steps[1].param("name") != nullptr);
    // Defaults are shown, not filled in.
    CHECK(steps[1].param("context") == nullptr);
    const bool has_default =
        std::any_of(steps[1].defaults.begin(), steps[1].defaults.end(),
                    [](const ir::Default& d) { return d.name == "context" && d.groovy == "'.'"; });
    CHECK(has_default);
    REQUIRE(steps[2].body.size() == 1);
    CHECK(steps[2].body[0].id == "S/3.1");
    CHECK(steps[2].body[0].param("message")->value.kind == ir::Value::Kind::expression);
}

TEST_CASE("credentials() entries are recognised; post blocks run in Jenkins' order", "[ir]") {
    auto l = lower_text(R"(pipeline { agent any
      environment { A = 'x'; T = credentials('api-token') }
      stages { stage('S') { steps { sh 'x' } } }
      post { cleanup { echo 'c' }; failure { echo 'f' }; always { echo 'a' } } })");
    REQUIRE(l->ir.environment.size() == 2);
    CHECK_FALSE(l->ir.environment[0].credential);
    CHECK(l->ir.environment[1].credential == "api-token");
    REQUIRE(l->ir.post.size() == 3);
    CHECK(l->ir.post[0].condition == "always");
    CHECK(l->ir.post[1].condition == "failure");
    CHECK(l->ir.post[2].condition == "cleanup");
}

TEST_CASE("parameters lower with their defaults and choices", "[ir]") {
    auto l = lower_text(R"(pipeline { agent any
      parameters { booleanParam(name: 'GO', defaultValue: true); choice(name: 'L', choices: ['a', 'b'])
                   password(name: 'PW', defaultValue: 'x') }
      stages { stage('S') { steps { sh 'x' } } } })");
    REQUIRE(l->ir.parameters.size() == 3);
    CHECK(l->ir.parameters[0].default_value->boolean);
    CHECK(l->ir.parameters[1].choices == std::vector<std::string>{"a", "b"});
    CHECK(l->ir.parameters[2].secret);
}

TEST_CASE("the graph is DOT with a node per stage and step", "[ir][graph]") {
    auto l = lower_text(R"(pipeline { agent any; stages {
      stage('A') { steps { sh 'a' } }
      stage('P') { parallel { stage('X') { steps { sh 'x' } }; stage('Y') { steps { sh 'y' } } } } } })");
    const std::string dot = ir::to_dot(l->ir);
    CHECK(dot.rfind("digraph pipeline {", 0) == 0);
    CHECK(dot.find("\"step:A/1\"") != std::string::npos);
    CHECK(dot.find("\"stage:P\" -> \"stage:P/X\"") != std::string::npos);
    CHECK(dot.find("\"stage:P\" -> \"stage:P/Y\"") != std::string::npos);
    CHECK(dot.find("\"end:A\" -> \"stage:P\"") != std::string::npos);
}
