// Namespace and helm release probes: read-only `kubectl get` and `helm history` calls with an
// explicit kubeconfig and context, their answers turned into observations.
#include "runtime/cluster_probe.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

namespace ferry::runtime {
namespace {

std::optional<std::string> lookup(const ClusterProbeOptions& options, const std::string& name) {
    if (options.getenv) {
        return options.getenv(name);
    }
    const char* value = std::getenv(name.c_str());
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
}

std::string first_line(std::string_view text) {
    const auto start = text.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) {
        return {};
    }
    text = text.substr(start);
    return std::string(text.substr(0, std::min<std::size_t>(text.find('\n'), 300)));
}

std::string where(const ClusterTarget& target) {
    return fmt::format("context {} of {}", target.context, target.kubeconfig.string());
}

// Why a finished call did not answer: timeout, start failure or its error line.
std::string failure(std::string_view command, const ProcessOutput& p) {
    if (!p.started) {
        return fmt::format("{} could not be started: {}", command, p.error);
    }
    if (p.timed_out) {
        return fmt::format("{} did not answer in time", command);
    }
    const auto line = first_line(p.err.empty() ? p.out : p.err);
    return fmt::format("{} failed (exit code {}){}{}", command, p.exit_code,
                       line.empty() ? "" : ": ", line);
}

} // namespace

ToolLookup find_tool(std::string_view name, std::string_view variable,
                     const ClusterProbeOptions& options) {
    if (auto set = lookup(options, std::string(variable)); set && !set->empty()) {
        if (::access(set->c_str(), X_OK) == 0) {
            return {std::filesystem::path(*set), {}};
        }
        return {std::nullopt,
                fmt::format("${} is {}, which is not an executable file", variable, *set)};
    }
    const auto path = lookup(options, "PATH").value_or("");
    std::istringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate)) {
            return {candidate, {}};
        }
    }
    const auto* how = name == "helm" ? "https://helm.sh/docs/intro/install/"
                                     : "https://kubernetes.io/docs/tasks/tools/";
    return {std::nullopt, fmt::format("{} was not found: set ${} to its path or put it on PATH "
                                      "(install it: {})",
                                      name, variable, how)};
}

compiler::NamespaceObservation probe_namespace(const ClusterTarget& target, std::string_view name,
                                               const ClusterProbeOptions& options) {
    compiler::NamespaceObservation obs;
    obs.context = target.context;
    obs.name = name;
    const auto kubectl = find_tool("kubectl", "KUBECTL", options);
    if (!kubectl.path) {
        obs.reason = kubectl.error;
        return obs;
    }
    const auto seconds = std::max<long long>(1, options.timeout.count() / 1000);
    const auto p =
        run_captured(*kubectl.path,
                     {"--kubeconfig", target.kubeconfig.string(), "--context", target.context,
                      "get", "namespace", std::string(name), "-o", "jsonpath={.status.phase}",
                      fmt::format("--request-timeout={}s", seconds)},
                     options.timeout + std::chrono::seconds(5));
    if (p.started && !p.timed_out && p.exit_code == 0) {
        obs.known = compiler::Known::yes;
        obs.exists = true;
        if (first_line(p.out) == "Terminating") {
            obs.reason = "the namespace is being deleted (Terminating)";
        }
        return obs;
    }
    if (p.started && !p.timed_out &&
        (p.err.find("NotFound") != std::string::npos ||
         p.err.find(fmt::format("namespaces \"{}\" not found", name)) != std::string::npos)) {
        obs.known = compiler::Known::yes;
        obs.exists = false;
        return obs;
    }
    obs.reason = failure(fmt::format("kubectl get namespace {} ({})", name, where(target)), p);
    return obs;
}

} // namespace ferry::runtime
