// The input step and input parameter values, tee and waitUntil, with fake drivers.
#include "runtime/executor_detail.hpp"
#include "unit/runtime/executor_support.hpp"

#include <fstream>
#include <sstream>

using namespace exec_test;
using ferry::runtime::detail::approval_for;
using ferry::runtime::detail::may_submit;

TEST_CASE("input parameter values come from --approve ID:NAME=VALUE,…", "[executor][input]") {
    CHECK_FALSE(approval_for({"other"}, "ship").approved);
    CHECK(approval_for({"ship"}, "ship").approved);
    CHECK(approval_for({"*"}, "ship").approved);
    const auto a =
        approval_for({"ship:TARGET=green,NOTE=a,b=c", "ship:DRY=false", "x:Y=1"}, "ship");
    CHECK(a.approved);
    CHECK(a.values.size() == 4);
    CHECK(a.values.at("TARGET") == "green");
    CHECK(a.values.at("NOTE") == "a"); // `,b=c` starts a pair: `b` is a name
    CHECK(a.values.at("b") == "c");
    CHECK(a.values.at("DRY") == "false");
    const auto commas = approval_for({"ship:NOTE=one, two,three"}, "ship");
    CHECK(commas.values.at("NOTE") == "one, two,three");
    const auto wildcard = approval_for({"*:REGION=eu"}, "ship");
    CHECK(wildcard.approved);
    CHECK(wildcard.values.empty());
    CHECK(wildcard.any_input_values.at("REGION") == "eu");
    CHECK(approval_for({"ship:"}, "ship").values.empty());
}

TEST_CASE("submitter: the approver's name or one of their Unix groups, without case",
          "[executor][input]") {
    CHECK(may_submit("bob", "", false));
    CHECK(may_submit("", " , ", false));
    CHECK(may_submit("Alice", "bob, alice", false));
    CHECK_FALSE(may_submit("carol", "bob, alice", true));
    CHECK_FALSE(may_submit("", "alice", true));
    // root is a local user on every machine, in group root; its groups count only for the
    // machine's own login, not for a CI user name that happens to be "root".
    CHECK(may_submit("root", "deployers,ROOT", true));
    CHECK(may_submit("root", "deployers,wheel,root", false)); // by name
    CHECK_FALSE(may_submit("root", "deployers,wheel", false));
    CHECK_FALSE(may_submit("no-such-user-here", "root", true));
}

TEST_CASE("an input with a submitter refuses any other approver", "[executor][input]") {
    const std::string text = R"(pipeline { agent any
  stages { stage('A') {
    input { message 'Go?'; id 'ship'; submitter 'alice,release-managers'
            submitterParameter 'APPROVER' }
    steps { sh 'env APPROVER' } } } })";
    Setup bob;
    bob.approvals = {"ship"};
    bob.approver = "bob";
    auto refused = run_pipeline(text, bob);
    CHECK(refused.outcome.result == BuildResult::failure);
    CHECK(refused.outcome.message.find("may be answered only by alice,release-managers") !=
          std::string::npos);
    CHECK(refused.outcome.message.find("'bob'") != std::string::npos);
    CHECK_FALSE(refused.logged("APPROVER="));
    Setup alice;
    alice.approvals = {"ship"};
    alice.approver = "alice";
    auto approved = run_pipeline(text, alice);
    CHECK(approved.outcome.result == BuildResult::success);
    CHECK(approved.logged("APPROVER=alice"));
}

