#pragma once
// The deploy key: what a helm release was deployed from, so that the same inputs again mean no
// upgrade and no new revision. sha256 over the chart (the packaged file's bytes, or a
// directory's files), the values ferry hands helm (values files' digests, --set, --set-string,
// the image values) and the release's name and namespace.

#include "runtime/driver.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::runtime {

/// The helm release label that carries the key (also the ConfigMap key when labels cannot be used).
inline constexpr std::string_view deploy_key_label = "ferry.dev/deploy-key";
/// The release label with the revision ferry's upgrade made. Helm carries release labels over
/// to later revisions, so a key is only trusted on the revision that set it: after someone
/// else's `helm upgrade` or `helm rollback` the key says nothing about what is deployed.
inline constexpr std::string_view deploy_revision_label = "ferry.dev/revision";

/// Hex sha256 of `bytes`.
[[nodiscard]] std::string sha256_hex(std::string_view bytes);

/// `sha256:<hex>` of a packaged chart's bytes, or of a chart directory's files (relative paths
/// and contents, sorted; `.helmignore`d files are still counted). nullopt with `error`.
[[nodiscard]] std::optional<std::string> chart_digest(const std::filesystem::path& chart,
                                                      std::string& error);

/// The `--set-string` pairs an `images:` parameter stands for: for each `key: image`,
/// `key.repository`, `key.tag` and `key.digest` of the run's image (or of a reference pinned by
/// digest). Unknown images are an error naming them.
struct ImageValues {
    std::vector<std::pair<std::string, std::string>> set_strings;
    std::vector<std::string> digests; ///< in key order
    std::string error;
};
[[nodiscard]] ImageValues image_values(const nlohmann::json& images,
                                       const std::map<std::string, RunImage, std::less<>>& run);

/// What the key is computed from; every field is already canonical.
struct DeployKeyInputs {
    std::string release;
    std::string namespace_;
    std::string chart_digest;
    std::vector<std::string> values_file_digests; ///< in the order given
    nlohmann::json set = nlohmann::json::object();
    nlohmann::json set_string = nlohmann::json::object();
    std::vector<std::pair<std::string, std::string>> image_values;
};

/// `sha256` hex of the inputs' canonical JSON.
[[nodiscard]] std::string deploy_key(const DeployKeyInputs& inputs);

/// The key as a label value: at most 63 characters of [a-z0-9].
[[nodiscard]] std::string deploy_key_label_value(std::string_view key);

/// Helm `--set`/`--set-string` text for a value: lists as `{a,b}`, commas escaped.
[[nodiscard]] std::string helm_set_value(const nlohmann::json& value);

} // namespace ferry::runtime
