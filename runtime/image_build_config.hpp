#pragma once
// The OCI image config and manifest of a native build: the base's config with the step's
// settings applied (Docker's rules: a new entrypoint drops the base's cmd, env merges by name
// and keeps PATH, ports and labels add to the base's), one history entry and diff_id for the
// new layer, a fixed `created`. Pure: the same inputs give the same bytes.

#include "runtime/image_base.hpp"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ferry::runtime {

inline constexpr std::string_view oci_manifest_type = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_config_type = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view oci_layer_gzip_type =
    "application/vnd.oci.image.layer.v1.tar+gzip";

struct ImageSettings {
    std::optional<std::vector<std::string>> entrypoint;
    std::optional<std::vector<std::string>> cmd;
    std::vector<std::pair<std::string, std::string>> env;
    std::optional<std::string> workdir;
    std::optional<std::string> user;
    std::vector<std::string> ports; ///< `8080`, `53/udp`
    std::map<std::string, std::string> labels;
    std::int64_t created = 0; ///< seconds since the epoch (SOURCE_DATE_EPOCH or 0)
};

struct NewLayer {
    std::string diff_id;
    std::string digest;
    std::int64_t size = 0;
    std::string created_by; ///< the history line
};

/// The config JSON for `base` plus `layer` with `settings` applied.
[[nodiscard]] nlohmann::json image_config(const BaseImage& base, const ImageSettings& settings,
                                          const NewLayer& layer);

/// The OCI manifest: the base's layer descriptors (Docker media types mapped to their OCI
/// equals, same bytes), then the new layer.
[[nodiscard]] nlohmann::json image_manifest(const BaseImage& base, const std::string& config_digest,
                                            std::int64_t config_size, const NewLayer& layer);

/// RFC 3339 UTC for seconds since the epoch (`1970-01-01T00:00:00Z`).
[[nodiscard]] std::string rfc3339(std::int64_t seconds);

/// `https://user:pass@host/x.git` without its user information.
[[nodiscard]] std::string url_without_credentials(std::string_view url);

} // namespace ferry::runtime
