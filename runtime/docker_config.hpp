#pragma once
// docker config.json (and .dockerconfigjson) credentials: `auths`, `credHelpers`, `credsStore`,
// and the docker-credential-<helper> `get` protocol. Server names are compared normalised, so
// `docker.io`, `index.docker.io`, `https://index.docker.io/v1/` and `registry-1.docker.io` are
// one registry, and `https://host:port/` is `host:port`.

#include "runtime/config.hpp"
#include "runtime/secret.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

/// What a registry login needs; which fields are set depends on where it came from.
struct RegistryAuth {
    Secret username;
    Secret password;
    std::optional<Secret> identity_token; ///< an OAuth2 refresh token (docker's identitytoken)
    std::optional<Secret> registry_token; ///< a bearer token sent as is
    std::string source;                   ///< where it was found, for --explain (never a value)
};

struct DockerConfig {
    std::filesystem::path path;
    std::map<std::string, RegistryAuth> auths;       ///< by normalised server
    std::map<std::string, std::string> cred_helpers; ///< normalised server → helper name
    std::optional<std::string> creds_store;
};

struct DockerConfigResult {
    std::optional<DockerConfig> config;
    std::string error; ///< names the file and the place; never quotes the file's text
};

/// Parses config.json text. Does no I/O.
[[nodiscard]] DockerConfigResult parse_docker_config(std::string_view json,
                                                     const std::filesystem::path& path);

/// Reads and parses a docker config file.
[[nodiscard]] DockerConfigResult load_docker_config(const std::filesystem::path& path);

/// The server string docker hands a credential helper: `https://index.docker.io/v1/` for
/// Docker Hub, the normalised host[:port] otherwise.
[[nodiscard]] std::string helper_server_url(std::string_view server);

/// What a credential helper said.
struct HelperResult {
    std::optional<RegistryAuth> auth;
    bool not_found = false; ///< the helper has nothing for this server
    std::string error;
};

/// Runs `docker-credential-<helper> get`; one real implementation, replaceable in tests.
class CredentialHelper {
public:
    virtual ~CredentialHelper() = default;
    [[nodiscard]] virtual HelperResult get(std::string_view helper,
                                           std::string_view server_url) = 0;
};

/// Runs helpers found on PATH with Boost.Process, the server URL on stdin, JSON on stdout.
class ProcessCredentialHelper final : public CredentialHelper {
public:
    explicit ProcessCredentialHelper(std::chrono::milliseconds timeout = std::chrono::seconds(30))
        : timeout_(timeout) {}
    [[nodiscard]] HelperResult get(std::string_view helper, std::string_view server_url) override;

private:
    std::chrono::milliseconds timeout_;
};

/// The outcome of looking up a registry's credentials.
struct AuthLookup {
    enum class Status { found, anonymous, error };
    Status status = Status::anonymous;
    std::optional<RegistryAuth> auth;
    std::string error;
};

/// Docker's order: the server's credHelpers entry, else credsStore, else the `auths` entry;
/// nothing found means anonymous access.
[[nodiscard]] AuthLookup find_registry_auth(const DockerConfig& config, std::string_view server,
                                            CredentialHelper& helpers);

/// Credentials for `server` from a ferry.yaml dockerconfig credential (its file, its helper).
[[nodiscard]] AuthLookup registry_auth(const DockerCredentialSource& source,
                                       std::string_view server, CredentialHelper& helpers);

/// A `kubernetes.io/dockerconfigjson` document holding `auth` for `server`, for pull secrets.
[[nodiscard]] Secret dockerconfigjson(std::string_view server, const RegistryAuth& auth);

} // namespace ferry::runtime
