#pragma once
// The base image of a native build: its reference resolved against a registry to the image
// manifest for the host platform (through an index when the tag names one) and its config.
// `scratch` is no image at all. A tag that does not exist is reported before any work, with
// the repository's tags nearest first.

#include "runtime/registry_client.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

/// The reads a base image needs; RegistryClient is the real one (registry_base_source), tests
/// pass a map.
class BaseImageSource {
public:
    virtual ~BaseImageSource() = default;
    [[nodiscard]] virtual ManifestResult manifest(std::string_view repository,
                                                  std::string_view reference) = 0;
    [[nodiscard]] virtual TagsResult tags(std::string_view repository) = 0;
    /// A small blob (a config), verified against `digest`; nullopt and `error` on failure.
    [[nodiscard]] virtual std::optional<std::string>
    blob(std::string_view repository, std::string_view digest, std::string& error) = 0;
};

struct BaseImage {
    bool scratch = true;
    std::string reference; ///< as resolved (`server/repo:tag`), empty for scratch
    std::string server;
    std::string repository;
    std::string manifest_digest; ///< the platform image manifest's digest (the cache input)
    nlohmann::json manifest = nlohmann::json::object();
    nlohmann::json config = nlohmann::json::object();
    bool config_read = false; ///< `config` holds the base's config (resolved with it)
};

struct BaseLookup {
    std::optional<BaseImage> image;
    std::string error;
    std::vector<std::string> nearest_tags; ///< filled when the tag does not exist
};

/// The platform ferry builds for: the host's (`linux`, `amd64`, …).
[[nodiscard]] std::string host_os();
[[nodiscard]] std::string host_architecture();

/// What resolve_base reads: the platform manifest (all a build key needs), or its config too
/// (what a build needs).
enum class BaseParts { manifest, with_config };

/// Resolves `reference` (already a full reference) for linux/`architecture`.
[[nodiscard]] BaseLookup resolve_base(const ImageReference& reference, BaseImageSource& source,
                                      std::string_view architecture = host_architecture(),
                                      BaseParts parts = BaseParts::with_config);

/// Reads the config of a base resolved without it; false with `error` when it cannot be read.
[[nodiscard]] bool read_base_config(BaseImage& image, BaseImageSource& source, std::string& error);

/// `tags` ordered nearest to `wanted` first: version-like tags by their first differing number
/// (10.6.0 → 10.5.0 and 10.7.0 before 10.4.0 and 9.6.0), others by edit distance.
[[nodiscard]] std::vector<std::string> nearest_tags(std::string_view wanted,
                                                    std::vector<std::string> tags);

/// Levenshtein distance.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

} // namespace ferry::runtime
