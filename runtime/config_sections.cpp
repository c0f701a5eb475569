// ferry.yaml's registries:, clusters: and environments: sections.
#include "runtime/config_reader.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace ferry::runtime::detail {
namespace {

namespace c = ferry::compiler;

// Keys that would put a secret into a registry; they belong under credentials:.
const std::vector<std::string_view> registry_secret_keys = {"username", "password", "auth", "token",
                                                            "identitytoken"};

bool valid_entry_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
    });
}

// host[:port], host being a DNS name, an IPv4 address or a bracketed IPv6 address.
bool valid_server(std::string_view server) {
    std::string_view host = server;
    std::string_view port;
    if (!host.empty() && host.front() == '[') {
        const auto close = host.find(']');
        if (close == std::string_view::npos) {
            return false;
        }
        port = host.substr(close + 1);
        host = host.substr(1, close - 1);
        if (!port.empty() && port.front() != ':') {
            return false;
        }
    } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
        port = host.substr(colon);
        host = host.substr(0, colon);
    }
    if (!port.empty()) {
        port.remove_prefix(1);
        if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char ch) {
                return ch >= '0' && ch <= '9';
            })) {
            return false;
        }
    }
    return !host.empty() && std::all_of(host.begin(), host.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.' || ch == ':';
    });
}

bool loopback(std::string_view server) {
    const std::string_view host = server.substr(0, server.rfind(':'));
    return server.substr(0, 4) == "127." || host == "localhost" || server.substr(0, 5) == "[::1]";
}

bool valid_prefix(std::string_view prefix) {
    return std::all_of(prefix.begin(), prefix.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
               ch == '-' || ch == '/';
    });
}

bool valid_secret_name(std::string_view name) {
    return !name.empty() && name.size() <= 253 &&
           std::all_of(name.begin(), name.end(), [](char ch) {
               return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                      ch == '.';
           });
}

bool valid_variable_name(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
    });
}

// The named entries of a section (`registries: {name: {...}}`), each a map; null is empty.
std::vector<Entry> named_entries(ConfigReader& reader, const Entry& section,
                                 std::string_view plural, std::string_view singular) {
    if (section.value.IsNull()) {
        return {};
    }
    if (!reader.expect_map(section.value, section.value_span, fmt::format("a map of {}", plural))) {
        return {};
    }
    std::vector<Entry> entries = reader.entries(section.value, {}, section.key);
    std::vector<Entry> maps;
    for (auto& entry : entries) {
        if (!valid_entry_name(entry.key)) {
            reader.error("E0605", entry.key_span,
                         fmt::format("invalid {} name '{}': use letters, digits, '-', '_' and '.'",
                                     singular, entry.key));
            continue;
        }
        if (reader.expect_map(entry.value, entry.value_span,
                              fmt::format("a map for {} '{}'", singular, entry.key))) {
            maps.push_back(std::move(entry));
        }
    }
    return maps;
}

void read_tls(ConfigReader& reader, const Entry& entry, const std::string& where,
              c::TlsSettings& tls) {
    if (!reader.expect_map(entry.value, entry.value_span, "a map for 'tls' (ca, insecure)")) {
        return;
    }
    const auto fields = reader.entries(entry.value, {"ca", "insecure", "clientCert", "clientKey"},
                                       "tls of " + where);
    for (const auto& field : fields) {
        if (field.key == "insecure") {
            tls.insecure = reader.boolean(field, "tls").value_or(false);
        } else if (const auto text = reader.string(field, "tls")) {
            auto& target = field.key == "ca"           ? tls.ca
                           : field.key == "clientCert" ? tls.client_cert
                                                       : tls.client_key;
            target = reader.path(text->value);
        }
    }
    if (tls.ca && tls.insecure) {
        reader.error(
            "E0612", entry.value_span,
            fmt::format("tls of {} sets both 'ca' and 'insecure: true'; choose one", where));
    }
    if (tls.client_cert.has_value() != tls.client_key.has_value()) {
        reader.error("E0604", entry.value_span,
                     fmt::format("tls of {} needs both 'clientCert' and 'clientKey'", where));
    }
}

