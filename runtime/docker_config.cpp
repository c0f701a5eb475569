#include "runtime/docker_config.hpp"

#include "compiler/environment.hpp"

#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace ferry::runtime {
namespace {

using nlohmann::json;

// 1-based line and column of a byte offset, so a JSON error points into the file without
// quoting it (nlohmann's own message shows the text last read, which may be a password).
std::string position_of(std::string_view text, std::size_t offset) {
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return fmt::format("{}:{}", line, column);
}

std::optional<std::string> string_field(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
        return std::nullopt;
    }
    return it->get<std::string>();
}

bool has_credentials(const RegistryAuth& auth) {
    return !auth.password.empty() || auth.identity_token || auth.registry_token;
}

// One `auths` entry; an empty entry (credsStore keeps those) holds no credentials.
std::optional<RegistryAuth> auth_entry(const json& entry, const std::string& key,
                                       const std::filesystem::path& path, std::string& error) {
    RegistryAuth auth;
    auth.source = fmt::format("auths[\"{}\"] in {}", key, path.string());
    if (const auto encoded = string_field(entry, "auth")) {
        std::string decoded;
        const bool valid = detail::base64_decode(*encoded, decoded);
        const auto colon = decoded.find(':');
        if (!valid || colon == std::string::npos) {
            error = fmt::format("{}: 'auth' of auths[\"{}\"] is not base64 of username:password",
                                path.string(), key);
            return std::nullopt;
        }
        auth.username = Secret(decoded.substr(0, colon));
        auth.password = Secret(decoded.substr(colon + 1));
        Secret wipe(std::move(decoded));
    }
    if (const auto username = string_field(entry, "username")) {
        auth.username = Secret(*username);
    }
    if (const auto password = string_field(entry, "password")) {
        auth.password = Secret(*password);
    }
    if (const auto token = string_field(entry, "identitytoken")) {
        auth.identity_token = Secret(*token);
    }
    if (const auto token = string_field(entry, "registrytoken")) {
        auth.registry_token = Secret(*token);
    }
    return auth;
}

AuthLookup found(RegistryAuth auth) {
    return {AuthLookup::Status::found, std::move(auth), {}};
}

AuthLookup from_helper(CredentialHelper& helpers, const std::string& helper,
                       std::string_view server, bool& not_found) {
    HelperResult result = helpers.get(helper, helper_server_url(server));
    not_found = result.not_found;
    if (result.auth) {
        return found(std::move(*result.auth));
    }
    if (result.not_found) {
        return {};
    }
    return {AuthLookup::Status::error, std::nullopt, std::move(result.error)};
}

} // namespace

DockerConfigResult parse_docker_config(std::string_view text, const std::filesystem::path& path) {
    const json root = json::parse(text.begin(), text.end(), nullptr, false);
    if (root.is_discarded()) {
        // Parse again only to learn where: the exception's byte offset, not its message.
        std::string where = "?";
        try {
            const json again = json::parse(text.begin(), text.end());
            (void)again;
        } catch (const json::parse_error& e) {
            where = position_of(text, e.byte > 0 ? e.byte - 1 : 0);
        }
        return {std::nullopt, fmt::format("{}:{}: invalid JSON", path.string(), where)};
    }
    if (!root.is_object()) {
        return {std::nullopt, fmt::format("{}: expected a JSON object", path.string())};
    }
    DockerConfig config;
    config.path = path;
    std::string error;
    if (const auto auths = root.find("auths"); auths != root.end() && auths->is_object()) {
        for (const auto& [key, entry] : auths->items()) {
            if (!entry.is_object()) {
                continue;
            }
            auto auth = auth_entry(entry, key, path, error);
            if (!auth) {
                return {std::nullopt, error};
            }
            // Two spellings of one registry: the first that holds credentials wins.
            auto& slot = config.auths[compiler::normalize_registry_server(key)];
            if (!has_credentials(slot)) {
                slot = std::move(*auth);
            }
        }
    }
    if (const auto helpers = root.find("credHelpers");
        helpers != root.end() && helpers->is_object()) {
        for (const auto& [key, helper] : helpers->items()) {
            if (helper.is_string() && !helper.get_ref<const std::string&>().empty()) {
                config.cred_helpers[compiler::normalize_registry_server(key)] =
                    helper.get<std::string>();
            }
        }
    }
    config.creds_store = string_field(root, "credsStore");
    return {std::move(config), {}};
}

DockerConfigResult load_docker_config(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return {std::nullopt, fmt::format("{}: no such docker config file", path.string())};
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return {std::nullopt, fmt::format("{}: cannot open the docker config", path.string())};
    }
    const Secret text{
        std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()}};
    return parse_docker_config(text.reveal(), path);
}

std::string helper_server_url(std::string_view server) {
    std::string normalized = compiler::normalize_registry_server(server);
    return normalized == "docker.io" ? "https://index.docker.io/v1/" : normalized;
}

AuthLookup find_registry_auth(const DockerConfig& config, std::string_view server,
                              CredentialHelper& helpers) {
    const std::string key = compiler::normalize_registry_server(server);
    bool not_found = false;
    if (const auto helper = config.cred_helpers.find(key); helper != config.cred_helpers.end()) {
        return from_helper(helpers, helper->second, key, not_found);
    }
    if (config.creds_store) {
        AuthLookup lookup = from_helper(helpers, *config.creds_store, key, not_found);
        if (!not_found) {
            return lookup;
        }
    }
    if (const auto entry = config.auths.find(key);
        entry != config.auths.end() && has_credentials(entry->second)) {
        return found(entry->second);
    }
    return {};
}

AuthLookup registry_auth(const DockerCredentialSource& source, std::string_view server,
                         CredentialHelper& helpers) {
    if (source.config_file) {
        DockerConfigResult loaded = load_docker_config(*source.config_file);
        if (!loaded.config) {
            return {AuthLookup::Status::error, std::nullopt, std::move(loaded.error)};
        }
        AuthLookup lookup = find_registry_auth(*loaded.config, server, helpers);
        if (lookup.status != AuthLookup::Status::anonymous || !source.helper) {
            return lookup;
        }
    }
    if (source.helper) {
        bool not_found = false;
        return from_helper(helpers, *source.helper, compiler::normalize_registry_server(server),
                           not_found);
    }
    return {};
}

Secret dockerconfigjson(std::string_view server, const RegistryAuth& auth) {
    json entry = json::object();
    if (!auth.password.empty()) {
        entry["username"] = auth.username.reveal();
        entry["password"] = auth.password.reveal();
        entry["auth"] =
            detail::base64_encode(auth.username.reveal() + ":" + auth.password.reveal());
    }
    if (auth.identity_token) {
        entry["identitytoken"] = auth.identity_token->reveal();
    }
    if (auth.registry_token) {
        entry["registrytoken"] = auth.registry_token->reveal();
    }
    json document = {{"auths", {{helper_server_url(server), entry}}}};
    return Secret(document.dump());
}

} // namespace ferry::runtime
