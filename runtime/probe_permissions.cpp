// `kubectl auth can-i VERB RESOURCE -n NS` per right a deploy needs, with the explicit kubeconfig
// and context of the cluster the step targets, side by side on a few threads.
#include "runtime/probe_permissions.hpp"

#include "runtime/cluster_probe.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fmt/format.h>
#include <set>
#include <thread>
#include <tuple>

namespace ferry::runtime {
namespace c = ferry::compiler;

namespace {

struct Right {
    const char* verb;
    const char* resource;
};

// What a deploy does in its target namespace: ferry reads the namespace object (get
// namespaces, which a Role in the namespace can grant), helm keeps its release records in Secrets
// (get, create, update), ferry applies the pull secret (patch), and charts and manifests create
// and patch Deployments.
constexpr Right namespaced_rights[] = {
    {"get", "namespaces"},         {"get", "secrets"},   {"create", "secrets"},
    {"update", "secrets"},         {"patch", "secrets"}, {"create", "deployments.apps"},
    {"patch", "deployments.apps"},
};
// Creating the target namespace when the environment allows it (the planner asks only when the
// namespace is absent).
constexpr Right cluster_right{"create", "namespaces"};

std::string trimmed(std::string_view text) {
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) {
        return {};
    }
    const auto end = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(begin, end - begin + 1));
}

// One `kubectl auth can-i` call: "yes" (exit 0) or "no" (exit 1) on stdout; anything else is
// an error that leaves the right unknown.
c::PermissionObservation can_i(const std::filesystem::path& kubectl, const ClusterTarget& target,
                               c::PermissionObservation out, std::chrono::milliseconds timeout) {
    std::vector<std::string> args = {"auth",       "can-i",        out.verb,
                                     out.resource, "--kubeconfig", target.kubeconfig.string(),
                                     "--context",  target.context};
    if (!out.namespace_.empty()) {
        args.insert(args.end(), {"--namespace", out.namespace_});
    }
    const auto p = run_captured(kubectl, args, timeout);
    const auto answer = trimmed(p.out);
    if (p.started && !p.timed_out && (answer == "yes" || answer == "no")) {
        out.known = c::Known::yes;
        out.allowed = answer == "yes";
        return out;
    }
    const auto line = trimmed(p.err.substr(0, p.err.find('\n')));
    out.reason = !p.started    ? fmt::format("kubectl could not be started: {}", p.error)
                 : p.timed_out ? std::string("kubectl auth can-i did not answer in time")
                               : fmt::format("kubectl auth can-i failed (exit code {}){}{}",
                                             p.exit_code, line.empty() ? "" : ": ", line);
    return out;
}

// The questions to ask: every namespaced right per deploy target (context, namespace), the
// cluster right once per context.
std::vector<c::PermissionObservation> questions(const c::ProbeRequests& requests) {
    std::set<std::pair<std::string, std::string>> targets;
    for (const auto& t : requests.deploy_targets) {
        targets.emplace(t.context, t.name);
    }
    std::vector<c::PermissionObservation> out;
    std::set<std::string> contexts;
    for (const auto& [context, ns] : targets) {
        if (context.empty() || ns.empty()) {
            continue;
        }
        for (const auto& right : namespaced_rights) {
            out.push_back({context, ns, right.verb, right.resource, c::Known::unknown, {}, false});
        }
        if (contexts.insert(context).second) {
            out.push_back({context,
                           "",
                           cluster_right.verb,
                           cluster_right.resource,
                           c::Known::unknown,
                           {},
                           false});
        }
    }
    return out;
}

} // namespace

std::vector<c::PermissionObservation> probe_permissions(const c::ProbeRequests& requests,
                                                        const c::Environment& environment,
                                                        const ProbeOptions& options) {
    auto out = questions(requests);
    if (out.empty()) {
        return out;
    }
    ClusterProbeOptions tool_options;
    tool_options.getenv = options.getenv;
    tool_options.timeout = options.timeout;
    const auto kubectl = find_tool("kubectl", "KUBECTL", tool_options);
    std::vector<std::optional<ClusterTarget>> targets(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto* cluster =
            options.config == nullptr
                ? nullptr
                : options.config->find_cluster_by_context(environment, out[i].context);
        if (!kubectl.path) {
            out[i].reason = kubectl.error;
        } else if (cluster == nullptr) {
            out[i].reason = fmt::format("not probed: no cluster uses context {}", out[i].context);
        } else {
            targets[i] = ClusterTarget{cluster->kubeconfig, cluster->context.value};
        }
    }
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
        for (std::size_t i = next++; i < out.size(); i = next++) {
            if (targets[i]) {
                out[i] = can_i(*kubectl.path, *targets[i], out[i], options.timeout);
            }
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t n = 0; n < std::min<std::size_t>(6, out.size()); ++n) {
        threads.emplace_back(work);
    }
    for (auto& t : threads) {
        t.join();
    }
    return out;
}

} // namespace ferry::runtime
