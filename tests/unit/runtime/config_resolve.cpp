// Credential values are read at resolve time from variables and files; errors never hold them.
#include "runtime/config.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <memory>

namespace {

using namespace ferry;

// A recording fake of the process environment and the file system.
struct FakeWorld {
    std::map<std::string, std::string> env;
    std::map<std::string, std::string> files;

    runtime::CredentialSources sources() const {
        runtime::CredentialSources s;
        s.env = [this](const std::string& name) -> std::optional<std::string> {
            const auto it = env.find(name);
            return it == env.end() ? std::nullopt : std::optional(it->second);
        };
        s.read_file = [this](const std::filesystem::path& path) -> std::optional<std::string> {
            const auto it = files.find(path.string());
            return it == files.end() ? std::nullopt : std::optional(it->second);
        };
        return s;
    }
};

compiler::EnvironmentConfig load(const std::string& text) {
    auto source = std::make_shared<const grammar::SourceFile>("ferry.yaml", text);
    auto loaded = runtime::parse_config(source, {"/p", "/home/u"});
    REQUIRE(loaded.ok());
    return *loaded.config;
}

const std::string config_text =
    "credentials:\n"
    "  token: { type: string, env: API_TOKEN }\n"
    "  token-file: { type: string, file: secrets/token }\n"
    "  deployer: { type: usernamePassword, usernameEnv: DEPLOY_USER,"
    " passwordFile: secrets/pw }\n"
    "  plain-user: { type: usernamePassword, username: ci,"
    " passwordEnv: PW }\n"
    "  kube: { type: file, file: ~/kube.yaml }\n"
    "  docker: { type: dockerconfig, file: docker.json, helper: pass }\n";

} // namespace

TEST_CASE("credentials resolve from variables and files", "[config][resolve]") {
    const auto config = load(config_text);
    FakeWorld world;
    world.env = {{"API_TOKEN", "tok-123"}, {"DEPLOY_USER", "deploy"}, {"PW", "pw-env"}};
    world.files = {{"/p/secrets/token", "file-token\n"},
                   {"/p/secrets/pw", "pw-file\r\n"},
                   {"/home/u/kube.yaml", "apiVersion: v1\n"},
                   {"/p/docker.json", "{}"}};
    const auto sources = world.sources();

    auto token = runtime::resolve_credential(*config.find_credential("token"), sources);
    REQUIRE(token.ok());
    CHECK(std::get<runtime::Secret>(*token.value).reveal() == "tok-123");

    auto from_file = runtime::resolve_credential(*config.find_credential("token-file"), sources);
    REQUIRE(from_file.ok());
    CHECK(std::get<runtime::Secret>(*from_file.value).reveal() == "file-token");

    auto deployer = runtime::resolve_credential(*config.find_credential("deployer"), sources);
    REQUIRE(deployer.ok());
    const auto& pair = std::get<runtime::UsernamePassword>(*deployer.value);
    CHECK(pair.username.reveal() == "deploy");
    CHECK(pair.password.reveal() == "pw-file");

    auto plain = runtime::resolve_credential(*config.find_credential("plain-user"), sources);
    REQUIRE(plain.ok());
    CHECK(std::get<runtime::UsernamePassword>(*plain.value).username.reveal() == "ci");

    auto kube = runtime::resolve_credential(*config.find_credential("kube"), sources);
    REQUIRE(kube.ok());
    CHECK(std::get<runtime::SecretFile>(*kube.value).path == "/home/u/kube.yaml");

    auto docker = runtime::resolve_credential(*config.find_credential("docker"), sources);
    REQUIRE(docker.ok());
    const auto& source = std::get<runtime::DockerCredentialSource>(*docker.value);
    CHECK(source.config_file == std::filesystem::path("/p/docker.json"));
    CHECK(source.helper == std::optional<std::string>("pass"));
}

TEST_CASE("resolution failures name the source, never a value", "[config][resolve]") {
    const auto config = load(config_text);
    FakeWorld world;
    world.env = {{"DEPLOY_USER", "hunter2-user"}, {"API_TOKEN", ""}};
    world.files = {{"/p/secrets/token", "\n"}};
    const auto sources = world.sources();

    const std::vector<std::pair<std::string, std::string>> expected = {
        {"token", "credential 'token': environment variable API_TOKEN (its value) is empty"},
        {"token-file", "credential 'token-file': value file /p/secrets/token is empty"},
        {"deployer", "credential 'deployer': cannot read password file /p/secrets/pw"},
        {"plain-user",
         "credential 'plain-user': environment variable PW (its password) is not set"},
        {"kube", "credential 'kube': cannot read file /home/u/kube.yaml"},
        {"docker", "credential 'docker': cannot read docker config /p/docker.json"},
    };
    for (const auto& [id, message] : expected) {
        const auto result = runtime::resolve_credential(*config.find_credential(id), sources);
        CHECK_FALSE(result.ok());
        CHECK(result.error == message);
        CHECK(result.error.find("hunter2") == std::string::npos);
    }
}

TEST_CASE("the real sources read the process environment and files", "[config][resolve]") {
    const auto config = load("credentials:\n  t: { type: string, env: FERRY_TEST_SECRET_VALUE }\n");
    ::setenv("FERRY_TEST_SECRET_VALUE", "from-the-process", 1);
    const auto result =
        runtime::resolve_credential(config.credentials[0], runtime::system_credential_sources());
    ::unsetenv("FERRY_TEST_SECRET_VALUE");
    REQUIRE(result.ok());
    CHECK(std::get<runtime::Secret>(*result.value).reveal() == "from-the-process");
}
