// The per-object diff of a release: objects matched by group, kind, namespace and name; changes
// named by field path, never by value.
#include "runtime/manifest_diff.hpp"

#include <catch2/catch.hpp>

using namespace ferry::runtime;

namespace {

constexpr const char* live = R"(---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app.kubernetes.io/instance: web }
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: web
          image: reg/web@sha256:aaa
---
apiVersion: v1
kind: Secret
metadata: { name: web-token }
stringData: { token: old-secret-value }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: old-settings }
data: { a: "1" }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: other }
spec: { ports: [ { port: 80 } ] }
)";

constexpr const char* rendered = R"(---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app.kubernetes.io/instance: web }
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: web
          image: reg/web@sha256:bbb
---
apiVersion: v1
kind: Secret
metadata: { name: web-token }
stringData: { token: new-secret-value }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: other }
spec: { ports: [ { port: 80 } ] }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web }
spec: { minAvailable: 1 }
)";

const ferry::compiler::ObjectChange* find(const ManifestDiff& diff, std::string_view kind) {
    for (const auto& c : diff.changes) {
        if (c.kind == kind) {
            return &c;
        }
    }
    return nullptr;
}

} // namespace

TEST_CASE("a release's objects: added, changed by path, removed, unchanged", "[deploy][diff]") {
    const auto diff = diff_manifests(live, rendered, "shop");
    REQUIRE(diff.ok());
    CHECK(diff.unchanged == 1); // the Service in namespace other
    REQUIRE(diff.changes.size() == 4);
    const auto* deployment = find(diff, "Deployment");
    REQUIRE(deployment != nullptr);
    CHECK(deployment->change == "changed");
    CHECK(deployment->namespace_ == "shop");
    CHECK(deployment->fields ==
          std::vector<std::string>{"spec.replicas", "spec.template.spec.containers[0].image"});
    const auto* pdb = find(diff, "PodDisruptionBudget");
    REQUIRE(pdb != nullptr);
    CHECK(pdb->change == "added");
    const auto* config = find(diff, "ConfigMap");
    REQUIRE(config != nullptr);
    CHECK(config->change == "removed");
    CHECK(diff.changes.back().kind == "ConfigMap"); // removals come last
}

TEST_CASE("a Secret's change is a path, its values appear nowhere", "[deploy][diff]") {
    const auto diff = diff_manifests(live, rendered, "shop");
    const auto* secret = find(diff, "Secret");
    REQUIRE(secret != nullptr);
    CHECK(secret->fields == std::vector<std::string>{"stringData.token"});
    for (const auto& c : diff.changes) {
        for (const auto& f : c.fields) {
            CHECK(f.find("secret-value") == std::string::npos);
        }
    }
}

TEST_CASE("keys with dots are bracketed; an apiVersion bump is a change, not a replacement",
          "[deploy][diff]") {
    const auto diff = diff_manifests(
        "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n"
        "  annotations: { a.b/c: x }\n",
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n"
        "  annotations: { a.b/c: y }\n",
        "shop");
    REQUIRE(diff.ok());
    REQUIRE(diff.changes.size() == 1);
    CHECK(diff.changes[0].change == "changed");
    CHECK(diff.changes[0].fields ==
          std::vector<std::string>{"apiVersion", "metadata.annotations[\"a.b/c\"]"});
}

TEST_CASE("a new release adds every object; many changed paths are counted", "[deploy][diff]") {
    std::string before = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: big }\ndata:\n";
    std::string after = before;
    for (int i = 0; i < 25; ++i) {
        before += "  k" + std::to_string(10 + i) + ": a\n";
        after += "  k" + std::to_string(10 + i) + ": b\n";
    }
    const auto fresh = diff_manifests("", after, "shop");
    REQUIRE(fresh.changes.size() == 1);
    CHECK(fresh.changes[0].change == "added");
    const auto diff = diff_manifests(before, after, "shop");
    REQUIRE(diff.changes.size() == 1);
    CHECK(diff.changes[0].fields.size() == 20);
    CHECK(diff.changes[0].more_fields == 5);
}

TEST_CASE("a stream that is not YAML names itself and the line", "[deploy][diff]") {
    const auto diff = diff_manifests("kind: ConfigMap\n", "kind: [unclosed\n", "shop");
    CHECK_FALSE(diff.ok());
    CHECK(diff.error.find("helm template") != std::string::npos);
    CHECK(diff.error.find("line ") != std::string::npos);
}
