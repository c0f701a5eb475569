// What build_model() keeps of a well-formed pipeline.

#include "grammar/frontend.hpp"

#include <catch2/catch.hpp>

namespace {

using namespace ferry::grammar;

Frontend load_text(std::string text) {
    return load(std::make_shared<SourceFile>("Jenkinsfile", std::move(text)));
}

std::string_view slice(const Frontend& fe, Span span) {
    return fe.document.source->slice(span);
}

const char* const full_pipeline = R"(
@Library('shared@1.0') _
def helper() { return 'x' }
pipeline {
    agent { docker { image 'maven:3'; args '-v /tmp:/tmp' } }
    environment {
        FOO = 'bar'
        TOKEN = credentials('token-id')
        JOINED = "a" + 'b'
    }
    options { timeout(time: 1, unit: 'HOURS'); buildDiscarder(logRotator(numToKeepStr: '5')) }
    parameters { string(name: 'NAME', defaultValue: 'x') }
    triggers { cron('H * * * *') }
    tools { maven 'M3' }
    libraries { lib('other@2') }
    stages {
        stage('build') {
            when { beforeAgent true; anyOf { branch 'main'; expression { return true } } }
            steps {
                sh 'make'
                dir('sub') { echo 'in sub' }
                script { def x = 1; echo "${x}" }
            }
            post { always { echo 'done' } }
        }
        stage('fan') {
            failFast true
            parallel {
                stage('one') { steps { echo '1' } }
                stage('two') { steps { echo '2' } }
            }
        }
        stage('legacy') {
            steps { parallel(a: { echo 'a' }, b: { echo 'b' }, failFast: false) }
        }
        stage('ask') {
            input { message 'Go?'; ok 'Yes'; parameters { booleanParam(name: 'SURE') } }
            steps { echo 'ok' }
        }
        stage('grid') {
            matrix {
                axes { axis { name 'OS'; values 'linux', 'mac' } }
                excludes { exclude { axis { name 'OS'; notValues 'linux' } } }
                stages { stage('cell') { steps { echo 'cell' } } }
            }
        }
    }
    post { failure { echo 'failed' } }
}
)";

} // namespace

TEST_CASE("a full pipeline builds without structural errors", "[model]") {
    const Frontend fe = load_text(full_pipeline);
    REQUIRE(fe.parsed);
    for (const auto& d : fe.diagnostics.all()) {
        INFO(d.code << ": " << d.message);
        CHECK(d.severity != Severity::error);
    }
    REQUIRE(fe.document.pipeline);
    const model::Pipeline& p = *fe.document.pipeline;

    REQUIRE(p.agent);
    CHECK(p.agent->type == "docker");
    CHECK(p.agent->has_block);
    REQUIRE(p.agent->options.size() == 2);
    CHECK(p.agent->options[0].name == "image");

    REQUIRE(p.environment);
    REQUIRE(p.environment->vars.size() == 3);
    CHECK(p.environment->vars[0].name == "FOO");
    CHECK(p.environment->vars[1].credentials_id == "token-id");
    CHECK(slice(fe, p.environment->vars[2].name_span) == "JOINED");

    REQUIRE(p.options);
    REQUIRE(p.options->items.size() == 2);
    CHECK(p.options->items[0].name == "timeout");
    CHECK(p.options->items[0].all_named());
    REQUIRE(p.options->items[0].named("unit"));
    CHECK(p.options->items[0].named("unit")->value->value == "HOURS");
    REQUIRE(p.parameters);
    CHECK(p.parameters->items.at(0).name == "string");
    REQUIRE(p.triggers);
    CHECK(p.triggers->items.at(0).name == "cron");
    REQUIRE(p.tools);
    CHECK(p.tools->tools.at(0).type == "maven");
    REQUIRE(p.libraries);
    CHECK(p.libraries->libraries.at(0).value->value == "other@2");
    REQUIRE(p.post);
    CHECK(p.post->conditions.at(0).name == "failure");

    REQUIRE(p.stages);
    REQUIRE(p.stages->stages.size() == 5);
    const model::Stage& build = p.stages->stages[0];
    CHECK(build.name == "build");
    REQUIRE(build.when);
    CHECK(build.when->before_agent == true);
    REQUIRE(build.when->conditions.size() == 1);
    CHECK(build.when->conditions[0].call.name == "anyOf");
    REQUIRE(build.when->conditions[0].children.size() == 2);
    CHECK(build.when->conditions[0].children[1].expression_text);
    REQUIRE(build.steps);
    REQUIRE(build.steps->steps.size() == 3);
    CHECK(build.steps->steps[1].body);
    CHECK(build.steps->steps[1].body->steps.at(0).call.name == "echo");
    CHECK(build.steps->steps[2].is_script);
    CHECK(build.steps->steps[2].script_text.find("def x = 1") != std::string::npos);
    CHECK(build.post);

    const model::Stage& fan = p.stages->stages[1];
    CHECK(fan.fail_fast == true);
    REQUIRE(fan.parallel);
    CHECK(fan.parallel->stages.size() == 2);

    const model::Stage& legacy = p.stages->stages[2];
    REQUIRE(legacy.steps);
    REQUIRE(legacy.steps->steps.size() == 1);
    CHECK(legacy.steps->steps[0].branches.size() == 2);
    CHECK(legacy.steps->steps[0].branches_fail_fast == false);

    const model::Stage& ask = p.stages->stages[3];
    REQUIRE(ask.input);
    REQUIRE(ask.input->field("message"));
    CHECK(ask.input->field("message")->value->value == "Go?");
    REQUIRE(ask.input->parameters);
    CHECK(ask.input->parameters->items.size() == 1);

    const model::Stage& grid = p.stages->stages[4];
    REQUIRE(grid.matrix);
    REQUIRE(grid.matrix->axes.size() == 1);
    CHECK(grid.matrix->axes[0].name->text == "OS");
    CHECK(grid.matrix->axes[0].values.size() == 2);
    REQUIRE(grid.matrix->excludes.size() == 1);
    CHECK(grid.matrix->excludes[0].axes.at(0).has_not_values);
    REQUIRE(grid.matrix->stages);
    CHECK(grid.matrix->stages->stages.size() == 1);

    // Groovy islands: the two statements outside, the script body and the expression body.
    int outside = 0;
    int script = 0;
    int expression = 0;
    for (const auto& island : fe.document.islands) {
        outside += island.kind == model::GroovyIsland::Kind::outside;
        script += island.kind == model::GroovyIsland::Kind::script;
        expression += island.kind == model::GroovyIsland::Kind::expression;
    }
    CHECK(outside == 2);
    CHECK(script == 1);
    CHECK(expression == 1);
}

