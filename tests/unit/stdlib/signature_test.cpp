// Lookups, and the facts the checker needs to reproduce Jenkins' messages on the conformance
// corpus (the manifest rows whose error_stage is "describable").

#include "stdlib/signature.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace ferry::stdlib;

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

/// The nearest parameter name, first one on ties (as Jenkins' EditDistance.findNearest).
std::string_view nearest(const Signature& s, std::string_view wrong) {
    std::string_view best;
    std::size_t best_distance = SIZE_MAX;
    for (const Param& p : s.params) {
        std::size_t d = edit_distance(wrong, p.name);
        if (d < best_distance) {
            best = p.name;
            best_distance = d;
        }
    }
    return best;
}

bool contains(const std::vector<std::string_view>& list, std::string_view name) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

} // namespace

TEST_CASE("find returns the signature of a name and kind, or null", "[stdlib]") {
    REQUIRE(find(Kind::step, "sh") != nullptr);
    CHECK(find(Kind::step, "sh")->single_param == "script");
    CHECK(find(Kind::step, "sh")->param("script")->required);
    CHECK(find(Kind::step, "nope") == nullptr);
    CHECK(find(Kind::trigger, "sh") == nullptr);
    CHECK(find(Kind::parameter, "string")->kind == Kind::parameter);
    CHECK(find(Kind::describable, "logRotator")->group == "buildDiscarderStrategy");
    CHECK(find(Kind::step, "timeout")->param("nope") == nullptr);
    CHECK(find(Kind::step, "timeout")->param_names() ==
          std::vector<std::string_view>{"time", "unit", "activity"});
}

TEST_CASE("Jenkins' type names for messages", "[stdlib]") {
    CHECK(jenkins_type_name(Type::string) == "class java.lang.String");
    CHECK(jenkins_type_name(Type::integer) == "int");
    CHECK(jenkins_type_name(Type::boolean) == "boolean");
    CHECK(jenkins_type_name(Type::number) == "double");
    CHECK(to_string(Kind::describable) == "describable");
    CHECK(to_string(Support::ignored) == "ignored");
}

TEST_CASE("the wrong-parameter cases of the corpus suggest what Jenkins suggests", "[stdlib]") {
    CHECK(nearest(*find(Kind::step, "archiveArtifacts"), "someRandomField") == "caseSensitive");
    CHECK(nearest(*find(Kind::step, "timeout"), "banana") == "unit");
    CHECK(nearest(*find(Kind::condition, "environment"), "banana") == "name");
    CHECK(nearest(*find(Kind::parameter, "booleanParam"), "namd") == "name");
    CHECK(nearest(*find(Kind::trigger, "upstream"), "upstreamWhat") == "upstreamProjects");
}

TEST_CASE("types, required parameters and ranges of the corpus cases", "[stdlib]") {
    const Signature& timeout = *find(Kind::step, "timeout");
    CHECK(timeout.param("time")->type == Type::integer);
    CHECK(timeout.param("time")->required);
    CHECK(timeout.takes_block);
    CHECK(find(Kind::parameter, "booleanParam")->param("name")->type == Type::string);
    CHECK(find(Kind::condition, "environment")->param("value")->required);
    CHECK(find(Kind::condition, "branch")
              ->param(find(Kind::condition, "branch")->single_param)
              ->type == Type::string);
    const Signature& cron = *find(Kind::trigger, "cron");
    CHECK(cron.positional.size() == 1);
    CHECK(cron.param("spec")->required);
    const Param& build_count = *find(Kind::option, "preserveStashes")->param("buildCount");
    CHECK(build_count.min == 1);
    CHECK(build_count.max == 50);
    CHECK(build_count.range_message ==
          "The number of builds to preserve must be between 1 and 50.");
    CHECK(find(Kind::condition, "branch")->param("comparator")->choices ==
          std::vector<std::string_view>{"GLOB", "REGEXP", "EQUALS"});
    CHECK(find(Kind::condition, "changeset")->param("comparator")->choices_ignore_case);
    CHECK(find(Kind::condition, "changeRequest")->param("comparator")->default_value == "'EQUALS'");
}

