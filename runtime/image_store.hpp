#pragma once
// The local content-addressed store images are built into and pushed from:
// `<root>/blobs/sha256/<hex>` (config, layers, manifests), written atomically (temp file, fsync,
// rename) and verified on write. Blobs an image references but the store does not hold (a
// base image's layers, never downloaded to build on them) have a recorded source repository,
// from which a push mounts or copies them.

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::runtime {

/// Where a blob the store lacks can be found: `server/repository`.
struct BlobSource {
    std::string server;
    std::string repository;
};

class ImageStore {
public:
    explicit ImageStore(std::filesystem::path root);

    [[nodiscard]] const std::filesystem::path& root() const { return root_; }
    /// `<root>/blobs/<algorithm>/<hex>` for `sha256:<hex>` (whether or not it exists).
    [[nodiscard]] std::filesystem::path blob_path(std::string_view digest) const;
    [[nodiscard]] bool has_blob(std::string_view digest) const;
    /// Stores `bytes`; returns the digest, or nullopt and `error`.
    [[nodiscard]] std::optional<std::string> put_blob(std::string_view bytes, std::string& error);
    /// Moves a finished temp file (inside root()/tmp) into place under `digest`, after checking
    /// the file's digest. Returns an error message, or empty.
    [[nodiscard]] std::string adopt_blob(const std::filesystem::path& temp,
                                         std::string_view digest);
    /// A directory for temp files on the store's file system (so adopt_blob can rename).
    [[nodiscard]] std::filesystem::path temp_dir() const;
    [[nodiscard]] std::optional<std::string> read_blob(std::string_view digest,
                                                       std::string& error) const;
    /// Records, for the image `manifest_digest`, where blob `digest` can be fetched from.
    [[nodiscard]] std::string record_source(std::string_view manifest_digest,
                                            std::string_view digest, const BlobSource& source);
    /// The sources recorded for an image's blobs, by blob digest.
    [[nodiscard]] std::map<std::string, BlobSource> sources(std::string_view manifest_digest) const;

private:
    std::filesystem::path root_;
};

/// `$XDG_CACHE_HOME/ferry` (else `$HOME/.cache/ferry`): the cache index and the image store live
/// below it. With neither set, a directory under the system's temporary directory.
[[nodiscard]] std::filesystem::path
cache_root(const std::function<std::optional<std::string>(const std::string&)>& getenv);

/// The same, only when it is the user's own (XDG_CACHE_HOME or HOME set): nullopt instead of the
/// shared temporary fallback, for what must not be left where other users can write.
[[nodiscard]] std::optional<std::filesystem::path>
user_cache_root(const std::function<std::optional<std::string>(const std::string&)>& getenv);

} // namespace ferry::runtime
