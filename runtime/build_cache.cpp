// Stat cache, build keys, the build index and miss explanations.
#include "runtime/build_cache.hpp"

#include "runtime/files.hpp"
#include "runtime/image_build_hash.hpp"
#include "runtime/registry_client.hpp"

#include <chrono>
#include <fmt/format.h>
#include <fstream>

namespace ferry::runtime {
namespace {

namespace fs = std::filesystem;

std::optional<nlohmann::json> read_json(const fs::path& path) {
    std::ifstream in(path);
    if (!in) {
        return std::nullopt;
    }
    auto json = nlohmann::json::parse(in, nullptr, false);
    if (!json.is_object() || json.value("version", 0) != build_cache_format_version) {
        return std::nullopt;
    }
    return json;
}

std::string write_json(const fs::path& path, const nlohmann::json& json) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    return write_atomically(path, json.dump() + "\n");
}

fs::path index_dir(const fs::path& cache_root) {
    return cache_root / "index" / "builds";
}

// A file modified in the last second may change again within the same mtime tick: such a
// stamp is not trusted (git's "racy clean" problem).
bool too_recent(std::int64_t mtime_ns) {
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return now - mtime_ns < 1'000'000'000;
}

std::string describe_file(const nlohmann::json& entry) {
    return entry.value("path", "?");
}

// The first difference between two file lists (both sorted by path).
std::string first_file_difference(const nlohmann::json& before, const nlohmann::json& after) {
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < before.size() || j < after.size()) {
        if (j == after.size() ||
            (i < before.size() && before[i].value("path", "") < after[j].value("path", ""))) {
            return fmt::format("file {} was removed", describe_file(before[i]));
        }
        if (i == before.size() || after[j].value("path", "") < before[i].value("path", "")) {
            return fmt::format("file {} was added", describe_file(after[j]));
        }
        if (before[i] != after[j]) {
            const bool content = before[i].value("digest", "") != after[j].value("digest", "") ||
                                 before[i].value("link", "") != after[j].value("link", "");
            return fmt::format("file {} changed ({})", describe_file(after[j]),
                               content ? "content" : "mode or type");
        }
        ++i;
        ++j;
    }
    return {};
}

} // namespace

StatCache StatCache::load(const fs::path& cache_root, const fs::path& context) {
    StatCache out;
    std::error_code ec;
    const auto absolute = fs::weakly_canonical(context, ec);
    if (ec) {
        return out; // no stat cache: every file is read (one shared file would mix contexts)
    }
    out.file_ =
        cache_root / "stat" / fmt::format("{}.json", digest_hex(content_digest(absolute.string())));
    const auto json = read_json(out.file_);
    if (!json || !json->contains("entries") || !(*json)["entries"].is_object()) {
        return out;
    }
    for (const auto& [path, stamp] : (*json)["entries"].items()) {
        if (!stamp.is_array() || stamp.size() != 4 || path.starts_with('/')) {
            // (an absolute path is a stamp from before they were kept by context path)
            continue;
        }
        out.stamps_[path] = Stamp{stamp[0].get<std::uintmax_t>(), stamp[1].get<std::int64_t>(),
                                  stamp[2].get<std::uintmax_t>(), stamp[3].get<std::string>()};
    }
    return out;
}

std::optional<std::string> StatCache::digest(const ContextEntry& entry, std::string& error) {
    // Kept by the path inside the context (the file is per context already): the plan's probe
    // and the build step may spell the context's directory differently (`ws/./ctx`, `ws/ctx`).
    const auto& key = entry.path;
    if (const auto it = stamps_.find(key); it != stamps_.end() && it->second.size == entry.size &&
                                           it->second.mtime_ns == entry.mtime_ns &&
                                           it->second.inode == entry.inode) {
        ++hits_;
        return it->second.digest;
    }
    ++reads_;
    auto digest = file_sha256(entry.source, error);
    if (!digest) {
        return std::nullopt;
    }
    if (!too_recent(entry.mtime_ns)) {
        stamps_[key] = Stamp{entry.size, entry.mtime_ns, entry.inode, *digest};
        dirty_ = true;
    }
    return digest;
}

std::string StatCache::save() const {
    if (!dirty_ || file_.empty()) {
        return {};
    }
    auto entries = nlohmann::json::object();
    for (const auto& [path, stamp] : stamps_) {
        entries[path] =
            nlohmann::json::array({stamp.size, stamp.mtime_ns, stamp.inode, stamp.digest});
    }
    return write_json(file_, {{"version", build_cache_format_version}, {"entries", entries}});
}

std::optional<nlohmann::json> context_inputs(const ContextListing& listing, StatCache& stats,
                                             std::string& error) {
    auto files = nlohmann::json::array();
    for (const auto& entry : listing.entries) {
        nlohmann::json item = {{"path", entry.path}, {"mode", entry.mode}};
        switch (entry.type) {
        case ContextEntry::Type::directory:
            item["type"] = "dir";
            break;
        case ContextEntry::Type::symlink:
            item["type"] = "symlink";
            item["link"] = entry.link_target;
            break;
        case ContextEntry::Type::file: {
            item["type"] = "file";
            item["size"] = entry.size;
            auto digest = stats.digest(entry, error);
            if (!digest) {
                return std::nullopt;
            }
            item["digest"] = std::move(*digest);
            break;
        }
        }
        files.push_back(std::move(item));
    }
    return files;
}

std::string value_digest(const nlohmann::json& value) {
    return content_digest(value.dump());
}