void read_registry(ConfigReader& reader, const Entry& item, c::EnvironmentConfig& config) {
    const std::string where = fmt::format("registry '{}'", item.key);
    std::vector<std::string_view> known = {"server", "prefix", "credentials", "tls",
                                           "buildEvidence"};
    std::vector<std::string_view> accepted = known;
    accepted.insert(accepted.end(), registry_secret_keys.begin(), registry_secret_keys.end());
    const auto fields = reader.entries(item.value, accepted, where);
    reader.require(fields, {"server"}, item.key_span, where);
    c::Registry registry{item.key, item.key_span, {}, {}, {}, {}, true};
    for (const auto& field : fields) {
        if (std::find(known.begin(), known.end(), field.key) == known.end()) {
            reader.error("E0608", field.key_span,
                         fmt::format("{} holds '{}' inline: ferry.yaml never holds credentials; "
                                     "declare them under 'credentials:' and name the id in "
                                     "'credentials'",
                                     where, field.key));
        } else if (field.key == "tls") {
            read_tls(reader, field, where, registry.tls);
        } else if (field.key == "buildEvidence") {
            registry.build_evidence = reader.boolean(field, where).value_or(true);
        } else if (const auto text = reader.string(field, where)) {
            if (field.key == "server") {
                registry.server = c::normalize_registry_server(text->value);
                if (!valid_server(registry.server)) {
                    reader.error("E0605", text->span,
                                 fmt::format("invalid registry server '{}': expected host[:port]",
                                             text->value));
                }
            } else if (field.key == "prefix") {
                std::string_view prefix = text->value;
                while (!prefix.empty() && prefix.front() == '/') {
                    prefix.remove_prefix(1);
                }
                while (!prefix.empty() && prefix.back() == '/') {
                    prefix.remove_suffix(1);
                }
                registry.prefix = prefix;
                if (!valid_prefix(prefix)) {
                    reader.error("E0605", text->span,
                                 fmt::format("invalid repository prefix '{}': use lowercase "
                                             "letters, digits, '.', '_', '-' and '/'",
                                             text->value));
                }
            } else {
                registry.credentials = *text;
            }
        }
    }
    if (registry.tls.insecure && !registry.server.empty() && !loopback(registry.server)) {
        auto& d = reader.diagnostics().warning(
            "W0614", item.key_span,
            fmt::format("{} at {} skips TLS verification", where, registry.server));
        d.fix = "give the registry's CA with 'tls: { ca: path/to/ca.pem }'";
    }
    config.registries.push_back(std::move(registry));
}

void read_cluster(ConfigReader& reader, const Entry& item, c::EnvironmentConfig& config) {
    const std::string where = fmt::format("cluster '{}'", item.key);
    const auto fields = reader.entries(item.value, {"kubeconfig", "context"}, where);
    c::Cluster cluster{item.key, item.key_span, reader.path("~/.kube/config"), {}};
    bool has_context = false;
    for (const auto& field : fields) {
        const auto text = reader.string(field, where);
        if (!text) {
            has_context = has_context || field.key == "context";
            continue;
        }
        if (field.key == "kubeconfig") {
            cluster.kubeconfig = reader.path(text->value);
        } else {
            cluster.context = *text;
            has_context = true;
        }
    }
    if (!has_context) {
        auto& d = reader.error("E0604", item.key_span, fmt::format("{} has no 'context'", where));
        d.notes.push_back({"ferry never uses a kubeconfig's current-context; name the context "
                           "to deploy to",
                           std::nullopt});
    }
    config.clusters.push_back(std::move(cluster));
}

void read_pull_secret(ConfigReader& reader, const Entry& entry, const std::string& where,
                      c::Environment& environment) {
    c::PullSecretPolicy policy{{}, false, {}, entry.key_span};
    if (entry.value.IsScalar()) {
        if (const auto name = reader.string(entry, where)) {
            policy.name = name->value;
            policy.span = name->span;
        }
    } else if (reader.expect_map(entry.value, entry.value_span,
                                 "a map for 'pullSecret' (name, create, credentials) or a name")) {
        const std::string inner = "pullSecret of " + where;
        const auto fields = reader.entries(entry.value, {"name", "create", "credentials"}, inner);
        reader.require(fields, {"name"}, entry.key_span, inner);
        for (const auto& field : fields) {
            if (field.key == "create") {
                policy.create = reader.boolean(field, inner).value_or(false);
            } else if (const auto text = reader.string(field, inner)) {
                if (field.key == "name") {
                    policy.name = text->value;
                    policy.span = text->span;
                } else {
                    policy.credentials = *text;
                }
            }
        }
    }
    if (!policy.name.empty() && !valid_secret_name(policy.name)) {
        reader.error("E0605", policy.span,
                     fmt::format("invalid pull secret name '{}': use lowercase letters, digits, "
                                 "'-' and '.'",
                                 policy.name));
    }
    environment.pull_secret = std::move(policy);
}

