// ferry.yaml: valid configurations load into the planner's value types.
#include "grammar/render.hpp"
#include "runtime/config.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>

namespace {

using namespace ferry;
namespace fs = std::filesystem;

runtime::LoadedConfig parse(std::string text) {
    auto source = std::make_shared<const grammar::SourceFile>("ferry.yaml", std::move(text));
    return runtime::parse_config(source, {"/work/project", "/home/u"});
}

std::string rendered(const runtime::LoadedConfig& loaded) {
    std::string out;
    for (const auto& d : loaded.diagnostics.all()) {
        out += grammar::render_text(*loaded.source, d);
    }
    return out;
}

const fs::path data_dir = fs::path(FERRY_SOURCE_DIR) / "tests/data/config";

} // namespace

TEST_CASE("the documented example loads", "[config]") {
    const auto loaded = runtime::load_config(data_dir / "ferry.yaml");
    INFO(rendered(loaded));
    REQUIRE(loaded.ok());
    const auto& config = *loaded.config;
    CHECK(config.version == 1);
    REQUIRE(config.registries.size() == 2);
    REQUIRE(config.clusters.size() == 1);
    REQUIRE(config.environments.size() == 2);
    REQUIRE(config.credentials.size() == 5);

    const auto* local = config.find_registry("local");
    REQUIRE(local);
    CHECK(local->server == "127.0.0.1:5000");
    CHECK(local->prefix == "kiamol");
    CHECK(local->credentials->value == "registry-creds");
    CHECK(local->tls.ca == data_dir / "certs/ca.pem");
    CHECK_FALSE(local->tls.insecure);
    CHECK(local->repository("bulletin-board") == "127.0.0.1:5000/kiamol/bulletin-board");

    const auto* hub = config.find_registry("hub");
    REQUIRE(hub);
    CHECK(hub->server == "docker.io");
    CHECK(hub->prefix == "kiamol");

    const auto* lab = config.find_cluster("lab");
    REQUIRE(lab);
    CHECK(lab->kubeconfig == data_dir / "kubeconfig");
    CHECK(lab->context.value == "lab-admin");

    const auto* test = config.find_environment("test");
    REQUIRE(test);
    CHECK(test->description == "the chapter's test namespace");
    CHECK(test->cluster.value == "lab");
    CHECK(test->namespace_name.value == "kiamol-ch11-test");
    CHECK(test->registry->value == "local");
    CHECK(test->create_namespace);
    CHECK(test->allows_namespace("kiamol-ch11-test"));
    CHECK_FALSE(test->allows_namespace("kube-system"));
    REQUIRE(test->pull_secret);
    CHECK(test->pull_secret->name == "registry-creds");
    CHECK(test->pull_secret->create);
    CHECK(test->variables == std::vector<std::pair<std::string, std::string>>{
                                 {"LOG_LEVEL", "debug"}, {"REPLICAS", "2"}});

    const auto* prod = config.find_environment("prod");
    REQUIRE(prod);
    CHECK_FALSE(prod->create_namespace);
    CHECK(prod->allows_namespace("kiamol-ch11-prod"));
    CHECK(prod->allows_namespace("kiamol-ch11-anything"));
    CHECK_FALSE(prod->allows_namespace("kiamol-ch12"));
}

