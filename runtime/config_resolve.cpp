// Reading credential values at run or probe time. Error messages name the credential and the
// file or variable that failed, never a value.
#include "runtime/config.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <iterator>

namespace ferry::runtime {
namespace {

namespace c = ferry::compiler;

// `echo secret > file` leaves a line break that is not part of the secret.
std::string without_trailing_newline(std::string text) {
    if (!text.empty() && text.back() == '\n') {
        text.pop_back();
        if (!text.empty() && text.back() == '\r') {
            text.pop_back();
        }
    }
    return text;
}

struct Read {
    std::optional<Secret> value;
    std::string error;
};

Read read_source(const c::SecretSource& source, std::string_view part,
                 const c::Credential& credential, const CredentialSources& sources) {
    const std::string who = fmt::format("credential '{}'", credential.id);
    switch (source.origin) {
    case c::SecretOrigin::literal:
        return {Secret(source.location), {}};
    case c::SecretOrigin::env: {
        auto value = sources.env ? sources.env(source.location) : std::nullopt;
        if (!value) {
            return {std::nullopt, fmt::format("{}: environment variable {} (its {}) is not set",
                                              who, source.location, part)};
        }
        if (value->empty()) {
            return {std::nullopt, fmt::format("{}: environment variable {} (its {}) is empty", who,
                                              source.location, part)};
        }
        return {Secret(std::move(*value)), {}};
    }
    case c::SecretOrigin::file: {
        auto content = sources.read_file ? sources.read_file(source.location) : std::nullopt;
        if (!content) {
            return {std::nullopt,
                    fmt::format("{}: cannot read {} file {}", who, part, source.location)};
        }
        std::string value = without_trailing_newline(std::move(*content));
        if (value.empty()) {
            return {std::nullopt,
                    fmt::format("{}: {} file {} is empty", who, part, source.location)};
        }
        return {Secret(std::move(value)), {}};
    }
    }
    return {std::nullopt, fmt::format("{}: no source for its {}", who, part)};
}

ResolvedCredential failure(std::string message) {
    return {std::nullopt, std::move(message)};
}

} // namespace

CredentialSources system_credential_sources() {
    CredentialSources sources;
    sources.env = [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
    };
    sources.read_file = [](const std::filesystem::path& path) -> std::optional<std::string> {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) {
            return std::nullopt;
        }
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            return std::nullopt;
        }
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    };
    return sources;
}

ResolvedCredential resolve_credential(const c::Credential& credential,
                                      const CredentialSources& sources) {
    const auto missing = [&](std::string_view part) {
        return failure(
            fmt::format("credential '{}' has no source for its {}", credential.id, part));
    };
    switch (credential.kind) {
    case c::CredentialKind::string: {
        if (!credential.value) {
            return missing("value");
        }
        Read read = read_source(*credential.value, "value", credential, sources);
        if (!read.value) {
            return failure(std::move(read.error));
        }
        return {CredentialValue(std::move(*read.value)), {}};
    }
    case c::CredentialKind::file: {
        if (!credential.value) {
            return missing("file");
        }
        auto content =
            sources.read_file ? sources.read_file(credential.value->location) : std::nullopt;
        if (!content) {
            return failure(fmt::format("credential '{}': cannot read file {}", credential.id,
                                       credential.value->location));
        }
        return {
            CredentialValue(SecretFile{credential.value->location, Secret(std::move(*content))}),
            {}};
    }
    case c::CredentialKind::username_password: {
        if (!credential.username || !credential.password) {
            return missing(credential.username ? "password" : "username");
        }
        Read username = read_source(*credential.username, "username", credential, sources);
        if (!username.value) {
            return failure(std::move(username.error));
        }
        Read password = read_source(*credential.password, "password", credential, sources);
        if (!password.value) {
            return failure(std::move(password.error));
        }
        return {CredentialValue(
                    UsernamePassword{std::move(*username.value), std::move(*password.value)}),
                {}};
    }
    case c::CredentialKind::docker_config: {
        if (credential.docker_config && sources.read_file &&
            !sources.read_file(*credential.docker_config)) {
            return failure(fmt::format("credential '{}': cannot read docker config {}",
                                       credential.id, credential.docker_config->string()));
        }
        return {
            CredentialValue(DockerCredentialSource{credential.docker_config, credential.helper}),
            {}};
    }
    }
    return missing("value");
}

} // namespace ferry::runtime
