// push_image: blobs first (HEAD, then mount, copy or upload), the manifest last, tags checked.
#include "runtime/image_push.hpp"

#include <atomic>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace ferry::runtime {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
constexpr std::string_view docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
constexpr std::string_view docker_config = "application/vnd.docker.container.image.v1+json";

std::optional<ImageBlob> descriptor(const nlohmann::json& j) {
    if (!j.is_object() || !j.contains("digest") || !j["digest"].is_string() ||
        !j.contains("size") || !j["size"].is_number_unsigned()) {
        return std::nullopt;
    }
    return ImageBlob{j["digest"].get<std::string>(), j["size"].get<std::uint64_t>(),
                     j.value("mediaType", std::string())};
}

std::string short_digest(std::string_view digest) {
    const auto colon = digest.find(':');
    return std::string(digest.substr(colon == std::string_view::npos ? 0 : colon + 1, 12));
}

std::string human_size(std::uint64_t bytes) {
    if (bytes < 1000) {
        return fmt::format("{} B", bytes);
    }
    const char* units[] = {"kB", "MB", "GB", "TB"};
    double value = static_cast<double>(bytes) / 1000.0;
    std::size_t unit = 0;
    while (value >= 1000.0 && unit + 1 < std::size(units)) {
        value /= 1000.0;
        ++unit;
    }
    return fmt::format("{:.1f} {}", value, units[unit]);
}

struct Pusher {
    ImageStore& store;
    RegistryClient& client;
    const std::string& server;
    const std::string& repository;
    const PushOptions& options;
    PushReport& report;
    std::string image_digest; ///< the top manifest: blob sources are recorded under it

    void log(const std::string& line) const {
        if (options.log) {
            options.log(line);
        }
    }

    // Copies a blob the store lacks from its source registry into the store.
    std::string fetch_into_store(const ImageBlob& blob, const BlobSource& source) {
        std::unique_ptr<RegistryClient> other;
        RegistryClient* from = &client;
        if (source.server != server) {
            std::string error;
            if (!options.client_for || !(other = options.client_for(source.server, error))) {
                return error.empty() ? fmt::format("no client for registry {}", source.server)
                                     : error;
            }
            from = other.get();
        }
        static std::atomic<unsigned> counter{0};
        std::error_code ec;
        fs::create_directories(store.temp_dir(), ec);
        const auto temp = store.temp_dir() / fmt::format("fetch-{}-{}", ::getpid(), ++counter);
        const auto fetched = from->fetch_blob(source.repository, blob.digest, temp);
        if (!fetched.ok) {
            fs::remove(temp, ec);
            return fetched.error;
        }
        if (fetched.size != blob.size) {
            fs::remove(temp, ec);
            return fmt::format("blob {} from {}/{} has {} bytes, the manifest says {}", blob.digest,
                               source.server, source.repository, fetched.size, blob.size);
        }
        return store.adopt_blob(temp, blob.digest);
    }

    std::string upload(const ImageBlob& blob) {
        const auto sent =
            client.upload_blob(repository, blob.digest, store.blob_path(blob.digest), blob.size);
        if (!sent.ok) {
            return sent.error;
        }
        ++report.uploaded;
        report.uploaded_bytes += blob.size;
        log(fmt::format(
            "  {} {}: uploaded{}", short_digest(blob.digest), human_size(blob.size),
            sent.restarts + (sent.sent > blob.size ? 1 : 0) > 0
                ? fmt::format(" (after {} restarts, {} sent)", sent.restarts, human_size(sent.sent))
                : std::string()));
        return {};
    }

    // One blob in place: present, mounted, uploaded from the store, or copied then uploaded.
    std::string ensure(const ImageBlob& blob, const std::map<std::string, BlobSource>& sources) {
        const auto head = client.head_blob(repository, blob.digest);
        if (!head.ok) {
            return head.error;
        }
        if (head.exists) {
            ++report.skipped;
            report.skipped_bytes += blob.size;
            log(fmt::format("  {} {}: already there", short_digest(blob.digest),
                            human_size(blob.size)));
            return {};
        }
        if (store.has_blob(blob.digest)) {
            return upload(blob);
        }
        const auto source = sources.find(blob.digest);
        if (source == sources.end()) {
            return fmt::format("the image store {} has no blob {} and no record of where it "
                               "comes from",
                               store.root().string(), blob.digest);
        }
        if (source->second.server == server) {
            const auto mount =
                client.mount_blob(repository, blob.digest, source->second.repository);
            if (!mount.ok) {
                return mount.error;
            }
            if (mount.mounted) {
                ++report.mounted;
                report.mounted_bytes += blob.size;
                log(fmt::format("  {} {}: mounted from {}", short_digest(blob.digest),
                                human_size(blob.size), source->second.repository));
                return {};
            }
        }
        if (auto error = fetch_into_store(blob, source->second); !error.empty()) {
            return error;
        }
        return upload(blob);
    }