TEST_CASE("a stage input binds the values given, else the defaults", "[executor][input]") {
    const std::string text = R"(pipeline { agent any
  stages { stage('A') {
    input { message 'Go?'; id 'ship'
            parameters { string(name: 'TARGET', defaultValue: 'blue')
                         booleanParam(name: 'DRY', defaultValue: true)
                         choice(name: 'REGION', choices: ['eu', 'us']) } }
    steps { sh 'env TARGET'; sh 'env DRY'; sh 'env REGION' } } } })";
    Setup given;
    given.approvals = {"ship:TARGET=green,REGION=us"};
    auto r = run_pipeline(text, given);
    CHECK(r.outcome.result == BuildResult::success);
    CHECK(r.logged("TARGET=green"));
    CHECK(r.logged("DRY=true"));
    CHECK(r.logged("REGION=us"));
    CHECK(r.find("input.answered", "A")->message.find("TARGET=green") != std::string::npos);

    Setup wrong;
    wrong.approvals = {"ship:REGION=mars"};
    auto bad = run_pipeline(text, wrong);
    CHECK(bad.outcome.result == BuildResult::failure);
    CHECK(bad.outcome.message.find("REGION takes one of: eu, us") != std::string::npos);
    Setup unknown;
    unknown.approvals = {"ship:TARGTE=x"};
    auto typo = run_pipeline(text, unknown);
    CHECK(typo.outcome.result == BuildResult::failure);
    CHECK(typo.outcome.message.find("no parameter 'TARGTE'") != std::string::npos);
}

TEST_CASE("the input step: approved, refused, or failing with how to approve",
          "[executor][input]") {
    const std::string text = R"(pipeline { agent any
  stages { stage('A') { steps {
    input message: 'Ship?', id: 'ship', parameters: [password(name: 'PIN', defaultValue: 'pin-1234')]
    sh 'print after' } } } })";
    Setup approved;
    approved.approvals = {"ship"};
    auto ok = run_pipeline(text, approved);
    CHECK(ok.outcome.result == BuildResult::success);
    CHECK(ok.logged("after"));
    const auto* answered = ok.find("input.answered", "A");
    REQUIRE(answered != nullptr);
    CHECK(answered->step == "A/1");
    CHECK(answered->message.find("PIN=****") != std::string::npos);
    CHECK(answered->message.find("pin-1234") == std::string::npos);

    Setup refused;
    refused.ask = [](const std::string&, const std::string&) { return false; };
    auto no = run_pipeline(text, refused);
    CHECK(no.outcome.result == BuildResult::aborted);
    CHECK_FALSE(no.logged("after"));

    auto nobody = run_pipeline(text);
    CHECK(nobody.outcome.result == BuildResult::failure);
    CHECK(nobody.outcome.message.find("--approve ship") != std::string::npos);
}

TEST_CASE("tee copies its body's output to a file", "[executor][tee]") {
    const auto file = std::filesystem::temp_directory_path() / "ferry-tee-test" / "out.log";
    std::filesystem::remove_all(file.parent_path());
    auto r = run_pipeline(R"(pipeline { agent any
  stages { stage('A') { steps {
    tee(')" + file.string() +
                          R"(') { sh 'print one'; echo 'two' }
    sh 'print outside' } } } })");
    CHECK(r.outcome.result == BuildResult::success);
    std::ifstream in(file);
    std::stringstream content;
    content << in.rdbuf();
    CHECK(content.str() == "one\ntwo\n");
    std::filesystem::remove_all(file.parent_path());
}

TEST_CASE("waitUntil reruns its body until it holds", "[executor][waitUntil]") {
    auto r = run_pipeline(R"(pipeline { agent any
  stages { stage('A') { steps {
    waitUntil(initialRecurrencePeriod: 5) { sh 'flaky 3' }
    sh 'print done' } } } })");
    CHECK(r.outcome.result == BuildResult::success);
    CHECK(r.scripts ==
          std::vector<std::string>{"flaky 3", "flaky 3", "flaky 3", "flaky 3", "print done"});
    CHECK(r.logged("attempt 1 failed"));

    auto quiet = run_pipeline(R"(pipeline { agent any
  stages { stage('A') { steps {
    waitUntil(initialRecurrencePeriod: 5, quiet: true) { sh 'flaky 1' } } } } })");
    CHECK(quiet.outcome.result == BuildResult::success);
    CHECK_FALSE(quiet.logged("attempt 1"));

    auto bounded = run_pipeline(R"(pipeline { agent any
  stages { stage('A') { steps {
    timeout(time: 300, unit: 'MILLISECONDS') { waitUntil { sh 'fail' } } } } } })");
    CHECK(bounded.outcome.result == BuildResult::aborted);
}
