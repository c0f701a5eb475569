// ferry.yaml's credentials: section. Each entry says where a value comes from, never the value.
#include "runtime/config_reader.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace ferry::runtime::detail {
namespace {

namespace c = ferry::compiler;

struct KindKeys {
    std::string_view type;
    c::CredentialKind kind;
    std::vector<std::string_view> keys; ///< besides `type` and `description`
    std::string_view sources;           ///< how an inline value should be given instead
};

const std::vector<KindKeys>& kinds() {
    static const std::vector<KindKeys> table = {
        {"string", c::CredentialKind::string, {"env", "file"}, "'env' or 'file'"},
        {"file", c::CredentialKind::file, {"file"}, "'file'"},
        {"usernamePassword",
         c::CredentialKind::username_password,
         {"username", "usernameEnv", "usernameFile", "passwordEnv", "passwordFile"},
         "'passwordFile' or 'passwordEnv'"},
        {"dockerconfig",
         c::CredentialKind::docker_config,
         {"file", "helper"},
         "'file' or 'helper'"},
    };
    return table;
}

// Keys that would hold the secret itself.
const std::vector<std::string_view> inline_value_keys = {
    "value", "secret", "password", "token", "text", "auth", "identitytoken", "content"};

std::vector<std::string_view> all_keys() {
    std::vector<std::string_view> keys = {"type", "description"};
    for (const auto& kind : kinds()) {
        for (const auto key : kind.keys) {
            if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
                keys.push_back(key);
            }
        }
    }
    keys.insert(keys.end(), inline_value_keys.begin(), inline_value_keys.end());
    return keys;
}

const KindKeys* read_kind(ConfigReader& reader, const std::vector<Entry>& fields, const Entry& item,
                          const std::string& where) {
    const Entry* type = find_entry(fields, "type");
    if (!type) {
        std::vector<std::string> names;
        for (const auto& kind : kinds()) {
            names.emplace_back(kind.type);
        }
        reader.error("E0604", item.key_span,
                     fmt::format("{} has no 'type' ({})", where, fmt::join(names, ", ")));
        return nullptr;
    }
    const auto text = reader.string(*type, where);
    if (!text) {
        return nullptr;
    }
    const auto& table = kinds();
    const auto it = std::find_if(table.begin(), table.end(),
                                 [&](const KindKeys& k) { return k.type == text->value; });
    if (it != table.end()) {
        return &*it;
    }
    std::vector<std::string_view> names;
    for (const auto& kind : table) {
        names.push_back(kind.type);
    }
    auto& d = reader.error("E0605", text->span,
                           fmt::format("unknown credential type '{}' in {} (expected {})",
                                       text->value, where, fmt::join(names, ", ")));
    suggest(d, text->value, names);
    return nullptr;
}

// Exactly one of `keys` (or at most one when `optional`) gives this part of the credential.
std::optional<c::SecretSource> one_source(ConfigReader& reader, const std::vector<Entry>& fields,
                                          const std::vector<std::string_view>& keys,
                                          const Entry& item, const std::string& where,
                                          bool optional) {
    std::vector<const Entry*> given;
    for (const auto key : keys) {
        if (const Entry* field = find_entry(fields, key)) {
            given.push_back(field);
        }
    }
    if (given.size() > 1) {
        reader.error("E0612", given[1]->key_span,
                     fmt::format("{} gives both '{}' and '{}'; choose one", where, given[0]->key,
                                 given[1]->key));
        return std::nullopt;
    }
    if (given.empty()) {
        if (!optional) {
            std::vector<std::string> quoted;
            for (const auto key : keys) {
                quoted.push_back(fmt::format("'{}'", key));
            }
            reader.error("E0604", item.key_span,
                         fmt::format("{} needs one of {}", where, fmt::join(quoted, ", ")));
        }
        return std::nullopt;
    }
    const Entry& field = *given.front();
    const auto text = reader.string(field, where);
    if (!text) {
        return std::nullopt;
    }
    const std::string_view key = field.key;
    if (key.size() >= 3 && key.substr(key.size() - 3) == "Env") {
        return c::SecretSource{c::SecretOrigin::env, text->value, text->span};
    }
    if (key == "env") {
        return c::SecretSource{c::SecretOrigin::env, text->value, text->span};
    }
    if (key == "username") {
        return c::SecretSource{c::SecretOrigin::literal, text->value, text->span};
    }
    return c::SecretSource{c::SecretOrigin::file, reader.path(text->value).string(), text->span};
}

