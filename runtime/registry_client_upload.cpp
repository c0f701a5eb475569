// Blob uploads: open a session (POST), then either one PUT carrying the whole file, or PATCH
// chunks with Content-Range that follow each answer's Location and, after a failure, ask the
// registry how much it holds (GET of the session: Range) and resume from there. A session the
// registry lost is started over. The file is read with pread, a chunk at a time.
#include "runtime/registry_client_impl.hpp"

#include <fcntl.h>
#include <sys/stat.h>

namespace ferry::runtime {
namespace {

namespace http = registry_http;
using Impl = RegistryClient::Impl;

enum class Step { done, restart, fail };

struct Session {
    Impl& impl;
    std::string repository;
    std::string digest;
    std::string scope;
    int fd = -1;
    std::uint64_t size = 0;
    std::string location; ///< absolute URL of the upload session
    std::uint64_t chunk = 0;
    BlobUpload& out;

    [[nodiscard]] Step fail(const http::HttpResponse& r, std::string_view what,
                            const std::string& auth_error) {
        out.status = r.status;
        out.error = impl.describe(r, what, auth_error);
        return auth_error.empty() && http::is_retryable(r) ? Step::restart : Step::fail;
    }

    void follow(const http::HttpResponse& r) {
        if (const auto next = r.header("location"); !next.empty()) {
            location = resolve_location(location, next);
        }
    }

    [[nodiscard]] Step check_digest(const http::HttpResponse& r, std::string_view what) {
        if (const auto stored = r.header("docker-content-digest");
            !stored.empty() && stored != digest) {
            out.error = fmt::format("registry {}: {}: stored as {}, not {}", impl.ep.server, what,
                                    stored, digest);
            return Step::fail;
        }
        return Step::done;
    }

    // The closing PUT, carrying the rest of the file (all of it for a monolithic upload).
    [[nodiscard]] Step finish(std::uint64_t offset) {
        http::Request put;
        put.method = "PUT";
        put.retry = false; // a half-sent body leaves the session in an unknown state
        const http::BodyFile body{fd, offset, size - offset};
        put.file = &body;
        put.headers.push_back("Content-Type: application/octet-stream");
        const auto target = with_query(location, "digest", digest);
        const auto what = fmt::format("PUT /v2/{}/blobs/uploads/…?digest={}", repository, digest);
        std::string auth_error;
        const auto r = impl.call(put, target, scope, auth_error);
        out.sent += size - offset;
        if (r.code == CURLE_OK && auth_error.empty() && r.status == 201) {
            out.status = r.status;
            out.error.clear(); // earlier failures were recovered from
            return check_digest(r, what);
        }
        return fail(r, what, auth_error);
    }

    // After a failed PATCH: how much the registry holds, and where to continue.
    [[nodiscard]] std::optional<std::uint64_t> resume_point() {
        http::Request status;
        std::string auth_error;
        const auto r = impl.call(status, location, scope, auth_error);
        if (r.code != CURLE_OK || !auth_error.empty() || r.status != 204) {
            return std::nullopt; // the session is gone: start over
        }
        follow(r);
        return parse_upload_range(r.header("range")).value_or(0);
    }

    [[nodiscard]] Step chunks() {
        std::uint64_t offset = 0;
        int failures = 0;
        auto delay = impl.ep.backoff;
        while (offset < size) {
            const auto length = std::min(chunk, size - offset);
            http::Request patch;
            patch.method = "PATCH";
            patch.retry = false;
            const http::BodyFile body{fd, offset, length};
            patch.file = &body;
            patch.headers.push_back("Content-Type: application/octet-stream");
            patch.headers.push_back("Content-Range: " + content_range(offset, length));
            std::string auth_error;
            const auto r = impl.call(patch, location, scope, auth_error);
            out.sent += length;
            if (r.code == CURLE_OK && auth_error.empty() && r.status == 202) {
                follow(r);
                offset = parse_upload_range(r.header("range")).value_or(offset + length);
                ++out.chunks;
                failures = 0;
                delay = impl.ep.backoff;
                continue;
            }
            const auto what = fmt::format("PATCH /v2/{}/blobs/uploads/… (bytes {})", repository,
                                          content_range(offset, length));
            // 416: the registry holds a different amount than we thought (a resend of a chunk
            // it had partly taken): ask it where it stands, like after a reset.
            if (fail(r, what, auth_error) == Step::fail && r.status != 416) {
                return Step::fail;
            }
            if (++failures >= std::max(1, impl.ep.max_attempts)) {
                return Step::fail;
            }
            std::this_thread::sleep_for(delay);
            delay *= 2;
            const auto held = resume_point();
            if (!held || *held > size) {
                return Step::restart;
            }
            offset = *held;
        }
        return finish(size);
    }
};

// Whether the blob arrived although the answer to the closing request was lost.
bool arrived(RegistryClient& client, std::string_view repository, std::string_view digest) {
    const auto head = client.head_blob(repository, digest);
    return head.ok && head.exists;
}

} // namespace

BlobUpload RegistryClient::upload_blob(std::string_view repository, std::string_view digest,
                                       const std::filesystem::path& file, std::uint64_t size) {
    BlobUpload out;
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        out.error = fmt::format("cannot open {}: {}", file.string(), std::strerror(errno));
        return out;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) != size) {
        ::close(fd);
        out.error = fmt::format("{} holds {} bytes, but blob {} has {}", file.string(),
                                static_cast<long long>(st.st_size), digest, size);
        return out;
    }
    const auto start = fmt::format("/v2/{}/blobs/uploads/", repository);
    Session session{*impl_,
                    std::string(repository),
                    std::string(digest),
                    push_scope(repository),
                    fd,
                    size,
                    {},
                    impl_->ep.chunk_size,
                    out};
    auto delay = impl_->ep.backoff;
    const int sessions = std::max(1, impl_->ep.max_attempts);
    for (int attempt = 1; attempt <= sessions; ++attempt) {
        http::Request post;
        post.method = "POST";
        std::string auth_error;
        const auto r = impl_->call(post, start, session.scope, auth_error);
        out.status = r.status;
        if (r.code != CURLE_OK || !auth_error.empty() || r.status != 202 ||
            r.header("location").empty()) {
            out.error = r.status == 202 ? fmt::format("registry {}: POST {} answered 202 without "
                                                      "a Location",
                                                      impl_->ep.server, start)
                                        : impl_->describe(r, "POST " + start, auth_error);
            break;
        }
        session.location = resolve_location(impl_->url(start), r.header("location"));
        if (const auto min = r.header("oci-chunk-min-length"); !min.empty()) {
            session.chunk =
                std::max<std::uint64_t>(session.chunk, std::strtoull(min.c_str(), nullptr, 10));
        }
        const auto step = size <= impl_->ep.chunk_threshold ? session.finish(0) : session.chunks();
        if (step == Step::done) {
            out.ok = out.error.empty();
            break;
        }
        if (step == Step::fail) {
            break;
        }
        if (arrived(*this, repository, digest)) { // only the answer was lost
            out.error.clear();
            out.ok = true;
            break;
        }
        if (attempt < sessions) {
            ++out.restarts;
            std::this_thread::sleep_for(delay);
            delay *= 2;
        }
    }
    ::close(fd);
    if (out.ok) {
        out.error.clear();
    }
    return out;
}

} // namespace ferry::runtime
