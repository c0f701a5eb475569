// Compensators for kubectlApply (each object it created deleted, each one it replaced put back
// from its sealed previous state) and for pushImage's tag moves (the previous manifest put
// under the tag again, or the tag deleted).
#include "runtime/build_evidence.hpp"
#include "runtime/compensate_detail.hpp"
#include "runtime/probe_registry.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace ferry::runtime::detail {
namespace {

// Undoes one object of a manifests effect; empty, or why not.
std::string undo_object(CompensationState& state, const KubeTools& kube,
                        const nlohmann::json& entry, std::string& done) {
    const auto resource = kubectl_resource(text_of(entry, "apiVersion"), text_of(entry, "kind"));
    const auto ns = text_of(entry, "namespace");
    const auto name = text_of(entry, "name");
    const auto what = fmt::format("{}/{}", text_of(entry, "kind"), name);
    if (!entry.value("existed", false)) {
        if (auto failed = delete_created(kube, resource, name, ns, what); !failed.empty()) {
            return failed;
        }
        done = "deleted " + what;
        return {};
    }
    std::string error;
    const auto plain = state.open_sealed(entry.value("previous", nlohmann::json()), error);
    if (!plain) {
        return fmt::format("{}: {}", what, error);
    }
    auto previous = nlohmann::json::parse(*plain, nullptr, false);
    if (!previous.is_object()) {
        return what + ": the unsealed previous state is not a JSON object";
    }
    if (auto failed = put_back(kube, std::move(previous), what); !failed.empty()) {
        return failed;
    }
    done = "put back " + what;
    return {};
}

std::optional<RegistryEndpoint> endpoint(CompensationState& state, const std::string& server,
                                         std::string& error) {
    const auto& context = state.context();
    if (context.endpoint_for) {
        return context.endpoint_for(server, error);
    }
    if (context.environment == nullptr) {
        return RegistryEndpoint{server, {}, std::nullopt};
    }
    auto lookup =
        registry_endpoint(server, context.config, *context.environment, context.credential_sources);
    if (!lookup.error.empty()) {
        error = lookup.error;
        return std::nullopt;
    }
    return std::move(lookup.endpoint);
}

// The other tags of `repository` that point at `digest` (what deleting the manifest would take).
std::optional<std::vector<std::string>> tags_at(RegistryClient& client,
                                                const std::string& repository,
                                                const std::string& tag, const std::string& digest,
                                                std::string& error) {
    const auto tags = client.list_tags(repository);
    if (!tags.ok) {
        error = tags.error;
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& other : tags.tags) {
        if (other == tag) {
            continue;
        }
        const auto head = client.head_manifest(repository, other);
        if (!head.ok && !head.not_found) {
            error = head.error;
            return std::nullopt;
        }
        if (head.ok && head.digest == digest) {
            out.push_back(other);
        }
    }
    return out;
}

// Of the `shared` tags, those this rollback moves back anyway (the journal's other tag effects)
// are moved back now, or deleted along when they are new too; the rest would be lost, and are
// returned (with why, when moving one back fails).
std::vector<std::string> move_siblings_back(RegistryClient& client, const nlohmann::json& effect,
                                            const std::string& repository,
                                            const std::vector<std::string>& shared) {
    std::vector<std::string> blocking;
    const auto siblings = effect.value("journal_tags", nlohmann::json::array());
    for (const auto& tag : shared) {
        if (is_evidence_tag(tag)) {
            continue; // a cache note about this very image: it goes with it
        }
        std::string before;
        for (const auto& s : siblings) {
            if (text_of(s, "tag") == tag) {
                before = text_of(s, "before");
            }
        }
        if (before == "absent") {
            continue; // new in this run too: deleted along, as its own compensation would
        }
        if (before.empty()) {
            blocking.push_back(tag);
            continue;
        }
        const auto previous = client.get_manifest(repository, before);
        const auto put =
            previous.ok ? client.put_manifest(repository, tag, previous.media_type, previous.body)
                        : ManifestPut{};
        if (!put.ok) {
            blocking.push_back(fmt::format("{} (moving it back to {} first failed: {})", tag,
                                           before, previous.ok ? put.error : previous.error));
        }
    }
    return blocking;
}

Compensation delete_new_tag(RegistryClient& client, const nlohmann::json& effect,
                            const std::string& repository, const std::string& tag,
                            const std::string& digest) {
    const auto del = client.delete_tag(repository, tag);
    if (del.ok || del.not_found) {
        return outcome(effect, true, "tag deleted (it did not exist before the run)");
    }
    if (!del.unsupported) {
        return outcome(effect, false, del.error);
    }
    // distribution 2.x deletes no tag alone: deleting the manifest by digest removes the tag,
    // which is only right when no other tag points at that manifest.
    std::string error;
    const auto shared = tags_at(client, repository, tag, digest, error);
    if (!shared) {
        return outcome(effect, false,
                       fmt::format("the registry did not delete the tag ({}), and its other tags "
                                   "cannot be listed: {}",
                                   del.error, error));
    }
    if (auto blocking = move_siblings_back(client, effect, repository, *shared);
        !blocking.empty()) {
        if (is_evidence_tag(tag)) {
            return outcome(effect, true,
                           fmt::format("build evidence left in place: the registry deletes no "
                                       "tag alone ({}) and {} also point{} at {}; it only says "
                                       "which inputs that image was built from",
                                       del.error, fmt::join(blocking, ", "),
                                       blocking.size() == 1 ? "s" : "", digest));
        }
        return outcome(effect, false,
                       fmt::format("the registry did not delete the tag ({}); deleting manifest "
                                   "{} instead would also remove tag{} {}",
                                   del.error, digest, blocking.size() == 1 ? "" : "s",
                                   fmt::join(blocking, ", ")));
    }
    const auto gone = client.delete_manifest(repository, digest);
    if (gone.ok || gone.not_found) {
        return outcome(effect, true,
                       fmt::format("tag deleted with manifest {} (the registry deletes no tag "
                                   "alone; no other tag pointed at it)",
                                   digest));
    }
    return outcome(effect, false,
                   fmt::format("the registry deleted neither the tag ({}) nor manifest {} ({})",
                               del.error, digest, gone.error));
}

} // namespace

