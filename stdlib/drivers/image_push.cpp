// pushImage: find the image a buildImage of this run stored, check maxSize before anything is
// sent, resolve the target repository like the planner does, journal each tag's previous digest,
// push (runtime/image_push.hpp) and report what was uploaded, mounted and skipped.
#include "stdlib/drivers/image_push.hpp"

#include "runtime/build_evidence.hpp"
#include "runtime/image_push.hpp"
#include "runtime/probe_registry.hpp"
#include "stdlib/drivers/basic_support.hpp"

#include <fmt/format.h>
#include <random>

namespace ferry::stdlib::drivers {
namespace {

namespace rt = ferry::runtime;

// The image a buildImage of this run stored under `name` (or under the same reference).
std::optional<rt::RunImage> built_image(rt::RunServices& services, const std::string& name,
                                        const std::string& reference) {
    const std::lock_guard lock(services.images_mutex);
    if (const auto it = services.images.find(name); it != services.images.end()) {
        return it->second;
    }
    const auto wanted = rt::parse_image_reference(reference);
    for (const auto& [key, image] : services.images) {
        const auto ref = rt::parse_image_reference(image.reference);
        if (ref && wanted && ref->server == wanted->server &&
            ref->repository == wanted->repository) {
            return image;
        }
    }
    return std::nullopt;
}

std::optional<rt::RegistryEndpoint> endpoint_for(const rt::StepContext& context,
                                                 const std::string& server, std::string& error) {
    if (context.services.environment == nullptr) {
        return rt::RegistryEndpoint{server, {}, std::nullopt};
    }
    auto lookup =
        rt::registry_endpoint(server, context.services.config, *context.services.environment,
                              context.services.credential_sources);
    if (!lookup.error.empty()) {
        error = lookup.error;
        return std::nullopt;
    }
    return std::move(lookup.endpoint);
}

// Journals a tag move before it happens (issue 7's rollback restores `before`).
class TagJournal {
public:
    explicit TagJournal(rt::StepContext& context) : context_(context) {}

    std::string begin(const rt::TagMove& move) {
        if (context_.services.record == nullptr) {
            return {}; // a run without a record (a tool, a test) has nothing to roll back
        }
        // Unique in the run even when a retry runs this step again (runtime/transaction.hpp).
        const auto id =
            fmt::format("{}/tag/{}-{:08x}", context_.step.id, ++count_, std::random_device{}());
        ids_.emplace_back(move.reference, id);
        const auto error = context_.services.record->append(
            {{"type", "effect"},
             {"effect_id", id},
             {"kind", "tag"},
             {"step", context_.step.id},
             {"target", move.reference},
             {"server", rt::parse_image_reference(move.reference)->server},
             {"repository", move.repository},
             {"tag", move.tag},
             {"before", move.before.empty() ? std::string("absent") : move.before},
             {"after", move.after}});
        return error.empty() ? std::string() : "cannot write the journal: " + error;
    }

