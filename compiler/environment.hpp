#pragma once
// Environments as the planner sees them: registries, clusters, credentials and policies, loaded
// from ferry.yaml by runtime/config.hpp. Pure values: nothing here reads a file or a variable.

#include "grammar/source.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::compiler {

/// A string from ferry.yaml together with the span it was written at, for later diagnostics.
struct ConfigString {
    std::string value;
    grammar::Span span;
};

/// How a registry's TLS connection is verified.
struct TlsSettings {
    std::optional<std::filesystem::path> ca;          ///< extra CA bundle (PEM)
    std::optional<std::filesystem::path> client_cert; ///< client certificate for mutual TLS
    std::optional<std::filesystem::path> client_key;
    bool insecure = false; ///< skip verification (and allow plain http on loopback)
};

struct Registry {
    std::string name;
    grammar::Span span;                      ///< the registry's key in ferry.yaml
    std::string server;                      ///< normalised: host[:port], Docker Hub as `docker.io`
    std::string prefix;                      ///< repository prefix without slashes at either end
    std::optional<ConfigString> credentials; ///< an id from `credentials:`
    TlsSettings tls;
    /// Whether pushes leave build evidence (a `ferry-build-<key>` tag) in this registry and
    /// builds look for it there, so a machine with an empty cache reuses what another built.
    bool build_evidence = true;

    /// `server/prefix/image`, the repository an image called `image` is pushed to.
    [[nodiscard]] std::string repository(std::string_view image) const;
};

struct Cluster {
    std::string name;
    grammar::Span span;
    std::filesystem::path kubeconfig; ///< absolute, `~` expanded
    ConfigString context;             ///< always explicit: the current-context is never used
};

/// Where the pieces of a credential come from. Values are read at run time, never at load.
enum class SecretOrigin {
    file,    ///< `location` is an absolute path
    env,     ///< `location` is an environment variable name
    literal, ///< `location` is the value itself (only for non-secret parts such as a username)
};

struct SecretSource {
    SecretOrigin origin = SecretOrigin::env;
    std::string location;
    grammar::Span span;
};

enum class CredentialKind {
    string,            ///< one secret text (Jenkins "Secret text")
    username_password, ///< a username and a password
    file,              ///< a secret file, handed to steps by path
    docker_config,     ///< a docker config.json (or .dockerconfigjson) and/or a credential helper
};

[[nodiscard]] std::string_view to_string(CredentialKind kind);

struct Credential {
    std::string id;
    grammar::Span span;
    CredentialKind kind = CredentialKind::string;
    std::optional<SecretSource> value;                  ///< string and file kinds
    std::optional<SecretSource> username;               ///< username_password
    std::optional<SecretSource> password;               ///< username_password
    std::optional<std::filesystem::path> docker_config; ///< docker_config: the config file
    std::optional<std::string> helper; ///< docker_config: `docker-credential-<helper>` to ask
};

/// The pull secret an environment ensures in its namespace before deploying.
struct PullSecretPolicy {
    std::string name;
    bool create = false;                     ///< may ferry create or update it
    std::optional<ConfigString> credentials; ///< defaults to the registry's credentials
    grammar::Span span;
};

struct Environment {
    std::string name;
    grammar::Span span;
    std::string description;
    ConfigString cluster;
    ConfigString namespace_name;
    std::optional<ConfigString> registry;
    bool create_namespace = false;
    /// Namespaces steps may target; `*` matches any run of characters. Empty: only namespace_name.
    std::vector<ConfigString> allowed_namespaces;
    std::optional<PullSecretPolicy> pull_secret;
    /// Variables every step of this environment sees, in the order written.
    std::vector<std::pair<std::string, std::string>> variables;

    /// Whether a step of this environment may target `ns`.
    [[nodiscard]] bool allows_namespace(std::string_view ns) const;
};

/// The repository of an image reference: without `@digest` and without `:tag`
/// (`reg:5000/team/web:7@sha256:…` → `reg:5000/team/web`).
[[nodiscard]] std::string image_repository(std::string_view reference);

/// Everything ferry.yaml declares.
struct EnvironmentConfig {
    std::filesystem::path path; ///< the ferry.yaml it came from
    int version = 1;
    std::vector<Registry> registries;
    std::vector<Cluster> clusters;
    std::vector<Environment> environments;
    std::vector<Credential> credentials;

    [[nodiscard]] const Registry* find_registry(std::string_view name) const;
    [[nodiscard]] const Cluster* find_cluster(std::string_view name) const;
    /// The cluster whose kube context is `context`, the environment's own one first.
    [[nodiscard]] const Cluster* find_cluster_by_context(const Environment& environment,
                                                         std::string_view context) const;
    [[nodiscard]] const Environment* find_environment(std::string_view name) const;
    [[nodiscard]] const Credential* find_credential(std::string_view id) const;
    /// Names for "did you mean" when a `--env NAME` is unknown.
    [[nodiscard]] std::vector<std::string_view> environment_names() const;
};

/// The registry a server name denotes: scheme, path and trailing slash dropped, host lower-cased,
/// and Docker Hub's aliases (`index.docker.io`, `registry-1.docker.io`, …) folded into `docker.io`.
[[nodiscard]] std::string normalize_registry_server(std::string_view server);

/// Whether `name` is a valid Kubernetes namespace (an RFC 1123 label).
[[nodiscard]] bool is_valid_namespace(std::string_view name);

/// Glob match where `*` stands for any run of characters (used by allowedNamespaces).
[[nodiscard]] bool glob_match(std::string_view pattern, std::string_view text);

} // namespace ferry::compiler
