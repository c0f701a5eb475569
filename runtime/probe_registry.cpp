// Tag probes: a HEAD of each requested tag's manifest, authenticated and verified as ferry.yaml
// says for its registry. Reads only; a missing tag is a known absence, a failure is `unknown`.
#include "runtime/probe_registry.hpp"

#include "runtime/docker_config.hpp"
#include "runtime/image_store.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace ferry::runtime {
namespace {

namespace c = ferry::compiler;

} // namespace

const c::Registry* registry_for(const c::EnvironmentConfig& config, const c::Environment& env,
                                const std::string& server) {
    if (env.registry) {
        if (const auto* own = config.find_registry(env.registry->value);
            own != nullptr && c::normalize_registry_server(own->server) == server) {
            return own;
        }
    }
    const auto it =
        std::find_if(config.registries.begin(), config.registries.end(), [&](const c::Registry& r) {
            return c::normalize_registry_server(r.server) == server;
        });
    return it == config.registries.end() ? nullptr : &*it;
}

namespace {

// The credential's value as registry auth; nullopt with an empty error means anonymous.
std::optional<RegistryAuth> auth_from(const c::Credential& credential, const std::string& server,
                                      const CredentialSources& sources, std::string& error) {
    const auto resolved = resolve_credential(credential, sources);
    if (!resolved.ok()) {
        error = resolved.error;
        return std::nullopt;
    }
    const auto source = fmt::format("credential {}", credential.id);
    ProcessCredentialHelper helpers;
    const auto from_docker =
        [&](const DockerCredentialSource& docker) -> std::optional<RegistryAuth> {
        auto lookup = registry_auth(docker, server, helpers);
        if (lookup.status == AuthLookup::Status::error) {
            error = lookup.error;
        }
        return lookup.auth;
    };
    return std::visit(
        [&](const auto& value) -> std::optional<RegistryAuth> {
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, UsernamePassword>) {
                RegistryAuth auth;
                auth.username = value.username;
                auth.password = value.password;
                auth.source = source;
                return auth;
            } else if constexpr (std::is_same_v<T, Secret>) {
                RegistryAuth auth;
                auth.registry_token = value;
                auth.source = source;
                return auth;
            } else if constexpr (std::is_same_v<T, SecretFile>) {
                return from_docker(DockerCredentialSource{value.path, std::nullopt});
            } else {
                return from_docker(value);
            }
        },
        *resolved.value);
}

} // namespace

EndpointLookup registry_endpoint(const std::string& server, const c::EnvironmentConfig* config,
                                 const c::Environment& environment,
                                 const CredentialSources& sources) {
    EndpointLookup out;
    out.endpoint.server = server;
    const c::Registry* registry =
        config == nullptr ? nullptr : registry_for(*config, environment, server);
    if (registry == nullptr) {
        return out; // anonymous, system CAs
    }
    out.endpoint.tls = registry->tls;
    if (!registry->credentials) {
        return out;
    }
    const auto* credential = config->find_credential(registry->credentials->value);
    if (credential == nullptr) {
        out.error = fmt::format("registry {} names credential {}, which is not defined",
                                registry->name, registry->credentials->value);
        return out;
    }
    out.endpoint.auth = auth_from(*credential, server, sources, out.error);
    // Notes only in a cache of this user's, never the shared temporary one.
    if (const auto cache = user_cache_root(sources.env)) {
        out.endpoint.notes = *cache / "registries";
    }
    return out;
}

std::vector<c::TagObservation>
probe_tags(const std::vector<std::string>& references, const c::Environment& environment,
           const ProbeOptions& options,
           const std::function<std::optional<std::string>(const std::string&)>& getenv) {
    std::vector<c::TagObservation> out(references.size());
    auto sources = system_credential_sources();
    if (getenv) {
        sources.env = getenv;
    }
    std::map<std::string, std::vector<std::size_t>> by_server;
    for (std::size_t i = 0; i < references.size(); ++i) {
        out[i].reference = references[i];
        const auto ref = parse_image_reference(references[i]);
        if (!ref) {
            out[i].reason = fmt::format("{} is not an image reference", references[i]);
        } else {
            by_server[ref->server].push_back(i);
        }
    }
    for (const auto& [server, indexes] : by_server) {
        auto lookup = registry_endpoint(server, options.config, environment, sources);
        if (!lookup.error.empty()) {
            for (const auto i : indexes) {
                out[i].reason = lookup.error;
            }
            continue;
        }
        lookup.endpoint.timeout = options.timeout;
        RegistryClient client(std::move(lookup.endpoint));
        for (const auto i : indexes) {
            const auto ref = parse_image_reference(references[i]);
            const auto result =
                client.head_manifest(ref->repository, ref->digest.empty() ? ref->tag : ref->digest);
            if (result.ok) {
                out[i].known = c::Known::yes;
                out[i].digest = result.digest;
                out[i].media_type = result.media_type;
            } else if (result.not_found) {
                out[i].known = c::Known::yes; // the tag does not exist (yet)
            } else {
                out[i].reason = result.error;
            }
        }
    }
    return out;
}

} // namespace ferry::runtime
