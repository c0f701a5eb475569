// RegistryClient's writing half: blob HEAD and streamed GET, uploads (one PUT, or PATCH chunks
// that resume from the registry's Range), cross-repository mounts, manifest PUT and deletes.
// Bodies stream from and to files: a layer is never held in memory.
#include "runtime/registry_client_impl.hpp"

#include <fcntl.h>
#include <sys/stat.h>

namespace ferry::runtime {
namespace {

namespace http = registry_http;

// A file descriptor closed on scope exit.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    [[nodiscard]] int get() const { return fd_; }

private:
    int fd_;
};

struct HashContext {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    HashContext() = default;
    HashContext(const HashContext&) = delete;
    HashContext& operator=(const HashContext&) = delete;
    ~HashContext() { EVP_MD_CTX_free(ctx); }

    [[nodiscard]] std::string finish(std::string_view algorithm) {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx, out, &len);
        std::string hex;
        for (unsigned int i = 0; i < len; ++i) {
            hex += fmt::format("{:02x}", out[i]);
        }
        return fmt::format("{}:{}", algorithm, hex);
    }
};

std::string algorithm_of(std::string_view digest) {
    return std::string(digest.substr(0, digest.find(':')));
}

bool answered(const http::HttpResponse& r, const std::string& auth_error,
              std::initializer_list<long> statuses) {
    return auth_error.empty() && r.code == CURLE_OK &&
           std::find(statuses.begin(), statuses.end(), r.status) != statuses.end();
}

// The registry refuses deletes (distribution without storage.delete.enabled, or no tag deletes).
bool refuses_delete(const http::HttpResponse& r) {
    if (r.status == 405) {
        return true;
    }
    const auto says = http::registry_says(r);
    return (r.status == 400 || r.status == 404) &&
           (says.find("UNSUPPORTED") != std::string::npos ||
            says.find("DIGEST_INVALID") != std::string::npos);
}

} // namespace

BlobInfo RegistryClient::head_blob(std::string_view repository, std::string_view digest) {
    BlobInfo out;
    const auto path = fmt::format("/v2/{}/blobs/{}", repository, digest);
    std::string auth_error;
    const auto r = impl_->call("HEAD", path, push_scope(repository), {}, auth_error);
    out.status = r.status;
    if (answered(r, auth_error, {404})) {
        out.ok = true;
        return out;
    }
    if (!answered(r, auth_error, {200})) {
        out.error = impl_->describe(r, fmt::format("HEAD {}", path), auth_error);
        return out;
    }
    out.ok = true;
    out.exists = true;
    if (const auto length = r.header("content-length"); !length.empty()) {
        out.size = std::atoll(length.c_str());
    }
    return out;
}

BlobDownload RegistryClient::fetch_blob(std::string_view repository, std::string_view digest,
                                        const std::filesystem::path& file) {
    BlobDownload out;
    const auto path = fmt::format("/v2/{}/blobs/{}", repository, digest);
    const auto what = fmt::format("GET {}", path);
    const Fd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (fd.get() < 0) {
        out.error = fmt::format("cannot create {}: {}", file.string(), std::strerror(errno));
        return out;
    }
    HashContext hash;
    http::DownloadSink sink;
    sink.fd = fd.get();
    sink.algorithm = algorithm_of(digest) == "sha512" ? "sha512" : "sha256";
    sink.hash = hash.ctx;
    http::Request req;
    req.sink = &sink;
    std::string auth_error;
    const auto r =
        impl_->call(req, path, fmt::format("repository:{}:pull", repository), auth_error);
    out.status = r.status;
    if (sink.write_failed) {
        out.error = fmt::format("registry {}: {}: cannot write {}: {}", impl_->ep.server, what,
                                file.string(), std::strerror(errno));
        return out;
    }
    if (!answered(r, auth_error, {200})) {
        out.not_found = answered(r, auth_error, {404});
        out.error = impl_->describe(r, what, auth_error);
        return out;
    }
    if (const auto actual = hash.finish(sink.algorithm); actual != digest) {
        out.error = fmt::format("registry {}: {}: the content has digest {}", impl_->ep.server,
                                what, actual);
        return out;
    }
    if (::fsync(fd.get()) != 0) {
        out.error = fmt::format("cannot sync {}: {}", file.string(), std::strerror(errno));
        return out;
    }
    out.size = sink.written;
    out.ok = true;
    return out;
}

