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
const PlanStep* build_for(const std::vector<PlanStep>& earlier, const PlanStep& push) {
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
    return {seen->hit ? "hit" : "miss", seen->key, seen->explanation};
}

PlanCache predict_push(const Observations& obs, const std::vector<PlanStep>& earlier,
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

} // namespace

std::optional<ProbeRequests::Build> build_request(const Plan& plan, const PlanStep& step) {
    if (step.kind != "buildImage" || step.action == Action::skip ||
        !runtime_parameter(step).empty()) {
        return std::nullopt;
    }
    // The run builds in the step's working directory: the workspace, or an enclosing dir {}.
    std::filesystem::path context = string_param(step, "context").value_or(".");
    for (const PlanStep* parent = find_step(plan.steps, step.parent);
         parent != nullptr && !context.is_absolute();
         parent = find_step(plan.steps, parent->parent)) {
        if (parent->kind != "dir") {
            continue;
        }
        const auto path = string_param(*parent, "path");
        if (!path) {
            return std::nullopt; // a dir only known at run time
        }
        context = std::filesystem::path(*path) / context;
    }
    return ProbeRequests::Build{step.id, step.image.value_or(""), step.params.dump(),
                                context.lexically_normal().string()};
}

void predict_cache(const Observations& observations, const std::vector<PlanStep>& earlier,
                   PlanStep& step) {
    if (step.kind != "buildImage" && step.kind != "pushImage") {
        return;
    }
    if (step.action == Action::skip) {
        step.cache = unknown("the step is skipped");
        return;
    }
    step.cache = step.kind == "buildImage" ? predict_build(observations, step)
                                           : predict_push(observations, earlier, step);
    if (step.cache.status != "hit") {
        return;
    }
    // A hit changes nothing: the build reuses its image, every tag already points at it.
    step.action = Action::noop;
    for (auto& effect : step.effects) {
        if (effect.kind == "tag") {
            effect.after = effect.before;
        }
    }
}

} // namespace ferry::compiler::detail