TEST_CASE("options know where they may stand", "[stdlib]") {
    auto pipeline = option_names(false);
    auto stage = option_names(true);
    CHECK(std::is_sorted(pipeline.begin(), pipeline.end()));
    CHECK(std::is_sorted(stage.begin(), stage.end()));
    for (std::string_view name :
         {"buildDiscarder", "skipStagesAfterUnstable", "timeout", "skipDefaultCheckout",
          "preserveStashes", "newContainerPerStage"}) {
        CHECK(contains(pipeline, name));
    }
    for (std::string_view name : {"timeout", "retry", "timestamps", "skipDefaultCheckout",
                                  "checkoutToSubdirectory", "withCredentials", "lock"}) {
        INFO(name);
        CHECK(contains(stage, name));
    }
    for (std::string_view name : {"buildDiscarder", "skipStagesAfterUnstable", "echo", "dir"}) {
        INFO(name);
        CHECK_FALSE(contains(stage, name));
    }
    CHECK_FALSE(contains(pipeline, "echo"));
    CHECK_FALSE(contains(pipeline, "parameters"));
    CHECK(
        find(Kind::option, "parameters")->rejected.find("Use the \"parameters {...}\" directive") !=
        std::string_view::npos);
    CHECK_FALSE(find(Kind::option, "triggers")->rejected.empty());
    const Signature& wrapper = *find(Kind::option, "timeout");
    CHECK(wrapper.option_scope == OptionScope::wrapper);
    CHECK_FALSE(wrapper.takes_block);
    CHECK(wrapper.param("time")->required);
}

TEST_CASE("nested describables are reachable from their parameters", "[stdlib]") {
    const Param& strategy = *find(Kind::option, "buildDiscarder")->param("strategy");
    auto strategies = describables(strategy.of);
    REQUIRE(strategies.size() == 1);
    CHECK(strategies[0]->name == "logRotator");
    CHECK(strategies[0]->param("numToKeepStr") != nullptr);
    CHECK(strategies[0]->param("artifactDaysToKeepStr") != nullptr);
    auto bindings = describables(find(Kind::step, "withCredentials")->param("bindings")->of);
    std::vector<std::string_view> binding_names;
    for (const Signature* b : bindings) {
        binding_names.push_back(b->name);
    }
    for (std::string_view name : {"string", "usernamePassword", "file", "sshUserPrivateKey",
                                  "usernameColonPassword", "certificate", "dockerCert"}) {
        INFO(name);
        CHECK(contains(binding_names, name));
    }
    CHECK(find(Kind::describable, "sshUserPrivateKey")->param("keyFileVariable")->required);
}

TEST_CASE("blocked steps carry Jenkins' message", "[stdlib]") {
    CHECK(find(Kind::step, "stage")->rejected ==
          "Invalid step \"stage\" used - not allowed in this context - The stage step cannot be "
          "used in Declarative Pipelines");
    CHECK_FALSE(find(Kind::step, "properties")->rejected.empty());
    CHECK_FALSE(contains(names(Kind::step), "stage"));
}

TEST_CASE("the common names of the corpus and of real Jenkinsfiles are known", "[stdlib]") {
    for (std::string_view name : {"echo",
                                  "error",
                                  "sh",
                                  "bat",
                                  "dir",
                                  "withEnv",
                                  "withCredentials",
                                  "retry",
                                  "timeout",
                                  "sleep",
                                  "catchError",
                                  "warnError",
                                  "unstable",
                                  "writeFile",
                                  "readFile",
                                  "fileExists",
                                  "archiveArtifacts",
                                  "archive",
                                  "junit",
                                  "checkout",
                                  "git",
                                  "script",
                                  "input",
                                  "deleteDir",
                                  "cleanWs",
                                  "stash",
                                  "unstash",
                                  "milestone",
                                  "lock",
                                  "build",
                                  "publishHTML",
                                  "mail",
                                  "emailext",
                                  "slackSend",
                                  "httpRequest",
                                  "step",
                                  "wrap",
                                  "tool",
                                  "isUnix",
                                  "pwd"}) {
        INFO(name);
        CHECK(find(Kind::step, name) != nullptr);
    }
    for (std::string_view name :
         {"any", "none", "label", "node", "docker", "dockerfile", "kubernetes"}) {
        CHECK(find(Kind::agent, name) != nullptr);
    }
    CHECK(find(Kind::agent, "dockerfile")->accepts_true);
    CHECK(find(Kind::agent, "docker")->param("image")->required);
    CHECK(find(Kind::agent, "dockerfile")->param("additionalBuildArgs") != nullptr);
    for (std::string_view name : {"maven", "jdk", "gradle", "ant", "nodejs", "go"}) {
        CHECK(find(Kind::tool, name) != nullptr);
    }
    for (std::string_view name :
         {"string", "text", "booleanParam", "choice", "password", "file", "run", "credentials"}) {
        CHECK(find(Kind::parameter, name) != nullptr);
    }
    for (std::string_view name : {"cron", "pollSCM", "upstream", "githubPush",
                                  "issueCommentTrigger", "GenericTrigger", "parameterizedCron"}) {
        CHECK(find(Kind::trigger, name) != nullptr);
    }
    CHECK(names(Kind::condition) ==
          std::vector<std::string_view>{"allOf", "anyOf", "branch", "buildingTag", "changeRequest",
                                        "changelog", "changeset", "environment", "equals",
                                        "expression", "isRestartedRun", "not", "tag",
                                        "triggeredBy"});
}
