#pragma once
// A client for the OCI distribution API (and Docker Registry v2): ping, manifests by tag or
// digest (GET, HEAD, PUT, DELETE), tag lists, blobs (HEAD, streamed GET, monolithic and chunked
// uploads streamed from a file, cross-repository mounts). Authenticates from the registry's
// WWW-Authenticate challenge (Basic, or a Bearer token from its realm), verifies TLS with the
// configured CA, retries 5xx, 429 and reset connections with backoff. Errors name the registry and
// what it answered, never a credential. libcurl and OpenSSL are included only by
// registry_client*.cpp (registry_client_impl.hpp).

#include "compiler/environment.hpp"
#include "runtime/docker_config.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
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
    /// Blobs larger than this are uploaded in chunks (PATCH), smaller ones in one PUT.
    std::uint64_t chunk_threshold = std::uint64_t{64} << 20;
    std::uint64_t chunk_size = std::uint64_t{16} << 20; ///< raised to OCI-Chunk-Min-Length
    /// Where notes about registries outlive the process (that one wants Basic for a user): a
    /// directory in ferry's cache, or empty for none.
    std::filesystem::path notes = {};
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

/// A blob read whole into memory: for small blobs (image configs), not layers.
struct BlobResult : RegistryResult {
    bool not_found = false;
    std::string body; ///< verified against the digest asked for
};

/// `HEAD` of a blob: whether the repository has it, and its size.
struct BlobInfo : RegistryResult {
    bool exists = false;
    long long size = -1;
};

/// A blob written to a file (streamed, digest checked while writing).
struct BlobDownload : RegistryResult {
    bool not_found = false;
    std::uint64_t size = 0;
};

/// How a blob reached the repository.
struct BlobUpload : RegistryResult {
    bool mounted = false;   ///< mounted from another repository: no bytes sent
    std::uint64_t sent = 0; ///< bytes sent (more than the blob's size after resumes)
    int chunks = 0;         ///< PATCH requests; 0 for a monolithic upload
    int restarts = 0;       ///< upload sessions started over after a failure
};

/// The answer to a manifest PUT: the digest the registry stored it under.
struct ManifestPut : RegistryResult {
    std::string digest;
};

/// The answer to a DELETE: `unsupported` when the registry refuses deletes altogether.
struct DeleteResult : RegistryResult {
    bool not_found = false;
    bool unsupported = false;
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
    /// `GET` of a small blob (a config), its content checked against `digest`.
    [[nodiscard]] BlobResult get_blob(std::string_view repository, std::string_view digest);

    /// `HEAD` of a blob (asked with push scope, so one token serves a whole push).
    [[nodiscard]] BlobInfo head_blob(std::string_view repository, std::string_view digest);
    /// `GET` of a blob streamed to `file` (created or truncated), its digest verified while it
    /// is written; a layer never sits in memory. On failure the file's content is undefined.
    [[nodiscard]] BlobDownload fetch_blob(std::string_view repository, std::string_view digest,
                                          const std::filesystem::path& file);
    /// Uploads `file` as blob `digest`: one PUT up to `chunk_threshold`, else PATCH chunks that
    /// follow each Location and resume from the registry's Range after a failure. The answer's
    /// digest is checked. `size` is the file's expected length.
    [[nodiscard]] BlobUpload upload_blob(std::string_view repository, std::string_view digest,
                                         const std::filesystem::path& file, std::uint64_t size);
    /// Cross-repository mount: `POST …/blobs/uploads/?mount=<digest>&from=<source>`. `mounted`
    /// on 201; ok without `mounted` when the registry declined (202: upload it instead).
    [[nodiscard]] BlobUpload mount_blob(std::string_view repository, std::string_view digest,
                                        std::string_view source_repository);
    /// `PUT` of a manifest (or index) under a tag or its digest, with its media type; the
    /// registry's Docker-Content-Digest must be the body's digest.
    [[nodiscard]] ManifestPut put_manifest(std::string_view repository, std::string_view reference,
                                           std::string_view media_type, std::string_view body);
    /// `DELETE` of a manifest by digest (every tag pointing at it goes too).
    [[nodiscard]] DeleteResult delete_manifest(std::string_view repository,
                                               std::string_view digest);
    /// `DELETE` of a tag alone (`/manifests/<tag>`, OCI distribution 1.1); registries that do
    /// not support it answer `unsupported`.
    [[nodiscard]] DeleteResult delete_tag(std::string_view repository, std::string_view tag);

    struct Impl; ///< the transport and authentication state (registry_client_impl.hpp)

private:
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

/// An upload's `Location` made absolute: a full URL as given, `/path` on `base_url`'s scheme
/// and host, anything else relative to `base_url`'s directory.
[[nodiscard]] std::string resolve_location(std::string_view base_url, std::string_view location);

/// The number of bytes a registry holds of an upload from its `Range: 0-<last>` header
/// (`bytes=` prefix tolerated); nullopt when the header is not a range from 0.
[[nodiscard]] std::optional<std::uint64_t> parse_upload_range(std::string_view header);

/// The `Content-Range` of a chunk: `<first>-<last>` (inclusive).
[[nodiscard]] std::string content_range(std::uint64_t offset, std::uint64_t length);

/// `url` with `key=value` (value URL-encoded) added to its query.
[[nodiscard]] std::string with_query(std::string_view url, std::string_view key,
                                     std::string_view value);

/// A push's token scope: push and pull on `repository`, plus pull on `source` when mounting.
[[nodiscard]] std::string push_scope(std::string_view repository, std::string_view source = {});

} // namespace ferry::runtime
