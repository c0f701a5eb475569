#pragma once
// Build caching: a stat cache so an unchanged context is re-keyed without reading it, the
// build key (sha256 of a canonical JSON of everything a build depends on), the index from key
// to the image built, and the explanation of a miss against the last build of the same image.
//
// Layout under the cache root ($XDG_CACHE_HOME/ferry):
//   stat/<sha256 of the context path>.json   path → size, mtime_ns, inode, content digest
//   index/builds/<key>.json                  key → manifest digest, size, reference
//   index/builds/by-name/<sha256 of ref>.json the last key and its inputs, for --explain
// Every file starts with `"version": 1`; an unreadable one reads as empty (a miss, not a crash).

#include "runtime/image_build_context.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::runtime {

inline constexpr int build_cache_format_version = 1;

/// (path, size, mtime_ns, inode) → content digest, loaded and saved as one file per context.
class StatCache {
public:
    StatCache() = default;
    /// The stat cache for `context` under `cache_root`.
    [[nodiscard]] static StatCache load(const std::filesystem::path& cache_root,
                                        const std::filesystem::path& context);
    /// The entry's content digest: from the cache when size, mtime and inode match, else read.
    [[nodiscard]] std::optional<std::string> digest(const ContextEntry& entry, std::string& error);
    /// Writes the cache back if anything changed; an error message or empty.
    [[nodiscard]] std::string save() const;
    [[nodiscard]] std::size_t hits() const { return hits_; }
    [[nodiscard]] std::size_t reads() const { return reads_; }

private:
    struct Stamp {
        std::uintmax_t size = 0;
        std::int64_t mtime_ns = 0;
        std::uintmax_t inode = 0;
        std::string digest;
    };
    std::filesystem::path file_;
    std::map<std::string, Stamp> stamps_;
    bool dirty_ = false;
    std::size_t hits_ = 0;
    std::size_t reads_ = 0;
};

/// The context's files as key input: path, type, mode, size and content digest (or link
/// target) of each entry, in order.
[[nodiscard]] std::optional<nlohmann::json> context_inputs(const ContextListing& listing,
                                                           StatCache& stats, std::string& error);

/// sha256 of `value.dump()`, as `sha256:<hex>`: what parameters contribute to a key, so a
/// secret's value is never written into the index.
[[nodiscard]] std::string value_digest(const nlohmann::json& value);

/// The canonical inputs of a build. `params` values are stored as digests.
[[nodiscard]] nlohmann::json build_inputs(std::string_view kind, const nlohmann::json& params,
                                          std::string_view base_digest, nlohmann::json files,
                                          std::string_view tool);

/// The key of `inputs`: `sha256:<hex>` of their canonical JSON.
[[nodiscard]] std::string build_key(const nlohmann::json& inputs);

struct CachedBuild {
    std::string manifest_digest;
    long long size = 0;
    std::string reference;
};

/// The native builder's identity in keys: bump it when the bytes a native build writes change.
inline constexpr std::string_view native_build_tool = "ferry-native/2";

/// The parameters of a buildImage step that shape its image: all but `name` and `context`
/// (the same build under two names is one build).
[[nodiscard]] nlohmann::json build_key_params(const nlohmann::json& params);

/// A build's canonical inputs and their key.
struct BuildKey {
    nlohmann::json inputs;
    std::string key;
};

/// Keys a build the one way the run and the plan's probe both use: `kind` (native, buildah),
/// the step's parameters, the base's manifest digest (`scratch`, or empty for buildah), the
/// context's files through `stats` and the tool. Nullopt and `error` when a file is unreadable.
[[nodiscard]] std::optional<BuildKey> key_build(std::string_view kind, const nlohmann::json& params,
                                                std::string_view base_digest,
                                                const ContextListing& listing, StatCache& stats,
                                                std::string_view tool, std::string& error);

/// HIT or MISS for a keyed build, and why.
struct BuildDecision {
    bool hit = false;
    std::string reason;               ///< hit: the key; miss: the first difference found
    std::optional<CachedBuild> build; ///< hit: the recorded image
};

/// What the registry's build evidence (build_evidence.hpp) says about a key the local cache
/// cannot serve.
struct RemoteBuild {
    std::optional<CachedBuild> build; ///< found: the image the evidence names
    std::string where;                ///< found: `server/repository` holding the evidence
    std::string note;                 ///< not found for a reason worth telling (an error)
};

/// Whether `build` is a hit: its key is indexed and `image_size` (the store's size of a manifest,
/// nullopt when the store lacks it) finds the image, else `remote` (when given) finds evidence
/// of it in the registry; else why it misses, against the last build recorded for `reference`.
/// Shared by buildImage and the plan's probe, so they agree.
[[nodiscard]] BuildDecision
decide_build(const std::filesystem::path& cache_root, const BuildKey& build,
             std::string_view reference,
             const std::function<std::optional<long long>(std::string_view)>& image_size,
             const std::function<RemoteBuild()>& remote = {});

/// What the index says about `key`, if anything.
[[nodiscard]] std::optional<CachedBuild> lookup_build(const std::filesystem::path& cache_root,
                                                      std::string_view key);
/// Records `key` → `build`, and the inputs as the last build of `build.reference`.
[[nodiscard]] std::string record_build(const std::filesystem::path& cache_root,
                                       std::string_view key, const nlohmann::json& inputs,
                                       const CachedBuild& build);
/// The inputs of the last build recorded for `reference`.
[[nodiscard]] std::optional<nlohmann::json> last_inputs(const std::filesystem::path& cache_root,
                                                        std::string_view reference);

/// Why `current` misses, against `previous` (the last build of the same image): the first
/// difference, naming the file, the base digest, the parameter or the tool.
[[nodiscard]] std::string explain_miss(const std::optional<nlohmann::json>& previous,
                                       const nlohmann::json& current);

} // namespace ferry::runtime
