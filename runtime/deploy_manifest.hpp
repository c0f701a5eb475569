#pragma once
// Kubernetes manifests on their way to `kubectl apply`: parsed with yaml-cpp, every container
// image that names an image of this run rewritten to `repository@digest`, so that a rebuilt
// image always rolls out and an unchanged one never does.

#include "compiler/environment.hpp"
#include "runtime/driver.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

/// Mutable image references this run knows, each mapped to its pinned `repository@digest`.
struct ImagePins {
    std::map<std::string, std::string, std::less<>> pinned;
    /// The pinned form of `reference`, or nullptr when the run does not know it.
    [[nodiscard]] const std::string* find(std::string_view reference) const;
};

/// The pins of every image built or pushed so far: by pipeline name, by the reference it was
/// built as and by every reference it was pushed as (a reference without a tag also as
/// `:latest`). The repository of the first pushed reference wins, so pods pull from the registry.
[[nodiscard]] ImagePins image_pins(const std::map<std::string, RunImage, std::less<>>& images);

/// `repository@digest` for a run image: its first pushed reference's repository, else its own.
[[nodiscard]] std::string pinned_reference(const RunImage& image);

/// The repository of a reference: without `@digest` and without `:tag`.
using compiler::image_repository;
/// The tag of a reference, or empty.
[[nodiscard]] std::string image_tag(std::string_view reference);

/// One object of a manifest stream.
struct ManifestObject {
    std::string api_version;
    std::string kind;
    std::string namespace_; ///< as written; empty when the manifest names none
    std::string name;
};

struct ManifestRewrite {
    std::string yaml;                    ///< the rewritten stream, documents separated by `---`
    std::vector<ManifestObject> objects; ///< in order
    std::vector<std::string> rewritten;  ///< `old -> new`, one per image changed
    std::string error;                   ///< names the source and the document
    [[nodiscard]] bool ok() const { return error.empty(); }
};

/// Parses a YAML (or JSON) manifest stream and pins the images `pins` knows, in containers,
/// initContainers and ephemeralContainers at any depth (pods, templates, `List` items).
[[nodiscard]] ManifestRewrite rewrite_manifests(std::string_view text, std::string_view source,
                                                const ImagePins& pins);

} // namespace ferry::runtime
