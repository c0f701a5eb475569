// Resolving a base image: the manifest by tag, the host platform's entry when it is an index,
// the config blob; and, when the tag is missing, the tags that exist, nearest first.
#include "runtime/image_base.hpp"

#include "runtime/build_evidence.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>
#include <tuple>

namespace ferry::runtime {
namespace {

bool is_index(const ManifestResult& result, const nlohmann::json& body) {
    const auto type = body.value("mediaType", result.media_type);
    return type == "application/vnd.oci.image.index.v1+json" ||
           type == "application/vnd.docker.distribution.manifest.list.v2+json" ||
           (body.contains("manifests") && !body.contains("layers"));
}

std::vector<long long> numbers_in(std::string_view text) {
    std::vector<long long> out;
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] < '0' || text[i] > '9') {
            ++i;
            continue;
        }
        long long value = 0;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
            value =
                std::min(value * 10 + (text[i] - '0'), std::numeric_limits<long long>::max() / 20);
        }
        out.push_back(value);
    }
    return out;
}

using Closeness = std::tuple<int, long long, long long, std::size_t, std::string>;

Closeness closeness(std::string_view wanted, const std::vector<long long>& want,
                    const std::string& tag) {
    const auto have = numbers_in(tag);
    const auto distance = edit_distance(wanted, tag);
    if (want.empty() || have.empty()) {
        return {1, 0, 0, distance, tag};
    }
    std::size_t common = 0;
    while (common < want.size() && common < have.size() && want[common] == have[common]) {
        ++common;
    }
    long long gap = 0;
    if (common < want.size() && common < have.size()) {
        gap =
            want[common] > have[common] ? want[common] - have[common] : have[common] - want[common];
    } else if (common < want.size() || common < have.size()) {
        gap = 1; // 10.6 against 10.6.1: one component more or less
    }
    return {0, -static_cast<long long>(common), gap, distance, tag};
}

std::string tags_note(const std::vector<std::string>& tags) {
    if (tags.empty()) {
        return "the repository has no tags";
    }
    constexpr std::size_t shown = 10;
    std::string list;
    for (std::size_t i = 0; i < tags.size() && i < shown; ++i) {
        list += (i == 0 ? "" : ", ") + tags[i];
    }
    if (tags.size() > shown) {
        list += fmt::format(" (and {} more)", tags.size() - shown);
    }
    return fmt::format("tags that exist, nearest first: {}", list);
}

std::optional<nlohmann::json> parse_body(const std::string& body, std::string_view what,
                                         std::string& error) {
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (!json.is_object()) {
        error = fmt::format("{} is not a JSON object", what);
        return std::nullopt;
    }
    return json;
}

// The index entry for linux/`architecture`, by digest.
std::optional<std::string> platform_entry(const nlohmann::json& index,
                                          std::string_view architecture) {
    if (!index.contains("manifests") || !index["manifests"].is_array()) {
        return std::nullopt;
    }
    for (const auto& entry : index["manifests"]) {
        if (!entry.is_object() || !entry.contains("platform")) {
            continue;
        }
        const auto& platform = entry["platform"];
        if (platform.value("os", "") == "linux" &&
            platform.value("architecture", "") == architecture) {
            return entry.value("digest", "");
        }
    }
    return std::nullopt;
}

} // namespace

std::string host_os() {
    return "linux";
}

std::string host_architecture() {
#if defined(__x86_64__)
    return "amd64";
#elif defined(__aarch64__)
    return "arm64";
#elif defined(__arm__)
    return "arm";
#elif defined(__powerpc64__)
    return "ppc64le";
#elif defined(__s390x__)
    return "s390x";
#else
    return "amd64";
#endif
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const auto above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0u : 1u)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::vector<std::string> nearest_tags(std::string_view wanted, std::vector<std::string> tags) {
    const auto want = numbers_in(wanted);
    std::vector<std::pair<Closeness, std::string>> scored;
    scored.reserve(tags.size());
    for (auto& tag : tags) {
        if (!is_evidence_tag(tag)) { // ferry's cache notes are not versions anyone asked for
            scored.emplace_back(closeness(wanted, want, tag), std::move(tag));
        }
    }
    std::sort(scored.begin(), scored.end());
    std::vector<std::string> out;
    for (auto& [score, tag] : scored) {
        out.push_back(std::move(tag));
    }
    return out;
}

bool read_base_config(BaseImage& image, BaseImageSource& source, std::string& error) {
    if (image.scratch || image.config_read) {
        return true;
    }
    const auto config_digest =
        image.manifest.value("config", nlohmann::json::object()).value("digest", std::string());
    const auto config_bytes = source.blob(image.repository, config_digest, error);
    if (!config_bytes) {
        return false;
    }
    auto config =
        parse_body(*config_bytes, fmt::format("the config of {}", image.reference), error);
    if (!config) {
        return false;
    }
    image.config = std::move(*config);
    image.config_read = true;
    return true;
}

BaseLookup resolve_base(const ImageReference& reference, BaseImageSource& source,
                        std::string_view architecture, BaseParts parts) {
    BaseLookup out;
    const auto wanted = reference.digest.empty() ? reference.tag : reference.digest;
    auto top = source.manifest(reference.repository, wanted);
    if (!top.ok && top.not_found) {
        auto tags = source.tags(reference.repository);
        out.nearest_tags =
            nearest_tags(reference.tag, tags.ok ? tags.tags : std::vector<std::string>{});
        const auto note =
            tags.ok ? tags_note(out.nearest_tags)
                    : (tags.not_found ? std::string("the repository does not exist") : tags.error);
        out.error = fmt::format("the base image {} does not exist in {}: {}", reference.str(),
                                reference.server, note);
        return out;
    }
    if (!top.ok) {
        out.error = top.error;
        return out;
    }
    auto body = parse_body(top.body, fmt::format("the manifest of {}", reference.str()), out.error);
    if (!body) {
        return out;
    }
    BaseImage image;
    image.scratch = false;
    image.reference = reference.str();
    image.server = reference.server;
    image.repository = reference.repository;
    image.manifest_digest = top.digest;
    if (is_index(top, *body)) {
        const auto digest = platform_entry(*body, architecture);
        if (!digest || digest->empty()) {
            out.error = fmt::format("the base image {} has no linux/{} image", reference.str(),
                                    architecture);
            return out;
        }
        auto platform = source.manifest(reference.repository, *digest);
        if (!platform.ok) {
            out.error = platform.error;
            return out;
        }
        body = parse_body(platform.body, fmt::format("manifest {}", *digest), out.error);
        if (!body) {
            return out;
        }
        image.manifest_digest = platform.digest.empty() ? *digest : platform.digest;
    }
    if (!body->contains("config") || !(*body)["config"].is_object() || !body->contains("layers") ||
        !(*body)["layers"].is_array()) {
        out.error = fmt::format("the manifest of {} has no config or layers (schema 1 images "
                                "are not supported)",
                                reference.str());
        return out;
    }
    image.manifest = std::move(*body);
    if (parts == BaseParts::with_config && !read_base_config(image, source, out.error)) {
        return out;
    }
    out.image = std::move(image);
    return out;
}

} // namespace ferry::runtime
