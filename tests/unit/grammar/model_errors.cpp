// The plugin's parse-stage errors, with its exact wording, reported by build_model().

#include "grammar/frontend.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

using namespace ferry::grammar;

Frontend load_text(std::string text) {
    return load(std::make_shared<SourceFile>("Jenkinsfile", std::move(text)));
}

/// The E02xx diagnostics as "CODE: message".
std::vector<std::string> model_errors(const Frontend& fe) {
    std::vector<std::string> out;
    for (const auto& d : fe.diagnostics.all()) {
        if (d.code.rfind("E02", 0) == 0) {
            out.push_back(d.code + ": " + d.message);
        }
    }
    return out;
}

bool reports(const Frontend& fe, const std::string& code_and_message) {
    for (const auto& e : model_errors(fe)) {
        if (e == code_and_message) {
            return true;
        }
    }
    return false;
}

std::string with_stage(const std::string& stage_body) {
    return "pipeline {\n agent any\n stages {\n  stage('s') {\n" + stage_body + "\n  }\n }\n}\n";
}

std::string with_steps(const std::string& steps) {
    return with_stage("steps {\n" + steps + "\n}");
}

std::string with_section(const std::string& section) {
    return "pipeline {\n agent any\n" + section +
           "\n stages { stage('s') { steps { echo 'x' } } }\n}\n";
}

} // namespace

TEST_CASE("no pipeline at all", "[model][errors]") {
    const Frontend fe = load_text("node { echo 'x' }\n");
    CHECK_FALSE(fe.document.pipeline);
    REQUIRE(model_errors(fe).size() == 1);
    CHECK(model_errors(fe)[0].find("did not contain the 'pipeline' step") != std::string::npos);
}

TEST_CASE("nested and object pipelines", "[model][errors]") {
    CHECK(reports(load_text("timeout(5) {\n pipeline {\n  agent any\n }\n}\n"),
                  "E0201: pipeline block must be at the top-level, not within another block."));
    const Frontend object = load_text("lib.pipeline {\n echo 'x'\n}\n");
    CHECK_FALSE(object.document.pipeline);
    CHECK(model_errors(object).at(0).rfind("E0200:", 0) == 0);
}

TEST_CASE("top-level section errors accumulate", "[model][errors]") {
    const Frontend fe = load_text("pipeline {\n agent\n agent any\n agent none\n node { }\n"
                                  " properties { }\n stages 'x'\n}\n");
    CHECK(reports(fe, "E0203: Not a valid section definition: \"agent\". Some extra "
                      "configuration is required."));
    CHECK(reports(fe, "E0204: Multiple occurrences of the agent section"));
    CHECK(reports(fe, "E0205: Undefined section \"node\""));
    CHECK(reports(fe, "E0206: The \u2018properties\u2019 section has been renamed as of version "
                      "0.8. Use \u2018options\u2019 instead."));
    CHECK(reports(fe, "E0207: Expected a block for stages"));
}

TEST_CASE("stage errors", "[model][errors]") {
    CHECK(reports(load_text("pipeline { agent any\n stages { stage { steps { echo 'x' } } } }\n"),
                  "E0209: Expected string literal"));
    CHECK(reports(load_text("pipeline { agent any\n stages { echo 'x' } }\n"),
                  "E0208: Expected a stage"));
    CHECK(reports(load_text(with_stage("banana { }")),
                  "E0211: Unknown stage section \"banana\". Starting with version 0.5, steps in a "
                  "stage must be in a \u2018steps\u2019 block."));
    CHECK(reports(load_text(with_stage("agent\nsteps { echo 'x' }")),
                  "E0212: Not a valid stage section definition: \"agent\". Some extra "
                  "configuration is required."));
    CHECK(reports(load_text(with_stage("failFast 'x'\nsteps { echo 'x' }")),
                  "E0213: Expected a boolean with failFast"));
}

TEST_CASE("step errors", "[model][errors]") {
    CHECK(reports(load_text(with_steps("x = 1")), "E0214: Expected a step"));
    CHECK(reports(load_text(with_steps("acme.hello('x')")),
                  "E0215: Method calls on objects not allowed outside \"script\" blocks."));
    CHECK(reports(load_text(with_steps("dir('a') { y = 2 }")), "E0214: Expected a step"));
    CHECK(reports(load_text(with_steps("script 'x'")), "E0218: Script step without a block"));
    CHECK(reports(load_text(with_steps("parallel(a: { echo 'a' }, b: 1)")),
                  "E0219: Expected closure or failFast"));
    CHECK(reports(load_text(with_steps("parallel(a: { echo 'a' }, failFast: 'x')")),
                  "E0213: Expected a boolean with failFast"));
    CHECK(reports(load_text(with_steps("sh ${FOO}")),
                  "E0244: ${FOO} cannot be used as a value directly. Did you mean \"${FOO}\"? "
                  "(add quotes)"));
    CHECK(reports(load_text(with_steps("sleep(time: 9223372036854775808)")),
                  "E0245: BigIntegers cannot be used as constants in Declarative. The maximum "
                  "value for an integer is 9,223,372,036,854,775,807 and the minimum value for an "
                  "integer is -9,223,372,036,854,775,808."));
    CHECK(model_errors(load_text(with_steps("sleep(time: 9223372036854775807)"))).empty());
}

