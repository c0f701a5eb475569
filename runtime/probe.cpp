// probe(): gathers the observations a plan needs. Local facts (git, `.ferry/` state) are always
// read; registry and cluster facts only when online, side by side on a few worker threads.
// Builds are keyed offline too (local files); only a registry base's digest needs the network.
#include "runtime/probe.hpp"

#include "runtime/cluster_probe.hpp"
#include "runtime/config.hpp"
#include "runtime/git.hpp"
#include "runtime/probe_cache.hpp"
#include "runtime/probe_deploy.hpp"
#include "runtime/probe_permissions.hpp"
#include "runtime/probe_registry.hpp"
#include "runtime/state.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fmt/format.h>
#include <set>
#include <thread>

namespace ferry::runtime {
namespace {

namespace c = ferry::compiler;

constexpr std::string_view offline_reason = "not probed: --offline";

// The CI variables (and BUILD_NUMBER) that a plan may depend on. Nothing secret-looking.
const std::vector<std::string>& plan_variables() {
    static const std::vector<std::string> names = {
        "BUILD_NUMBER",       "BUILD_ID",
        "BUILD_URL",          "JOB_NAME",
        "BRANCH_NAME",        "GIT_BRANCH",
        "CHANGE_ID",          "CHANGE_TARGET",
        "TAG_NAME",           "CI",
        "JENKINS_URL",        "GITHUB_ACTIONS",
        "GITHUB_REF",         "GITHUB_REF_NAME",
        "GITHUB_REF_TYPE",    "GITHUB_RUN_NUMBER",
        "GITHUB_SHA",         "GITLAB_CI",
        "CI_COMMIT_REF_NAME", "CI_COMMIT_TAG",
        "CI_PIPELINE_IID",    "CI_COMMIT_SHA",
    };
    return names;
}

using Getenv = std::function<std::optional<std::string>(const std::string&)>;

Getenv env_lookup(const ProbeOptions& options) {
    if (options.getenv) {
        return options.getenv;
    }
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        return value == nullptr ? std::nullopt : std::optional<std::string>(value);
    };
}

std::optional<long long> parse_build_number(const std::optional<std::string>& text) {
    if (!text || text->empty() || text->size() > 18 ||
        !std::all_of(text->begin(), text->end(),
                     [](unsigned char ch) { return ch >= '0' && ch <= '9'; })) {
        return std::nullopt;
    }
    return std::stoll(*text);
}

// Runs every task on at most `workers` threads; returns when all are done.
void run_parallel(const std::vector<std::function<void()>>& tasks, std::size_t workers) {
    if (tasks.size() <= 1) {
        for (const auto& t : tasks) {
            t();
        }
        return;
    }
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> threads;
    const auto n = std::min(workers, tasks.size());
    threads.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        threads.emplace_back([&] {
            for (std::size_t k = next++; k < tasks.size(); k = next++) {
                tasks[k]();
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
}

std::filesystem::path state_directory(const c::ProbeRequests& requests,
                                      const ProbeOptions& options) {
    if (!options.state_dir.empty()) {
        return options.state_dir;
    }
    const std::filesystem::path workspace = requests.workspace.empty() ? "." : requests.workspace;
    return git_work_tree(workspace).value_or(workspace) / state_dir_name;
}

void probe_local(const c::ProbeRequests& requests, const c::Environment& environment,
                 const ProbeOptions& options, const Getenv& getenv, c::Observations& obs) {
    const auto env_name = requests.environment.empty() ? environment.name : requests.environment;
    const auto state =
        read_build_state(state_directory(requests, options), requests.pipeline, env_name);
    if (!state.ok()) {
        obs.warnings.push_back(state.error);
    }
    GitProbeOptions git;
    git.getenv = getenv;
    if (state.ok()) {
        git.previous_commit = state.state->last_success_commit;
    }
    obs.git = probe_git(requests.workspace.empty() ? "." : requests.workspace, git);
    if (auto ci = parse_build_number(getenv("BUILD_NUMBER"))) {
        obs.build_number = ci;
    } else if (state.ok()) {
        obs.build_number = state.state->build_counter + 1;
    }
}

void probe_clusters(const c::ProbeRequests& requests, const c::Environment& environment,
                    const ProbeOptions& options, const Getenv& getenv, c::Observations& obs) {
    ClusterProbeOptions cluster_options;
    cluster_options.getenv = getenv;
    cluster_options.timeout = options.timeout;
    std::vector<std::function<void()>> tasks;
    obs.namespaces.resize(requests.namespaces.size());
    for (std::size_t i = 0; i < requests.namespaces.size(); ++i) {
        const auto& req = requests.namespaces[i];
        auto& out = obs.namespaces[i];
        out.context = req.context;
        out.name = req.name;
        if (auto target = probe_target(options, environment, req.context, out.reason)) {
            tasks.emplace_back([&out, t = *target, &cluster_options, name = req.name] {
                out = probe_namespace(t, name, cluster_options);
            });
        }
    }
    obs.releases.resize(requests.releases.size());
    for (std::size_t i = 0; i < requests.releases.size(); ++i) {
        const auto& req = requests.releases[i];
        auto& out = obs.releases[i];
        out.context = req.context;
        out.namespace_ = req.namespace_;
        out.name = req.name;
        if (auto target = probe_target(options, environment, req.context, out.reason)) {
            tasks.emplace_back([&out, t = *target, &cluster_options, &req] {
                out = probe_release(t, req.namespace_, req.name, cluster_options);
            });
        }
    }
    run_parallel(tasks, 8);
}

// Drops repeated requests, keeping the first of each.
c::ProbeRequests deduplicated(const c::ProbeRequests& in) {
    c::ProbeRequests out = in;
    std::set<std::string> seen;
    out.tags.clear();
    for (const auto& t : in.tags) {
        if (seen.insert(t).second) {
            out.tags.push_back(t);
        }
    }
    seen.clear();
    out.namespaces.clear();
    for (const auto& n : in.namespaces) {
        if (seen.insert(n.context + '\n' + n.name).second) {
            out.namespaces.push_back(n);
        }
    }
    seen.clear();
    out.releases.clear();
    for (const auto& r : in.releases) {
        if (seen.insert(r.context + '\n' + r.namespace_ + '\n' + r.name).second) {
            out.releases.push_back(r);
        }
    }
    return out;
}

void mark_offline(const c::ProbeRequests& requests, c::Observations& obs) {
    for (const auto& t : requests.tags) {
        c::TagObservation tag;
        tag.reference = t;
        tag.reason = offline_reason;
        obs.tags.push_back(std::move(tag));
    }
    for (const auto& n : requests.namespaces) {
        c::NamespaceObservation ns;
        ns.context = n.context;
        ns.name = n.name;
        ns.reason = offline_reason;
        obs.namespaces.push_back(std::move(ns));
    }
    for (const auto& r : requests.releases) {
        c::ReleaseObservation rel;
        rel.context = r.context;
        rel.namespace_ = r.namespace_;
        rel.name = r.name;
        rel.reason = offline_reason;
        obs.releases.push_back(std::move(rel));
    }
}

} // namespace

std::optional<ClusterTarget> probe_target(const ProbeOptions& options,
                                          const c::Environment& environment,
                                          const std::string& context, std::string& reason) {
    if (options.config == nullptr) {
        reason = "not probed: no ferry.yaml was loaded";
        return std::nullopt;
    }
    const auto* cluster = options.config->find_cluster_by_context(environment, context);
    if (cluster == nullptr) {
        reason = fmt::format("no cluster in {} uses context {}",
                             options.config->path.filename().string(), context);
        return std::nullopt;
    }
    return ClusterTarget{cluster->kubeconfig, cluster->context.value};
}

c::Observations probe(const c::ProbeRequests& raw_requests, const c::Environment& environment,
                      const ProbeOptions& options) {
    const auto requests = deduplicated(raw_requests);
    const auto getenv = env_lookup(options);
    c::Observations obs;
    obs.offline = options.offline;
    for (const auto& name : plan_variables()) {
        if (auto value = getenv(name)) {
            obs.process_env.emplace(name, std::move(*value));
        }
    }
    if (options.offline) {
        probe_local(requests, environment, options, getenv, obs);
        mark_offline(requests, obs);
        obs.builds = probe_builds(requests, environment, options, getenv);
        obs.deploys =
            probe_deploys(requests, environment, options, getenv, obs.builds, obs.releases);
        return obs;
    }
    // Git and the state, the registries and the clusters are probed side by side; each
    // writes its own members of `obs`.
    std::thread local([&] { probe_local(requests, environment, options, getenv, obs); });
    std::thread registries(
        [&] { obs.tags = probe_tags(requests.tags, environment, options, getenv); });
    std::thread builds([&] { obs.builds = probe_builds(requests, environment, options, getenv); });
    probe_clusters(requests, environment, options, getenv, obs);
    obs.permissions = probe_permissions(requests, environment, options);
    builds.join();
    // A deploy's key and render need the digests the builds will produce, and the releases.
    obs.deploys = probe_deploys(requests, environment, options, getenv, obs.builds, obs.releases);
    registries.join();
    local.join();
    return obs;
}

} // namespace ferry::runtime
