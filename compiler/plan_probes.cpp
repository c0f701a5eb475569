// probe_requests(): what the probes must look at, read off a plan made with no observations.
// Planning once blind finds every image, namespace and release a step names, with parameters,
// built-ins and environment blocks already evaluated; anything only known at run time (a tag
// made of `${GIT_COMMIT}` when git is not yet read) cannot be probed and stays unknown.
#include "compiler/plan.hpp"

#include <filesystem>

namespace ferry::compiler {

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
    const PlanResult blind = plan(pipeline, config, Observations{}, options);
    const std::string context = blind.plan.target.context;
    out.namespaces.push_back({context, env->namespace_name.value});
    for (const auto& step : blind.plan.steps) {
        if (step.action == Action::skip) {
            continue;
        }
        for (const auto& effect : step.effects) {
            if (effect.kind == "tag") {
                out.tags.push_back(effect.target);
            }
        }
        if (step.kind == "helmUpgrade" || step.kind == "kubectlApply") {
            out.namespaces.push_back({context, step.target.namespace_});
        }
        if (step.kind == "helmUpgrade") {
            const auto release = step.params.find("release");
            if (release != step.params.end() && release->is_string()) {
                out.releases.push_back(
                    {context, step.target.namespace_, release->get<std::string>()});
            }
        }
    }
    return out;
}

} // namespace ferry::compiler
