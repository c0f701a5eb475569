// Releases and deploys as the plan sees them: the release read the way the run reads it (its
// revision, status and the deploy key on the revision ferry made), each helmUpgrade prepared
// through the run's own code, and the chart's render compared with the release's manifest.
#include "runtime/probe_deploy.hpp"

#include "runtime/cluster_probe.hpp"
#include "runtime/deploy_cluster.hpp"
#include "runtime/helm_request.hpp"
#include "runtime/manifest_diff.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace ferry::runtime {
namespace c = ferry::compiler;

namespace {

constexpr std::string_view placeholder_digest =
    "sha256:0000000000000000000000000000000000000000000000000000000000000000";

struct Tools {
    std::filesystem::path kubectl;
    std::filesystem::path helm;
    std::string error;
};

Tools find_tools(const ClusterProbeOptions& options) {
    Tools tools;
    const auto helm = find_tool("helm", "HELM", options);
    const auto kubectl = find_tool("kubectl", "KUBECTL", options);
    if (!helm.path) {
        tools.error = helm.error;
    } else if (!kubectl.path) {
        tools.error = kubectl.error;
    } else {
        tools.helm = *helm.path;
        tools.kubectl = *kubectl.path;
    }
    return tools;
}

const c::ReleaseObservation* find_release(const std::vector<c::ReleaseObservation>& releases,
                                          const std::string& context, const std::string& ns,
                                          const std::string& name) {
    for (const auto& r : releases) {
        if (r.context == context && r.namespace_ == ns && r.name == name) {
            return &r;
        }
    }
    return nullptr;
}

// The run's images as the deploy will find them: each named image with the digest its build
// is known to produce (a hit), else a placeholder and its name in `pending`.
std::map<std::string, RunImage, std::less<>>
predicted_images(const c::ProbeRequests::Deploy& request,
                 const std::vector<c::BuildObservation>& builds, std::vector<std::string>& pending,
                 std::string& why) {
    std::map<std::string, RunImage, std::less<>> images;
    for (const auto& image : request.images) {
        RunImage run;
        run.name = image.name;
        run.reference = image.reference;
        const auto build = std::find_if(builds.begin(), builds.end(),
                                        [&](const auto& b) { return b.step == image.build_step; });
        if (build != builds.end() && build->known == c::Known::yes && build->hit && build->digest) {
            run.digest = *build->digest;
        } else {
            run.digest = std::string(placeholder_digest);
            pending.push_back(image.name);
            if (why.empty()) {
                why = fmt::format(
                    "image {} is built in this run ({}): its digest, and so the deploy key, is "
                    "known after the build",
                    image.name,
                    build == builds.end()           ? "not keyed by the probe"
                    : build->known != c::Known::yes ? build->reason
                                                    : "a cache miss");
            }
        }
        images.emplace(image.name, std::move(run));
    }
    return images;
}

c::DeployObservation probe_deploy(const c::ProbeRequests::Deploy& request,
                                  const std::filesystem::path& workspace,
                                  const compiler::Environment& environment,
                                  const ProbeOptions& options,
                                  const ClusterProbeOptions& cluster_options,
                                  const std::vector<c::BuildObservation>& builds,
                                  const std::vector<c::ReleaseObservation>& releases) {
    c::DeployObservation obs;
    obs.step = request.step;
    obs.params = request.params;
    obs.diff_reason = options.offline ? "not probed: --offline" : "";
    const auto params = nlohmann::json::parse(request.params, nullptr, false);
    if (!params.is_object()) {
        obs.reason = obs.diff_reason = "the step's parameters are not a JSON object";
        return obs;
    }
    std::string why;
    const auto images = predicted_images(request, builds, obs.pending_images, why);

    std::optional<ClusterTarget> target;
    Tools tools;
    if (!options.offline) {
        target = probe_target(options, environment, request.context, obs.diff_reason);
        if (target) {
            tools = find_tools(cluster_options);
            obs.diff_reason = tools.error;
        }
    }
    CapturedDeployShell shell(options.timeout);
    std::optional<KubeTools> kube;
    if (target && tools.error.empty()) {
        kube.emplace(shell, *target, tools.kubectl, tools.helm);
    }
    std::error_code ec;
    std::string step = request.step;
    for (auto& ch : step) {
        ch = std::isalnum(static_cast<unsigned char>(ch)) != 0 ? ch : '_';
    }
    const auto scratch = std::filesystem::temp_directory_path(ec) /
                         fmt::format("ferry-probe-{}-{}-{:x}", ::getpid(), step,
                                     std::hash<std::string>{}(request.step));
    std::string error;
    const std::filesystem::path directory(request.directory);
    const auto prepared =
        prepare_helm_request(params, directory.is_absolute() ? directory : workspace / directory,
                             request.namespace_, images, kube ? &*kube : nullptr, scratch, error);
    if (!prepared) {
        std::filesystem::remove_all(scratch, ec);
        // Paths in the plan are the workspace's, as the pipeline names them.
        auto prefix = workspace.lexically_normal().string();
        if (!prefix.ends_with('/')) {
            prefix += '/';
        }
        for (auto at = error.find(prefix); at != std::string::npos; at = error.find(prefix)) {
            error.erase(at, prefix.size());
        }
        obs.reason = error;
        if (obs.diff_reason.empty()) {
            obs.diff_reason = error;
        }
        return obs;
    }
    obs.key = prepared->key;
    obs.key_label = deploy_key_label_value(prepared->key);
    if (why.empty()) {
        obs.known = c::Known::yes;
    } else {
        obs.reason = why;
    }
    if (kube) {
        const auto* release =
            find_release(releases, request.context, request.namespace_, prepared->release);
        const bool exists = release != nullptr && release->revision.has_value();
        std::vector<std::string> args{"template", prepared->release, prepared->chart, "--namespace",
                                      request.namespace_};
        args.insert(args.end(), prepared->args.begin(), prepared->args.end());
        if (exists) {
            args.emplace_back("--is-upgrade");
        }
        const auto rendered = kube->helm(args);
        ToolRun live;
        live.started = true;
        live.exit_code = 0;
        if (exists) {
            live = kube->helm(
                {"get", "manifest", prepared->release, "--namespace", request.namespace_});
        }
        if (!rendered.ok()) {
            obs.diff_reason = tool_failure(
                fmt::format("helm template {} ({})", prepared->release, kube->where()), rendered);
        } else if (!live.ok()) {
            obs.diff_reason =
                tool_failure(fmt::format("helm get manifest {} -n {} ({})", prepared->release,
                                         request.namespace_, kube->where()),
                             live);
        } else if (auto diff = diff_manifests(live.out, rendered.out, request.namespace_);
                   !diff.ok()) {
            obs.diff_reason = diff.error;
        } else {
            obs.diff_known = c::Known::yes;
            obs.objects = std::move(diff.changes);
            obs.unchanged_objects = diff.unchanged;
        }
    }
    std::filesystem::remove_all(scratch, ec);
    return obs;
}

} // namespace

