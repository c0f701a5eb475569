// prepare_helm_request(): a helmUpgrade's parameters turned into helm's arguments and the
// deploy key, for the run's driver and the plan's probe alike.
#include "runtime/helm_request.hpp"

#include <fmt/format.h>
#include <tuple>

namespace ferry::runtime {
namespace {

std::string string_param(const nlohmann::json& params, const char* name) {
    const auto it = params.find(name);
    return it != params.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> string_list(const nlohmann::json& value) {
    std::vector<std::string> out;
    if (value.is_string()) {
        out.push_back(value.get<std::string>());
    } else if (value.is_array()) {
        for (const auto& v : value) {
            if (v.is_string()) {
                out.push_back(v.get<std::string>());
            }
        }
    }
    return out;
}

std::filesystem::path resolve(const std::filesystem::path& cwd, const std::string& path) {
    const std::filesystem::path given(path);
    return given.is_absolute() ? given : (cwd / given).lexically_normal();
}

// The chart as a local path: directories and .tgz as given, oci:// pulled into `scratch`.
std::optional<std::filesystem::path> local_chart(const std::filesystem::path& cwd,
                                                 const KubeTools* kube, const std::string& chart,
                                                 const std::filesystem::path& scratch,
                                                 std::string& error) {
    if (!chart.starts_with("oci://")) {
        auto path = resolve(cwd, chart);
        std::error_code ec;
        if (!std::filesystem::exists(path, ec)) {
            error = fmt::format("chart {} does not exist", path.string());
            return std::nullopt;
        }
        return path;
    }
    if (kube == nullptr) {
        error =
            fmt::format("chart {} is pulled from its registry, which is not reached here", chart);
        return std::nullopt;
    }
    std::error_code ec;
    // Emptied first: the .tgz found below must be the one this pull wrote, never one left by
    // a process that died with the same pid.
    std::filesystem::remove_all(scratch, ec);
    std::filesystem::create_directories(scratch, ec);
    const auto pulled = kube->helm({"pull", chart, "--destination", scratch.string()});
    if (!pulled.ok()) {
        error = tool_failure("helm pull " + chart, pulled);
        return std::nullopt;
    }
    for (const auto& entry : std::filesystem::directory_iterator(scratch, ec)) {
        if (entry.path().extension() == ".tgz") {
            return entry.path();
        }
    }
    error = fmt::format("helm pull {} left no .tgz in {}", chart, scratch.string());
    return std::nullopt;
}

} // namespace

std::optional<HelmRequest> prepare_helm_request(
    const nlohmann::json& params, const std::filesystem::path& cwd, const std::string& ns,
    const std::map<std::string, RunImage, std::less<>>& run_images, const KubeTools* kube,
    const std::filesystem::path& scratch, std::string& error) {
    HelmRequest request;
    request.release = string_param(params, "release");
    const auto chart_param = string_param(params, "chart");
    if (request.release.empty() || chart_param.empty()) {
        error = "helmUpgrade needs release: and chart:";
        return std::nullopt;
    }
    const auto chart = local_chart(cwd, kube, chart_param, scratch, error);
    if (!chart) {
        return std::nullopt;
    }
    request.chart = chart->string();
    auto& key = request.key_inputs;
    key.release = request.release;
    key.namespace_ = ns;
    const auto digest = chart_digest(*chart, error);
    if (!digest) {
        return std::nullopt;
    }
    key.chart_digest = *digest;
    for (const auto& file : string_list(params.value("values", nlohmann::json()))) {
        const auto path = resolve(cwd, file);
        const auto file_digest = chart_digest(path, error);
        if (!file_digest) {
            error = fmt::format("values file {}: {}", file, error);
            return std::nullopt;
        }
        key.values_file_digests.push_back(*file_digest);
        request.args.insert(request.args.end(), {"-f", path.string()});
    }
    for (const auto& [param, flag, into] :
         {std::tuple{"set", "--set", &key.set},
          std::tuple{"setString", "--set-string", &key.set_string}}) {
        const auto it = params.find(param);
        if (it == params.end() || !it->is_object()) {
            continue;
        }
        *into = *it;
        for (const auto& [k, v] : it->items()) {
            request.args.insert(request.args.end(), {flag, k + "=" + helm_set_value(v)});
        }
    }
    const auto images = image_values(params.value("images", nlohmann::json()), run_images);
    if (!images.error.empty()) {
        error = images.error;
        return std::nullopt;
    }
    for (const auto& [k, v] : images.set_strings) {
        request.args.insert(request.args.end(), {"--set-string", k + "=" + v});
    }
    key.image_values = images.set_strings;
    request.key = deploy_key(key);
    return request;
}

} // namespace ferry::runtime
