// docker config.json: auths decoding, server normalisation, lookup order, pull secret documents.
#include "runtime/docker_config.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

namespace {

using namespace ferry;
namespace fs = std::filesystem;

const fs::path data_dir = fs::path(FERRY_SOURCE_DIR) / "tests/data/config";

// A recording fake: answers from a table, remembers what it was asked.
struct FakeHelpers final : runtime::CredentialHelper {
    std::map<std::string, runtime::RegistryAuth> answers; // "helper server-url"
    std::vector<std::string> asked;

    runtime::HelperResult get(std::string_view helper, std::string_view server_url) override {
        const std::string key = std::string(helper) + " " + std::string(server_url);
        asked.push_back(key);
        const auto it = answers.find(key);
        if (it == answers.end()) {
            return {std::nullopt, true, {}};
        }
        return {it->second, false, {}};
    }
};

runtime::DockerConfig load() {
    auto result = runtime::load_docker_config(data_dir / "docker-config.json");
    INFO(result.error);
    REQUIRE(result.config);
    return *result.config;
}

} // namespace

TEST_CASE("auths entries decode under their normalised server", "[docker_config]") {
    const auto config = load();
    FakeHelpers helpers;
    for (const char* hub :
         {"docker.io", "index.docker.io", "https://index.docker.io/v1/", "registry-1.docker.io"}) {
        const auto lookup = runtime::find_registry_auth(config, hub, helpers);
        REQUIRE(lookup.status == runtime::AuthLookup::Status::found);
        CHECK(lookup.auth->username.reveal() == "hubuser");
        CHECK(lookup.auth->password.reveal() == "hubpass");
    }
    for (const char* local :
         {"127.0.0.1:5000", "https://127.0.0.1:5000/", "http://127.0.0.1:5000"}) {
        const auto lookup = runtime::find_registry_auth(config, local, helpers);
        REQUIRE(lookup.status == runtime::AuthLookup::Status::found);
        CHECK(lookup.auth->username.reveal() == "local");
        CHECK(lookup.auth->password.reveal() == "localpass");
    }
    const auto quay = runtime::find_registry_auth(config, "quay.example.com:8443", helpers);
    REQUIRE(quay.status == runtime::AuthLookup::Status::found);
    REQUIRE(quay.auth->identity_token);
    CHECK(quay.auth->identity_token->reveal() == "quay-refresh-token");
    CHECK(helpers.asked.empty());
}

TEST_CASE("no entry, or an empty one, means anonymous", "[docker_config]") {
    const auto config = load();
    FakeHelpers helpers;
    CHECK(runtime::find_registry_auth(config, "empty.example.com", helpers).status ==
          runtime::AuthLookup::Status::anonymous);
    CHECK(runtime::find_registry_auth(config, "other.example.com", helpers).status ==
          runtime::AuthLookup::Status::anonymous);
}

TEST_CASE("credHelpers come first, then credsStore, then auths", "[docker_config]") {
    auto result = runtime::parse_docker_config(R"({
        "auths": {"127.0.0.1:5000": {"auth": "ZmlsZTpmaWxlcGFzcw=="}},
        "credHelpers": {"https://helped.example.com/": "special"},
        "credsStore": "store"})",
                                               "/d/config.json");
    REQUIRE(result.config);
    FakeHelpers helpers;
    runtime::RegistryAuth special;
    special.username = runtime::Secret("sp");
    special.password = runtime::Secret("sp-pass");
    helpers.answers["special helped.example.com"] = special;
    runtime::RegistryAuth stored;
    stored.username = runtime::Secret("st");
    stored.password = runtime::Secret("st-pass");
    helpers.answers["store https://index.docker.io/v1/"] = stored;

    auto helped = runtime::find_registry_auth(*result.config, "helped.example.com", helpers);
    REQUIRE(helped.auth);
    CHECK(helped.auth->password.reveal() == "sp-pass");

    auto hub = runtime::find_registry_auth(*result.config, "docker.io", helpers);
    REQUIRE(hub.auth);
    CHECK(hub.auth->password.reveal() == "st-pass");

    // The store has nothing for the local registry: the file's entry is used.
    auto local = runtime::find_registry_auth(*result.config, "127.0.0.1:5000", helpers);
    REQUIRE(local.auth);
    CHECK(local.auth->username.reveal() == "file");
    CHECK(local.auth->password.reveal() == "filepass");
    CHECK(helpers.asked == std::vector<std::string>{"special helped.example.com",
                                                    "store https://index.docker.io/v1/",
                                                    "store 127.0.0.1:5000"});
}

TEST_CASE("malformed config files name the place, not the text", "[docker_config]") {
    const auto bad_json = runtime::parse_docker_config(
        "{\n  \"auths\": {\"x\": {\"password\": \"hunter2\" ", "/d/c.json");
    CHECK_FALSE(bad_json.config);
    CHECK(bad_json.error.rfind("/d/c.json:2:", 0) == 0);
    CHECK(bad_json.error.find("hunter2") == std::string::npos);

    const auto bad_auth = runtime::parse_docker_config(
        R"({"auths": {"r.io": {"auth": "aHVudGVyMg=="}}})", "/d/c.json");
    CHECK(bad_auth.error ==
          R"(/d/c.json: 'auth' of auths["r.io"] is not base64 of username:password)");

    CHECK(runtime::load_docker_config("/nonexistent/config.json").error ==
          "/nonexistent/config.json: no such docker config file");
}

TEST_CASE("a dockerconfig credential combines its file and its helper", "[docker_config]") {
    FakeHelpers helpers;
    runtime::RegistryAuth from_helper;
    from_helper.username = runtime::Secret("h");
    from_helper.password = runtime::Secret("h-pass");
    helpers.answers["ecr-login other.example.com"] = from_helper;

    runtime::DockerCredentialSource both{data_dir / "docker-config.json", "ecr-login"};
    auto local = runtime::registry_auth(both, "127.0.0.1:5000", helpers);
    REQUIRE(local.auth);
    CHECK(local.auth->username.reveal() == "local");
    auto other = runtime::registry_auth(both, "other.example.com", helpers);
    REQUIRE(other.auth);
    CHECK(other.auth->password.reveal() == "h-pass");

    runtime::DockerCredentialSource missing{fs::path("/nonexistent/config.json"), std::nullopt};
    auto failed = runtime::registry_auth(missing, "127.0.0.1:5000", helpers);
    CHECK(failed.status == runtime::AuthLookup::Status::error);
}

TEST_CASE("a pull secret document in kubernetes.io/dockerconfigjson form", "[docker_config]") {
    runtime::RegistryAuth auth;
    auth.username = runtime::Secret("user");
    auth.password = runtime::Secret("pass");
    const auto document = runtime::dockerconfigjson("docker.io", auth);
    const auto json = nlohmann::json::parse(document.reveal());
    const auto& entry = json["auths"]["https://index.docker.io/v1/"];
    CHECK(entry["username"] == "user");
    CHECK(entry["password"] == "pass");
    CHECK(entry["auth"] == "dXNlcjpwYXNz");
    auto parsed = runtime::parse_docker_config(document.reveal(), "secret");
    REQUIRE(parsed.config);
    CHECK(parsed.config->auths.count("docker.io") == 1);
}
