// The local image store: content-addressed blobs, written through a temp file and renamed into
// place once their digest is checked, and per image the sources of blobs it does not hold.
#include "runtime/image_store.hpp"

#include "runtime/files.hpp"
#include "runtime/image_build_hash.hpp"
#include "runtime/registry_client.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

namespace ferry::runtime {
namespace {

namespace fs = std::filesystem;

bool is_hex(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// `sha256:<64 hex>` or `sha512:<128 hex>`: anything else never becomes a path.
bool valid_digest(std::string_view digest) {
    const auto colon = digest.find(':');
    if (colon == std::string_view::npos) {
        return false;
    }
    const auto algorithm = digest.substr(0, colon);
    const auto hex = digest.substr(colon + 1);
    return (algorithm == "sha256" && hex.size() == 64 && is_hex(hex)) ||
           (algorithm == "sha512" && hex.size() == 128 && is_hex(hex));
}

std::string unique_suffix() {
    static std::atomic<unsigned> counter{0};
    return fmt::format("{}-{}", ::getpid(), counter.fetch_add(1));
}

// Writes `bytes` to `path` and fsyncs it; an error message, or empty.
std::string write_synced(const fs::path& path, std::string_view bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return fmt::format("cannot create {}: {}", path.string(), std::strerror(errno));
    }
    std::size_t done = 0;
    while (done < bytes.size()) {
        const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const auto message =
                fmt::format("cannot write {}: {}", path.string(), std::strerror(errno));
            ::close(fd);
            return message;
        }
        done += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    return synced ? std::string{} : fmt::format("cannot sync {}", path.string());
}

fs::path sources_path(const fs::path& root, std::string_view manifest_digest) {
    return root / "sources" / fmt::format("{}.json", digest_hex(manifest_digest));
}

} // namespace

ImageStore::ImageStore(fs::path root) : root_(std::move(root)) {}

fs::path ImageStore::blob_path(std::string_view digest) const {
    if (!valid_digest(digest)) {
        return root_ / "blobs" / "invalid-digest";
    }
    const auto colon = digest.find(':');
    return root_ / "blobs" / std::string(digest.substr(0, colon)) /
           std::string(digest.substr(colon + 1));
}

bool ImageStore::has_blob(std::string_view digest) const {
    std::error_code ec;
    return valid_digest(digest) && fs::is_regular_file(blob_path(digest), ec);
}

fs::path ImageStore::temp_dir() const {
    return root_ / "tmp";
}

std::optional<std::string> ImageStore::put_blob(std::string_view bytes, std::string& error) {
    auto digest = content_digest(bytes);
    if (has_blob(digest)) {
        return digest;
    }
    std::error_code ec;
    fs::create_directories(temp_dir(), ec);
    const auto temp = temp_dir() / fmt::format("put-{}", unique_suffix());
    if (auto message = write_synced(temp, bytes); !message.empty()) {
        fs::remove(temp, ec);
        error = std::move(message);
        return std::nullopt;
    }
    if (auto message = adopt_blob(temp, digest); !message.empty()) {
        error = std::move(message);
        return std::nullopt;
    }
    return digest;
}

std::string ImageStore::adopt_blob(const fs::path& temp, std::string_view digest) {
    std::error_code ec;
    if (!valid_digest(digest) || digest.substr(0, 7) != "sha256:") {
        fs::remove(temp, ec);
        return fmt::format("{} is not a sha256 digest", digest);
    }
    std::string error;
    const auto actual = file_sha256(temp, error);
    if (!actual) {
        fs::remove(temp, ec);
        return error;
    }
    if (*actual != digest) {
        fs::remove(temp, ec);
        return fmt::format("blob content has digest {}, expected {}", *actual, digest);
    }
    const auto target = blob_path(digest);
    fs::create_directories(target.parent_path(), ec);
    fs::rename(temp, target, ec);
    if (ec) {
        fs::remove(temp, ec);
        return fmt::format("cannot store blob {} in {}: {}", digest, root_.string(), ec.message());
    }
    return {};
}

std::optional<std::string> ImageStore::read_blob(std::string_view digest,
                                                 std::string& error) const {
    if (!has_blob(digest)) {
        error = fmt::format("the image store {} has no blob {}", root_.string(), digest);
        return std::nullopt;
    }
    std::ifstream in(blob_path(digest), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in.good() && !in.eof()) {
        error = fmt::format("cannot read blob {} from {}", digest, root_.string());
        return std::nullopt;
    }
    return std::move(text).str();
}

std::string ImageStore::record_source(std::string_view manifest_digest, std::string_view digest,
                                      const BlobSource& source) {
    if (!valid_digest(manifest_digest)) {
        return fmt::format("{} is not a manifest digest", manifest_digest);
    }
    auto recorded = nlohmann::json::object();
    for (const auto& [blob, where] : sources(manifest_digest)) {
        recorded[blob] = {{"server", where.server}, {"repository", where.repository}};
    }
    recorded[std::string(digest)] = {{"server", source.server}, {"repository", source.repository}};
    const auto path = sources_path(root_, manifest_digest);
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    return write_atomically(path, recorded.dump(2) + "\n");
}

std::map<std::string, BlobSource> ImageStore::sources(std::string_view manifest_digest) const {
    std::map<std::string, BlobSource> out;
    if (!valid_digest(manifest_digest)) {
        return out;
    }
    std::ifstream in(sources_path(root_, manifest_digest));
    if (!in) {
        return out;
    }
    const auto json = nlohmann::json::parse(in, nullptr, false);
    if (!json.is_object()) {
        return out; // a damaged record reads as none: the push then reports the missing blob
    }
    for (const auto& [blob, where] : json.items()) {
        if (where.is_object() && where.value("server", "").size() > 0) {
            out[blob] = BlobSource{where.value("server", ""), where.value("repository", "")};
        }
    }
    return out;
}

std::optional<fs::path>
user_cache_root(const std::function<std::optional<std::string>(const std::string&)>& getenv) {
    if (getenv) {
        if (auto xdg = getenv("XDG_CACHE_HOME"); xdg && !xdg->empty() && xdg->front() == '/') {
            return fs::path(*xdg) / "ferry";
        }
        if (auto home = getenv("HOME"); home && !home->empty()) {
            return fs::path(*home) / ".cache" / "ferry";
        }
    }
    return std::nullopt;
}

fs::path cache_root(const std::function<std::optional<std::string>(const std::string&)>& getenv) {
    return user_cache_root(getenv).value_or(fs::temp_directory_path() / "ferry-cache");
}

} // namespace ferry::runtime
