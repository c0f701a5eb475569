// Steps in the plan: parameters evaluated, block bodies with their variables, and for ferry's
// own steps the image, the target and the effects the observations predict.
#include "compiler/environment.hpp"
#include "compiler/plan_detail.hpp"
#include "compiler/plan_permissions.hpp"
#include "compiler/plan_targets.hpp"

#include <fmt/format.h>

namespace ferry::compiler::detail {
namespace {

std::optional<std::string> string_param(const PlanStep& s, const char* name) {
    const auto it = s.params.find(name);
    if (it == s.params.end() || !it->is_string()) {
        return std::nullopt;
    }
    return it->get<std::string>();
}

std::string unknown_because(const std::string& reason) {
    return reason.empty() ? "unknown" : "unknown (" + reason + ")";
}

bool is_image_key(std::string_view key) {
    std::string lower(key);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower.find("image") != std::string::npos &&
           lower.find("pullpolicy") == std::string::npos;
}

} // namespace

void Planner::plan_steps(const std::vector<ir::Step>& steps, const StepContext& context) {
    for (const auto& step : steps) {
        plan_step(step, context);
    }
}

void Planner::prepare_namespace(const ir::Step& step, const std::string& ns, PlanStep& out) {
    if (!prepared_namespaces.insert(target.context + "/" + ns).second) {
        return;
    }
    const NamespaceObservation* seen = obs.namespace_in(target.context, ns);
    const bool absent = seen != nullptr && seen->known == Known::yes && !seen->exists;
    if (absent && !env.create_namespace) {
        const auto [line, column] = line_column(*pipeline.source, step.name_span);
        auto& d = result.config_diagnostics.error(
            "E0704", env.span,
            fmt::format("namespace '{}' does not exist in context '{}', and environment '{}' may "
                        "not create it",
                        ns, target.context, env.name));
        d.notes.push_back({fmt::format("step {} ({}:{}:{}) deploys into it", step.id,
                                       pipeline.source->path(), line, column),
                           std::nullopt});
        d.notes.push_back(
            {"create the namespace, or set createNamespace: true for this environment",
             std::nullopt});
        return;
    }
    if (absent) {
        out.effects.push_back({"namespace", target.context + "/" + ns, "absent", "created"});
        out.action = Action::create;
    } else if ((seen == nullptr || seen->known != Known::yes) && env.create_namespace) {
        out.effects.push_back({"namespace", target.context + "/" + ns,
                               unknown_because(seen != nullptr ? seen->reason : ""),
                               "created if absent"});
    }
    if (env.pull_secret && env.pull_secret->create) {
        const auto creds =
            env.pull_secret->credentials
                ? env.pull_secret->credentials->value
                : (registry != nullptr && registry->credentials ? registry->credentials->value
                                                                : std::string());
        out.effects.push_back({"pull-secret", ns + "/" + env.pull_secret->name, "unknown",
                               creds.empty() ? "ensured" : "ensured from credential " + creds});
    }
}

void Planner::describe_effects(const ir::Step& step, PlanStep& out, const StepContext& context) {
    const auto name = string_param(out, "name");
    if (step.kind == "buildImage" || step.kind == "pushImage") {
        if (!name) {
            return;
        }
        if (registry == nullptr && !names_registry(*name)) {
            result.diagnostics.error(
                "E0713", step.span,
                fmt::format("stage '{}': image '{}' needs a registry, and environment '{}' names "
                            "none",
                            context.stage_name, *name, env.name));
        }
        const std::string ref = resolve_image(*name, registry);
        out.image = ref;
        if (step.kind == "buildImage") {
            built_images.insert(*name);
            built_images.insert(ref);
            built_images.insert(image_repository(ref));
            out.action = Action::create;
            out.summary = ref;
            return;
        }
        std::vector<std::string> refs;
        if (auto tags = out.params.find("tags"); tags != out.params.end() && tags->is_array()) {
            for (const auto& t : *tags) {
                if (t.is_string()) {
                    refs.push_back(image_repository(ref) + ":" + t.get<std::string>());
                }
            }
        }
        if (refs.empty()) {
            refs.push_back(ref);
        }
        out.image = refs.front();
        out.action = Action::create;
        for (const auto& r : refs) {
            const TagObservation* tag = obs.tag(r);
            std::string before = unknown_because(tag != nullptr ? tag->reason : "not probed");
            if (tag != nullptr && tag->known == Known::yes) {
                before = tag->digest ? *tag->digest : "absent";
            }
            if (before != "absent") {
                out.action = Action::update;
            }
            out.effects.push_back({"tag", r, before, "digest of this build"});
        }
        out.summary = refs.size() == 1
                          ? refs.front()
                          : fmt::format("{} (+{} tags)", refs.front(), refs.size() - 1);
        return;
    }
    if (step.kind != "helmUpgrade" && step.kind != "kubectlApply") {
        return;
    }
    const StepClusterScope step_cluster(*this, step, out);
    std::string ns = string_param(out, "namespace").value_or(env.namespace_name.value);
    out.target.namespace_ = ns;
    if (!env.allows_namespace(ns)) {
        const ir::Param* p = step.param("namespace");
        std::string allowed;
        for (const auto& a : env.allowed_namespaces) {
            allowed += (allowed.empty() ? "" : ", ") + a.value;
        }
        result.diagnostics.error(
            "E0703", p != nullptr ? p->value.span : step.span,
            fmt::format("stage '{}': namespace '{}' is outside environment '{}''s "
                        "allowedNamespaces [{}]",
                        context.stage_name, ns, env.name,
                        allowed.empty() ? env.namespace_name.value : allowed));
        return;
    }
    prepare_namespace(step, ns, out);
    check_deploy_permissions(*this, step, ns, context.stage_name);
    if (step.kind == "kubectlApply") {
        out.effects.push_back(
            {"manifests", target.context + "/" + ns, "unknown", "applied (server-side)"});
        if (out.action != Action::create) {
            out.action = Action::update;
        }
        out.summary = fmt::format("manifests into {}/{}", target.context, ns);
        return;
    }
    const std::string release = string_param(out, "release").value_or("");
    const ReleaseObservation* seen = obs.release(target.context, ns, release);
    std::string before = unknown_because(seen != nullptr ? seen->reason : "not probed");
    std::string after = "next revision";
    Action action = Action::update;
    if (seen != nullptr && seen->known == Known::yes) {
        before = seen->revision ? fmt::format("revision {}", *seen->revision) : "absent";
        after = seen->revision ? fmt::format("revision {}", *seen->revision + 1) : "revision 1";
        action = seen->revision ? Action::update : Action::create;
    }
    if (out.action != Action::create) {
        out.action = action;
    }
    out.effects.push_back(
        {"release", fmt::format("{}/{}/{}", target.context, ns, release), before, after});
    out.summary = fmt::format("release {} in {}/{}", release, target.context, ns);
    // Mutable images handed to the chart: `images:` values and `set:` keys naming an image.
    for (const char* key : {"images", "set", "setString"}) {
        const ir::Param* p = step.param(key);
        if (p == nullptr || p->value.kind != ir::Value::Kind::map) {
            continue;
        }
        for (const auto& [k, v] : p->value.entries) {
            if (v.kind != ir::Value::Kind::string ||
                (std::string_view(key) != "images" && !is_image_key(k))) {
                continue;
            }
            const bool built =
                built_images.count(v.text) > 0 ||
                built_images.count(image_repository(resolve_image(v.text, registry))) > 0;
            if (!built && is_mutable_reference(v.text)) {
                auto& d = result.diagnostics.warning(
                    "W0711", v.span,
                    fmt::format("stage '{}': deploys the mutable image reference '{}': what runs "
                                "depends on when the tag was last pushed",
                                context.stage_name, v.text));
                d.notes.push_back({"pin it by digest (name@sha256:…), or name an image built "
                                   "earlier in this pipeline with buildImage, which ferry pins "
                                   "by digest",
                                   std::nullopt});
            }
        }
    }
}

} // namespace ferry::compiler::detail
