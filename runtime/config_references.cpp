// Cross-references inside ferry.yaml: every name an entry uses must be declared, and an
// environment's namespace must be one its policy allows.
#include "runtime/config_reader.hpp"

#include <fmt/format.h>

namespace ferry::runtime::detail {
namespace {

namespace c = ferry::compiler;

template <typename T, typename Name>
std::vector<std::string_view> names_of(const std::vector<T>& items, Name name) {
    std::vector<std::string_view> names;
    for (const auto& item : items) {
        names.push_back(name(item));
    }
    return names;
}

void unknown(grammar::Diagnostics& out, const c::ConfigString& ref, std::string_view what,
             std::string_view user, const std::vector<std::string_view>& declared) {
    auto& d = out.error("E0606", ref.span,
                        fmt::format("{} names unknown {} '{}'", user, what, ref.value));
    if (declared.empty()) {
        d.notes.push_back({fmt::format("ferry.yaml declares no {}", what), std::nullopt});
    }
    suggest(d, ref.value, declared);
}

// A registry or pull secret needs a credential that can log in to a registry.
void check_registry_credential(const c::EnvironmentConfig& config, const c::ConfigString& ref,
                               std::string_view user, grammar::Diagnostics& out) {
    const c::Credential* credential = config.find_credential(ref.value);
    if (!credential) {
        unknown(out, ref, "credential", user,
                names_of(config.credentials,
                         [](const c::Credential& x) -> std::string_view { return x.id; }));
        return;
    }
    if (credential->kind != c::CredentialKind::docker_config &&
        credential->kind != c::CredentialKind::username_password) {
        out.error("E0605", ref.span,
                  fmt::format("{} names credential '{}' of type '{}'; a registry needs one of type "
                              "'dockerconfig' or 'usernamePassword'",
                              user, ref.value, c::to_string(credential->kind)));
    }
}

void check_environment(const c::EnvironmentConfig& config, const c::Environment& environment,
                       grammar::Diagnostics& out) {
    const std::string user = fmt::format("environment '{}'", environment.name);
    if (!environment.cluster.value.empty() && !config.find_cluster(environment.cluster.value)) {
        unknown(out, environment.cluster, "cluster", user,
                names_of(config.clusters,
                         [](const c::Cluster& x) -> std::string_view { return x.name; }));
    }
    const c::Registry* registry = nullptr;
    if (environment.registry) {
        registry = config.find_registry(environment.registry->value);
        if (!registry) {
            unknown(out, *environment.registry, "registry", user,
                    names_of(config.registries,
                             [](const c::Registry& x) -> std::string_view { return x.name; }));
        }
    }
    const auto& ns = environment.namespace_name;
    if (!ns.value.empty() && !environment.allowed_namespaces.empty() &&
        !environment.allows_namespace(ns.value)) {
        auto& d = out.error(
            "E0607", ns.span,
            fmt::format("namespace '{}' of {} is outside its allowedNamespaces", ns.value, user));
        suggest(d, ns.value, names_of(environment.allowed_namespaces, [](const c::ConfigString& x) {
                    return std::string_view(x.value);
                }));
    }
    if (const auto& pull = environment.pull_secret) {
        if (pull->credentials) {
            check_registry_credential(config, *pull->credentials, "pullSecret of " + user, out);
        } else if (!environment.registry) {
            out.error("E0604", pull->span,
                      fmt::format("pullSecret of {} has no 'credentials' and the environment "
                                  "names no registry to take them from",
                                  user));
        } else if (registry && !registry->credentials) {
            out.error("E0604", pull->span,
                      fmt::format("pullSecret of {} has no 'credentials' and registry '{}' has "
                                  "none to take",
                                  user, registry->name));
        }
    }
}

} // namespace

void check_references(const c::EnvironmentConfig& config, grammar::Diagnostics& out) {
    for (const auto& registry : config.registries) {
        if (registry.credentials) {
            check_registry_credential(config, *registry.credentials,
                                      fmt::format("registry '{}'", registry.name), out);
        }
    }
    for (const auto& environment : config.environments) {
        check_environment(config, environment, out);
    }
}

} // namespace ferry::runtime::detail