TEST_CASE("agent errors", "[model][errors]") {
    CHECK(reports(load_text("pipeline { agent foo\n stages { } }\n"),
                  "E0221: Only \"agent none\", \"agent any\" or \"agent {...}\" are allowed."));
    CHECK(reports(load_text("pipeline { agent { }\n stages { } }\n"), "E0223: Expected an agent"));
    CHECK(reports(load_text("pipeline { agent { label 'x'\n none }\n stages { } }\n"),
                  "E0224: Only one agent type is allowed per agent section"));
    CHECK(reports(load_text("pipeline { agent { docker { image } }\n stages { } }\n"),
                  "E0225: Expected to find \u2018someKey \"someValue\"\u2019"));
}

TEST_CASE("environment errors", "[model][errors]") {
    const Frontend fe = load_text(with_section(" environment {\n FOO = 'B' + 'A' - 'R'\n"
                                               " BAR = 1 + credentials('x')\n"
                                               " BAZ = 'V' + 'F' ?: 'B'\n echo('HI')\n"
                                               " DUP = 'a'\n DUP = 'b'\n }"));
    CHECK(reports(fe, "E0229: Environment variable values can only be joined together with "
                      "\u2018+\u2019s."));
    CHECK(reports(fe, "E0230: Environment variable values to be concatenated together must be "
                      "single or double quoted."));
    CHECK(reports(fe, "E0228: Environment variable values must either be single quoted, double "
                      "quoted, or function calls."));
    CHECK(reports(fe, "E0227: \"echo('HI')\" is not a valid environment expression. Use \"key = "
                      "value\" pairs with valid Java/shell keys."));
    CHECK(reports(fe, "E0231: Duplicate environment variable name: \"DUP\""));
    CHECK(reports(load_text(with_section(" environment { T = credentials(env.X) }")),
                  "E0232: Internal function call parameters must be strings."));
}

TEST_CASE("options, parameters, triggers, tools and libraries", "[model][errors]") {
    CHECK(reports(load_text(with_section(" options { timeout(1) { echo 'x' } }")),
                  "E0234: Options definitions cannot have blocks"));
    CHECK(reports(load_text(with_section(" parameters { string(name: 'a') { } }")),
                  "E0234: Build parameters definitions cannot have blocks"));
    CHECK(reports(load_text(with_section(" triggers {\n [$class: 'T']\n }")),
                  "E0235: Triggers cannot be defined as maps"));
    CHECK(reports(load_text(with_section(" triggers { cron(foo { -> '@daily' }) }")),
                  "E0217: Method call arguments"));
    CHECK(reports(load_text(with_section(" tools {\n maven\n }")),
                  "E0237: Expected to find \u2018someTool \"someVersion\"\u2019"));
    CHECK(reports(load_text(with_section(" tools { maven() }")),
                  "E0238: No argument for tool \"maven\""));
    CHECK(reports(load_text(with_section(" tools { maven 'a', 'b' }")),
                  "E0238: Too many arguments for tool \"maven\""));
    const Frontend libs =
        load_text(with_section(" libraries {\n \"oh hi\"\n foo('bar')\n 1 + 2\n }"));
    CHECK(reports(libs, "E0239: Expected a \"lib(...)\" but got \"oh hi\""));
    CHECK(reports(libs, "E0239: Expected a \"lib(...)\" but got foo('bar')"));
    CHECK(reports(libs, "E0239: Expected a \"lib(...)\" but got 1 + 2"));
}

TEST_CASE("when, input and post errors", "[model][errors]") {
    CHECK(reports(load_text(with_stage("when { params.X == 'a' }\nsteps { echo 'x' }")),
                  "E0240: Expected a when condition"));
    const Frontend input =
        load_text(with_stage("input {\n message 'a'\n message 'b'\n banana 'x'\n id()\n}\n"
                             "steps { echo 'x' }"));
    CHECK(reports(input, "E0204: Multiple occurrences of the message section"));
    CHECK(reports(input, "E0241: Not a valid field for input: \"banana\""));
    CHECK(reports(input, "E0242: No argument for field \"id\""));
    CHECK(reports(load_text(with_section(" post { echo 'x' }")),
                  "E0243: The \u2018post\u2019 section can only contain build condition names "
                  "with code blocks. Valid condition names are [always, changed, fixed, "
                  "regression, aborted, success, unsuccessful, unstable, failure, notBuilt, "
                  "cleanup]"));
}

TEST_CASE("matrix errors", "[model][errors]") {
    const Frontend fe = load_text(with_stage(R"(matrix {
  axes {
    axis { name "${x}"; values 'a', "${y}", ([1, 2]) }
    axis { name 'B'; values 'b'; colour 'red' }
  }
  excludes { exclude { axis { name 'B'; values 'b'; notValues 'c' } } }
  stages { stage('c') { steps { echo 'c' } } }
})"));
    CHECK(reports(fe, "E0209: Expected string literal"));
    CHECK(reports(fe, "E0247: Expected string literal but got \"${y}\""));
    CHECK(reports(fe, "E0247: Expected string literal but got ${[1, 2]}"));
    CHECK(reports(fe, "E0205: Undefined section \"colour\""));
    CHECK(reports(fe, "E0246: Exclude axis must contain either \"values\" or \"notValues\""));
    CHECK(reports(load_text("pipeline { agent any\n matrix { }\n stages { } }\n"),
                  "E0205: Undefined section \"matrix\""));
}

TEST_CASE("errors point at the offending node", "[model][errors]") {
    const std::string text = with_section(" bananas { }");
    const Frontend fe = load_text(text);
    const Diagnostic* found = nullptr;
    for (const auto& d : fe.diagnostics.all()) {
        if (d.code == "E0205") {
            found = &d;
        }
    }
    REQUIRE(found);
    CHECK(fe.document.source->slice(found->span) == "bananas");
}
