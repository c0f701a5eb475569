// Deploy keys, chart digests, journal sealing and failure diagnosis.
#include "runtime/deploy_key.hpp"

#include "runtime/deploy_diagnose.hpp"
#include "runtime/deploy_seal.hpp"
#include "unit/runtime/probe_support.hpp"

#include <catch2/catch.hpp>
#include <sys/stat.h>

using namespace ferry::runtime;
using ferry::testing::TempDir;
using ferry::testing::write_file;

namespace {

DeployKeyInputs inputs() {
    DeployKeyInputs in;
    in.release = "web";
    in.namespace_ = "prod";
    in.chart_digest = "sha256:aa";
    in.values_file_digests = {"sha256:bb"};
    in.set = {{"replicas", 2}};
    in.image_values = {{"image.digest", "sha256:cc"}};
    return in;
}

} // namespace

TEST_CASE("the deploy key changes with every input and only with them", "[deploy]") {
    const auto base = deploy_key(inputs());
    CHECK(base.size() == 64);
    CHECK(deploy_key(inputs()) == base);
    auto digest = inputs();
    digest.image_values = {{"image.digest", "sha256:dd"}};
    CHECK(deploy_key(digest) != base);
    auto chart = inputs();
    chart.chart_digest = "sha256:ab";
    CHECK(deploy_key(chart) != base);
    auto set = inputs();
    set.set = {{"replicas", 3}};
    CHECK(deploy_key(set) != base);
    auto ns = inputs();
    ns.namespace_ = "staging";
    CHECK(deploy_key(ns) != base);
    auto values = inputs();
    values.values_file_digests.clear();
    CHECK(deploy_key(values) != base);
}

TEST_CASE("a new tag for the same digest keeps the key; without a digest the tag counts",
          "[deploy]") {
    auto build3 = inputs();
    build3.image_values = {
        {"image.repository", "r/web"}, {"image.tag", "3-kiamol"}, {"image.digest", "sha256:dd"}};
    auto build4 = build3;
    build4.image_values[1].second = "4-kiamol";
    CHECK(deploy_key(build3) == deploy_key(build4));
    build4.image_values[2].second = "sha256:ee";
    CHECK(deploy_key(build3) != deploy_key(build4));
    auto tag_only3 = inputs();
    tag_only3.image_values = {{"image.repository", "r/web"}, {"image.tag", "3"}};
    auto tag_only4 = tag_only3;
    tag_only4.image_values[1].second = "4";
    CHECK(deploy_key(tag_only3) != deploy_key(tag_only4));
}