    void done(const std::vector<rt::TagMove>& moved) {
        if (context_.services.record == nullptr) {
            return;
        }
        for (const auto& move : moved) {
            for (const auto& [reference, id] : ids_) {
                if (reference == move.reference) {
                    (void)context_.services.record->append(
                        {{"type", "effect.done"}, {"effect_id", id}, {"after", move.after}});
                }
            }
        }
    }

private:
    rt::StepContext& context_;
    int count_ = 0;
    std::vector<std::pair<std::string, std::string>> ids_;
};

// The push's cache status as the plan predicts it: a hit changed nothing in the registry.
bool push_was_noop(const rt::PushReport& report) {
    return report.uploaded == 0 && report.mounted == 0 && report.moved.empty();
}

// The build evidence a push leaves (runtime/build_evidence.hpp): `state` is written, present
// (already there, or known to be), off (no key, another repository than the build's, or
// `buildEvidence: false`) or failed (a warning; the push itself succeeded).
struct Evidence {
    std::string state = "off";
    std::string tag;    ///< `server/repository:ferry-build-…`
    std::string detail; ///< failed: why
};

Evidence leave_evidence(rt::StepContext& context, rt::RegistryClient& client,
                        const rt::ImageReference& target, const rt::RunImage& image,
                        const rt::StoredManifest& manifest, TagJournal& journal) {
    Evidence out;
    const auto built = rt::parse_image_reference(image.reference);
    if (image.build_key.empty() || !built || built->server != target.server ||
        built->repository != target.repository ||
        !rt::evidence_enabled(context.services.config, context.services.environment,
                              target.server)) {
        return out;
    }
    const auto where = fmt::format("{}/{}", target.server, target.repository);
    const auto tag = rt::evidence_tag(image.build_key);
    out.tag = fmt::format("{}:{}", where, tag);
    const auto cache = rt::cache_root(context.services.getenv);
    if (rt::evidence_known(cache, image.build_key, where)) {
        out.state = "present";
        return out;
    }
    const auto found = rt::find_evidence(client, target.repository, image.build_key);
    if (!found.error.empty()) {
        out.state = "failed";
        out.detail = found.error;
        return out;
    }
    if (!found.found) {
        const rt::TagMove move{out.tag, target.repository, tag, "", image.digest};
        if (auto problem = journal.begin(move); !problem.empty()) {
            out.state = "failed";
            out.detail = problem;
            return out;
        }
        const auto put =
            client.put_manifest(target.repository, tag, manifest.media_type, manifest.body);
        journal.done({move});
        if (!put.ok) {
            out.state = "failed";
            out.detail = put.error;
            return out;
        }
    }
    out.state = found.found ? "present" : "written";
    (void)rt::remember_evidence(cache, image.build_key, where);
    return out;
}

nlohmann::json report_json(const rt::PushReport& report, const std::string& reference,
                           const std::vector<std::string>& tags, const Evidence& evidence) {
    const bool noop = push_was_noop(report) && evidence.state != "written";
    return {{"reference", reference},
            {"digest", report.digest},
            {"tags", tags},
            {"references", report.tagged},
            {"uploaded", report.uploaded},
            {"mounted", report.mounted},
            {"skipped", report.skipped},
            {"uploadedBytes", report.uploaded_bytes},
            {"mountedBytes", report.mounted_bytes},
            {"skippedBytes", report.skipped_bytes},
            {"size", report.size},
            {"evidence", evidence.state},
            {"evidenceTag", evidence.tag},
            {"cache", noop ? "hit" : "miss"},
            {"reason", noop ? std::string("every blob and tag was already in place")
                       : push_was_noop(report)
                           ? std::string("the build evidence tag was written")
                           : fmt::format("{} blob(s) uploaded, {} mounted, {} tag(s) moved",
                                         report.uploaded, report.mounted, report.moved.size())}};
}

// A tag names one build: moving it to other content is refused before anything is sent,
// unless the step says `overwrite: true`. Empty when every tag is absent or already there.
std::string tag_reuse_error(const rt::ImageReference& target, const std::vector<std::string>& tags,
                            const std::map<std::string, std::string, std::less<>>& now,
                            const std::string& digest) {
    for (const auto& tag : tags) {
        const auto it = now.find(tag);
        const auto& named = it != now.end() ? it->second : digest;
        if (!named.empty() && named != digest) {
            return fmt::format("pushImage: {}/{}:{} already names other content ({}), not this "
                               "build's {}; a tag is not reused for different content (use a "
                               "new tag, or `overwrite: true` to move it); nothing was pushed",
                               target.server, target.repository, tag, named, digest);
        }
    }
    return {};
}

} // namespace

rt::StepOutcome push_image(rt::StepContext& context) {
    const auto& params = context.params;
    const auto name = params.value("name", std::string());
    if (name.empty()) {
        return detail::failure("pushImage: `name` is required");
    }
    const auto full = compiler::resolve_image(name, detail::environment_registry(context.services));
    const auto target = rt::parse_image_reference(full);
    if (!target || !target->digest.empty()) {
        return detail::failure(
            fmt::format("pushImage: {} is not an image reference to push to", full));
    }
    auto tags = detail::string_list_param(params, "tags").value_or(std::vector<std::string>{});
    if (tags.empty()) {
        tags.push_back(target->tag);
    }
    const auto image = built_image(context.services, name, full);
    if (!image || image->layout.empty()) {
        return detail::failure(
            fmt::format("pushImage: no image named '{}' was built earlier in this run "
                        "(a buildImage name: '{}' must run first)",
                        name, name));
    }
    rt::ImageStore store(image->layout);
    std::string error;
    const auto manifest = rt::read_stored_manifest(store, image->digest, error);
    if (!manifest) {
        return detail::failure(fmt::format("pushImage: {}", error));
    }
    std::uint64_t size = 0;
    for (const auto& blob : manifest->blobs) {
        size += blob.size;
    }
    if (const auto it = params.find("maxSize"); it != params.end() && !it->is_null()) {
        const auto text = it->is_string() ? it->get<std::string>() : it->dump();
        const auto limit = rt::parse_size(text);
        if (!limit) {
            return detail::failure(
                fmt::format("pushImage: maxSize '{}' is not a size (e.g. 200MB, 1.5GiB)", text));
        }
        if (size > *limit) {
            return detail::failure(
                fmt::format("pushImage: image '{}' is {} bytes, over maxSize {} ({} "
                            "bytes); nothing was pushed",
                            name, size, text, *limit));
        }
    }
    if (context.cancel.cancelled()) {
        auto out = detail::failure("pushImage: " + context.cancel.message());
        out.result = rt::BuildResult::aborted;
        return out;
    }
    auto endpoint = endpoint_for(context, target->server, error);
    if (!endpoint) {
        return detail::failure(fmt::format("pushImage: {}", error));
    }
    rt::RegistryClient client(std::move(*endpoint));
    // The tags are asked once: for the reuse check here and for the push's own comparison.
    auto now = rt::current_tags(client, target->repository, tags, error);
    if (!now) {
        return detail::failure(fmt::format("pushImage: {}", error));
    }
    if (!detail::bool_param(context, "overwrite", false)) {
        if (auto refused = tag_reuse_error(*target, tags, *now, image->digest); !refused.empty()) {
            return detail::failure(refused);
        }
    }
    TagJournal journal(context);
    rt::PushOptions options;
    options.tags_now = std::move(*now);
    options.client_for = [&](const std::string& server, std::string& why) {
        auto other = endpoint_for(context, server, why);
        return other ? std::make_unique<rt::RegistryClient>(std::move(*other)) : nullptr;
    };
    options.before_tag_move = [&](const rt::TagMove& move) { return journal.begin(move); };
    options.log = [&](std::string_view line) { context.log(rt::OutputStream::out, line); };
    context.log(rt::OutputStream::out, fmt::format("pushing {}@{} to {}/{}", name, image->digest,
                                                   target->server, target->repository));
    const auto report = rt::push_image(store, image->digest, client, target->server,
                                       target->repository, tags, options);
    journal.done(report.moved);
    if (!report.ok()) {
        return detail::failure(fmt::format("pushImage: {}", report.error));
    }
    const auto reference =
        fmt::format("{}/{}:{}", target->server, target->repository, tags.front());
    {
        const std::lock_guard lock(context.services.images_mutex);
        auto& entry = context.services.images[image->name.empty() ? name : image->name];
        for (const auto& pushed : report.tagged) {
            if (std::find(entry.pushed.begin(), entry.pushed.end(), pushed) == entry.pushed.end()) {
                entry.pushed.push_back(pushed);
            }
        }
    }
    const auto evidence = leave_evidence(context, client, *target, *image, *manifest, journal);
    if (evidence.state == "failed") {
        context.log(rt::OutputStream::err,
                    fmt::format("warning: the build evidence {} was not written: {}", evidence.tag,
                                evidence.detail));
    }
    auto value = report_json(report, reference, tags, evidence);
    context.log(rt::OutputStream::out,
                fmt::format("{}@{}: {} uploaded, {} mounted, {} already there", reference,
                            report.digest, report.uploaded, report.mounted, report.skipped));
    if (context.services.record != nullptr) {
        auto event = nlohmann::ordered_json{{"type", "image.pushed"}, {"step", context.step.id}};
        for (const auto& [key, v] : value.items()) {
            event[key] = v;
        }
        (void)context.services.record->append(std::move(event));
    }
    rt::StepOutcome out;
    out.value = std::move(value);
    return out;
}

} // namespace ferry::stdlib::drivers
