#pragma once
// The images a Dockerfile builds FROM, for the build key: a Dockerfile build whose FROM tag now
// names other content is a different build, as a native build on a moved `base:` is. Only the
// FROM lines and the ARGs before the first FROM are read (with `buildArgs` overriding their
// defaults), as buildah substitutes them; stages named earlier and `scratch` are not images.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

struct DockerfileBases {
    std::vector<std::string> images; ///< external FROM images, in order, ARGs substituted
    std::string error;               ///< a FROM that cannot be read (an ARG with no value)
};

/// Scans a Dockerfile's text: FROM [--platform=…] IMAGE [AS NAME], line continuations,
/// comments, `${ARG}`/`$ARG` from the ARGs declared before the first FROM (their defaults may
/// use earlier ARGs) and buildah's platform ARGs (TARGETARCH, …, for this machine).
[[nodiscard]] DockerfileBases
dockerfile_bases(std::string_view text, const std::map<std::string, std::string>& build_args);

/// Whether a reference names its registry (`host.tld/…`, `host:port/…`): only those are
/// resolved for the key; a short name depends on buildah's registries.conf, and `localhost/…`
/// is buildah's local storage.
[[nodiscard]] bool names_its_registry(std::string_view reference);

/// What a Dockerfile build's key records for its bases: one line per FROM image, `image@digest`
/// for an image that names its registry (`resolve` gives the digest, or nullopt with the
/// error), the name alone for a short name. nullopt with `error` when the Dockerfile cannot be
/// read or a base cannot be resolved.
[[nodiscard]] std::optional<std::string> dockerfile_base_digests(
    const std::string& dockerfile_path, const std::map<std::string, std::string>& build_args,
    const std::function<std::optional<std::string>(const std::string& image, std::string& error)>&
        resolve,
    std::string& error);

} // namespace ferry::runtime
