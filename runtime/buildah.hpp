#pragma once
// Dockerfile builds through buildah, daemonless: vfs storage and chroot isolation in a private
// root per workspace, build args and target, registry credentials in an auth file ferry writes
// 0600 and removes afterwards, TLS from the registry's settings (a cert dir holding its CA).
// The image is exported as an OCI layout and its blobs imported into the image store.

#include "compiler/environment.hpp"
#include "runtime/cancel.hpp"
#include "runtime/docker_config.hpp"
#include "runtime/image_store.hpp"
#include "runtime/process.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ferry::runtime {

struct BuildahBuild {
    std::filesystem::path context;
    std::filesystem::path dockerfile;
    std::vector<std::pair<std::string, std::string>> build_args;
    std::optional<std::string> target;
    std::string reference;         ///< the name the image is tagged with inside buildah
    std::filesystem::path storage; ///< private root: `<storage>/root`, `<storage>/runroot`
    std::string server;            ///< the registry FROM lines pull from, for credentials
    std::optional<RegistryAuth> auth;
    compiler::TlsSettings tls;
    std::vector<std::pair<std::string, std::string>> env; ///< the step's environment
    std::string program = "buildah";
};

struct BuildahResult {
    std::string manifest_digest;
    std::string error; ///< with buildah's last lines of output
    [[nodiscard]] bool ok() const { return error.empty(); }
};

/// The global options selecting the private storage.
[[nodiscard]] std::vector<std::string> buildah_storage_args(const BuildahBuild& build);

/// `buildah … bud …` arguments; `authfile` and `cert_dir` when set.
[[nodiscard]] std::vector<std::string>
buildah_bud_args(const BuildahBuild& build, const std::optional<std::filesystem::path>& authfile,
                 const std::optional<std::filesystem::path>& cert_dir);

/// Builds, exports and imports; `log` receives buildah's output lines.
[[nodiscard]] BuildahResult build_with_buildah(const BuildahBuild& build, ImageStore& store,
                                               const Cancellation& cancel, const LineSink& log);

/// `buildah --version`'s line (the cache's tool identity), or nullopt when buildah is missing.
[[nodiscard]] std::optional<std::string>
buildah_version(const std::vector<std::pair<std::string, std::string>>& env,
                const Cancellation& cancel, const std::string& program = "buildah");

} // namespace ferry::runtime
