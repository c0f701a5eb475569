// helmUpgrade: `helm upgrade --install` with the kubeconfig and context explicit, images pinned
// by digest through values, skipped when the deploy key recorded on the release is unchanged,
// journaled before it changes the release, and explained from the pods when it fails.
#include "runtime/deploy_diagnose.hpp"
#include "runtime/deploy_key.hpp"
#include "runtime/helm_request.hpp"
#include "stdlib/drivers/deploy_common.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <future>
#include <tuple>
#include <unistd.h>

namespace ferry::stdlib::drivers::detail {
namespace {

using runtime::StepContext;
using runtime::StepOutcome;

struct HelmVersion {
    int major = 3;
    int minor = 0;
    /// `--labels` on install/upgrade (release labels) arrived in helm 3.13.
    [[nodiscard]] bool has_release_labels() const { return major > 3 || minor >= 13; }
};

std::optional<HelmVersion> helm_version(const runtime::KubeTools& kube, std::string& error) {
    const auto run = kube.helm({"version", "--template", "{{.Version}}"});
    HelmVersion v;
    if (!run.ok() || std::sscanf(run.out.c_str(), "v%d.%d", &v.major, &v.minor) != 2) {
        error = run.ok() ? fmt::format("helm version said '{}', not vMAJOR.MINOR…", run.out)
                         : runtime::tool_failure("helm version", run);
        return std::nullopt;
    }
    return v;
}

std::string string_param(const StepContext& context, const char* name) {
    const auto it = context.params.find(name);
    return it != context.params.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<bool> bool_param(const StepContext& context, const char* name) {
    const auto it = context.params.find(name);
    if (it == context.params.end() || !it->is_boolean()) {
        return std::nullopt;
    }
    return it->get<bool>();
}

// Runs helm while watching the release's pods, so that what they said is still known after
// helm's own rollback has deleted them.
runtime::ToolRun run_watching(StepContext& context, const runtime::KubeTools& kube,
                              const std::vector<std::string>& args, const std::string& ns,
                              const std::string& release, std::vector<std::string>& problems) {
    auto helm = std::async(std::launch::async, [&kube, &args] { return kube.helm(args); });
    const auto selector = "app.kubernetes.io/instance=" + release;
    while (helm.wait_for(std::chrono::seconds(4)) != std::future_status::ready) {
        if (context.cancel.cancelled()) {
            continue; // the shell ends helm; wait for it
        }
        if (auto seen = runtime::diagnose_pods(kube, ns, selector); !seen.empty()) {
            problems = std::move(seen);
        }
    }
    return helm.get();
}

std::vector<std::string> upgrade_args(const StepContext& context,
                                      const runtime::HelmRequest& request, const std::string& ns,
                                      const HelmVersion& version, int next_revision) {
    std::vector<std::string> args{"upgrade",     "--install",   request.release,
                                  request.chart, "--namespace", ns};
    args.insert(args.end(), request.args.begin(), request.args.end());
    const bool atomic = bool_param(context, "atomic").value_or(true);
    if (atomic) {
        args.push_back(version.major >= 4 ? "--rollback-on-failure" : "--atomic");
    }
    if (atomic || bool_param(context, "wait").value_or(false)) {
        args.push_back("--wait");
    }
    if (const auto timeout = string_param(context, "timeout"); !timeout.empty()) {
        args.insert(args.end(), {"--timeout", timeout});
    }
    if (version.has_release_labels()) {
        args.insert(args.end(),
                    {"--labels", fmt::format("{}={},{}={}", runtime::deploy_key_label,
                                             runtime::deploy_key_label_value(request.key),
                                             runtime::deploy_revision_label, next_revision)});
    }
    return args;
}

nlohmann::ordered_json state_json(const runtime::ReleaseState& state) {
    if (!state.exists) {
        return "absent";
    }
    return {{"revision", state.revision}, {"status", state.status}};
}

void log_lines(StepContext& context, const std::string& text) {
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = std::min(text.find('\n', start), text.size());
        context.log(runtime::OutputStream::out, std::string_view(text).substr(start, end - start));
        start = end + 1;
    }
}

std::string fallback_key_configmap(const runtime::KubeTools& kube, runtime::DeployJournal& journal,
                                   const std::string& ns, const std::string& release,
                                   const std::string& key, int revision);

StepOutcome deploy(StepContext& context, const runtime::KubeTools& kube, const std::string& ns,
                   const std::filesystem::path& scratch) {
    std::string error;
    const auto version = helm_version(kube, error);
    if (!version) {
        return failure(error);
    }
    std::map<std::string, runtime::RunImage, std::less<>> images;
    {
        std::lock_guard lock(context.services.images_mutex);
        images = context.services.images;
    }
    const auto request = runtime::prepare_helm_request(context.params, context.cwd, ns, images,
                                                       &kube, scratch, error);
    if (!request) {
        return failure(error);
    }
    runtime::DeployJournal journal(context.services.record, context.step.id, kube.target());
    if (error = prepare_namespace(context, kube, journal, ns); !error.empty()) {
        return failure(error);
    }
    const auto before = runtime::read_release(kube, ns, request->release);
    if (!before.error.empty()) {
        return failure(before.error);
    }
    nlohmann::json value{{"release", request->release},
                         {"namespace", ns},
                         {"context", kube.target().context},
                         {"deployKey", request->key},
                         {"skipped", false}};
    if (before.exists && before.status == "deployed" &&
        before.deploy_key == runtime::deploy_key_label_value(request->key)) {
        context.log(runtime::OutputStream::out,
                    fmt::format("release {} in {}/{} is unchanged (deploy key {}): revision {} "
                                "stays",
                                request->release, kube.target().context, ns,
                                request->key.substr(0, 12), before.revision));
        value["skipped"] = true;
        value["revision"] = before.revision;
        return {runtime::BuildResult::success, {}, value};
    }
    const auto id = journal.begin("release", ns + "/" + request->release,
                                  {{"namespace", ns},
                                   {"release", request->release},
                                   {"before", state_json(before)},
                                   {"deployKey", request->key}},
                                  error);
    if (!id) {
        return failure(error);
    }
    std::vector<std::string> problems;
    const auto run = run_watching(
        context, kube, upgrade_args(context, *request, ns, *version, before.revision + 1), ns,
        request->release, problems);
    log_lines(context, run.out);
    const auto after = runtime::read_release(kube, ns, request->release);
    const auto journaled = journal.done(*id, {{"ok", run.ok()}, {"after", state_json(after)}});
    if (!run.ok()) {
        if (problems.empty()) {
            problems =
                runtime::diagnose_pods(kube, ns, "app.kubernetes.io/instance=" + request->release);
        }
        log_lines(context, run.err);
        return failure(
            runtime::tool_failure(
                fmt::format("helm upgrade {} ({}/{})", request->release, kube.target().context, ns),
                run) +
            (problems.empty()
                 ? ""
                 : "\nwhat the cluster says:" + runtime::summarise_problems(problems)));
    }
    if (!journaled.empty()) {
        return failure("cannot write the journal: " + journaled);
    }
    if (!version->has_release_labels()) {
        if (error = fallback_key_configmap(kube, journal, ns, request->release, request->key,
                                           after.revision);
            !error.empty()) {
            return failure(error);
        }
    }
    value["revision"] = after.revision;
    context.log(runtime::OutputStream::out,
                fmt::format("release {} in {}/{}: revision {}", request->release,
                            kube.target().context, ns, after.revision));
    return {runtime::BuildResult::success, {}, value};
}

// Helm before 3.13 has no release labels: the key goes into ConfigMap ferry-deploy-<release>,
// journaled like any other object ferry changes.
std::string fallback_key_configmap(const runtime::KubeTools& kube, runtime::DeployJournal& journal,
                                   const std::string& ns, const std::string& release,
                                   const std::string& key, int revision) {
    const auto name = "ferry-deploy-" + release;
    const auto get = kube.kubectl({"get", "configmap", name, "-n", ns, "-o", "json"});
    nlohmann::ordered_json before = nlohmann::ordered_json::object();
    if (get.ok()) {
        const auto current = nlohmann::json::parse(get.out, nullptr, false);
        before["existed"] = true;
        before["previous"] =
            current.is_object() ? current.value("data", nlohmann::json()) : nlohmann::json();
    } else {
        before["existed"] = false;
    }
    std::string error;
    const auto id = journal.begin("configmap", ns + "/" + name,
                                  {{"namespace", ns}, {"name", name}, {"before", before}}, error);
    if (!id) {
        return error;
    }
    const nlohmann::json manifest{
        {"apiVersion", "v1"},
        {"kind", "ConfigMap"},
        {"metadata", {{"name", name}, {"namespace", ns}}},
        {"data",
         {{"release", release}, {"deployKey", key}, {"revision", std::to_string(revision)}}}};
    const auto applied = kube.kubectl({"apply", "--server-side", "--field-manager", "ferry",
                                       "--force-conflicts", "-f", "-", "-o", "name"},
                                      manifest.dump());
    if (!applied.ok()) {
        return runtime::tool_failure("kubectl apply configmap " + ns + "/" + name, applied);
    }
    return journal.done(*id);
}

} // namespace

StepOutcome helm_upgrade(StepContext& context, runtime::DeployShell& shell) {
    std::string error;
    const auto target = resolve_deploy_target(context, true, error);
    if (!target) {
        return failure(error);
    }
    const runtime::KubeTools kube(shell, target->cluster, target->kubectl, target->helm);
    std::error_code ec;
    std::string step = context.step.id;
    for (auto& c : step) {
        c = std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
    }
    const auto scratch = std::filesystem::temp_directory_path(ec) /
                         fmt::format("ferry-helm-{}-{}-{:x}", ::getpid(), step,
                                     std::hash<std::string>{}(context.step.id));
    auto outcome = deploy(context, kube, target->namespace_, scratch);
    std::filesystem::remove_all(scratch, ec);
    return outcome;
}

} // namespace ferry::stdlib::drivers::detail