void read_credential(ConfigReader& reader, const Entry& item, c::EnvironmentConfig& config) {
    const std::string where = fmt::format("credential '{}'", item.key);
    const auto fields = reader.entries(item.value, all_keys(), where);
    const KindKeys* kind = read_kind(reader, fields, item, where);
    if (!kind) {
        return;
    }
    bool inline_refused = false; // then "needs one of" would only repeat the advice
    for (const auto& field : fields) {
        if (field.key == "type" || field.key == "description") {
            continue;
        }
        if (std::find(inline_value_keys.begin(), inline_value_keys.end(), field.key) !=
            inline_value_keys.end()) {
            // The message names the key, never the value written after it.
            auto& diagnostic = reader.error(
                "E0608", field.key_span,
                fmt::format("{} holds its secret inline in '{}': ferry.yaml never holds "
                            "secret values; use {} instead",
                            where, field.key, kind->sources));
            diagnostic.redact.push_back(field.value_span); // the snippet must not show it
            inline_refused = true;
        } else if (std::find(kind->keys.begin(), kind->keys.end(), field.key) == kind->keys.end()) {
            std::vector<std::string> quoted;
            for (const auto key : kind->keys) {
                quoted.push_back(fmt::format("'{}'", key));
            }
            auto& d =
                reader.error("E0602", field.key_span,
                             fmt::format("key '{}' does not apply to {} of type '{}' (it takes {})",
                                         field.key, where, kind->type, fmt::join(quoted, ", ")));
            suggest(d, field.key, kind->keys);
        }
    }
    c::Credential credential;
    credential.id = item.key;
    credential.span = item.key_span;
    credential.kind = kind->kind;
    switch (kind->kind) {
    case c::CredentialKind::string:
        credential.value = one_source(reader, fields, {"env", "file"}, item, where, inline_refused);
        break;
    case c::CredentialKind::file:
        credential.value = one_source(reader, fields, {"file"}, item, where, inline_refused);
        break;
    case c::CredentialKind::username_password:
        credential.username = one_source(
            reader, fields, {"username", "usernameEnv", "usernameFile"}, item, where, false);
        credential.password = one_source(reader, fields, {"passwordEnv", "passwordFile"}, item,
                                         where, inline_refused);
        break;
    case c::CredentialKind::docker_config:
        for (const auto& field : fields) {
            if (field.key == "file" || field.key == "helper") {
                const auto text = reader.string(field, where);
                if (text && field.key == "file") {
                    credential.docker_config = reader.path(text->value);
                } else if (text) {
                    credential.helper = text->value;
                }
            }
        }
        if (!credential.docker_config && !credential.helper) {
            reader.error("E0604", item.key_span,
                         fmt::format("{} needs 'file' (a docker config.json) or 'helper' "
                                     "(docker-credential-<helper>)",
                                     where));
        }
        break;
    }
    // Declared even when broken, so that references to it do not cascade into more errors.
    config.credentials.push_back(std::move(credential));
}

} // namespace

void read_credentials(ConfigReader& reader, const Entry& section, c::EnvironmentConfig& config) {
    if (section.value.IsNull()) {
        return;
    }
    if (!reader.expect_map(section.value, section.value_span, "a map of credentials")) {
        return;
    }
    for (const auto& item : reader.entries(section.value, {}, "credentials")) {
        const std::string where = fmt::format("credential '{}'", item.key);
        if (reader.expect_map(item.value, item.value_span, fmt::format("a map for {}", where))) {
            read_credential(reader, item, config);
        }
    }
}

} // namespace ferry::runtime::detail
