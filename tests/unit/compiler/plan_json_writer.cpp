// to_json_text(): the plan's JSON written straight from the Plan must be, byte for byte, what
// to_json(plan).dump(indent) prints, for real plans and for every kind of string and value.
#include "plan_support.hpp"

#include <random>

using namespace ferry::compiler;
using plan_test::lower_text;
using plan_test::plan_text;
using Json = nlohmann::ordered_json;

namespace {

/// What nlohmann prints for `plan`, replacing ill-formed UTF-8 instead of throwing on it.
std::string document_text(const Plan& plan, int indent) {
    return to_json(plan).dump(indent, ' ', false, Json::error_handler_t::replace);
}

/// write_json_text's pieces, joined.
std::string streamed_text(const Plan& plan, int indent, std::size_t* pieces = nullptr) {
    std::string text;
    write_json_text(
        plan,
        [&](std::string_view piece) {
            text += piece;
            if (pieces != nullptr) {
                ++*pieces;
            }
        },
        indent);
    return text;
}

void check_both_layouts(const Plan& plan) {
    for (const int indent : {-1, 0, 2, 4}) {
        INFO("indent " << indent);
        CHECK(to_json_text(plan, indent) == document_text(plan, indent));
        CHECK(streamed_text(plan, indent) == document_text(plan, indent));
    }
}

const char* pipelines[] = {
    R"(pipeline { agent any
  parameters { booleanParam(name: 'GO', defaultValue: false); string(name: 'WHO', defaultValue: 'x')
               choice(name: 'LEVEL', choices: ['a', 'b']); password(name: 'PW', defaultValue: '') }
  environment { TAG = "v${BUILD_NUMBER}"; TOKEN = credentials('api-token')
                USER = credentials('deployer'); LATER = "${env.NOPE_AT_ALL}" }
  options { timeout(time: 5, unit: 'MINUTES'); timestamps() }
  stages {
    stage('Build') {
      environment { LEVEL = 'stage' }
      steps {
        echo "tab\there \"quoted\" back\\slash ünïcødé ☃ 😀"
        buildImage "web:${TAG}"
        pushImage name: "web:${TAG}", tags: ['stable', 'v1']
        sh script: "curl -u ${USER_USR}:${USER_PSW} -H ${TOKEN}", returnStatus: true
        withEnv(['MODE=fast']) { sh "run ${MODE}"; dir('sub') { sh 'make' } }
        parallel a: { echo 'a' }, b: { echo 'b' }
        sleep time: 1.5, unit: 'SECONDS'
        retry(3) { sh 'flaky' }
      }
      post { always { echo 'done' }; failure { echo 'failed' } }
    }
    stage('Matrix') {
      matrix {
        axes { axis { name 'OS'; values 'linux', 'mac' }; axis { name 'N'; values '1', '2' } }
        excludes { exclude { axis { name 'OS'; values 'mac' }; axis { name 'N'; values '2' } } }
        stages { stage('Cell') { steps { echo "${OS}-${N}" } } }
      }
    }
    stage('Fan') {
      failFast true
      parallel {
        stage('L') { when { branch 'release-*' }; steps { sh 'l' } }
        stage('R') { when { expression { params.GO } }; steps { sh 'r' } }
      }
    }
    stage('Deploy') {
      when { allOf { branch 'main'; not { changeset '**/*.md' } } }
      input { message 'Ship?'; ok 'Yes'; parameters { string(name: 'WHY', defaultValue: '') } }
      steps {
        helmUpgrade release: 'web', chart: 'chart/', images: [image: 'web'], set: [replicas: 2]
        kubectlApply file: 'k8s/'
      }
    }
  }
  post { cleanup { deleteDir() } } })",
    R"(pipeline { agent none; stages { stage('Empty') { steps { echo '' } } } })",
};

} // namespace

TEST_CASE("the JSON text equals the document's dump for real plans", "[plan][json]") {
    for (const char* text : pipelines) {
        auto l = lower_text(text);
        for (const char* env : {"test", "prod"}) {
            for (const std::string branch : {"main", "release-1"}) {
                auto r = plan_text(*l, env, plan_test::observations(branch), {{"GO", "true"}});
                INFO(env << " on " << branch);
                check_both_layouts(r.plan);
                // The blind plan probe_requests makes: git unknown, whens decided at run time.
                auto blind = plan_text(*l, env, Observations{});
                check_both_layouts(blind.plan);
            }
        }
    }
}

TEST_CASE("a plan larger than the stream's window arrives whole, in pieces", "[plan][json]") {
    std::string text = "pipeline { agent any\n  stages {\n";
    for (int i = 0; i < 200; ++i) {
        text += "    stage('Stage " + std::to_string(i) + "') { steps { sh 'make part-" +
                std::to_string(i) + " \\u00e9\\n' } }\n";
    }
    text += "  }\n}\n";
    auto l = lower_text(text);
    auto r = plan_text(*l, "test", plan_test::observations("main"));
    std::size_t pieces = 0;
    const std::string whole = to_json_text(r.plan, 2);
    REQUIRE(whole.size() > 3 * 64 * 1024);
    CHECK(streamed_text(r.plan, 2, &pieces) == whole);
    CHECK(pieces > 3);
    CHECK(whole == document_text(r.plan, 2));
}