void read_variables(ConfigReader& reader, const Entry& entry, const std::string& where,
                    c::Environment& environment) {
    if (entry.value.IsNull() ||
        !reader.expect_map(entry.value, entry.value_span, "a map of variables (NAME: value)")) {
        return;
    }
    for (const auto& variable : reader.entries(entry.value, {}, "variables of " + where)) {
        if (!valid_variable_name(variable.key)) {
            reader.error("E0605", variable.key_span,
                         fmt::format("invalid variable name '{}': use letters, digits and '_', "
                                     "not starting with a digit",
                                     variable.key));
        } else if (!variable.value.IsScalar()) {
            reader.error("E0603", variable.value_span,
                         fmt::format("expected a string for variable '{}', got {}", variable.key,
                                     ConfigReader::kind_name(variable.value)));
        } else {
            if (auto value = reader.expand(variable.value.Scalar(), variable.value_span)) {
                environment.variables.emplace_back(variable.key, std::move(*value));
            }
        }
    }
}

void read_environment(ConfigReader& reader, const Entry& item, c::EnvironmentConfig& config) {
    const std::string where = fmt::format("environment '{}'", item.key);
    const auto fields =
        reader.entries(item.value,
                       {"description", "cluster", "namespace", "registry", "createNamespace",
                        "allowedNamespaces", "pullSecret", "variables"},
                       where);
    reader.require(fields, {"cluster", "namespace"}, item.key_span, where);
    c::Environment environment;
    environment.name = item.key;
    environment.span = item.key_span;
    for (const auto& field : fields) {
        if (field.key == "createNamespace") {
            environment.create_namespace = reader.boolean(field, where).value_or(false);
        } else if (field.key == "allowedNamespaces") {
            environment.allowed_namespaces =
                reader.string_list(field, where).value_or(std::vector<c::ConfigString>{});
        } else if (field.key == "pullSecret") {
            read_pull_secret(reader, field, where, environment);
        } else if (field.key == "variables") {
            read_variables(reader, field, where, environment);
        } else if (const auto text = reader.string(field, where)) {
            if (field.key == "cluster") {
                environment.cluster = *text;
            } else if (field.key == "namespace") {
                environment.namespace_name = *text;
            } else if (field.key == "registry") {
                environment.registry = *text;
            } else {
                environment.description = text->value;
            }
        }
    }
    if (!environment.namespace_name.value.empty() &&
        !c::is_valid_namespace(environment.namespace_name.value)) {
        reader.error("E0605", environment.namespace_name.span,
                     fmt::format("invalid namespace '{}': use at most 63 lowercase letters, digits "
                                 "and '-', starting and ending with a letter or digit",
                                 environment.namespace_name.value));
    }
    for (const auto& pattern : environment.allowed_namespaces) {
        std::string probe = pattern.value;
        std::replace(probe.begin(), probe.end(), '*', 'a');
        if (!c::is_valid_namespace(probe)) {
            reader.error(
                "E0605", pattern.span,
                fmt::format("invalid namespace pattern '{}' in allowedNamespaces", pattern.value));
        }
    }
    config.environments.push_back(std::move(environment));
}

} // namespace

void read_registries(ConfigReader& reader, const Entry& section, c::EnvironmentConfig& config) {
    for (const auto& item : named_entries(reader, section, "registries", "registry")) {
        read_registry(reader, item, config);
    }
}

void read_clusters(ConfigReader& reader, const Entry& section, c::EnvironmentConfig& config) {
    for (const auto& item : named_entries(reader, section, "clusters", "cluster")) {
        read_cluster(reader, item, config);
    }
}

void read_environments(ConfigReader& reader, const Entry& section, c::EnvironmentConfig& config) {
    for (const auto& item : named_entries(reader, section, "environments", "environment")) {
        read_environment(reader, item, config);
    }
}

} // namespace ferry::runtime::detail
