#pragma once
// Build evidence in the registry: after a push, the pushed image's manifest is also tagged
// `ferry-build-<key hex>` in its repository, where `<key>` is the build key (build_cache.hpp).
// A build whose key is not in the local index asks its repository for that tag; when it is
// there, the image it names was built from exactly these inputs (on another machine, a fresh
// CI runner's predecessor), and the build is a hit: the manifest and config are fetched into
// the local store and the layers recorded as living in the repository.
//
// The tag is written once and never moved (a second build of the same key that produced other
// bytes, a non-reproducible buildah build, leaves the first one's evidence: both are true). A
// push journals it like any tag, so a rolled-back run takes its evidence with it.

#include "compiler/environment.hpp"
#include "compiler/observations.hpp"
#include "runtime/build_cache.hpp"
#include "runtime/image_store.hpp"
#include "runtime/registry_client.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::runtime {

/// The tag prefix of build evidence.
inline constexpr std::string_view evidence_tag_prefix = compiler::build_evidence_tag_prefix;

/// `ferry-build-<hex>` for build key `sha256:<hex>`.
[[nodiscard]] std::string evidence_tag(std::string_view key);
/// Whether `tag` is build evidence (kept out of tag lists shown to people).
[[nodiscard]] bool is_evidence_tag(std::string_view tag);

/// Whether build evidence is written to and read from `server`: it must be one of ferry.yaml's
/// registries (ferry leaves no tags in a registry nobody declared) with `buildEvidence` on.
[[nodiscard]] bool evidence_enabled(const compiler::EnvironmentConfig* config,
                                    const compiler::Environment* environment,
                                    const std::string& server);

/// What a repository says about a key's evidence tag.
struct EvidenceLookup {
    bool found = false;
    std::string digest; ///< found: the image manifest it names
    std::string error;  ///< neither found nor a clean 404: the registry's answer
};

/// `HEAD` of the key's evidence tag in `repository`.
[[nodiscard]] EvidenceLookup find_evidence(RegistryClient& client, std::string_view repository,
                                           std::string_view key);

/// Fetches the image `digest` names in `server/repository` into `store` (manifest and config;
/// each layer recorded as living there, fetched or mounted only when pushed elsewhere). Returns
/// the image's size (config + layers), or nullopt and `error`.
[[nodiscard]] std::optional<long long>
import_evidence(RegistryClient& client, const std::string& server, const std::string& repository,
                std::string_view digest, ImageStore& store, std::string& error);

/// Whether this cache has seen `key`'s evidence in `server/repository` (written or found), so
/// a no-op push does not ask the registry again.
[[nodiscard]] bool evidence_known(const std::filesystem::path& cache_root, std::string_view key,
                                  std::string_view repository_reference);
/// Remembers that `key`'s evidence is in `server/repository`. An error message, or empty.
[[nodiscard]] std::string remember_evidence(const std::filesystem::path& cache_root,
                                            std::string_view key,
                                            std::string_view repository_reference);

/// Forgets that note (a rollback removed the evidence tag). An error message, or empty.
[[nodiscard]] std::string forget_evidence(const std::filesystem::path& cache_root,
                                          std::string_view key,
                                          std::string_view repository_reference);
/// The build key an evidence tag stands for (`sha256:<hex>`); empty when `tag` is not evidence.
[[nodiscard]] std::string evidence_key(std::string_view tag);

} // namespace ferry::runtime