TEST_CASE("empty sections are kept as present", "[model]") {
    const Frontend fe = load_text("pipeline { agent any\n options { }\n post { }\n stages { } }\n");
    REQUIRE(fe.document.pipeline);
    CHECK(fe.document.pipeline->options);
    CHECK(fe.document.pipeline->post);
    REQUIRE(fe.document.pipeline->stages);
    CHECK(fe.document.pipeline->stages->stages.empty());
    CHECK_FALSE(fe.diagnostics.has_errors());
}

TEST_CASE("bare agents and agent shorthands", "[model]") {
    const Frontend any = load_text("pipeline { agent any\n stages { } }\n");
    REQUIRE(any.document.pipeline);
    REQUIRE(any.document.pipeline->agent);
    CHECK(any.document.pipeline->agent->bare);
    CHECK(any.document.pipeline->agent->type == "any");

    const Frontend label = load_text("pipeline { agent { label 'linux' }\n stages { } }\n");
    REQUIRE(label.document.pipeline->agent);
    CHECK(label.document.pipeline->agent->type == "label");
    REQUIRE(label.document.pipeline->agent->value);
    CHECK(label.document.pipeline->agent->value->value == "linux");

    const Frontend node = load_text(
        "pipeline { agent { label { label 'x'; customWorkspace 'ws' } }\n stages { } }\n");
    REQUIRE(node.document.pipeline->agent);
    CHECK(node.document.pipeline->agent->type == "node");
}

TEST_CASE("a shared-library call() holds the pipeline", "[model]") {
    const Frontend fe =
        load_text("def call() {\n  pipeline {\n    agent any\n    stages { stage('a') "
                  "{ steps { echo 'a' } } }\n  }\n}\n");
    CHECK(fe.document.pipeline);
    CHECK_FALSE(fe.diagnostics.has_errors());
}

TEST_CASE("invocations expand a lone map and keep the $class form", "[model]") {
    const Frontend fe = load_text("pipeline { agent any\n stages { stage('a') { steps {\n"
                                  "  foo([a: 1, b: 2])\n  step([$class: 'X', b: 2])\n } } } }\n");
    REQUIRE(fe.document.pipeline);
    const auto& steps = fe.document.pipeline->stages->stages.at(0).steps->steps;
    REQUIRE(steps.size() == 2);
    CHECK(steps[0].call.map_argument);
    CHECK(steps[0].call.all_named());
    CHECK(steps[0].call.args.size() == 2);
    CHECK(steps[1].call.map_argument);
    CHECK_FALSE(steps[1].call.any_named());
    CHECK(steps[1].call.args.size() == 1);
}

TEST_CASE("deeply nested block steps build a model as deep", "[model]") {
    const int depth = 200;
    std::string text = "pipeline { agent any\n stages { stage('a') { steps {\n";
    for (int i = 0; i < depth; ++i) {
        text += "dir('x') {\n";
    }
    text += "echo 'x'\n" + std::string(depth, '}') + "\n} } } }\n";
    const Frontend fe = load_text(text);
    REQUIRE(fe.document.pipeline);
    const model::Steps* steps = &*fe.document.pipeline->stages->stages.at(0).steps;
    int seen = 0;
    while (!steps->steps.empty() && steps->steps[0].body) {
        steps = steps->steps[0].body.get();
        ++seen;
    }
    CHECK(seen == depth);
}
