#pragma once
// The native image builder: a base image (or scratch) plus ONE layer holding a build context,
// written into the local image store with an OCI config and manifest. Same inputs, same
// digest, on any machine: the layer is deterministic (image_build_layer.hpp), the config and
// manifest canonical JSON (image_build_config.hpp).

#include "runtime/image_base.hpp"
#include "runtime/image_build_config.hpp"
#include "runtime/image_build_context.hpp"
#include "runtime/image_store.hpp"

#include <filesystem>
#include <string>

namespace ferry::runtime {

struct NativeBuild {
    BaseImage base;            ///< scratch by default
    ContextListing context;    ///< the files, already listed (list_context)
    std::string workdir = "/"; ///< where the context lands in the image
    ImageSettings settings;
};

struct BuiltImage {
    std::string manifest_digest;
    std::string config_digest;
    long long size = 0; ///< config + layers, compressed
    std::string error;
    [[nodiscard]] bool ok() const { return error.empty(); }
};

/// Builds the image into `store`; base layers are recorded as sources, not downloaded.
[[nodiscard]] BuiltImage build_native(const NativeBuild& build, ImageStore& store);

/// The manifest's size (config + layers), if the store holds the manifest, its config, and
/// every layer or a recorded source for it.
[[nodiscard]] std::optional<long long> stored_image_size(const ImageStore& store,
                                                         std::string_view manifest_digest);

/// Writes an OCI image layout at `dir` (oci-layout, index.json naming `ref_name`, blobs hard
/// linked from the store, copied across file systems) holding what the store has of the image.
/// Layers the store lacks (a base's) are listed in `missing`. Returns an error or empty.
[[nodiscard]] std::string export_layout(const ImageStore& store, std::string_view manifest_digest,
                                        const std::filesystem::path& dir, std::string_view ref_name,
                                        std::vector<std::string>* missing = nullptr);

/// Imports an OCI image layout's image (the one `ref_name` names, or its only one) into the
/// store; returns its manifest digest or nullopt and `error`.
[[nodiscard]] std::optional<std::string> import_layout(ImageStore& store,
                                                       const std::filesystem::path& dir,
                                                       std::string_view ref_name,
                                                       std::string& error);

/// A BaseImageSource over a registry client.
class RegistryBaseSource final : public BaseImageSource {
public:
    explicit RegistryBaseSource(RegistryClient& client) : client_(client) {}
    [[nodiscard]] ManifestResult manifest(std::string_view repository,
                                          std::string_view reference) override;
    [[nodiscard]] TagsResult tags(std::string_view repository) override;
    [[nodiscard]] std::optional<std::string>
    blob(std::string_view repository, std::string_view digest, std::string& error) override;

private:
    RegistryClient& client_;
};

} // namespace ferry::runtime
