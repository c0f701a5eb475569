// Build probes: the same key_build() and decide_build() the buildImage driver calls, fed with
// what the run will see: the step's parameters, its context directory and the base's digest.
#include "runtime/probe_cache.hpp"

#include "compiler/plan.hpp"
#include "runtime/build_cache.hpp"
#include "runtime/build_evidence.hpp"
#include "runtime/buildah.hpp"
#include "runtime/cancel.hpp"
#include "runtime/config.hpp"
#include "runtime/dockerfile_bases.hpp"
#include "runtime/image_build.hpp"
#include "runtime/probe_registry.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ferry::runtime {
namespace {

namespace c = ferry::compiler;
namespace fs = std::filesystem;

using Getenv = std::function<std::optional<std::string>(const std::string&)>;

struct Keying {
    std::string kind;
    std::string base_digest;
    std::string tool;
    std::string unknown; ///< why the build cannot be keyed now
};

std::optional<std::string> string_param(const nlohmann::json& params, const char* name) {
    const auto it = params.find(name);
    if (it == params.end() || !it->is_string()) {
        return std::nullopt;
    }
    return it->get<std::string>();
}

// A client for `server` with ferry.yaml's TLS and credentials, as the run's steps make one.
std::optional<RegistryClient> probe_client(const std::string& server,
                                           const c::Environment& environment,
                                           const ProbeOptions& options, const Getenv& getenv,
                                           std::string& error) {
    auto sources = system_credential_sources();
    sources.env = getenv;
    auto lookup = registry_endpoint(server, options.config, environment, sources);
    if (!lookup.error.empty()) {
        error = lookup.error;
        return std::nullopt;
    }
    lookup.endpoint.timeout = options.timeout;
    return std::optional<RegistryClient>(std::in_place, std::move(lookup.endpoint));
}

// An image's platform manifest digest, resolved as buildImage resolves a base.
std::optional<std::string> resolve_digest(const std::string& full,
                                          const c::Environment& environment,
                                          const ProbeOptions& options, const Getenv& getenv,
                                          std::string& error) {
    const auto reference = parse_image_reference(full);
    if (!reference) {
        error = fmt::format("base {} is not an image reference", full);
        return std::nullopt;
    }
    auto client = probe_client(reference->server, environment, options, getenv, error);
    if (!client) {
        return std::nullopt;
    }
    RegistryBaseSource source(*client);
    // The platform manifest's digest is all the key needs: the config is read by the build.
    auto base_image = resolve_base(*reference, source, host_architecture(), BaseParts::manifest);
    if (!base_image.image) {
        error = base_image.error;
        return std::nullopt;
    }
    return base_image.image->manifest_digest;
}

// What the image's repository says about the build's evidence, asked as buildImage asks it
// (a HEAD of the evidence tag; nothing is fetched or stored by a probe).
struct EvidenceProbe {
    bool enabled = false;
    std::string where;   ///< `server/repository`
    std::string state;   ///< present, absent, or empty when not known
    std::string digest;  ///< present: the image it names
    std::string unknown; ///< not known: why
};

EvidenceProbe probe_evidence(const std::string& reference, const std::string& key,
                             const fs::path& cache, const c::Environment& environment,
                             const ProbeOptions& options, const Getenv& getenv, bool need_digest) {
    EvidenceProbe out;
    const auto ref = parse_image_reference(reference);
    if (!ref || !evidence_enabled(options.config, &environment, ref->server)) {
        return out;
    }
    out.enabled = true;
    out.where = fmt::format("{}/{}", ref->server, ref->repository);
    if (!need_digest && evidence_known(cache, key, out.where)) {
        out.state = "present";
        return out;
    }
    if (options.offline) {
        out.unknown = fmt::format("its build evidence in {} was not asked: --offline", out.where);
        return out;
    }
    std::string error;
    auto client = probe_client(ref->server, environment, options, getenv, error);
    if (!client) {
        out.unknown = fmt::format("its build evidence in {} was not asked: {}", out.where, error);
        return out;
    }
    const auto found = find_evidence(*client, ref->repository, key);
    if (!found.error.empty()) {
        out.unknown =
            fmt::format("its build evidence in {} could not be read: {}", out.where, found.error);
        return out;
    }
    out.state = found.found ? "present" : "absent";
    out.digest = found.digest;
    return out;
}

// The base's platform manifest digest, resolved as buildImage resolves it.
Keying native_keying(const std::string& base, const c::Environment& environment,
                     const ProbeOptions& options, const Getenv& getenv) {
    Keying out{"native", "scratch", std::string(native_build_tool), {}};
    if (base == "scratch") {
        return out;
    }
    const c::Registry* registry = options.config != nullptr && environment.registry
                                      ? options.config->find_registry(environment.registry->value)
                                      : nullptr;
    const auto full = c::resolve_image(base, registry);
    if (options.offline) {
        out.unknown = fmt::format("base image {}: not probed: --offline", full);
        return out;
    }
    std::string error;
    if (auto digest = resolve_digest(full, environment, options, getenv, error)) {
        out.base_digest = std::move(*digest);
    } else {
        out.unknown = error;
    }
    return out;
}

// buildah's version, and the digests of the images the Dockerfile builds FROM.
Keying buildah_keying(const nlohmann::json& params, const fs::path& directory,
                      const c::Environment& environment, const ProbeOptions& options,
                      const Getenv& getenv) {
    std::vector<std::pair<std::string, std::string>> env;
    for (const char* name : {"PATH", "HOME"}) {
        if (auto value = getenv(name)) {
            env.emplace_back(name, std::move(*value));
        }
    }
    const Cancellation cancel;
    auto version = buildah_version(env, cancel);
    if (!version) {
        return {"buildah", "", "", "a Dockerfile build needs buildah on PATH"};
    }
    std::map<std::string, std::string> build_args;
    if (const auto it = params.find("buildArgs"); it != params.end() && it->is_object()) {
        for (const auto& [k, v] : it->items()) {
            build_args[k] = v.is_string() ? v.get<std::string>() : v.dump();
        }
    }
    std::string error;
    const auto bases = dockerfile_base_digests(
        (directory / string_param(params, "dockerfile").value_or("Dockerfile")).string(),
        build_args,
        [&](const std::string& image, std::string& why) -> std::optional<std::string> {
            if (options.offline) {
                why = fmt::format("base image {}: not probed: --offline", image);
                return std::nullopt;
            }
            return resolve_digest(image, environment, options, getenv, why);
        },
        error);
    if (!bases) {
        return {"buildah", "", "", error};
    }
    return {"buildah", *bases, std::move(*version), {}};
}

c::BuildObservation probe_build(const c::ProbeRequests::Build& request, const fs::path& workspace,
                                const c::Environment& environment, const ProbeOptions& options,
                                const Getenv& getenv, const fs::path& cache) {
    c::BuildObservation out;
    out.step = request.step;
    out.reference = request.reference;
    out.params = request.params;
    const auto params = nlohmann::json::parse(request.params, nullptr, false);
    if (!params.is_object()) {
        out.reason = "the step's parameters could not be read";
        return out;
    }
    const auto base = string_param(params, "base");
    const bool dockerfile = string_param(params, "dockerfile").has_value();
    if (!dockerfile && !base) {
        out.reason = "neither base: nor dockerfile: is given";
        return out;
    }
    const auto keying = dockerfile ? buildah_keying(params, workspace / request.directory,
                                                    environment, options, getenv)
                                   : native_keying(*base, environment, options, getenv);
    if (!keying.unknown.empty()) {
        out.reason = keying.unknown;
        return out;
    }
    const fs::path context_dir = workspace / request.context;
    const auto listing = list_context(context_dir);
    if (!listing.ok()) {
        out.reason = listing.error;
        return out;
    }
    auto stats = StatCache::load(cache, context_dir); // read only: never saved by a probe
    std::string error;
    const auto keyed =
        key_build(keying.kind, params, keying.base_digest, listing, stats, keying.tool, error);
    if (!keyed) {
        out.reason = error;
        return out;
    }
    out.known = c::Known::yes;
    out.key = keyed->key;
    if (keying.kind == "native" && keying.base_digest.starts_with("sha256:")) {
        out.base_digest = keying.base_digest;
    }
    if (getenv("FERRY_NO_CACHE").value_or("") == "1") {
        out.explanation = "caching is off (--no-cache)";
        return out;
    }
    const ImageStore store(cache / "images");
    EvidenceProbe evidence;
    bool asked = false;
    auto decision = decide_build(
        cache, *keyed, request.reference,
        [&](std::string_view digest) { return stored_image_size(store, digest); },
        [&] {
            asked = true;
            evidence = probe_evidence(request.reference, keyed->key, cache, environment, options,
                                      getenv, true);
            RemoteBuild found;
            if (evidence.state == "present") {
                found.build = CachedBuild{evidence.digest, 0, request.reference};
                found.where = evidence.where;
            }
            return found;
        });
    if (!asked) { // a local hit: is its evidence in the registry yet (the push writes it)?
        evidence = probe_evidence(request.reference, keyed->key, cache, environment, options,
                                  getenv, false);
    } else if (!decision.hit && !evidence.unknown.empty()) {
        // The run would ask the registry; the plan could not, so it cannot say MISS.
        out.known = c::Known::unknown;
        out.reason = fmt::format("not in this machine's build index ({}); {}", decision.reason,
                                 evidence.unknown);
        return out;
    }
    out.evidence = evidence.enabled ? evidence.state : "off";
    out.hit = decision.hit;
    out.explanation = std::move(decision.reason);
    if (decision.build) {
        out.digest = decision.build->manifest_digest;
    }
    return out;
}

} // namespace

std::vector<c::BuildObservation> probe_builds(const c::ProbeRequests& requests,
                                              const c::Environment& environment,
                                              const ProbeOptions& options, const Getenv& getenv) {
    std::vector<c::BuildObservation> out;
    if (requests.builds.empty()) {
        return out;
    }
    std::error_code ec;
    const fs::path workspace =
        fs::absolute(requests.workspace.empty() ? fs::path(".") : fs::path(requests.workspace), ec);
    const auto cache = cache_root(getenv);
    out.reserve(requests.builds.size());
    for (const auto& request : requests.builds) {
        out.push_back(probe_build(request, workspace, environment, options, getenv, cache));
    }
    return out;
}

} // namespace ferry::runtime