    // Every blob of `manifest` (and, for an index, every child manifest by digest).
    std::string push_content(const StoredManifest& manifest) {
        auto sources = store.sources(image_digest);
        for (const auto& blob : manifest.blobs) {
            if (auto error = ensure(blob, sources); !error.empty()) {
                return error;
            }
        }
        for (const auto& child : manifest.manifests) {
            std::string error;
            const auto stored = read_stored_manifest(store, child.digest, error);
            if (!stored) {
                return error;
            }
            if (const auto head = client.head_manifest(repository, child.digest); head.ok) {
                continue; // the child and so its blobs are there
            }
            if (error = push_content(*stored); !error.empty()) {
                return error;
            }
            const auto put =
                client.put_manifest(repository, child.digest, stored->media_type, stored->body);
            if (!put.ok) {
                return put.error;
            }
        }
        return {};
    }

    // PUTs the manifest under `tag` after journaling the tag's previous digest; then checks it.
    std::string move_tag(const StoredManifest& manifest, TagMove move) {
        if (options.before_tag_move) {
            if (auto error = options.before_tag_move(move); !error.empty()) {
                return error;
            }
        }
        const auto put =
            client.put_manifest(repository, move.tag, manifest.media_type, manifest.body);
        if (!put.ok) {
            return put.error;
        }
        const auto check = client.head_manifest(repository, move.tag);
        if (!check.ok || check.digest != move.after) {
            return fmt::format("registry {}: after the PUT, {} resolves to {}, not {}", server,
                               move.reference, check.ok ? check.digest : check.error, move.after);
        }
        log(fmt::format("  {}: {} -> {}", move.reference,
                        move.before.empty() ? std::string("absent") : move.before, move.after));
        report.moved.push_back(std::move(move));
        return {};
    }
};

} // namespace

std::optional<StoredManifest> read_stored_manifest(const ImageStore& store, std::string_view digest,
                                                   std::string& error) {
    auto body = store.read_blob(digest, error);
    if (!body) {
        return std::nullopt;
    }
    const auto algorithm = std::string(digest.substr(0, digest.find(':')));
    if (content_digest(*body, algorithm) != digest) {
        error = fmt::format("the image store's manifest {} does not match its digest", digest);
        return std::nullopt;
    }
    const auto j = nlohmann::json::parse(*body, nullptr, false);
    if (!j.is_object()) {
        error = fmt::format("the image store's manifest {} is not JSON", digest);
        return std::nullopt;
    }
    StoredManifest out;
    out.body = std::move(*body);
    const bool index = j.contains("manifests");
    out.media_type = j.value("mediaType", std::string());
    if (out.media_type.empty()) {
        const auto config_type = j.contains("config") && j["config"].is_object()
                                     ? j["config"].value("mediaType", "")
                                     : std::string();
        out.media_type = index                          ? std::string(oci_index)
                         : config_type == docker_config ? std::string(docker_manifest)
                                                        : std::string(oci_manifest);
    }
    const auto add_all = [&](const char* key, std::vector<ImageBlob>& into) {
        if (!j.contains(key) || !j[key].is_array()) {
            return true;
        }
        for (const auto& d : j[key]) {
            auto blob = descriptor(d);
            if (!blob) {
                return false;
            }
            into.push_back(std::move(*blob));
        }
        return true;
    };
    if (!index) {
        auto config = j.contains("config") ? descriptor(j["config"]) : std::nullopt;
        if (!config) {
            error = fmt::format("the image store's manifest {} has no config descriptor", digest);
            return std::nullopt;
        }
        out.blobs.push_back(std::move(*config));
    }
    if (!add_all("layers", out.blobs) || !add_all("manifests", out.manifests)) {
        error = fmt::format("the image store's manifest {} has a malformed descriptor", digest);
        return std::nullopt;
    }
    return out;
}