BlobUpload RegistryClient::mount_blob(std::string_view repository, std::string_view digest,
                                      std::string_view source_repository) {
    BlobUpload out;
    const auto path =
        with_query(with_query(fmt::format("/v2/{}/blobs/uploads/", repository), "mount", digest),
                   "from", source_repository);
    const auto what = fmt::format("POST {}", path);
    http::Request req;
    req.method = "POST";
    std::string auth_error;
    const auto r = impl_->call(req, path, push_scope(repository, source_repository), auth_error);
    out.status = r.status;
    if (answered(r, auth_error, {201})) {
        if (const auto stored = r.header("docker-content-digest");
            !stored.empty() && stored != digest) {
            out.error = fmt::format("registry {}: {}: mounted as {}, not {}", impl_->ep.server,
                                    what, stored, digest);
            return out;
        }
        out.ok = true;
        out.mounted = true;
        return out;
    }
    if (answered(r, auth_error, {202})) {
        // Declined: an upload session was opened instead. Cancel it; the caller uploads.
        if (const auto location = r.header("location"); !location.empty()) {
            http::Request cancel;
            cancel.method = "DELETE";
            std::string ignored;
            (void)impl_->call(cancel, resolve_location(impl_->url(path), location),
                              push_scope(repository), ignored);
        }
        out.ok = true;
        return out;
    }
    out.error = impl_->describe(r, what, auth_error);
    return out;
}

ManifestPut RegistryClient::put_manifest(std::string_view repository, std::string_view reference,
                                         std::string_view media_type, std::string_view body) {
    ManifestPut out;
    const auto path = fmt::format("/v2/{}/manifests/{}", repository, reference);
    const auto what = fmt::format("PUT {}", path);
    http::Request req;
    req.method = "PUT";
    req.body = std::string(body);
    req.headers.push_back(fmt::format("Content-Type: {}", media_type));
    std::string auth_error;
    const auto r = impl_->call(req, path, push_scope(repository), auth_error);
    out.status = r.status;
    if (!answered(r, auth_error, {200, 201})) {
        out.error = impl_->describe(r, what, auth_error);
        return out;
    }
    const auto expected = content_digest(body);
    out.digest = r.header("docker-content-digest");
    if (!out.digest.empty() && out.digest != expected) {
        out.error = fmt::format("registry {}: {}: stored as {}, but the manifest's digest is {}",
                                impl_->ep.server, what, out.digest, expected);
        return out;
    }
    out.digest = expected;
    out.ok = true;
    return out;
}

DeleteResult RegistryClient::delete_manifest(std::string_view repository,
                                             std::string_view reference) {
    DeleteResult out;
    const auto path = fmt::format("/v2/{}/manifests/{}", repository, reference);
    const auto what = fmt::format("DELETE {}", path);
    std::string auth_error;
    const auto r = impl_->call(
        "DELETE", path, fmt::format("repository:{}:pull,push,delete", repository), {}, auth_error);
    out.status = r.status;
    if (answered(r, auth_error, {200, 202, 204})) {
        out.ok = true;
        return out;
    }
    out.error = impl_->describe(r, what, auth_error);
    if (auth_error.empty() && r.code == CURLE_OK && refuses_delete(r)) {
        out.unsupported = true;
        out.error += reference.find(':') != std::string_view::npos
                         ? " (this registry does not delete manifests: distribution needs "
                           "storage.delete.enabled)"
                         : " (this registry does not delete tags alone: delete the manifest "
                           "by digest, or move the tag)";
    } else if (answered(r, auth_error, {404})) {
        out.not_found = true;
    }
    return out;
}

DeleteResult RegistryClient::delete_tag(std::string_view repository, std::string_view tag) {
    return delete_manifest(repository, tag); // the same request; a tag is its reference
}

} // namespace ferry::runtime
