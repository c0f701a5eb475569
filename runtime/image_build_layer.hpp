#pragma once
// One image layer from a listed context, streamed from disk to a gzip file in the image store's
// temp directory: a deterministic tar (byte-sorted paths, parents first, the same mtime on every
// entry, uid/gid 0, no user or group names, normalised modes, no atime/ctime/xattrs, PAX
// restricted format) compressed with a fixed gzip header (no name, mtime 0). The layer's
// diff_id (sha256 of the tar) and digest (sha256 of the gzip) are computed while it streams:
// memory stays flat whatever the files' sizes.

#include "runtime/image_build_context.hpp"
#include "runtime/image_store.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

struct LayerOptions {
    std::string prefix;     ///< where the context lands in the image, without leading `/`
    std::int64_t mtime = 0; ///< every entry's mtime (0, or SOURCE_DATE_EPOCH)
};

struct LayerResult {
    std::string diff_id;   ///< `sha256:` of the uncompressed tar
    std::string digest;    ///< `sha256:` of the gzip stream: the blob's digest
    std::int64_t size = 0; ///< compressed bytes
    std::string error;
    [[nodiscard]] bool ok() const { return error.empty(); }
};

/// Writes the layer for `entries` into `store` (adopted under its digest).
[[nodiscard]] LayerResult write_layer(const std::vector<ContextEntry>& entries,
                                      const LayerOptions& options, ImageStore& store);

} // namespace ferry::runtime
