// Manifest image pinning and image values: what a deploy hands kubectl and helm.
#include "runtime/deploy_manifest.hpp"

#include "runtime/deploy_key.hpp"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

using namespace ferry::runtime;

namespace {

constexpr const char* digest =
    "sha256:1111111111111111111111111111111111111111111111111111111111111111";

std::map<std::string, RunImage, std::less<>> one_image() {
    std::map<std::string, RunImage, std::less<>> images;
    RunImage web;
    web.name = "web";
    web.reference = "reg.local:5000/team/web:7";
    web.digest = digest;
    web.pushed = {"reg.local:5000/team/web:7", "reg.local:5000/team/web:latest"};
    images.emplace("web", web);
    return images;
}

const std::string pinned = std::string("reg.local:5000/team/web@") + digest;

} // namespace

TEST_CASE("image references split into repository and tag", "[deploy]") {
    CHECK(image_repository("reg.local:5000/team/web:7") == "reg.local:5000/team/web");
    CHECK(image_repository("reg.local:5000/team/web") == "reg.local:5000/team/web");
    CHECK(image_repository("web@sha256:ab") == "web");
    CHECK(image_tag("reg.local:5000/team/web:7") == "7");
    CHECK(image_tag("reg.local:5000/team/web") == "");
    CHECK(image_tag("web:1@sha256:ab") == "1");
}

TEST_CASE("pins cover the name, the built and every pushed reference", "[deploy]") {
    const auto pins = image_pins(one_image());
    for (const char* ref :
         {"web", "web:latest", "reg.local:5000/team/web:7", "reg.local:5000/team/web:latest"}) {
        INFO(ref);
        REQUIRE(pins.find(ref) != nullptr);
        CHECK(*pins.find(ref) == pinned);
    }
    CHECK(pins.find("reg.local:5000/team/api:7") == nullptr);
    CHECK(pins.find("busybox") == nullptr);
}

TEST_CASE("container and init container images of the run are pinned at any depth", "[deploy]") {
    const std::string text = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: web:latest
      containers:
        - name: main
          image: reg.local:5000/team/web:7
        - name: sidecar
          image: busybox:1.36
---
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: jobs}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: run, image: web}]
)";
    const auto out = rewrite_manifests(text, "app.yaml", image_pins(one_image()));
    REQUIRE(out.ok());
    CHECK(out.rewritten.size() == 3);
    const auto docs = YAML::LoadAll(out.yaml);
    REQUIRE(docs.size() == 2);
    const auto pod = docs[0]["spec"]["template"]["spec"];
    CHECK(pod["initContainers"][0]["image"].as<std::string>() == pinned);
    CHECK(pod["containers"][0]["image"].as<std::string>() == pinned);
    CHECK(pod["containers"][1]["image"].as<std::string>() == "busybox:1.36");
    CHECK(docs[1]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["image"]
              .as<std::string>() == pinned);
    REQUIRE(out.objects.size() == 2);
    CHECK(out.objects[0].kind == "Deployment");
    CHECK(out.objects[0].name == "web");
    CHECK(out.objects[0].namespace_.empty());
    CHECK(out.objects[1].api_version == "batch/v1");
    CHECK(out.objects[1].namespace_ == "jobs");
}

TEST_CASE("List items are listed one by one and an image already by digest is kept", "[deploy]") {
    const std::string other = std::string("other@") + digest;
    const std::string text = "apiVersion: v1\nkind: List\nitems:\n"
                             "- {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: "
                             "{containers: [{name: c, image: '" +
                             other +
                             "'}]}}\n- {apiVersion: v1, kind: Service, metadata: {name: b}}\n";
    const auto out = rewrite_manifests(text, "list.yaml", image_pins(one_image()));
    REQUIRE(out.ok());
    CHECK(out.rewritten.empty());
    REQUIRE(out.objects.size() == 2);
    CHECK(out.objects[0].kind == "Pod");
    CHECK(out.objects[1].name == "b");
}

TEST_CASE("bad manifests are reported with the file and the place", "[deploy]") {
    const auto broken = rewrite_manifests("kind: [unclosed\n", "bad.yaml", {});
    CHECK_THAT(broken.error, Catch::StartsWith("bad.yaml:"));
    const auto scalar = rewrite_manifests("just text\n", "s.yaml", {});
    CHECK_THAT(scalar.error, Catch::Contains("document 1 is not a Kubernetes object"));
    const auto kindless = rewrite_manifests("metadata: {name: x}\n", "k.yaml", {});
    CHECK_THAT(kindless.error, Catch::Contains("no kind"));
}

TEST_CASE("images: fills repository, tag and digest of the pushed image", "[deploy]") {
    const auto values = image_values(
        {{"image", "web"}, {"sidecar.image", std::string("ext/side@") + digest}}, one_image());
    REQUIRE(values.error.empty());
    const std::vector<std::pair<std::string, std::string>> expected{
        {"image.repository", "reg.local:5000/team/web"},
        {"image.tag", "7"},
        {"image.digest", digest},
        {"sidecar.image.repository", "ext/side"},
        {"sidecar.image.tag", ""},
        {"sidecar.image.digest", digest},
    };
    CHECK(values.set_strings == expected);
    CHECK(values.digests.size() == 2);
}

TEST_CASE("images: an image the run does not know and that is not pinned is an error", "[deploy]") {
    const auto values = image_values({{"image", "api:latest"}}, one_image());
    CHECK_THAT(values.error, Catch::Contains("'api:latest' (for image) was not built or pushed"));
    CHECK_THAT(image_values(nlohmann::json::array(), one_image()).error,
               Catch::Contains("must be a map"));
}

TEST_CASE("helm --set values: lists in braces, commas escaped", "[deploy]") {
    CHECK(helm_set_value("a,b") == "a\\,b");
    CHECK(helm_set_value(3) == "3");
    CHECK(helm_set_value(true) == "true");
    CHECK(helm_set_value(nlohmann::json::array({"x", 2})) == "{x,2}");
}