std::optional<std::map<std::string, std::string, std::less<>>>
current_tags(RegistryClient& client, const std::string& repository,
             const std::vector<std::string>& tags, std::string& error) {
    std::map<std::string, std::string, std::less<>> out;
    for (const auto& tag : tags) {
        const auto now = client.head_manifest(repository, tag);
        if (!now.ok && !now.not_found) {
            error = now.error;
            return std::nullopt;
        }
        out[tag] = now.ok ? now.digest : std::string();
    }
    return out;
}

PushReport push_image(ImageStore& store, std::string_view manifest_digest, RegistryClient& client,
                      const std::string& server, const std::string& repository,
                      const std::vector<std::string>& tags, const PushOptions& options) {
    PushReport report;
    report.digest = std::string(manifest_digest);
    const auto manifest = read_stored_manifest(store, manifest_digest, report.error);
    if (!manifest) {
        return report;
    }
    report.media_type = manifest->media_type;
    for (const auto& blob : manifest->blobs) {
        report.size += blob.size;
    }
    const bool asked = !tags.empty() && std::all_of(tags.begin(), tags.end(), [&](const auto& t) {
        return options.tags_now.contains(t);
    });
    if (!asked) {
        if (const auto ping = client.ping(); !ping.ok) {
            report.error = ping.error; // unreachable or credentials refused: nothing is sent
            return report;
        }
    }
    Pusher pusher{store, client, server, repository, options, report, report.digest};
    std::vector<TagMove> pending;
    for (const auto& tag : tags) {
        TagMove move{
            fmt::format("{}/{}:{}", server, repository, tag), repository, tag, {}, report.digest};
        if (const auto known = options.tags_now.find(tag); known != options.tags_now.end()) {
            move.before = known->second;
        } else if (auto now = current_tags(client, repository, {tag}, report.error)) {
            move.before = (*now)[tag];
        } else {
            return report;
        }
        report.tagged.push_back(move.reference);
        if (move.before != move.after) {
            pending.push_back(std::move(move));
        }
    }
    const bool there =
        tags.empty() ? client.head_manifest(repository, report.digest).ok : pending.empty();
    if (there) {
        // Every tag is at the digest: the registry holds the image whole; nothing to send.
        report.skipped = static_cast<int>(manifest->blobs.size());
        report.skipped_bytes = report.size;
        pusher.log(
            fmt::format("  {}: already holds {} under every tag", repository, report.digest));
        return report;
    }
    if (report.error = pusher.push_content(*manifest); !report.error.empty()) {
        return report;
    }
    if (tags.empty()) {
        const auto put =
            client.put_manifest(repository, report.digest, manifest->media_type, manifest->body);
        report.error = put.ok ? std::string() : put.error;
        return report;
    }
    for (auto& move : pending) {
        if (report.error = pusher.move_tag(*manifest, std::move(move)); !report.error.empty()) {
            return report;
        }
    }
    return report;
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[i])) != 0 || text[i] == '.')) {
        ++i;
    }
    const auto number = std::string(text.substr(0, i));
    if (number.empty() || number == "." || number.find('.') != number.rfind('.')) {
        return std::nullopt;
    }
    auto unit = std::string(text.substr(i));
    while (!unit.empty() && unit.front() == ' ') {
        unit.erase(0, 1);
    }
    for (auto& c : unit) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    double factor = 0;
    const std::pair<const char*, double> units[] = {{"", 1},
                                                    {"b", 1},
                                                    {"kb", 1e3},
                                                    {"mb", 1e6},
                                                    {"gb", 1e9},
                                                    {"tb", 1e12},
                                                    {"k", 1024.0},
                                                    {"m", 1048576.0},
                                                    {"g", 1073741824.0},
                                                    {"kib", 1024.0},
                                                    {"mib", 1048576.0},
                                                    {"gib", 1073741824.0},
                                                    {"tib", 1099511627776.0}};
    for (const auto& [name, value] : units) {
        if (unit == name) {
            factor = value;
        }
    }
    if (factor == 0) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(std::llround(std::stod(number) * factor));
}

} // namespace ferry::runtime
