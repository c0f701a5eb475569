// Cache predictions: a buildImage is a HIT when the probe found its key in ferry's build index
// and the image in the store; a pushImage is a HIT when its build is and every tag already
// points at the recorded digest (the run then uploads nothing and moves no tag).
#include "compiler/plan_cache.hpp"

#include "compiler/environment.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

namespace ferry::compiler::detail {
namespace {

/// Whether a value is only known at run time (holds a `$template` or `$expression` the planner
/// could not evaluate).
bool holds_runtime_value(const nlohmann::ordered_json& value) {
    if (value.is_object()) {
        if (value.contains("$template") || value.contains("$expression")) {
            return true;
        }
        return std::any_of(value.begin(), value.end(), holds_runtime_value);
    }
    if (value.is_array()) {
        return std::any_of(value.begin(), value.end(), holds_runtime_value);
    }
    return false;
}

/// The first parameter only known at run time, or empty.
std::string runtime_parameter(const PlanStep& step) {
    for (const auto& [name, value] : step.params.items()) {
        if (holds_runtime_value(value)) {
            return name;
        }
    }
    return {};
}

std::optional<std::string> string_param(const PlanStep& step, const char* name) {
    const auto it = step.params.find(name);
    if (it == step.params.end() || !it->is_string()) {
        return std::nullopt;
    }
    return it->get<std::string>();
}

const PlanStep* find_step(const std::vector<PlanStep>& steps, std::string_view id) {
    const auto it =
        std::find_if(steps.begin(), steps.end(), [&](const PlanStep& s) { return s.id == id; });
    return it == steps.end() ? nullptr : &*it;
}

/// The buildImage a push pushes: the latest earlier one of the same name, else of the same
/// repository (as the run's pushImage finds it).
const PlanStep* build_for(std::span<const PlanStep> earlier, const PlanStep& push) {
    const auto name = string_param(push, "name");
    const auto repository = push.image ? image_repository(*push.image) : std::string();
    const PlanStep* same_repository = nullptr;
    for (auto it = earlier.rbegin(); it != earlier.rend(); ++it) {
        if (it->kind != "buildImage" || it->action == Action::skip) {
            continue;
        }
        if (name && string_param(*it, "name") == name) {
            return &*it;
        }
        if (same_repository == nullptr && it->image && image_repository(*it->image) == repository) {
            same_repository = &*it;
        }
    }
    return same_repository;
}

PlanCache unknown(std::string reason) {
    return {"unknown", "", std::move(reason)};
}

PlanCache predict_build(const Observations& obs, const PlanStep& step) {
    if (const auto name = runtime_parameter(step); !name.empty()) {
        return unknown(fmt::format("parameter {} is only known at run time, so is the key", name));
    }
    const BuildObservation* seen = obs.build(step.id);
    if (seen == nullptr) {
        return unknown("the build was not probed: its parameters depend on values the probes "
                       "bring (git, the build number)");
    }
    if (seen->params != step.params.dump()) {
        return unknown("the parameters differ from the ones probed");
    }
    if (seen->known != Known::yes) {
        return unknown(seen->reason);
    }
    return {seen->hit ? "hit" : "miss", seen->key, seen->explanation, seen->base_digest};
}

PlanCache predict_push(const Observations& obs, std::span<const PlanStep> earlier,
                       const PlanStep& step) {
    const PlanStep* build = build_for(earlier, step);
    if (build == nullptr) {
        return unknown(fmt::format("no buildImage of '{}' is planned before this push",
                                   string_param(step, "name").value_or("?")));
    }
    if (build->cache.status == "miss") {
        return {"miss", "",
                fmt::format("build {} misses ({}): the image to push is new", build->id,
                            build->cache.reason)};
    }
    const BuildObservation* seen = obs.build(build->id);
    if (build->cache.status != "hit" || seen == nullptr || !seen->digest) {
        return unknown(fmt::format("the digest is known only once build {} has run: {}", build->id,
                                   build->cache.reason));
    }
    const std::string& digest = *seen->digest;
    for (const auto& effect : step.effects) {
        if (effect.kind != "tag") {
            continue;
        }
        const TagObservation* tag = obs.tag(effect.target);
        if (tag == nullptr || tag->known != Known::yes) {
            return unknown(fmt::format("tag {} was not probed{}", effect.target,
                                       tag != nullptr && !tag->reason.empty() ? ": " + tag->reason
                                                                              : std::string()));
        }
        if (!tag->digest) {
            return {"miss", digest, fmt::format("tag {} does not exist yet", effect.target)};
        }
        if (*tag->digest != digest) {
            return {"miss", digest,
                    fmt::format("tag {} points at {}, the build is {}", effect.target, *tag->digest,
                                digest)};
        }
    }
    return {"hit", digest, fmt::format("every tag already points at {}", digest)};
}

std::string object_name(const ObjectChange& o, const PlanStep& step) {
    return o.namespace_ == step.target.namespace_
               ? fmt::format("{}/{}", o.kind, o.name)
               : fmt::format("{}/{} in {}", o.kind, o.name, o.namespace_);
}

// The per-object diff of a deploy as effects: `object Deployment/web: present -> changed: …`.
void object_effects(const DeployObservation& seen, PlanStep& step) {
    if (seen.diff_known != Known::yes) {
        return;
    }
    for (const auto& o : seen.objects) {
        std::string after = o.change;
        if (o.change == "changed") {
            after += ": ";
            for (std::size_t i = 0; i < o.fields.size(); ++i) {
                after += (i == 0 ? "" : ", ") + o.fields[i];
            }
            if (o.more_fields > 0) {
                after += fmt::format(" (+{} more)", o.more_fields);
            }
        }
        step.effects.push_back(
            {"object", object_name(o, step), o.change == "added" ? "absent" : "present", after});
    }
}

PlanCache predict_deploy(const Observations& obs, PlanStep& step) {
    if (const auto name = runtime_parameter(step); !name.empty()) {
        return unknown(
            fmt::format("parameter {} is only known at run time, so is the deploy key", name));
    }
    const DeployObservation* seen = obs.deploy(step.id);
    if (seen == nullptr) {
        return unknown("the deploy was not probed: its parameters depend on values the probes "
                       "bring (git, the build number)");
    }
    if (seen->params != step.params.dump()) {
        return unknown("the parameters differ from the ones probed");
    }
    const auto release_name = string_param(step, "release").value_or("");
    const ReleaseObservation* release =
        obs.release(step.target.context, step.target.namespace_, release_name);
    std::string images_note;
    for (const auto& image :
         seen->diff_known == Known::yes ? seen->pending_images : std::vector<std::string>()) {
        images_note +=
            (images_note.empty() ? "; rendered with a placeholder digest for " : ", ") + image;
    }
    if (seen->known != Known::yes) {
        object_effects(*seen, step);
        return unknown(seen->reason + images_note);
    }
    if (release == nullptr || release->known != Known::yes) {
        object_effects(*seen, step);
        return {"unknown", seen->key,
                fmt::format("release {} was not probed{}", release_name,
                            release != nullptr && !release->reason.empty() ? ": " + release->reason
                                                                           : std::string())};
    }
    if (!release->revision) {
        object_effects(*seen, step);
        return {"miss", seen->key, fmt::format("release {} does not exist yet", release_name)};
    }
    const int revision = *release->revision;
    if (release->status != "deployed") {
        object_effects(*seen, step);
        return {"miss", seen->key,
                fmt::format("revision {} is {}, not deployed", revision, release->status)};
    }
    if (!release->deploy_key) {
        object_effects(*seen, step);
        return {"miss", seen->key,
                fmt::format("revision {} carries no deploy key of ferry's (another tool or person "
                            "made it)",
                            revision)};
    }
    if (*release->deploy_key != seen->key_label) {
        object_effects(*seen, step);
        return {"miss", seen->key,
                fmt::format("revision {} was deployed from other inputs (deploy key {}…)", revision,
                            release->deploy_key->substr(0, 12))};
    }
    return {"hit", seen->key,
            fmt::format("revision {} was deployed from these inputs: no upgrade, no new revision",
                        revision)};
}

// The directory a step runs in, relative to the workspace unless absolute: `path` under the
// enclosing dir {} blocks. nullopt when a dir is only known at run time.
std::optional<std::string> step_directory(const Plan& plan, const PlanStep& step,
                                          const std::string& path) {
    std::filesystem::path directory = path;
    for (const PlanStep* parent = find_step(plan.steps, step.parent);
         parent != nullptr && !directory.is_absolute();
         parent = find_step(plan.steps, parent->parent)) {
        if (parent->kind != "dir") {
            continue;
        }
        const auto dir = string_param(*parent, "path");
        if (!dir) {
            return std::nullopt;
        }
        directory = std::filesystem::path(*dir) / directory;
    }
    auto normal = directory.lexically_normal().string();
    if (normal.size() > 1 && normal.ends_with('/')) {
        normal.pop_back();
    }
    return normal;
}

} // namespace

std::optional<ProbeRequests::Build> build_request(const Plan& plan, const PlanStep& step) {
    if (step.kind != "buildImage" || step.action == Action::skip ||
        !runtime_parameter(step).empty()) {
        return std::nullopt;
    }
    const auto context = step_directory(plan, step, string_param(step, "context").value_or("."));
    const auto directory = step_directory(plan, step, ".");
    if (!context || !directory) {
        return std::nullopt;
    }
    return ProbeRequests::Build{step.id, step.image.value_or(""), step.params.dump(), *context,
                                *directory};
}

std::optional<ProbeRequests::Deploy> deploy_request(const Plan& plan, const PlanStep& step) {
    if (step.kind != "helmUpgrade" || step.action == Action::skip ||
        !runtime_parameter(step).empty()) {
        return std::nullopt;
    }
    const auto directory = step_directory(plan, step, ".");
    if (!directory) {
        return std::nullopt;
    }
    ProbeRequests::Deploy out{
        step.id, step.target.context, step.target.namespace_, step.params.dump(), *directory, {}};
    const auto images = step.params.find("images");
    if (images == step.params.end() || !images->is_object()) {
        return out;
    }
    // The run finds an image by the name its buildImage gave it; its reference is the first tag
    // a later pushImage of that name pushed, else the built reference.
    const auto here = std::find_if(plan.steps.begin(), plan.steps.end(),
                                   [&](const PlanStep& s) { return s.id == step.id; });
    for (const auto& [key, value] : images->items()) {
        if (!value.is_string()) {
            continue;
        }
        const auto name = value.get<std::string>();
        ProbeRequests::DeployImage image{name, "", ""};
        bool pushed = false;
        for (auto it = plan.steps.begin(); it != here; ++it) {
            if (it->action == Action::skip || string_param(*it, "name") != name) {
                continue;
            }
            if (it->kind == "buildImage") {
                image.build_step = it->id;
                image.reference = it->image.value_or("");
                pushed = false;
            } else if (it->kind == "pushImage" && !image.build_step.empty() && !pushed) {
                const auto tag = std::find_if(it->effects.begin(), it->effects.end(),
                                              [](const PlanEffect& e) { return e.kind == "tag"; });
                if (tag != it->effects.end()) {
                    image.reference = tag->target;
                    pushed = true;
                }
            }
        }
        if (!image.build_step.empty()) {
            out.images.push_back(std::move(image));
        }
    }
    return out;
}

// A push of a build whose evidence is not yet in its repository writes it
// (runtime/build_evidence.hpp): an effect of its own, and the push is no longer a no-op.
void predict_evidence(const Observations& obs, std::span<const PlanStep> earlier, PlanStep& step) {
    const PlanStep* build = build_for(earlier, step);
    const BuildObservation* seen = build != nullptr ? obs.build(build->id) : nullptr;
    if (seen == nullptr || seen->evidence != "absent" || seen->key.empty() || !build->image ||
        !step.image || image_repository(*build->image) != image_repository(*step.image)) {
        return;
    }
    const auto after = seen->digest ? *seen->digest : std::string("digest of this build");
    step.effects.push_back(
        {"evidence",
         fmt::format("{}:{}", image_repository(*step.image), build_evidence_tag(seen->key)),
         "absent", after});
    if (step.cache.status == "hit") {
        step.cache = {"miss", step.cache.key,
                      fmt::format("{}; the build's evidence tag is written", step.cache.reason)};
    }
}

void predict_cache(const Observations& observations, std::span<const PlanStep> earlier,
                   PlanStep& step) {
    if (step.kind != "buildImage" && step.kind != "pushImage" && step.kind != "helmUpgrade") {
        return;
    }
    if (step.action == Action::skip) {
        step.cache = unknown("the step is skipped");
        return;
    }
    step.cache = step.kind == "buildImage"  ? predict_build(observations, step)
                 : step.kind == "pushImage" ? predict_push(observations, earlier, step)
                                            : predict_deploy(observations, step);
    if (step.kind == "pushImage") {
        predict_evidence(observations, earlier, step);
    }
    if (step.cache.status != "hit") {
        return;
    }
    // A hit changes nothing: the build reuses its image, every tag already points at it, the
    // release stays at its revision.
    step.action = Action::noop;
    for (auto& effect : step.effects) {
        if (effect.kind == "tag" || effect.kind == "release") {
            effect.after = effect.before;
        }
    }
}

} // namespace ferry::compiler::detail
