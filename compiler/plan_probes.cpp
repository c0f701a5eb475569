// probe_requests(): what the probes must look at, read off a plan made with no observations.
// Planning once blind finds every image, namespace and release a step names, with parameters,
// built-ins and environment blocks already evaluated; anything only known at run time (a tag
// made of `${GIT_COMMIT}` when git is not yet read) cannot be probed and stays unknown.
#include "compiler/plan.hpp"
#include "compiler/plan_cache.hpp"

#include <algorithm>
#include <filesystem>

namespace ferry::compiler {
namespace {

/// Whether a step could add to the requests: a tag only comes from a step that may change a
/// registry, a namespace or a release only from helmUpgrade and kubectlApply (which change a
/// cluster). Unknown steps are counted in: the blind plan decides what they do.
bool may_need_probes(const ir::Step& step) {
    if (step.signature == nullptr || step.kind == "helmUpgrade" || step.kind == "kubectlApply" ||
        step.kind == "buildImage") {
        return !step.is_script;
    }
    for (const auto effect : step.signature->effects) {
        if (effect == stdlib::Effect::registry || effect == stdlib::Effect::cluster) {
            return true;
        }
    }
    const auto any = [](const std::vector<ir::Step>& steps) {
        return std::any_of(steps.begin(), steps.end(), may_need_probes);
    };
    return any(step.body) || std::any_of(step.branches.begin(), step.branches.end(),
                                         [&](const ir::StepBranch& b) { return any(b.steps); });
}

bool any_may_need_probes(const std::vector<ir::PostBlock>& post) {
    return std::any_of(post.begin(), post.end(), [](const ir::PostBlock& block) {
        return std::any_of(block.steps.begin(), block.steps.end(), may_need_probes);
    });
}

bool any_may_need_probes(const std::vector<ir::Stage>& stages) {
    return std::any_of(stages.begin(), stages.end(), [](const ir::Stage& stage) {
        return std::any_of(stage.steps.begin(), stage.steps.end(), may_need_probes) ||
               any_may_need_probes(stage.post) || any_may_need_probes(stage.children);
    });
}

} // namespace

ProbeRequests probe_requests(const ir::Pipeline& pipeline, const EnvironmentConfig& config,
                             const PlanOptions& options) {
    ProbeRequests out;
    out.workspace = std::filesystem::path(pipeline.source->path()).parent_path().string();
    out.pipeline = options.job_name;
    out.environment = options.environment;
    const Environment* env = config.find_environment(options.environment);
    if (env == nullptr) {
        return out;
    }
    if (!any_may_need_probes(pipeline.stages) && !any_may_need_probes(pipeline.post)) {
        // Nothing in the pipeline can name an image tag, a namespace or a release: nothing
        // needs the network, and the blind plan below is not made.
        return out;
    }
    const PlanResult blind = plan(pipeline, config, Observations{}, options);
    // Namespaces are asked for where a step deploys (the planner reads them for those steps
    // only): a pipeline that deploys nothing starts no kubectl.
    for (const auto& step : blind.plan.steps) {
        if (step.action == Action::skip) {
            continue;
        }
        for (const auto& effect : step.effects) {
            if (effect.kind == "tag") {
                out.tags.push_back(effect.target);
            }
        }
        if (auto build = detail::build_request(blind.plan, step)) {
            out.builds.push_back(std::move(*build));
        }
        if (auto deploy = detail::deploy_request(blind.plan, step)) {
            out.deploys.push_back(std::move(*deploy));
        }
        if (step.kind == "helmUpgrade" || step.kind == "kubectlApply") {
            out.namespaces.push_back({step.target.context, step.target.namespace_});
            out.deploy_targets.push_back({step.target.context, step.target.namespace_});
        }
        if (step.kind == "helmUpgrade") {
            const auto release = step.params.find("release");
            if (release != step.params.end() && release->is_string()) {
                out.releases.push_back(
                    {step.target.context, step.target.namespace_, release->get<std::string>()});
            }
        }
    }
    return out;
}

} // namespace ferry::compiler