TEST_CASE("the JSON text writes every kind of value as nlohmann does", "[plan][json]") {
    Plan p;
    p.build_number = -7;
    p.git.known = true;
    p.parameters = {{"flag", true}, {"none", nullptr}, {"n", 3}, {"u", 18446744073709551615ull}};
    p.variables = Json::array({Json::object(), Json::array(), Json::array({Json::array()}), 1.5,
                               0.1, 1e300, -0.0, 100.0, 3.0e-7, -12345678901234LL});
    p.stages = {{"nested", {{"a", {{"b", {{"c", Json::array({1, 2, 3})}}}}}}}, {"empty", ""}};
    PlanStep s;
    s.id = "S/1";
    s.params = {{"list", {"x", 2, false, nullptr}}, {"map", Json::object()}};
    s.image = "127.0.0.1:5000/web:v1";
    s.effects.push_back({"tag", "web:v1", "absent", "digest of this build"});
    s.may_affect = {"registry", "cluster"};
    p.steps.push_back(s);
    PlanStep t;
    t.id = "S/1.1";
    t.parent = "S/1";
    t.branch = "a";
    t.post = "always";
    t.action = Action::create;
    p.steps.push_back(t);
    check_both_layouts(p);
    p.build_number.reset();
    p.steps.clear();
    check_both_layouts(p);
}

TEST_CASE("strings are escaped as nlohmann escapes them", "[plan][json]") {
    std::vector<std::string> strings = {
        "",
        "plain",
        "\"quotes\" and \\backslashes\\ and /slashes/",
        "\b\f\n\r\t",
        "del \x7f stays",
        "é ☃ 😀 \xf4\x8f\xbf\xbf",         // 2, 3 and 4 byte forms, U+10FFFF
        std::string("nul \0 inside", 12), // embedded NUL
        "\xef\xbb\xbf BOM",
    };
    for (int c = 0; c < 0x20; ++c) {
        strings.push_back(std::string(1, static_cast<char>(c)) + "x");
    }
    Plan p;
    for (const auto& s : strings) {
        p.description = s;
        p.parameters = {{s, s}}; // keys are escaped too
        INFO("string " << Json(s).dump());
        check_both_layouts(p);
        // Well-formed text: exactly what the strict dump (today's `ferry plan`) prints.
        CHECK(to_json_text(p, 2) == to_json(p).dump(2));
    }
}

TEST_CASE("ill-formed UTF-8 becomes U+FFFD instead of an exception", "[plan][json]") {
    // nlohmann's strict dump throws on these (a crash of `ferry plan` before); the JSON text
    // replaces each maximal ill-formed subsequence with U+FFFD, as error_handler_t::replace does.
    const std::vector<std::string> strings = {
        "\xff",
        "\x80",
        "a\xc0\xafz",
        "\xc2",
        "\xc2x",
        "\xe0\x80\x80",
        "\xe0\xa0",
        "\xe0\xa0z",
        "\xed\xa0\x80", // a surrogate (CESU-8)
        "\xf0\x8f\xbf\xbf",
        "\xf4\x90\x80\x80",
        "\xf5\x80",
        "\xf0\x9f\x98",
        "\xf0\x9f\x98\x80\x80",
        "ok \xe2\x98",
        "\xc3\xa9\xa9",
    };
    Plan p;
    for (const auto& s : strings) {
        p.description = s;
        INFO("bytes of " << s.size());
        CHECK_THROWS(to_json(p).dump(2));
        const std::string text = to_json_text(p, 2);
        CHECK(text == document_text(p, 2));
        CHECK_NOTHROW(nlohmann::json::parse(text));
        CHECK(text.find("\xEF\xBF\xBD") != std::string::npos);
    }
}

TEST_CASE("random bytes are written as nlohmann's replacing dump writes them", "[plan][json]") {
    std::mt19937 random(20240601);
    // Bytes drawn mostly from the interesting ranges: ASCII controls, quotes, UTF-8 leads and
    // continuation bytes, so that well-formed and ill-formed sequences both occur often.
    const std::string alphabet = std::string("aZ \"\\/\x01\x1f\x7f\x80\x8f\x90\x9f\xa0\xbf\xc0"
                                             "\xc1\xc2\xdf\xe0\xe1\xec\xed\xee\xef\xf0\xf1\xf3"
                                             "\xf4\xf5\xff") +
                                 std::string(1, '\0');
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::uniform_int_distribution<int> length(0, 12);
    Plan p;
    for (int round = 0; round < 3000; ++round) {
        std::string s;
        for (int n = length(random); n > 0; --n) {
            s += alphabet[pick(random)];
        }
        p.description = s;
        const std::string ours = to_json_text(p, -1);
        const std::string theirs = document_text(p, -1);
        if (ours != theirs) {
            FAIL_CHECK("differs for " << Json(theirs).dump());
        }
    }
}
