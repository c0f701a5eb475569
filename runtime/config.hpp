#pragma once
// ferry.yaml: environments, clusters, registries and credential references, loaded into the
// planner's value types (compiler/environment.hpp) with file:line:col diagnostics. Loading never
// reads a credential's value; resolve_credential() does that, at run or probe time.

#include "compiler/environment.hpp"
#include "grammar/diagnostic.hpp"
#include "grammar/source.hpp"
#include "runtime/secret.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ferry::runtime {

/// The name ferry looks for in the workspace when no config is named.
inline constexpr std::string_view default_config_name = "ferry.yaml";

/// How paths written in ferry.yaml are made absolute.
struct ConfigPaths {
    std::filesystem::path base_dir; ///< relative paths are resolved against this (the file's dir)
    std::filesystem::path home;     ///< what `~` stands for; empty leaves `~` paths unexpanded
    /// Looks up `${NAME}` in string values; empty: every `${NAME}` without a default is unset.
    std::function<std::optional<std::string>(const std::string& name)> getenv = {};
};

struct LoadedConfig {
    std::shared_ptr<const grammar::SourceFile> source; ///< null when the file could not be read
    grammar::Diagnostics diagnostics;
    std::optional<compiler::EnvironmentConfig> config; ///< present when there is no error
    [[nodiscard]] bool ok() const { return config.has_value(); }
};

/// Parses ferry.yaml text already in memory. Does no I/O.
[[nodiscard]] LoadedConfig parse_config(std::shared_ptr<const grammar::SourceFile> source,
                                        const ConfigPaths& paths);

/// Reads and parses a ferry.yaml; paths are resolved against its directory and `~` is $HOME.
/// An unreadable file is one E0610 diagnostic with an empty span and a null source.
[[nodiscard]] LoadedConfig load_config(const std::filesystem::path& path);

/// Checks that every cluster's context exists in its kubeconfig (E0613 at the `context:` value,
/// with a did-you-mean), reading each kubeconfig once. Only `clusters` named are checked; empty
/// means all. Reads files, so it belongs to probing, not loading.
void check_cluster_contexts(const compiler::EnvironmentConfig& config,
                            const std::vector<std::string>& clusters, grammar::Diagnostics& out);

/// The E06xx codes ferry.yaml loading can report.
[[nodiscard]] const std::vector<grammar::CodeInfo>& config_codes();

// --- Credential resolution -------------------------------------------------------------------

/// Where credential values come from; system_credential_sources() is the real world.
struct CredentialSources {
    /// The value of an environment variable, if set.
    std::function<std::optional<std::string>(const std::string& name)> env;
    /// A file's whole content, or nullopt when it cannot be read.
    std::function<std::optional<std::string>(const std::filesystem::path& path)> read_file;
};

/// The process environment and the real file system.
[[nodiscard]] CredentialSources system_credential_sources();

struct UsernamePassword {
    Secret username;
    Secret password;
};

/// A secret file: the path steps receive, and its content for output masking.
struct SecretFile {
    std::filesystem::path path;
    Secret content;
};

/// A docker config credential: the file to consult (see docker_config.hpp) and/or its helper.
struct DockerCredentialSource {
    std::optional<std::filesystem::path> config_file;
    std::optional<std::string> helper;
};

using CredentialValue = std::variant<Secret, UsernamePassword, SecretFile, DockerCredentialSource>;

struct ResolvedCredential {
    std::optional<CredentialValue> value;
    std::string error; ///< says which source failed; never contains a value
    [[nodiscard]] bool ok() const { return value.has_value(); }
};

/// Reads a credential's value from its files and variables. Values read from files lose one
/// trailing line break (`echo secret > file`). Errors name the credential and the source.
[[nodiscard]] ResolvedCredential resolve_credential(const compiler::Credential& credential,
                                                    const CredentialSources& sources);

} // namespace ferry::runtime
