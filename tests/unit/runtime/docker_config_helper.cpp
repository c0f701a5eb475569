// The docker-credential-<helper> protocol against real processes: a helper script written by
// the test into a temporary directory put first on PATH.
#include "runtime/docker_config.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace {

using namespace ferry;
namespace fs = std::filesystem;

// Writes executable helpers into a fresh directory and puts it first on PATH for its lifetime.
class HelperDir {
public:
    HelperDir() {
        dir_ = fs::temp_directory_path() / ("ferry-helpers-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        const char* path = std::getenv("PATH");
        old_path_ = path ? path : "";
        ::setenv("PATH", (dir_.string() + ":" + old_path_).c_str(), 1);
    }
    ~HelperDir() {
        ::setenv("PATH", old_path_.c_str(), 1);
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    HelperDir(const HelperDir&) = delete;
    HelperDir& operator=(const HelperDir&) = delete;

    void add(const std::string& name, const std::string& script) {
        const fs::path file = dir_ / ("docker-credential-" + name);
        std::ofstream(file) << "#!/bin/sh\n" << script;
        fs::permissions(file, fs::perms::owner_all);
    }
    [[nodiscard]] const fs::path& dir() const { return dir_; }

private:
    fs::path dir_;
    std::string old_path_;
};

// The fake `test` helper: it knows one registry, and records the server it was asked about.
const std::string test_helper = R"(test "$1" = get || exit 3
read -r server
echo "$server" >> "$(dirname "$0")/asked"
case "$server" in
  helped.example.com) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret"}' "$server" ;;
  https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"<token>","Secret":"hub-token"}' "$server" ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
)";

} // namespace

TEST_CASE("credHelpers run docker-credential-<helper> get", "[docker_config][helper]") {
    HelperDir helpers;
    helpers.add("test", test_helper);
    runtime::ProcessCredentialHelper runner;
    const auto config = runtime::load_docker_config(fs::path(FERRY_SOURCE_DIR) /
                                                    "tests/data/config/docker-config.json");
    REQUIRE(config.config);

    const auto lookup =
        runtime::find_registry_auth(*config.config, "https://helped.example.com/", runner);
    INFO(lookup.error);
    REQUIRE(lookup.status == runtime::AuthLookup::Status::found);
    CHECK(lookup.auth->username.reveal() == "helper-user");
    CHECK(lookup.auth->password.reveal() == "helper-secret");
    CHECK(lookup.auth->source == "docker-credential-test");

    std::ifstream asked(helpers.dir() / "asked");
    std::string first;
    std::getline(asked, first);
    CHECK(first == "helped.example.com");
}

TEST_CASE("a <token> username is an identity token; not found is anonymous",
          "[docker_config][helper]") {
    HelperDir helpers;
    helpers.add("test", test_helper);
    runtime::ProcessCredentialHelper runner;
    auto config = runtime::parse_docker_config(R"({"credsStore": "test"})", "/d/config.json");
    REQUIRE(config.config);

    const auto hub = runtime::find_registry_auth(*config.config, "index.docker.io", runner);
    INFO(hub.error);
    REQUIRE(hub.auth);
    REQUIRE(hub.auth->identity_token);
    CHECK(hub.auth->identity_token->reveal() == "hub-token");

    const auto none = runtime::find_registry_auth(*config.config, "nobody.example.com", runner);
    CHECK(none.status == runtime::AuthLookup::Status::anonymous);
}

TEST_CASE("helper failures are errors that quote no output", "[docker_config][helper]") {
    HelperDir helpers;
    helpers.add("broken", "echo 'leaked-secret-on-stdout'\necho 'keychain locked' >&2\nexit 2\n");
    helpers.add("garbled", "echo 'not json leaked-secret'\n");
    runtime::ProcessCredentialHelper runner;

    const auto broken = runner.get("broken", "r.example.com");
    CHECK_FALSE(broken.auth);
    CHECK(
        broken.error ==
        "docker-credential-broken get for r.example.com failed with exit code 2: keychain locked");

    const auto garbled = runner.get("garbled", "r.example.com");
    CHECK(garbled.error ==
          "docker-credential-garbled get for r.example.com: its reply is not a JSON object");

    const auto missing = runner.get("no-such-helper-anywhere", "r.example.com");
    CHECK(missing.error ==
          "docker-credential-no-such-helper-anywhere is not on PATH (needed for r.example.com)");
}

TEST_CASE("a helper that hangs is stopped", "[docker_config][helper]") {
    HelperDir helpers;
    helpers.add("slow", "exec sleep 30\n");
    runtime::ProcessCredentialHelper runner(std::chrono::milliseconds(300));
    const auto result = runner.get("slow", "r.example.com");
    CHECK_FALSE(result.auth);
    CHECK(result.error ==
          "docker-credential-slow get for r.example.com did not answer within 300 ms");
}
