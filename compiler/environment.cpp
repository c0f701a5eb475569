#include "compiler/environment.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace ferry::compiler {
namespace {

template <typename T>
const T* find_named(const std::vector<T>& items, std::string_view name) {
    const auto it =
        std::find_if(items.begin(), items.end(), [&](const T& item) { return item.name == name; });
    return it == items.end() ? nullptr : &*it;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

} // namespace

std::string_view to_string(CredentialKind kind) {
    switch (kind) {
    case CredentialKind::string:
        return "string";
    case CredentialKind::username_password:
        return "usernamePassword";
    case CredentialKind::file:
        return "file";
    case CredentialKind::docker_config:
        return "dockerconfig";
    }
    return "string";
}

std::string Registry::repository(std::string_view image) const {
    std::string out = server;
    if (!prefix.empty()) {
        out += '/';
        out += prefix;
    }
    out += '/';
    out += image;
    return out;
}

bool Environment::allows_namespace(std::string_view ns) const {
    if (allowed_namespaces.empty()) {
        return ns == namespace_name.value;
    }
    return std::any_of(allowed_namespaces.begin(), allowed_namespaces.end(),
                       [&](const ConfigString& pattern) { return glob_match(pattern.value, ns); });
}

const Registry* EnvironmentConfig::find_registry(std::string_view name) const {
    return find_named(registries, name);
}

const Cluster* EnvironmentConfig::find_cluster(std::string_view name) const {
    return find_named(clusters, name);
}

std::string image_repository(std::string_view reference) {
    std::string repo(reference.substr(0, reference.find('@')));
    const auto slash = repo.rfind('/');
    const auto colon = repo.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
        repo.resize(colon);
    }
    return repo;
}

const Cluster* EnvironmentConfig::find_cluster_by_context(const Environment& environment,
                                                          std::string_view context) const {
    if (const auto* own = find_cluster(environment.cluster.value);
        own != nullptr && own->context.value == context) {
        return own;
    }
    const auto it = std::find_if(clusters.begin(), clusters.end(),
                                 [&](const Cluster& k) { return k.context.value == context; });
    return it == clusters.end() ? nullptr : &*it;
}

const Environment* EnvironmentConfig::find_environment(std::string_view name) const {
    return find_named(environments, name);
}

const Credential* EnvironmentConfig::find_credential(std::string_view id) const {
    const auto it = std::find_if(credentials.begin(), credentials.end(),
                                 [&](const Credential& c) { return c.id == id; });
    return it == credentials.end() ? nullptr : &*it;
}

std::vector<std::string_view> EnvironmentConfig::environment_names() const {
    std::vector<std::string_view> names;
    names.reserve(environments.size());
    for (const auto& environment : environments) {
        names.emplace_back(environment.name);
    }
    return names;
}

std::string normalize_registry_server(std::string_view server) {
    std::string_view rest = server;
    for (const std::string_view scheme : {"https://", "http://"}) {
        if (rest.size() >= scheme.size() && lower(rest.substr(0, scheme.size())) == scheme) {
            rest.remove_prefix(scheme.size());
            break;
        }
    }
    // Only the authority names the registry; docker's legacy keys carry a path such as /v1/.
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        rest = rest.substr(0, slash);
    }
    std::string host = lower(rest);
    static constexpr std::array<std::string_view, 5> hub_aliases = {
        "docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com",
        "docker.io:443"};
    if (std::find(hub_aliases.begin(), hub_aliases.end(), host) != hub_aliases.end()) {
        return "docker.io";
    }
    return host;
}

bool is_valid_namespace(std::string_view name) {
    if (name.empty() || name.size() > 63) {
        return false;
    }
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!alnum(name.front()) || !alnum(name.back())) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [&](char c) { return alnum(c) || c == '-'; });
}

bool glob_match(std::string_view pattern, std::string_view text) {
    // Iterative matcher with one backtrack point: linear for the patterns people write.
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t star = std::string_view::npos;
    std::size_t resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

} // namespace ferry::compiler
