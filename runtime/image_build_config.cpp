// Image config and manifest JSON. nlohmann::json keeps object keys sorted, so dump() is
// canonical: byte-identical output for equal inputs.
#include "runtime/image_build_config.hpp"

#include <ctime>
#include <fmt/format.h>

namespace ferry::runtime {
namespace {

constexpr std::string_view default_path =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

nlohmann::json merged_env(const nlohmann::json& base_env,
                          const std::vector<std::pair<std::string, std::string>>& extra) {
    std::vector<std::string> env;
    if (base_env.is_array()) {
        for (const auto& item : base_env) {
            if (item.is_string()) {
                env.push_back(item.get<std::string>());
            }
        }
    }
    const auto has_path = [&] {
        for (const auto& item : env) {
            if (item.rfind("PATH=", 0) == 0) {
                return true;
            }
        }
        return false;
    };
    if (!has_path()) {
        env.emplace_back(default_path);
    }
    for (const auto& [name, value] : extra) {
        const auto prefix = name + "=";
        bool replaced = false;
        for (auto& item : env) {
            if (item.rfind(prefix, 0) == 0) {
                item = prefix + value;
                replaced = true;
            }
        }
        if (!replaced) {
            env.push_back(prefix + value);
        }
    }
    return env;
}

std::string port_key(const std::string& port) {
    return port.find('/') == std::string::npos ? port + "/tcp" : port;
}

std::string oci_layer_type(const std::string& type) {
    if (type == "application/vnd.docker.image.rootfs.diff.tar.gzip") {
        return std::string(oci_layer_gzip_type);
    }
    if (type == "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip") {
        return "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    }
    return type;
}

} // namespace

std::string rfc3339(std::int64_t seconds) {
    const auto t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string url_without_credentials(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos) {
        return std::string(url);
    }
    const auto host_start = scheme + 3;
    const auto path = url.find('/', host_start);
    const auto at = url.rfind('@', path == std::string_view::npos ? url.size() : path);
    if (at == std::string_view::npos || at < host_start) {
        return std::string(url);
    }
    return std::string(url.substr(0, host_start)) + std::string(url.substr(at + 1));
}

nlohmann::json image_config(const BaseImage& base, const ImageSettings& settings,
                            const NewLayer& layer) {
    auto out = base.scratch ? nlohmann::json::object() : base.config;
    if (!out.contains("architecture")) {
        out["architecture"] = host_architecture();
    }
    if (!out.contains("os")) {
        out["os"] = host_os();
    }
    out["created"] = rfc3339(settings.created);
    auto config = out.contains("config") && out["config"].is_object() ? out["config"]
                                                                      : nlohmann::json::object();
    config["Env"] = merged_env(config.value("Env", nlohmann::json::array()), settings.env);
    if (settings.entrypoint) {
        config["Entrypoint"] = *settings.entrypoint;
        config.erase("Cmd"); // as Docker does: a new entrypoint does not inherit the old cmd
    }
    if (settings.cmd) {
        config["Cmd"] = *settings.cmd;
    }
    if (settings.workdir) {
        config["WorkingDir"] = *settings.workdir;
    }
    if (settings.user) {
        config["User"] = *settings.user;
    }
    for (const auto& port : settings.ports) {
        config["ExposedPorts"][port_key(port)] = nlohmann::json::object();
    }
    for (const auto& [name, value] : settings.labels) {
        config["Labels"][name] = value;
    }
    out["config"] = config;
    auto rootfs = nlohmann::json{{"type", "layers"}, {"diff_ids", nlohmann::json::array()}};
    if (!base.scratch && out.contains("rootfs") && out["rootfs"].contains("diff_ids")) {
        rootfs["diff_ids"] = out["rootfs"]["diff_ids"];
    }
    rootfs["diff_ids"].push_back(layer.diff_id);
    out["rootfs"] = rootfs;
    if (!out.contains("history") || !out["history"].is_array()) {
        out["history"] = nlohmann::json::array();
    }
    out["history"].push_back({{"created", rfc3339(settings.created)},
                              {"created_by", layer.created_by},
                              {"comment", "ferry buildImage"}});
    return out;
}

nlohmann::json image_manifest(const BaseImage& base, const std::string& config_digest,
                              std::int64_t config_size, const NewLayer& layer) {
    auto layers = nlohmann::json::array();
    if (!base.scratch) {
        for (auto descriptor : base.manifest.value("layers", nlohmann::json::array())) {
            descriptor["mediaType"] = oci_layer_type(descriptor.value("mediaType", ""));
            layers.push_back(descriptor);
        }
    }
    layers.push_back(
        {{"mediaType", oci_layer_gzip_type}, {"digest", layer.digest}, {"size", layer.size}});
    return {{"schemaVersion", 2},
            {"mediaType", oci_manifest_type},
            {"config",
             {{"mediaType", oci_config_type}, {"digest", config_digest}, {"size", config_size}}},
            {"layers", layers}};
}

} // namespace ferry::runtime
