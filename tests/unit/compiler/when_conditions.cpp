// `when` at plan time: every condition with its reason, unknown facts, and combinators.
#include "compiler/when.hpp"
#include "plan_support.hpp"

using namespace ferry::compiler;
using plan_test::lower_text;

namespace {

/// The verdict and reason of the `when` of the pipeline's only stage.
WhenResult decide(const std::string& when, const Observations& obs = plan_test::observations()) {
    auto l = lower_text(
        "pipeline { agent any; parameters { booleanParam(name: 'GO', defaultValue: true) };"
        " environment { TARGET = 'staging' }; stages { stage('S') { when { " +
        when + " }; steps { sh 'x' } } } }");
    auto result = plan_test::plan_text(*l, "test", obs);
    const auto& step = result.plan.steps.at(0);
    WhenResult r;
    r.verdict = step.when.result == "true"    ? Verdict::yes
                : step.when.result == "false" ? Verdict::no
                                              : Verdict::unknown;
    r.reason = step.when.reason;
    return r;
}

} // namespace

TEST_CASE("branch and tag conditions", "[when]") {
    auto r = decide("branch 'release-*'");
    CHECK(r.verdict == Verdict::no);
    CHECK(r.reason == "branch 'main' does not match 'release-*'");
    CHECK(decide("branch 'main'").verdict == Verdict::yes);
    CHECK(decide("branch pattern: 'ma.n', comparator: 'REGEXP'").verdict == Verdict::yes);
    CHECK(decide("branch pattern: 'mai', comparator: 'EQUALS'").verdict == Verdict::no);
    auto tagged = plan_test::observations();
    tagged.git.tags = {"v1.2"};
    CHECK(decide("tag 'v*'", tagged).reason == "tag 'v1.2' matches 'v*'");
    CHECK(decide("buildingTag()", tagged).verdict == Verdict::yes);
    CHECK(decide("buildingTag()").verdict == Verdict::no);
}

TEST_CASE("unknown git makes branch unknown, with why", "[when]") {
    Observations none;
    none.git.reason = "not a git repository";
    auto r = decide("branch 'main'", none);
    CHECK(r.verdict == Verdict::unknown);
    CHECK(r.reason.find("not a git repository") != std::string::npos);
}

TEST_CASE("changeset and changelog read the files and messages since the last success", "[when]") {
    auto obs = plan_test::observations();
    CHECK(decide("changeset 'src/**'", obs).verdict == Verdict::unknown);
    obs.git.previous_successful_commit = "abc";
    obs.git.changed_files = std::vector<std::string>{"docs/a.md", "src/main/App.java"};
    obs.git.changelog = {"fix: a bug [deploy]"};
    auto r = decide("changeset 'src/**'", obs);
    CHECK(r.verdict == Verdict::yes);
    CHECK(r.reason == "'src/main/App.java' changed, matching 'src/**'");
    CHECK(decide("changeset 'SRC/**'", obs).verdict == Verdict::yes);
    CHECK(decide("changeset pattern: 'SRC/**', caseSensitive: true", obs).verdict == Verdict::no);
    CHECK(decide("changeset pattern: '.*\\\\.md', comparator: 'REGEXP'", obs).verdict ==
          Verdict::yes);
    CHECK(decide("changelog '.*\\\\[deploy\\\\].*'", obs).verdict == Verdict::yes);
    CHECK(decide("changelog '.*skip.*'", obs).verdict == Verdict::no);
}

TEST_CASE("environment, equals, expression", "[when]") {
    CHECK(decide("environment name: 'TARGET', value: 'staging'").reason == "TARGET is 'staging'");
    CHECK(decide("environment name: 'TARGET', value: 'prod'").reason ==
          "TARGET is 'staging', not 'prod'");
    CHECK(decide("environment name: 'TARGET', value: 'STAGING', ignoreCase: true").verdict ==
          Verdict::yes);
    CHECK(decide("equals expected: 2, actual: 1 + 1").reason == "2 equals 2");
    CHECK(decide("equals expected: 'a', actual: 'b'").verdict == Verdict::no);
    CHECK(decide("expression { params.GO }").reason == "expression `params.GO` is true");
    CHECK(decide("expression { return !params.GO }").verdict == Verdict::no);
    CHECK(decide("expression { env.WORKSPACE != null }").verdict == Verdict::unknown);
}

TEST_CASE("not, allOf, anyOf", "[when]") {
    CHECK(decide("not { branch 'main' }").reason == "not: branch 'main' matches 'main'");
    CHECK(decide("allOf { branch 'main'; expression { params.GO } }").verdict == Verdict::yes);
    CHECK(decide("allOf { branch 'dev'; expression { params.GO } }").reason ==
          "branch 'main' does not match 'dev'");
    CHECK(decide("anyOf { branch 'dev'; expression { params.GO } }").verdict == Verdict::yes);
    CHECK(decide("anyOf { branch 'dev'; branch 'qa' }").verdict == Verdict::no);
    CHECK(decide("beforeAgent true\n branch 'main'").verdict == Verdict::yes);
}

TEST_CASE("a when expression ferry cannot evaluate is an error naming the stage", "[when]") {
    auto l = lower_text("pipeline { agent any; stages { stage('Odd') { when { expression {\n"
                        "def x = 1\nreturn x } }; steps { sh 'x' } } } }");
    auto result = plan_test::plan_text(*l);
    REQUIRE(plan_test::has_code(result.diagnostics, "E0707"));
    CHECK(result.diagnostics.all()[0].message.find("stage 'Odd'") != std::string::npos);
}

TEST_CASE("ant globs", "[when]") {
    CHECK(ant_glob_match("src/*.c", "src/a.c", true));
    CHECK_FALSE(ant_glob_match("src/*.c", "src/x/a.c", true));
    CHECK(ant_glob_match("src/**/*.c", "src/x/y/a.c", true));
    CHECK(ant_glob_match("**/*.md", "README.md", true));
    CHECK(ant_glob_match("release-?", "release-1", true));
}
