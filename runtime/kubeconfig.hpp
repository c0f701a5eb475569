#pragma once
// Reading a kubeconfig and selecting one of its contexts by name. The file's current-context is
// recorded but never selected: a deploy target is always named explicitly.

#include "runtime/secret.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::runtime {

struct KubeCluster {
    std::string name;
    std::string server;
    std::optional<std::filesystem::path> certificate_authority; ///< absolute
    std::optional<std::string> certificate_authority_data;      ///< PEM, decoded from base64
    bool insecure_skip_tls_verify = false;
    std::optional<std::string> tls_server_name;
    std::optional<std::string> proxy_url;
};

/// An exec credential plugin, recorded so a later step can run it; loading never does.
struct KubeExec {
    std::string api_version;
    std::string command;
    std::vector<std::string> args;
    std::vector<std::pair<std::string, std::string>> env;
};

/// A legacy auth-provider (gcp, azure, oidc), recorded by name; its config may hold tokens.
struct KubeAuthProvider {
    std::string name;
    std::vector<std::pair<std::string, Secret>> config;
};

struct KubeUser {
    std::string name;
    std::optional<Secret> token;
    std::optional<std::filesystem::path> token_file;
    std::optional<std::filesystem::path> client_certificate;
    std::optional<std::string> client_certificate_data; ///< PEM, decoded
    std::optional<std::filesystem::path> client_key;
    std::optional<Secret> client_key_data; ///< PEM, decoded
    std::optional<std::string> username;
    std::optional<Secret> password;
    std::optional<KubeExec> exec;
    std::optional<KubeAuthProvider> auth_provider;
};

struct KubeContext {
    std::string name;
    std::string cluster;
    std::string user;                          ///< empty: anonymous
    std::optional<std::string> namespace_name; ///< absent in the file: Kubernetes' "default"
};

struct Kubeconfig {
    std::filesystem::path path;
    std::vector<KubeCluster> clusters;
    std::vector<KubeUser> users;
    std::vector<KubeContext> contexts;
    std::string current_context; ///< as written; informative only, never selected

    [[nodiscard]] const KubeContext* find_context(std::string_view name) const;
    [[nodiscard]] std::vector<std::string_view> context_names() const;
};

struct KubeconfigResult {
    std::optional<Kubeconfig> config;
    std::string error; ///< `path:line:col: message` when the position is known
};

/// Parses kubeconfig text; relative file paths in it are resolved against `path`'s directory,
/// as kubectl does. Does no I/O.
[[nodiscard]] KubeconfigResult parse_kubeconfig(std::string_view text,
                                                const std::filesystem::path& path);

/// Reads and parses a kubeconfig file.
[[nodiscard]] KubeconfigResult load_kubeconfig(const std::filesystem::path& path);

/// Everything needed to talk to one context's cluster as its user.
struct KubeTarget {
    std::string context;
    KubeCluster cluster;
    KubeUser user;              ///< empty name: anonymous
    std::string namespace_name; ///< the context's namespace, else "default"
    bool namespace_from_context = false;
};

struct KubeSelection {
    std::optional<KubeTarget> target;
    std::string error;
    std::optional<std::string> suggestion; ///< a context name close to the one asked for
};

/// Selects `context` by name. An empty name is an error: the current-context is never implied.
[[nodiscard]] KubeSelection select_context(const Kubeconfig& config, std::string_view context);

} // namespace ferry::runtime
