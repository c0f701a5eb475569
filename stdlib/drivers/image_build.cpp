// buildImage: resolve the names, key the build (base digest, context files through the stat
// cache, parameters, tool), reuse a recorded build when the key is known and the store still
// holds it, else build natively or through buildah; report digest, size and why it missed.
#include "stdlib/drivers/image_build.hpp"

#include "runtime/build_cache.hpp"
#include "runtime/build_evidence.hpp"
#include "runtime/buildah.hpp"
#include "runtime/dockerfile_bases.hpp"
#include "runtime/image_build.hpp"
#include "runtime/image_build_hash.hpp"
#include "runtime/probe_registry.hpp"
#include "stdlib/drivers/basic_support.hpp"

#include <fmt/format.h>

namespace ferry::stdlib::drivers {
namespace {

namespace fs = std::filesystem;
namespace rt = ferry::runtime;

struct Failure {
    std::string message;
};

std::optional<std::string> string_param(const nlohmann::json& params, const char* name) {
    const auto it = params.find(name);
    if (it == params.end() || !it->is_string()) {
        return std::nullopt;
    }
    return it->get<std::string>();
}

std::vector<std::pair<std::string, std::string>> map_param(const nlohmann::json& params,
                                                           const char* name) {
    std::vector<std::pair<std::string, std::string>> out;
    const auto it = params.find(name);
    if (it == params.end() || !it->is_object()) {
        return out;
    }
    for (const auto& [key, value] : it->items()) {
        out.emplace_back(key, value.is_string() ? value.get<std::string>() : value.dump());
    }
    return out;
}

std::int64_t source_date_epoch(const rt::StepContext& context) {
    const auto text = context.variable("SOURCE_DATE_EPOCH");
    if (!text || text->empty()) {
        return 0;
    }
    try {
        return std::stoll(*text);
    } catch (const std::exception&) {
        return 0;
    }
}

rt::ImageSettings settings_from(const rt::StepContext& context) {
    const auto& p = context.params;
    rt::ImageSettings s;
    s.entrypoint = detail::string_list_param(p, "entrypoint");
    s.cmd = detail::string_list_param(p, "cmd");
    s.env = map_param(p, "env");
    s.workdir = string_param(p, "workdir");
    s.user = string_param(p, "user");
    s.ports = detail::string_list_param(p, "ports").value_or(std::vector<std::string>{});
    if (const auto commit = context.variable("GIT_COMMIT"); commit && !commit->empty()) {
        s.labels["org.opencontainers.image.revision"] = *commit;
    }
    if (const auto url = context.variable("GIT_URL"); url && !url->empty()) {
        s.labels["org.opencontainers.image.source"] = rt::url_without_credentials(*url);
    }
    for (auto& [name, value] : map_param(p, "labels")) {
        s.labels[name] = std::move(value);
    }
    s.created = source_date_epoch(context);
    return s;
}

// The registry endpoint for `server` with ferry.yaml's TLS and credentials.
std::variant<rt::RegistryEndpoint, Failure> endpoint_for(const rt::StepContext& context,
                                                         const std::string& server) {
    if (context.services.environment == nullptr) {
        return rt::RegistryEndpoint{server, {}, std::nullopt};
    }
    auto lookup =
        rt::registry_endpoint(server, context.services.config, *context.services.environment,
                              context.services.credential_sources);
    if (!lookup.error.empty()) {
        return Failure{lookup.error};
    }
    return std::move(lookup.endpoint);
}

// A registry client for `server`, reached as endpoint_for says.
std::variant<rt::RegistryClient, Failure> client_for(const rt::StepContext& context,
                                                     const std::string& server) {
    auto endpoint = endpoint_for(context, server);
    if (auto* failure = std::get_if<Failure>(&endpoint)) {
        return *failure;
    }
    return rt::RegistryClient(std::move(std::get<rt::RegistryEndpoint>(endpoint)));
}

// `pinned`: the platform manifest digest the plan keyed this base with, built on as planned.
std::variant<rt::BaseImage, Failure> resolve_base_image(const rt::StepContext& context,
                                                        const std::string& base,
                                                        const std::string& pinned = {}) {
    if (base == "scratch") {
        return rt::BaseImage{};
    }
    const auto full = compiler::resolve_image(base, detail::environment_registry(context.services));
    auto reference = rt::parse_image_reference(full);
    if (!reference) {
        return Failure{fmt::format("buildImage: base {} is not an image reference", base)};
    }
    if (reference->digest.empty() && !pinned.empty()) {
        reference->digest = pinned;
    }
    auto client = client_for(context, reference->server);
    if (auto* failure = std::get_if<Failure>(&client)) {
        return *failure;
    }
    rt::RegistryBaseSource source(std::get<rt::RegistryClient>(client));
    // The manifest only: a cache hit needs no more; a build reads the config (base_config).
    auto lookup =
        rt::resolve_base(*reference, source, rt::host_architecture(), rt::BaseParts::manifest);
    if (!lookup.image) {
        return Failure{lookup.error};
    }
    return std::move(*lookup.image);
}

// The base's config, read when the image is built (not for a cache hit).
std::optional<Failure> base_config(const rt::StepContext& context, rt::BaseImage& base) {
    if (base.scratch || base.config_read) {
        return std::nullopt;
    }
    auto client = client_for(context, base.server);
    if (auto* failure = std::get_if<Failure>(&client)) {
        return *failure;
    }
    rt::RegistryBaseSource source(std::get<rt::RegistryClient>(client));
    std::string error;
    if (!rt::read_base_config(base, source, error)) {
        return Failure{error};
    }
    return std::nullopt;
}

struct Prepared {
    std::string kind;
    std::string base_digest;
    std::string tool;
    rt::ContextListing listing;
};

struct Built {
    std::string digest;
    long long size = 0;
};

std::variant<Built, Failure> run_native(rt::StepContext& context, const rt::BaseImage& base,
                                        rt::ContextListing listing, rt::ImageStore& store) {
    rt::NativeBuild build;
    build.base = base;
    build.context = std::move(listing);
    build.workdir = string_param(context.params, "workdir").value_or("/");
    build.settings = settings_from(context);
    const auto built = rt::build_native(build, store);
    if (!built.ok()) {
        return Failure{fmt::format("buildImage: {}", built.error)};
    }
    return Built{built.manifest_digest, built.size};
}

std::variant<Built, Failure> run_buildah(rt::StepContext& context, const fs::path& context_dir,
                                         const std::string& reference, rt::ImageStore& store,
                                         const fs::path& cache) {
    rt::BuildahBuild build;
    build.context = context_dir;
    build.dockerfile = context.cwd / *string_param(context.params, "dockerfile");
    build.build_args = map_param(context.params, "buildArgs");
    build.target = string_param(context.params, "target");
    build.reference = reference;
    build.storage =
        cache / "buildah" /
        std::string(rt::digest_hex(rt::content_digest(context.services.workspace.string())))
            .substr(0, 16);
    build.env = context.env;
    if (const auto* registry = detail::environment_registry(context.services)) {
        build.server = registry->server;
        auto endpoint = endpoint_for(context, registry->server);
        if (auto* failure = std::get_if<Failure>(&endpoint)) {
            return *failure;
        }
        build.auth = std::get<rt::RegistryEndpoint>(endpoint).auth;
        build.tls = registry->tls;
    }
    const auto result = rt::build_with_buildah(build, store, context.cancel, context.log);
    if (!result.ok()) {
        return Failure{fmt::format("buildImage: {}", result.error)};
    }
    const auto size = rt::stored_image_size(store, result.manifest_digest);
    return Built{result.manifest_digest, size.value_or(0)};
}

std::variant<Prepared, Failure> prepare(rt::StepContext& context, const fs::path& context_dir,
                                        const std::optional<rt::BaseImage>& base) {
    Prepared out;
    out.listing = rt::list_context(context_dir);
    if (!out.listing.ok()) {
        return Failure{fmt::format("buildImage: {}", out.listing.error)};
    }
    if (base) {
        out.kind = "native";
        out.tool = std::string(rt::native_build_tool);
        out.base_digest = base->scratch ? "scratch" : base->manifest_digest;
        return out;
    }
    out.kind = "buildah";
    auto version = rt::buildah_version(context.env, context.cancel);
    if (!version) {
        return Failure{"buildImage: a Dockerfile build needs buildah on PATH (Debian: apt-get "
                       "install buildah)"};
    }
    out.tool = *version;
    // The images it builds FROM, by digest: a moved FROM tag is another build.
    std::map<std::string, std::string> build_args;
    for (auto& [k, v] : map_param(context.params, "buildArgs")) {
        build_args[k] = std::move(v);
    }
    std::string error;
    const auto bases = rt::dockerfile_base_digests(
        (context.cwd / *string_param(context.params, "dockerfile")).string(), build_args,
        [&context](const std::string& image, std::string& why) -> std::optional<std::string> {
            auto resolved = resolve_base_image(context, image);
            if (auto* failure = std::get_if<Failure>(&resolved)) {
                why = failure->message;
                return std::nullopt;
            }
            return std::get<rt::BaseImage>(resolved).manifest_digest;
        },
        error);
    if (!bases) {
        return Failure{fmt::format("buildImage: {}", error)};
    }
    out.base_digest = *bases;
    return out;
}

// Asks the image's repository for evidence that `key` was built (on another machine) and, when
// it is there, brings that image into `store`.
rt::RemoteBuild registry_evidence(const rt::StepContext& context, const std::string& reference,
                                  std::string_view key, rt::ImageStore& store) {
    rt::RemoteBuild out;
    const auto ref = rt::parse_image_reference(reference);
    if (!ref ||
        !rt::evidence_enabled(context.services.config, context.services.environment, ref->server)) {
        return out;
    }
    const auto where = fmt::format("{}/{}", ref->server, ref->repository);
    auto reached = client_for(context, ref->server);
    if (auto* failure = std::get_if<Failure>(&reached)) {
        out.note =
            fmt::format("the build evidence in {} was not asked: {}", where, failure->message);
        return out;
    }
    auto& client = std::get<rt::RegistryClient>(reached);
    const auto found = rt::find_evidence(client, ref->repository, key);
    if (!found.found) {
        if (!found.error.empty()) {
            out.note =
                fmt::format("the build evidence in {} could not be read: {}", where, found.error);
        }
        return out;
    }
    std::string error;
    const auto size =
        rt::import_evidence(client, ref->server, ref->repository, found.digest, store, error);
    if (!size) {
        out.note = fmt::format("the build evidence in {} names {}, which could not be fetched: {}",
                               where, found.digest, error);
        return out;
    }
    out.build = rt::CachedBuild{found.digest, *size, reference};
    out.where = where;
    return out;
}

void publish(rt::StepContext& context, const std::string& name, const std::string& reference,
             const Built& built, const std::string& cache_status, const std::string& reason,
             const fs::path& layout, const std::string& key) {
    {
        std::lock_guard lock(context.services.images_mutex);
        auto& image = context.services.images[name];
        image.name = name;
        image.reference = reference;
        image.digest = built.digest;
        image.size = built.size;
        image.layout = layout;
        image.pushed.clear(); // pushes of an earlier build of this name pushed another image
        image.build_key = key;
    }
    if (context.services.record != nullptr) {
        (void)context.services.record->append({{"type", "image.built"},
                                               {"step", context.step.id},
                                               {"name", name},
                                               {"reference", reference},
                                               {"digest", built.digest},
                                               {"size", built.size},
                                               {"cache", cache_status},
                                               {"reason", reason}});
    }
}

} // namespace

rt::StepOutcome build_image(rt::StepContext& context) {
    const auto name = string_param(context.params, "name");
    if (!name || name->empty()) {
        return detail::failure("buildImage: `name` is required");
    }
    const auto dockerfile = string_param(context.params, "dockerfile");
    const auto base_name = string_param(context.params, "base");
    if (!dockerfile && !base_name) {
        return detail::failure(
            "buildImage: give `base:` (an image, or `scratch`) for a native build, or "
            "`dockerfile:` for a buildah build");
    }
    const auto reference = context.step.image.value_or(
        compiler::resolve_image(*name, detail::environment_registry(context.services)));
    const auto context_dir = context.cwd / string_param(context.params, "context").value_or(".");

    std::optional<rt::BaseImage> base;
    if (!dockerfile) { // the base first: a missing tag fails before any work
        // The plan's probe resolved this base moments ago (or a saved plan did): the build uses
        // the digest it keyed, so that plan and run agree, unless the base was not planned as is.
        const auto planned = context.step.params.find("base");
        const bool as_planned = planned != context.step.params.end() && planned->is_string() &&
                                planned->get<std::string>() == *base_name;
        auto resolved =
            resolve_base_image(context, *base_name, as_planned ? context.step.cache.base : "");
        if (auto* failure = std::get_if<Failure>(&resolved)) {
            return detail::failure(failure->message);
        }
        base = std::move(std::get<rt::BaseImage>(resolved));
    }
    auto prepared = prepare(context, context_dir, base);
    if (auto* failure = std::get_if<Failure>(&prepared)) {
        return detail::failure(failure->message);
    }
    auto& prep = std::get<Prepared>(prepared);

    const auto cache = rt::cache_root(context.services.getenv);
    rt::ImageStore store(cache / "images");
    auto stats = rt::StatCache::load(cache, context_dir);
    std::string error;
    const auto keyed = rt::key_build(prep.kind, context.params, prep.base_digest, prep.listing,
                                     stats, prep.tool, error);
    if (!keyed) {
        return detail::failure(fmt::format("buildImage: {}", error));
    }
    (void)stats.save(); // a stat cache that cannot be saved only costs a re-read next time
    const auto& inputs = keyed->inputs;
    const auto& key = keyed->key;
    const bool no_cache = context.variable("FERRY_NO_CACHE").value_or("") == "1";

    std::string status = "miss";
    std::string reason;
    std::optional<Built> built;
    if (no_cache) {
        reason = "caching is off (--no-cache)";
    } else {
        std::string evidence_in;
        auto decision = rt::decide_build(
            cache, *keyed, reference,
            [&](std::string_view digest) { return rt::stored_image_size(store, digest); },
            [&] {
                auto found = registry_evidence(context, reference, key, store);
                evidence_in = found.where;
                return found;
            });
        reason = std::move(decision.reason);
        if (decision.build) {
            built = Built{decision.build->manifest_digest, decision.build->size};
            status = "hit";
        }
        if (built && !evidence_in.empty()) { // this machine knows it from now on
            (void)rt::record_build(cache, key, inputs, *decision.build);
            (void)rt::remember_evidence(cache, key, evidence_in);
        }
    }
    if (!built) {
        if (base) {
            if (auto failure = base_config(context, *base)) {
                return detail::failure(failure->message);
            }
        }
        auto result = base ? run_native(context, *base, std::move(prep.listing), store)
                           : run_buildah(context, context_dir, reference, store, cache);
        if (auto* failure = std::get_if<Failure>(&result)) {
            return detail::failure(failure->message);
        }
        built = std::get<Built>(result);
        if (auto problem = rt::record_build(cache, key, inputs,
                                            rt::CachedBuild{built->digest, built->size, reference});
            !problem.empty()) {
            context.log(rt::OutputStream::err,
                        fmt::format("warning: the build cache was not updated: {}", problem));
        }
    }
    context.log(rt::OutputStream::out, fmt::format("{}@{} ({} bytes, cache {}: {})", reference,
                                                   built->digest, built->size, status, reason));
    publish(context, *name, reference, *built, status, reason, store.root(), key);

    rt::StepOutcome out;
    out.value = {{"reference", reference}, {"digest", built->digest}, {"size", built->size},
                 {"cache", status},        {"reason", reason},        {"key", key}};
    return out;
}

} // namespace ferry::stdlib::drivers
