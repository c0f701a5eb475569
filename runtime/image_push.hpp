#pragma once
// Pushing an image from the local ImageStore to a registry repository under some tags. Blobs
// first, each HEADed before anything is sent (present: skipped, which makes a rerun upload
// nothing), else mounted from its recorded source on the same registry, else uploaded from the
// store (fetched from its source first when the store lacks it). The manifest is PUT last, once
// every blob is confirmed, so a tag never points at an incomplete image; each tag is then
// HEADed to confirm it resolves to the digest. A tag already at the digest is left alone.

#include "runtime/image_store.hpp"
#include "runtime/registry_client.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

/// A tag about to move: `before` is the digest it points at now, empty when absent.
struct TagMove {
    std::string reference; ///< `server/repository:tag`
    std::string repository;
    std::string tag;
    std::string before;
    std::string after;
};

struct PushOptions {
    /// A client for another registry a blob's source lives on (a base image's). Nullopt and
    /// `error` when it cannot be reached with ferry.yaml's settings.
    std::function<std::unique_ptr<RegistryClient>(const std::string& server, std::string& error)>
        client_for;
    /// Called before each tag moves; a non-empty return (the journal could not be written)
    /// stops the push before that tag changes.
    std::function<std::string(const TagMove&)> before_tag_move;
    /// Progress for people (one line per blob and tag).
    std::function<void(std::string_view)> log;
    /// What each tag named when the caller asked the registry just before (a digest, or empty
    /// when the tag was absent), with the same client: those tags are not asked again, and when
    /// every tag is here the registry has already accepted the credentials, so there is no
    /// ping either. A tag not in it is asked.
    std::map<std::string, std::string, std::less<>> tags_now;
};

/// What each of `tags` names in `repository` now (a digest, or empty when absent); nullopt
/// with `error` when the registry cannot be asked (unreachable, credentials refused).
[[nodiscard]] std::optional<std::map<std::string, std::string, std::less<>>>
current_tags(RegistryClient& client, const std::string& repository,
             const std::vector<std::string>& tags, std::string& error);

/// What a push did, for events, the step's value and tests.
struct PushReport {
    std::string error; ///< empty on success
    std::string digest;
    std::string media_type;
    int uploaded = 0;
    int mounted = 0;
    int skipped = 0;
    std::uint64_t uploaded_bytes = 0;
    std::uint64_t mounted_bytes = 0;
    std::uint64_t skipped_bytes = 0;
    std::uint64_t size = 0;          ///< config + layers (compressed)
    std::vector<TagMove> moved;      ///< tags PUT (before → after)
    std::vector<std::string> tagged; ///< every target reference, moved or already there
    [[nodiscard]] bool ok() const { return error.empty(); }
};

/// One blob an image references.
struct ImageBlob {
    std::string digest;
    std::uint64_t size = 0;
    std::string media_type;
};

/// An image manifest (or index) from the store, taken apart.
struct StoredManifest {
    std::string body;
    std::string media_type;
    std::vector<ImageBlob> blobs;     ///< config then layers (image manifests)
    std::vector<ImageBlob> manifests; ///< children (indexes)
};

/// Reads and parses `digest` from `store`; nullopt and `error` when absent or malformed.
[[nodiscard]] std::optional<StoredManifest>
read_stored_manifest(const ImageStore& store, std::string_view digest, std::string& error);

/// Pushes `manifest_digest` from `store` to `repository` on `client`'s registry under each of
/// `tags` (none: by digest only). `server` is the client's registry, for references and for
/// deciding which sources can be mounted.
[[nodiscard]] PushReport push_image(ImageStore& store, std::string_view manifest_digest,
                                    RegistryClient& client, const std::string& server,
                                    const std::string& repository,
                                    const std::vector<std::string>& tags,
                                    const PushOptions& options = {});

/// `200MB`, `1.5GiB`, `512k`, `1048576`: bytes (KB/MB/GB are powers of 1000, KiB/MiB/GiB of
/// 1024, a bare k/m/g is 1024-based as docker reads it); nullopt when not a size.
[[nodiscard]] std::optional<std::uint64_t> parse_size(std::string_view text);

} // namespace ferry::runtime
