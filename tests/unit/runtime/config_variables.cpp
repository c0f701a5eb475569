// ferry.yaml: `${NAME}` and `${NAME:-default}` in string values, from the environment.
#include "grammar/render.hpp"
#include "runtime/config.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <memory>

namespace {

using namespace ferry;

runtime::LoadedConfig parse(std::string text, std::map<std::string, std::string> env) {
    auto source = std::make_shared<const grammar::SourceFile>("ferry.yaml", std::move(text));
    runtime::ConfigPaths paths{"/work/project", "/home/u", {}};
    paths.getenv = [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
        if (auto it = env.find(name); it != env.end()) {
            return it->second;
        }
        return std::nullopt;
    };
    return runtime::parse_config(source, paths);
}

std::string rendered(const runtime::LoadedConfig& loaded) {
    std::string out;
    for (const auto& d : loaded.diagnostics.all()) {
        out += grammar::render_text(*loaded.source, d);
    }
    return out;
}

const char* const config_text = R"(registries:
  local: { server: "${REGISTRY}", prefix: "${PREFIX:-kiamol}" }
clusters:
  lab: { kubeconfig: "${KUBE_DIR}/config", context: "${CONTEXT:-lab}" }
environments:
  test:
    cluster: lab
    namespace: ns-${SUFFIX:-test}
    registry: local
    allowedNamespaces: ["ns-*"]
    variables: { URL: "https://${REGISTRY}/v2/", LITERAL: "$${kept}" }
)";

} // namespace

TEST_CASE("variables in ferry.yaml values are expanded, defaults apply when unset",
          "[config][variables]") {
    const auto loaded = parse(config_text, {{"REGISTRY", "127.0.0.1:5999"}, {"KUBE_DIR", "/k"}});
    INFO(rendered(loaded));
    REQUIRE(loaded.ok());
    const auto& config = *loaded.config;
    CHECK(config.registries[0].server == "127.0.0.1:5999");
    CHECK(config.registries[0].prefix == "kiamol");
    CHECK(config.clusters[0].kubeconfig == "/k/config");
    CHECK(config.clusters[0].context.value == "lab");
    CHECK(config.environments[0].namespace_name.value == "ns-test");
    REQUIRE(config.environments[0].allowed_namespaces.size() == 1);
    REQUIRE(config.environments[0].variables.size() == 2);
    CHECK(config.environments[0].variables[0].second == "https://127.0.0.1:5999/v2/");
    CHECK(config.environments[0].variables[1].second == "${kept}");
}

TEST_CASE("an unset variable without default is E0615 at its value", "[config][variables]") {
    const auto loaded = parse(config_text, {{"KUBE_DIR", "/k"}});
    REQUIRE_FALSE(loaded.ok());
    const auto text = rendered(loaded);
    CHECK(text.find("error[E0615]: environment variable REGISTRY is not set") != std::string::npos);
    CHECK(text.find("ferry.yaml:2:") != std::string::npos);
}

TEST_CASE("a malformed reference is E0605", "[config][variables]") {
    const auto loaded = parse("registries:\n  local: { server: \"${REGISTRY\" }\n", {});
    REQUIRE_FALSE(loaded.ok());
    CHECK(rendered(loaded).find("unterminated '${'") != std::string::npos);
    const auto bad = parse("registries:\n  local: { server: \"${1X}\" }\n", {});
    CHECK(rendered(bad).find("invalid variable name '1X'") != std::string::npos);
}
