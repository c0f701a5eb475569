// One small pipeline per check rule: the code, Jenkins' wording, and ferry's did-you-mean.

#include "compiler/check.hpp"
#include "grammar/frontend.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>

namespace {

using ferry::grammar::Diagnostic;
using ferry::grammar::Severity;

/// check()'s diagnostics for `text`; the file must parse.
std::vector<Diagnostic> check_text(const std::string& text, bool warnings = false) {
    auto source = std::make_shared<const ferry::grammar::SourceFile>("test.groovy", text);
    auto loaded = ferry::grammar::load(source);
    REQUIRE(loaded.parsed);
    ferry::grammar::Diagnostics out;
    ferry::compiler::check(loaded.document, out, {warnings});
    return out.all();
}

/// The one diagnostic with `code`; fails when there is none or several.
Diagnostic only(const std::vector<Diagnostic>& diagnostics, std::string_view code) {
    std::vector<Diagnostic> found;
    std::copy_if(diagnostics.begin(), diagnostics.end(), std::back_inserter(found),
                 [&](const Diagnostic& d) { return d.code == code; });
    INFO("code " << code);
    for (const auto& d : diagnostics) {
        INFO(d.code << " " << d.message);
    }
    REQUIRE(found.size() == 1);
    return found.front();
}

bool has_code(const std::vector<Diagnostic>& diagnostics, std::string_view code) {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [&](const Diagnostic& d) { return d.code == code; });
}

