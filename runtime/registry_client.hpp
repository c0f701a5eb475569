#pragma once
// A client for the OCI distribution API (and Docker Registry v2): ping, manifests by tag or
// digest, tag lists. Authenticates from the registry's WWW-Authenticate challenge (Basic, or a
// Bearer token from its realm), verifies TLS with the configured CA, retries 5xx, 429 and reset
// connections with backoff. Errors name the registry and what it answered, never a credential.
// libcurl and OpenSSL are included only by registry_client.cpp.

#include "compiler/environment.hpp"
#include "runtime/docker_config.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

/// `server/repository[:tag][@digest]` taken apart. Docker Hub names get `docker.io` and
/// `library/`; a reference with neither tag nor digest has tag `latest` and `implicit_tag`.
struct ImageReference {
    std::string server;
    std::string repository;
    std::string tag;
    std::string digest;
    bool implicit_tag = false;
    [[nodiscard]] std::string str() const; ///< `server/repository[:tag][@digest]`
};

/// Parses an image reference; nullopt when it is not one.
[[nodiscard]] std::optional<ImageReference> parse_image_reference(std::string_view text);

/// The media types asked for when reading manifests: OCI and Docker v2, images and indexes.
[[nodiscard]] const std::vector<std::string>& manifest_media_types();

/// Where and how to reach one registry.
struct RegistryEndpoint {
    std::string server; ///< host[:port], normalised (compiler::normalize_registry_server)
    compiler::TlsSettings tls;
    std::optional<RegistryAuth> auth;                                   ///< none: anonymous
    std::chrono::milliseconds timeout = std::chrono::seconds(30);       ///< per request
    int max_attempts = 4;                                               ///< for retryable failures
    std::chrono::milliseconds backoff = std::chrono::milliseconds(250); ///< doubled each retry
};

/// The outcome of a call: `status` is the last HTTP status (0 when none arrived).
struct RegistryResult {
    bool ok = false;
    long status = 0;
    std::string error; ///< names the registry, the request and the answer
};

struct ManifestResult : RegistryResult {
    bool not_found = false; ///< the tag, manifest or repository does not exist (404)
    std::string digest;     ///< Docker-Content-Digest, verified against the body on GET
    std::string media_type; ///< Content-Type
    long long size = -1;    ///< Content-Length when known
    std::string body;       ///< GET only
};

struct TagsResult : RegistryResult {
    bool not_found = false;
    std::vector<std::string> tags;
};

class RegistryClient {
public:
    explicit RegistryClient(RegistryEndpoint endpoint);
    RegistryClient(const RegistryClient&) = delete;
    RegistryClient& operator=(const RegistryClient&) = delete;
    RegistryClient(RegistryClient&&) noexcept;
    RegistryClient& operator=(RegistryClient&&) noexcept;
    ~RegistryClient();

    /// `GET /v2/`: reachable, TLS verified, credentials accepted.
    [[nodiscard]] RegistryResult ping();
    /// `HEAD` of a manifest by tag or digest: its digest without downloading it. Falls back to
    /// GET when the registry sends no Docker-Content-Digest.
    [[nodiscard]] ManifestResult head_manifest(std::string_view repository,
                                               std::string_view reference);
    /// `GET` of a manifest; the body's digest must match Docker-Content-Digest (and the
    /// reference, when it is a digest).
    [[nodiscard]] ManifestResult get_manifest(std::string_view repository,
                                              std::string_view reference);
    /// The repository's tags, following `Link` pagination.
    [[nodiscard]] TagsResult list_tags(std::string_view repository);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// `sha256:<hex>` (or sha512) of `bytes`.
[[nodiscard]] std::string content_digest(std::string_view bytes,
                                         std::string_view algorithm = "sha256");

/// A `WWW-Authenticate` challenge: its scheme (lower-cased) and parameters.
struct AuthChallenge {
    std::string scheme;
    std::vector<std::pair<std::string, std::string>> params; ///< names lower-cased
    [[nodiscard]] std::string param(std::string_view name) const;
};

/// Parses a `WWW-Authenticate` header value (first challenge).
[[nodiscard]] std::optional<AuthChallenge> parse_auth_challenge(std::string_view header);

} // namespace ferry::runtime