Compensation compensate_manifests(CompensationState& state, const nlohmann::json& effect) {
    std::string error;
    const auto kube = state.kube_for(effect, false, error);
    if (!kube) {
        return outcome(effect, false, error);
    }
    const auto objects =
        effect.value("before", nlohmann::json::object()).value("objects", nlohmann::json::array());
    if (!objects.is_array()) {
        return outcome(effect, false, "the journal record lists no objects");
    }
    std::vector<std::string> done;
    std::vector<std::string> failed;
    // Newest first within the effect too: later objects may depend on earlier ones.
    for (auto it = objects.rbegin(); it != objects.rend(); ++it) {
        std::string line;
        if (auto why = undo_object(state, *kube, *it, line); !why.empty()) {
            failed.push_back(std::move(why));
        } else {
            done.push_back(std::move(line));
        }
    }
    if (!failed.empty()) {
        return outcome(effect, false,
                       fmt::format("{}{}{}", fmt::join(failed, "; "), done.empty() ? "" : "; ",
                                   fmt::join(done, ", ")));
    }
    return outcome(effect, true,
                   done.empty() ? std::string("no objects")
                                : fmt::format("{}", fmt::join(done, ", ")));
}

Compensation compensate_tag(CompensationState& state, const nlohmann::json& effect) {
    const auto server = text_of(effect, "server");
    const auto repository = text_of(effect, "repository");
    const auto tag = text_of(effect, "tag");
    const auto before = text_of(effect, "before");
    const auto after = text_of(effect, "after");
    if (server.empty() || repository.empty() || tag.empty() || before.empty()) {
        return outcome(effect, false, "the journal record lacks server, repository, tag or before");
    }
    if (const auto key = evidence_key(tag); !key.empty() && before == "absent") {
        // This machine must not go on believing the evidence is there; should the tag stay, the
        // next push finds it and notes it again.
        const auto cache =
            cache_root([&state](const std::string& name) { return state.env(name); });
        (void)forget_evidence(cache, key, fmt::format("{}/{}", server, repository));
    }
    std::string error;
    auto reach = endpoint(state, server, error);
    if (!reach) {
        return outcome(effect, false, error);
    }
    RegistryClient client(std::move(*reach));
    const auto head = client.head_manifest(repository, tag);
    if (!head.ok && !head.not_found) {
        return outcome(effect, false, head.error);
    }
    if (before == "absent") {
        if (head.not_found) {
            return outcome(effect, true, "absent, as before the run");
        }
        if (!after.empty() && head.digest != after) {
            return outcome(effect, false,
                           fmt::format("the tag now points at {}, not at {} the run pushed: it "
                                       "was moved since; left as it is",
                                       head.digest, after));
        }
        return delete_new_tag(client, effect, repository, tag, head.digest);
    }
    if (head.ok && head.digest == before) {
        return outcome(effect, true, fmt::format("already at {}", before));
    }
    const auto previous = client.get_manifest(repository, before);
    if (!previous.ok) {
        return outcome(effect, false,
                       fmt::format("the previous manifest {} cannot be read back: {}", before,
                                   previous.error));
    }
    const auto put = client.put_manifest(repository, tag, previous.media_type, previous.body);
    if (!put.ok) {
        return outcome(effect, false, put.error);
    }
    return outcome(effect, true, fmt::format("points at {} again", before));
}

} // namespace ferry::runtime::detail