std::size_t error_count(const std::vector<Diagnostic>& diagnostics) {
    return static_cast<std::size_t>(
        std::count_if(diagnostics.begin(), diagnostics.end(),
                      [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

std::string stage_with(const std::string& body) {
    return "pipeline {\n  agent any\n  stages {\n    stage('a') {\n" + body + "\n    }\n  }\n}\n";
}

std::string steps(const std::string& lines) {
    return stage_with("steps {\n" + lines + "\n}");
}

} // namespace

TEST_CASE("check: codes are unique and follow the E03/E04/W05/E07/W07 scheme", "[check]") {
    std::set<std::string_view> seen;
    for (const auto& info : ferry::compiler::check_codes()) {
        CHECK(seen.insert(info.code).second);
        const bool error = info.code.front() == 'E';
        CHECK((error ? info.severity == Severity::error : info.severity == Severity::warning));
        const auto series = info.code.substr(0, 3);
        CHECK((series == "E03" || series == "E04" || series == "W05" || series == "E07" ||
               series == "W07"));
        CHECK(!info.summary.empty());
    }
}

TEST_CASE("check: a clean pipeline has no diagnostics", "[check]") {
    const auto d = check_text(steps("echo 'hi'\nsh 'ls'\ntimeout(time: 5, unit: 'MINUTES') {\n"
                                    "  sh 'make'\n}"),
                              true);
    CHECK(error_count(d) == 0);
}

TEST_CASE("check: required sections and stage bodies", "[check]") {
    CHECK(
        only(check_text("pipeline {\n  stages {\n    stage('a') { steps { echo 'x' } }\n  }\n}\n"),
             "E0301")
            .message == R"(Missing required section "agent")");
    CHECK(only(check_text("pipeline {\n  agent any\n}\n"), "E0301").message ==
          R"(Missing required section "stages")");
    CHECK(only(check_text("pipeline {\n  agent any\n  stages {\n  }\n}\n"), "E0302").message ==
          "No stages specified");

    const auto duplicate = check_text("pipeline {\n  agent any\n  stages {\n"
                                      "    stage('a') { steps { echo 'x' } }\n"
                                      "    stage('a') { steps { echo 'y' } }\n  }\n}\n");
    CHECK(only(duplicate, "E0303").message == R"(Duplicate stage name: "a")");

    CHECK(only(check_text(stage_with("when { branch 'main' }")), "E0304").message ==
          R"(Expected one of "steps", "stages", or "parallel" for stage "a")");
    CHECK(only(check_text(stage_with("steps { echo 'x' }\nstages {\n"
                                     "  stage('b') { steps { echo 'y' } }\n}")),
               "E0305")
              .message ==
          R"(Only one of "matrix", "parallel", "stages", or "steps" allowed for stage "a")");
    CHECK(only(check_text(stage_with("steps {\n}")), "E0306").message ==
          "No steps specified for branch");
}

TEST_CASE("check: parallel and matrix nesting", "[check]") {
    const auto nested = check_text(stage_with(
        "parallel {\n  stage('b') {\n    parallel {\n      stage('c') { steps { echo 'x' } }\n"
        "    }\n  }\n}"));
    CHECK(only(nested, "E0317").message ==
          R"("matrix" or "parallel" cannot be nested inside another "matrix" or "parallel".)");

    const auto agent = check_text(stage_with(
        "agent any\ntools { maven 'm3' }\nparallel {\n  stage('b') { steps { echo 'x' } }\n}"));
    CHECK(std::count_if(agent.begin(), agent.end(),
                        [](const Diagnostic& d) { return d.code == "E0318"; }) == 2);
}

TEST_CASE("check: environment and empty sections", "[check]") {
    const auto bad = check_text("pipeline {\n  agent any\n  environment {\n    $DOLLAR = 'x'\n"
                                "  }\n  stages {\n    stage('a') { steps { echo 'x' } }\n  }\n}\n");
    CHECK(only(bad, "E0308").message ==
          R"("$DOLLAR" is not a valid identifier and cannot be used for an environment variable. )"
          "Identifiers must start with a letter or underscore and can contain only letters, "
          "numbers or underscores.");

    const auto empty = check_text("pipeline {\n  agent any\n  options {\n  }\n  triggers {\n  }\n"
                                  "  stages {\n    stage('a') { steps { echo 'x' } }\n  }\n}\n");
    CHECK(std::count_if(empty.begin(), empty.end(),
                        [](const Diagnostic& d) { return d.code == "E0307"; }) == 2);
}

TEST_CASE("check: options", "[check]") {
    const auto unknown = check_text("pipeline {\n  agent any\n  options {\n    timestamp()\n  }\n"
                                    "  stages {\n    stage('a') { steps { echo 'x' } }\n  }\n}\n");
    const auto option = only(unknown, "E0401");
    CHECK(option.message.rfind(R"(Invalid option type "timestamp". Valid option types: [)", 0) ==
          0);
    REQUIRE(option.fix);
    CHECK(*option.fix == "timestamps");

    CHECK(only(check_text(stage_with("options { skipStagesAfterUnstable() }\nsteps { echo 'x' }")),
               "E0401")
              .message.rfind(R"(Invalid option type "skipStagesAfterUnstable")", 0) == 0);

    const auto duplicate =
        check_text("pipeline {\n  agent any\n  options {\n    skipDefaultCheckout()\n"
                   "    skipDefaultCheckout(false)\n  }\n"
                   "  stages {\n    stage('a') { steps { echo 'x' } }\n  }\n}\n");
    CHECK(only(duplicate, "E0309").message == R"(Duplicate option name: "skipDefaultCheckout")");

    const auto property = check_text("pipeline {\n  agent any\n  options {\n"
                                     "    parameters([string(name: 'x')])\n  }\n"
                                     "  stages {\n    stage('a') { steps { echo 'x' } }\n  }\n}\n");
    CHECK(only(property, "E0329").message ==
          R"(The "parameters" job property cant be used in the "options" directive. Use the )"
          R"("parameters {...}" directive instead.)");

    const auto range = check_text("pipeline {\n  agent any\n  options {\n"
                                  "    preserveStashes(buildCount: 51)\n  }\n"
                                  "  stages {\n    stage('a') { steps { echo 'x' } }\n  }\n}\n");
    CHECK(only(range, "E0412").message ==
          "The number of builds to preserve must be between 1 and 50.");
}

TEST_CASE("check: triggers and parameters", "[check]") {
    const auto cron = check_text("pipeline {\n  agent any\n  triggers {\n    cron()\n  }\n"
                                 "  stages {\n    stage('a') { steps { echo 'x' } }\n  }\n}\n");
    CHECK(only(cron, "E0411").message ==
          R"("cron" should have 1 arguments but has 0 arguments instead.)");

    const auto parameter =
        check_text("pipeline {\n  agent any\n  parameters {\n"
                   "    booleanParam(defaultValue: true, namd: 'flag')\n"
                   "    string(name: 1234)\n    bananaParam(name: 'x')\n  }\n"
                   "  stages {\n    stage('a') { steps { echo 'x' } }\n  }\n}\n");
    CHECK(only(parameter, "E0407").message == R"(Invalid parameter "namd", did you mean "name"?)");
    CHECK(only(parameter, "E0409").message ==
          R"(Expecting "class java.lang.String" for parameter "name" but got "1234" of type )"
          "class java.lang.Integer instead");
    CHECK(only(parameter, "E0403").message.rfind(R"(Invalid parameter type "bananaParam")", 0) ==
          0);

    const auto mixed = check_text("pipeline {\n  agent any\n  parameters {\n"
                                  "    booleanParam(defaultValue: true, 'flag')\n  }\n"
                                  "  stages {\n    stage('a') { steps { echo 'x' } }\n  }\n}\n");
    CHECK(only(mixed, "E0327").message == "Cannot mix named and unnamed arguments");
}

TEST_CASE("check: step arguments", "[check]") {
    CHECK(only(check_text(steps("timeout(time: 5, banana: 'x') {\n  echo 'x'\n}")), "E0407")
              .message == R"(Invalid parameter "banana", did you mean "unit"?)");
    CHECK(only(check_text(steps("timeout {\n  echo 'x'\n}")), "E0408").message ==
          R"(Missing required parameter: "time")");
    CHECK(only(check_text(steps("timeout(time: 'soon') {\n  echo 'x'\n}")), "E0409").message ==
          R"(Expecting "int" for parameter "time" but got "soon" of type class java.lang.String )"
          "instead");
    CHECK(only(check_text(steps("deleteDir 'x'")), "E0410").message ==
          "Step does not take a single required parameter - use named parameters instead");
}

TEST_CASE("check: step names", "[check]") {
    const auto unknown = only(check_text(steps("ech 'hi'")), "E0414");
    CHECK(unknown.message == R"(No such step "ech")");
    REQUIRE(unknown.fix);
    CHECK(*unknown.fix == "echo");

    const auto defined = check_text("def greet(String who) { echo who }\n" + steps("greet('x')"));
    CHECK_FALSE(has_code(defined, "E0414"));

    CHECK(only(check_text(steps("stage('b') {\n  echo 'x'\n}")), "E0319").message ==
          R"(Invalid step "stage" used - not allowed in this context - The stage step cannot be )"
          "used in Declarative Pipelines");
    CHECK(has_code(check_text(steps("echo 'x'\nparallel(a: { echo 'a' }, b: { echo 'b' })")),
                   "E0320"));
    CHECK(error_count(check_text(steps("parallel(a: { echo 'a' }, b: { echo 'b' })"))) == 0);
}

TEST_CASE("check: when", "[check]") {
    CHECK(only(check_text(stage_with("when {\n}\nsteps { echo 'x' }")), "E0313").message ==
          "Empty when closure, remove the property or add some content.");
    const auto unknown =
        only(check_text(stage_with("when { brnch 'main' }\nsteps { echo 'x' }")), "E0406");
    CHECK(unknown.message.rfind("Unknown conditional brnch. Valid conditionals are: ", 0) == 0);
    REQUIRE(unknown.fix);
    CHECK(*unknown.fix == "branch");

    const auto nested = check_text(stage_with("when {\n  allOf {\n  }\n  not {\n    branch 'a'\n   "
                                              " branch 'b'\n  }\n}\nsteps { echo 'x' }"));
    CHECK(std::count_if(nested.begin(), nested.end(),
                        [](const Diagnostic& d) { return d.code == "E0314"; }) == 2);
    CHECK(only(check_text(stage_with("when {\n  branch('a') {\n    tag 'b'\n  }\n}\n"
                                     "steps { echo 'x' }")),
               "E0315")
              .message ==
          R"(No children when conditions are allowed for when condition "branch".)");
    CHECK(
        only(check_text(stage_with("when { branch 4 }\nsteps { echo 'x' }")), "E0409").message ==
        R"(Expecting "class java.lang.String" but got "4" of type class java.lang.Integer instead)");
    CHECK(only(check_text(stage_with("when { changelog '{\"a\" : 1}' }\nsteps { echo 'x' }")),
               "E0413")
              .message.rfind(R"("{"a" : 1}" is not a valid regular expression.)", 0) == 0);
    CHECK_FALSE(has_code(check_text(stage_with("when { changelog '(?i).*skip.*' }\n"
                                               "steps { echo 'x' }")),
                         "E0413"));
}

TEST_CASE("check: post", "[check]") {
    const auto post = check_text("pipeline {\n  agent any\n  stages {\n"
                                 "    stage('a') { steps { echo 'x' } }\n  }\n"
                                 "  post {\n    always { echo 'a' }\n    always { echo 'b' }\n"
                                 "    sucess { echo 'c' }\n  }\n}\n");
    CHECK(only(post, "E0311").message == R"(Duplicate build condition name: "always")");
    const auto invalid = only(post, "E0312");
    CHECK(invalid.message ==
          R"(Invalid condition "sucess" - valid conditions are [always, changed, fixed, )"
          "regression, aborted, success, unsuccessful, unstable, failure, notBuilt, cleanup]");
    REQUIRE(invalid.fix);
    CHECK(*invalid.fix == "success");
}

TEST_CASE("check: matrix", "[check]") {
    const auto missing = check_text(stage_with("matrix {\n  stages {\n"
                                               "    stage('b') { steps { echo 'x' } }\n  }\n}"));
    CHECK(only(missing, "E0322").message == R"(Missing required section "axes")");

    const auto axes = check_text(
        stage_with("matrix {\n  axes {\n    axis {\n      name 'OS'\n      values 'a', 'a'\n    }\n"
                   "    axis {\n      name 'OS'\n      values 'b'\n    }\n  }\n"
                   "  stages {\n    stage('b') { steps { echo 'x' } }\n  }\n}"));
    CHECK(only(axes, "E0325").message == R"(Duplicate axis name: "OS")");
    CHECK(only(axes, "E0326").message == R"(Duplicate axis value: "a")");
}

TEST_CASE("check: agent and tools", "[check]") {
    const auto agent = check_text("pipeline {\n  agent { dockr 'x' }\n  stages {\n"
                                  "    stage('a') { steps { echo 'x' } }\n  }\n}\n");
    CHECK(only(agent, "E0405")
              .message.rfind(R"(Invalid agent type "dockr" specified. Must be one of [)", 0) == 0);
    const auto tools = check_text("pipeline {\n  agent any\n  tools { banana 'x' }\n  stages {\n"
                                  "    stage('a') { steps { echo 'x' } }\n  }\n}\n");
    CHECK(only(tools, "E0404")
              .message.rfind(R"(Invalid tool type "banana". Valid tool types: [)", 0) == 0);
}

TEST_CASE("check: warnings name what ferry will not run", "[check]") {
    const auto script = check_text(steps("script {\n  def x = 1\n}"), true);
    CHECK(only(script, "W0503").severity == Severity::warning);
    const auto outside = check_text("def x = 1\n" + steps("echo 'x'"), true);
    CHECK(has_code(outside, "W0504"));
    const auto quiet = check_text("def x = 1\n" + steps("script {\n  def y = 1\n}"), false);
    CHECK(quiet.empty());
}