nlohmann::json build_inputs(std::string_view kind, const nlohmann::json& params,
                            std::string_view base_digest, nlohmann::json files,
                            std::string_view tool) {
    auto hashed = nlohmann::json::object();
    if (params.is_object()) {
        for (const auto& [name, value] : params.items()) {
            hashed[name] = value_digest(value);
        }
    }
    return {{"version", build_cache_format_version},
            {"kind", kind},
            {"params", hashed},
            {"base", base_digest},
            {"files", std::move(files)},
            {"tool", tool}};
}

std::string build_key(const nlohmann::json& inputs) {
    return content_digest(inputs.dump());
}

nlohmann::json build_key_params(const nlohmann::json& params) {
    auto out = nlohmann::json::object();
    if (!params.is_object()) {
        return out;
    }
    for (const auto& [name, value] : params.items()) {
        if (name != "name" && name != "context") {
            out[name] = value;
        }
    }
    return out;
}

std::optional<BuildKey> key_build(std::string_view kind, const nlohmann::json& params,
                                  std::string_view base_digest, const ContextListing& listing,
                                  StatCache& stats, std::string_view tool, std::string& error) {
    auto files = context_inputs(listing, stats, error);
    if (!files) {
        return std::nullopt;
    }
    BuildKey out;
    out.inputs = build_inputs(kind, build_key_params(params), base_digest, std::move(*files), tool);
    out.key = build_key(out.inputs);
    return out;
}

BuildDecision
decide_build(const fs::path& cache_root, const BuildKey& build, std::string_view reference,
             const std::function<std::optional<long long>(std::string_view)>& image_size,
             const std::function<RemoteBuild()>& remote) {
    BuildDecision out;
    auto cached = lookup_build(cache_root, build.key);
    if (cached) {
        if (const auto size = image_size(cached->manifest_digest)) {
            cached->size = *size;
            out.hit = true;
            out.reason = fmt::format("key {} was built before", build.key);
            out.build = std::move(cached);
            return out;
        }
        out.reason = "the build is recorded but the image store no longer holds it";
    } else {
        out.reason = explain_miss(last_inputs(cache_root, reference), build.inputs);
    }
    if (!remote) {
        return out;
    }
    auto found = remote();
    if (found.build) {
        out.hit = true;
        out.reason =
            fmt::format("key {} was built before (evidence in {})", build.key, found.where);
        out.build = std::move(found.build);
    } else if (!found.note.empty()) {
        out.reason += "; " + found.note;
    }
    return out;
}

std::optional<CachedBuild> lookup_build(const fs::path& cache_root, std::string_view key) {
    const auto json = read_json(index_dir(cache_root) / fmt::format("{}.json", digest_hex(key)));
    if (!json) {
        return std::nullopt;
    }
    CachedBuild out{json->value("manifest", ""), json->value("size", 0LL),
                    json->value("reference", "")};
    if (out.manifest_digest.empty()) {
        return std::nullopt;
    }
    return out;
}

std::string record_build(const fs::path& cache_root, std::string_view key,
                         const nlohmann::json& inputs, const CachedBuild& build) {
    auto problem = write_json(index_dir(cache_root) / fmt::format("{}.json", digest_hex(key)),
                              {{"version", build_cache_format_version},
                               {"manifest", build.manifest_digest},
                               {"size", build.size},
                               {"reference", build.reference}});
    if (!problem.empty()) {
        return problem;
    }
    return write_json(index_dir(cache_root) / "by-name" /
                          fmt::format("{}.json", digest_hex(content_digest(build.reference))),
                      {{"version", build_cache_format_version}, {"key", key}, {"inputs", inputs}});
}

std::optional<nlohmann::json> last_inputs(const fs::path& cache_root, std::string_view reference) {
    const auto json = read_json(index_dir(cache_root) / "by-name" /
                                fmt::format("{}.json", digest_hex(content_digest(reference))));
    if (!json || !json->contains("inputs")) {
        return std::nullopt;
    }
    return (*json)["inputs"];
}

std::string explain_miss(const std::optional<nlohmann::json>& previous,
                         const nlohmann::json& current) {
    if (!previous) {
        return "no earlier build of this image is recorded";
    }
    const auto& before = *previous;
    if (before.value("kind", "") != current.value("kind", "")) {
        return fmt::format("the build kind changed ({} → {})", before.value("kind", ""),
                           current.value("kind", ""));
    }
    if (before.value("tool", "") != current.value("tool", "")) {
        return fmt::format("the tool changed ({} → {})", before.value("tool", ""),
                           current.value("tool", ""));
    }
    if (before.value("base", "") != current.value("base", "")) {
        return fmt::format("the base image digest changed ({} → {})", before.value("base", ""),
                           current.value("base", ""));
    }
    const auto& old_params =
        before.contains("params") ? before["params"] : nlohmann::json::object();
    const auto& new_params = current["params"];
    for (const auto& [name, value] : new_params.items()) {
        if (!old_params.contains(name)) {
            return fmt::format("parameter {} was added", name);
        }
        if (old_params[name] != value) {
            return fmt::format("parameter {} changed", name);
        }
    }
    for (const auto& [name, value] : old_params.items()) {
        if (!new_params.contains(name)) {
            return fmt::format("parameter {} was removed", name);
        }
    }
    auto files = first_file_difference(before.value("files", nlohmann::json::array()),
                                       current.value("files", nlohmann::json::array()));
    return files.empty() ? "the image was built with these inputs, but the index has no record "
                           "of it (cache cleared)"
                         : files;
}

} // namespace ferry::runtime