TEST_CASE("the key as a label value is 63 characters of [a-z0-9]", "[deploy]") {
    const auto label = deploy_key_label_value(deploy_key(inputs()));
    CHECK(label.size() == 63);
    CHECK(label.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("a chart directory's digest follows its files' names and contents", "[deploy]") {
    TempDir dir;
    write_file(dir.path() / "chart/Chart.yaml", "name: demo\n");
    write_file(dir.path() / "chart/templates/a.yaml", "kind: A\n");
    std::string error;
    const auto first = chart_digest(dir.path() / "chart", error);
    REQUIRE(first);
    CHECK(chart_digest(dir.path() / "chart", error) == first);
    write_file(dir.path() / "chart/templates/a.yaml", "kind: B\n");
    const auto changed = chart_digest(dir.path() / "chart", error);
    CHECK(changed != first);
    std::filesystem::rename(dir.path() / "chart/templates/a.yaml",
                            dir.path() / "chart/templates/b.yaml");
    CHECK(chart_digest(dir.path() / "chart", error) != changed);
    write_file(dir.path() / "demo.tgz", "not really gzip");
    const auto packaged = chart_digest(dir.path() / "demo.tgz", error);
    REQUIRE(packaged);
    CHECK(*packaged == "sha256:" + sha256_hex("not really gzip"));
    CHECK_FALSE(chart_digest(dir.path() / "missing.tgz", error));
    CHECK_THAT(error, Catch::Contains("missing.tgz"));
}

TEST_CASE("sealed journal values round-trip and never hold the plaintext", "[deploy]") {
    TempDir dir;
    std::string error;
    const auto path = dir.path() / "cache/ferry/journal.key";
    const auto key = load_or_create_seal_key(path, error);
    REQUIRE(key);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    const auto again = load_or_create_seal_key(path, error);
    REQUIRE(again);
    CHECK(again->id == key->id);

    const std::string plaintext = R"({"data":{".dockerconfigjson":"c2VjcmV0LXBhc3N3b3Jk"}})";
    const auto sealed = seal(*key, plaintext);
    CHECK(sealed["alg"] == "AES-256-GCM");
    CHECK(sealed.dump().find("c2VjcmV0") == std::string::npos);
    CHECK(unseal(*key, sealed, error) == plaintext);

    auto tampered = sealed;
    tampered["ciphertext"] = seal(*key, "x")["ciphertext"];
    CHECK_FALSE(unseal(*key, tampered, error));
    CHECK_THAT(error, Catch::Contains("does not authenticate"));
    const auto other = load_or_create_seal_key(dir.path() / "other.key", error);
    REQUIRE(other);
    CHECK_FALSE(unseal(*other, sealed, error));
    CHECK_THAT(error, Catch::Contains("not with this machine's journal key"));
}

TEST_CASE("the key file lives in the XDG cache directory", "[deploy]") {
    const auto xdg = [](const std::string& name) -> std::optional<std::string> {
        return name == "XDG_CACHE_HOME" ? std::optional<std::string>("/c") : std::nullopt;
    };
    CHECK(default_seal_key_path(xdg) == "/c/ferry/journal.key");
    const auto home = [](const std::string& name) -> std::optional<std::string> {
        return name == "HOME" ? std::optional<std::string>("/h") : std::nullopt;
    };
    CHECK(default_seal_key_path(home) == "/h/.cache/ferry/journal.key");
}

TEST_CASE("stuck pods are explained by their statuses and warning events", "[deploy]") {
    const auto pods = nlohmann::json::parse(R"({"items":[
      {"metadata":{"name":"web-1"},"status":{"phase":"Pending","conditions":[
        {"type":"PodScheduled","status":"False","reason":"Unschedulable",
         "message":"0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector."}]}},
      {"metadata":{"name":"web-2"},"status":{"phase":"Pending","containerStatuses":[
        {"name":"main","state":{"waiting":{"reason":"ImagePullBackOff",
         "message":"Back-off pulling image \"reg/web@sha256:ab\""}}}]}},
      {"metadata":{"name":"web-3"},"status":{"phase":"Running","containerStatuses":[
        {"name":"main","state":{"waiting":{"reason":"CrashLoopBackOff"}},
         "lastState":{"terminated":{"reason":"Error","exitCode":2}}}]}},
      {"metadata":{"name":"web-4"},"status":{"phase":"Running","containerStatuses":[
        {"name":"main","state":{"running":{}}}]}}]})");
    const auto events = nlohmann::json::parse(R"({"items":[
      {"type":"Warning","reason":"FailedScheduling","message":"no nodes",
       "involvedObject":{"kind":"Pod","name":"web-1"}},
      {"type":"Warning","reason":"FailedScheduling","message":"no nodes",
       "involvedObject":{"kind":"Pod","name":"web-1"}},
      {"type":"Normal","reason":"Scheduled","message":"ok",
       "involvedObject":{"kind":"Pod","name":"web-4"}}]})");
    const auto problems = pod_problems(pods, events);
    REQUIRE(problems.size() == 5);
    CHECK_THAT(problems[0], Catch::Contains("web-1: PodScheduled Unschedulable: 0/1 nodes"));
    CHECK_THAT(problems[1], Catch::Contains("web-2 container main: ImagePullBackOff: Back-off"));
    CHECK(problems[2] == "pod web-3 container main: CrashLoopBackOff");
    CHECK(problems[3] == "pod web-3 container main: last terminated (Error, exit code 2)");
    CHECK(problems[4] == "Pod web-1: event FailedScheduling: no nodes");
    CHECK(pod_problems(nlohmann::json::parse(R"({"items":[]})"), {}).empty());
    const auto text = summarise_problems(problems, 2);
    CHECK_THAT(text, Catch::EndsWith("… and 3 more"));
}