TEST_CASE("credential references keep their sources, not values", "[config]") {
    const auto loaded = runtime::load_config(data_dir / "ferry.yaml");
    REQUIRE(loaded.ok());
    const auto& config = *loaded.config;
    using compiler::CredentialKind;
    using compiler::SecretOrigin;

    const auto* docker = config.find_credential("registry-creds");
    REQUIRE(docker);
    CHECK(docker->kind == CredentialKind::docker_config);
    const char* home = std::getenv("HOME");
    REQUIRE(home);
    CHECK(docker->docker_config == fs::path(home) / ".docker/config.json");

    const auto* token = config.find_credential("api-token");
    REQUIRE(token);
    CHECK(token->kind == CredentialKind::string);
    CHECK(token->value->origin == SecretOrigin::env);
    CHECK(token->value->location == "API_TOKEN");

    const auto* deployer = config.find_credential("deployer");
    REQUIRE(deployer);
    CHECK(deployer->kind == CredentialKind::username_password);
    CHECK(deployer->username->origin == SecretOrigin::env);
    CHECK(deployer->username->location == "DEPLOY_USER");
    CHECK(deployer->password->origin == SecretOrigin::file);
    CHECK(deployer->password->location == (data_dir / "secrets/pw").string());

    const auto* ecr = config.find_credential("ecr");
    REQUIRE(ecr);
    CHECK(ecr->helper == "ecr-login");
    CHECK_FALSE(ecr->docker_config);
}

TEST_CASE("paths: ~ is home, relative is the file's directory", "[config]") {
    const auto loaded = parse("clusters:\n"
                              "  a: { kubeconfig: ~/.kube/lab, context: x }\n"
                              "  b: { kubeconfig: ../kube/config, context: x }\n"
                              "  c: { kubeconfig: /etc/kube, context: x }\n"
                              "  d: { context: x }\n");
    INFO(rendered(loaded));
    REQUIRE(loaded.ok());
    const auto& clusters = loaded.config->clusters;
    CHECK(clusters[0].kubeconfig == "/home/u/.kube/lab");
    CHECK(clusters[1].kubeconfig == "/work/kube/config");
    CHECK(clusters[2].kubeconfig == "/etc/kube");
    CHECK(clusters[3].kubeconfig == "/home/u/.kube/config");
}

TEST_CASE("an empty ferry.yaml declares nothing", "[config]") {
    for (const char* text : {"", "# only a comment\n", "registries:\nclusters: {}\n"}) {
        const auto loaded = parse(text);
        INFO(text << rendered(loaded));
        REQUIRE(loaded.ok());
        CHECK(loaded.config->environments.empty());
    }
}

TEST_CASE("registry servers are normalised", "[config]") {
    using compiler::normalize_registry_server;
    for (const char* hub : {"docker.io", "index.docker.io", "https://index.docker.io/v1/",
                            "registry-1.docker.io", "Docker.IO", "http://registry-1.docker.io"}) {
        CHECK(normalize_registry_server(hub) == "docker.io");
    }
    CHECK(normalize_registry_server("https://127.0.0.1:5000/") == "127.0.0.1:5000");
    CHECK(normalize_registry_server("127.0.0.1:5000") == "127.0.0.1:5000");
    CHECK(normalize_registry_server("Quay.io/v2/") == "quay.io");
    CHECK(normalize_registry_server("[::1]:5000") == "[::1]:5000");
}

TEST_CASE("glob matching for allowedNamespaces", "[config]") {
    using compiler::glob_match;
    CHECK(glob_match("*", "anything"));
    CHECK(glob_match("team-*-test", "team-a-test"));
    CHECK_FALSE(glob_match("team-*-test", "team-a-prod"));
    CHECK(glob_match("a*b*c", "aXbYbZc"));
    CHECK_FALSE(glob_match("exact", "exactly"));
}

TEST_CASE("environment names are offered for --env suggestions", "[config]") {
    const auto loaded = runtime::load_config(data_dir / "ferry.yaml");
    REQUIRE(loaded.ok());
    const auto names = loaded.config->environment_names();
    CHECK(grammar::closest_match("tset", names) == std::optional<std::string_view>("test"));
}

TEST_CASE("a missing ferry.yaml is one E0610", "[config]") {
    const auto loaded = runtime::load_config(data_dir / "does-not-exist.yaml");
    CHECK_FALSE(loaded.ok());
    REQUIRE(loaded.diagnostics.all().size() == 1);
    CHECK(loaded.diagnostics.all()[0].code == "E0610");
    CHECK(loaded.diagnostics.all()[0].message.find("does-not-exist.yaml") != std::string::npos);
}