compiler::ReleaseObservation probe_release(const ClusterTarget& target, std::string_view namespace_,
                                           std::string_view name,
                                           const ClusterProbeOptions& options) {
    compiler::ReleaseObservation obs;
    obs.context = target.context;
    obs.namespace_ = namespace_;
    obs.name = name;
    const auto tools = find_tools(options);
    if (!tools.error.empty()) {
        obs.reason = tools.error;
        return obs;
    }
    CapturedDeployShell shell(options.timeout);
    const KubeTools kube(shell, target, tools.kubectl, tools.helm);
    const auto state = read_release(kube, std::string(namespace_), std::string(name));
    if (!state.error.empty()) {
        obs.reason = state.error;
        return obs;
    }
    obs.known = compiler::Known::yes;
    if (state.exists) {
        obs.revision = state.revision;
        obs.status = state.status;
        obs.chart = state.chart;
        if (!state.deploy_key.empty()) {
            obs.deploy_key = state.deploy_key;
        }
    }
    return obs;
}

std::vector<c::DeployObservation>
probe_deploys(const c::ProbeRequests& requests, const compiler::Environment& environment,
              const ProbeOptions& options,
              const std::function<std::optional<std::string>(const std::string&)>& getenv,
              const std::vector<c::BuildObservation>& builds,
              const std::vector<c::ReleaseObservation>& releases) {
    ClusterProbeOptions cluster_options;
    cluster_options.getenv = getenv;
    cluster_options.timeout = options.timeout;
    std::error_code ec;
    const auto workspace = std::filesystem::absolute(
        requests.workspace.empty() ? std::filesystem::path(".")
                                   : std::filesystem::path(requests.workspace),
        ec);
    std::vector<c::DeployObservation> out;
    out.reserve(requests.deploys.size());
    for (const auto& request : requests.deploys) {
        out.push_back(probe_deploy(request, workspace, environment, options, cluster_options,
                                   builds, releases));
    }
    return out;
}

} // namespace ferry::runtime
