#pragma once
// What `helm upgrade` (and `helm template`, for the plan's diff) is given for one helmUpgrade
// step, prepared before anything changes: the chart as a local path, the -f/--set/--set-string
// arguments, and the deploy key over them. The run's driver and the plan's probe both prepare
// through here, so the key the plan predicts is the key the run computes.

#include "runtime/deploy_key.hpp"
#include "runtime/deploy_shell.hpp"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ferry::runtime {

struct HelmRequest {
    std::string release;
    std::string chart;             ///< a directory or a .tgz (an oci:// chart pulled)
    std::vector<std::string> args; ///< -f, --set, --set-string
    DeployKeyInputs key_inputs;
    std::string key;
};

/// Prepares a helmUpgrade's parameters (`release`, `chart`, `values`, `set`, `setString`,
/// `images`) for namespace `ns`: relative paths against `cwd`, `images:` from `images` (the
/// run's), an oci:// chart pulled into `scratch` through `kube` (nullptr: an oci:// chart is an
/// error). nullopt with `error`.
[[nodiscard]] std::optional<HelmRequest> prepare_helm_request(
    const nlohmann::json& params, const std::filesystem::path& cwd, const std::string& ns,
    const std::map<std::string, RunImage, std::less<>>& images, const KubeTools* kube,
    const std::filesystem::path& scratch, std::string& error);

} // namespace ferry::runtime
