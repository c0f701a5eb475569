// Build evidence: the `ferry-build-<key>` tag, looking it up, importing the image it names, and
// the local note that a key's evidence is already in a repository.
#include "runtime/build_evidence.hpp"

#include "compiler/observations.hpp"
#include "runtime/files.hpp"
#include "runtime/image_build_hash.hpp"
#include "runtime/probe_registry.hpp"

#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>

namespace ferry::runtime {
namespace {

namespace fs = std::filesystem;

fs::path evidence_note(const fs::path& cache_root, std::string_view key,
                       std::string_view repository_reference) {
    const auto id = content_digest(fmt::format("{} {}", key, repository_reference));
    return cache_root / "index" / "evidence" / fmt::format("{}.json", digest_hex(id));
}

bool is_image_manifest(const std::string& media_type, const nlohmann::json& body) {
    if (media_type.find("index") != std::string::npos ||
        media_type.find("manifest.list") != std::string::npos) {
        return false;
    }
    return body.is_object() && body.contains("config") && body["config"].is_object() &&
           body.contains("layers") && body["layers"].is_array();
}

} // namespace

std::string evidence_tag(std::string_view key) {
    return compiler::build_evidence_tag(key);
}

bool is_evidence_tag(std::string_view tag) {
    return tag.substr(0, evidence_tag_prefix.size()) == evidence_tag_prefix;
}

bool evidence_enabled(const compiler::EnvironmentConfig* config,
                      const compiler::Environment* environment, const std::string& server) {
    if (config == nullptr || environment == nullptr) {
        return false;
    }
    const auto* registry = registry_for(*config, *environment, server);
    return registry != nullptr && registry->build_evidence;
}

EvidenceLookup find_evidence(RegistryClient& client, std::string_view repository,
                             std::string_view key) {
    EvidenceLookup out;
    const auto head = client.head_manifest(repository, evidence_tag(key));
    if (head.ok && !head.digest.empty()) {
        out.found = true;
        out.digest = head.digest;
    } else if (!head.not_found) {
        out.error = head.error.empty() ? fmt::format("HTTP {}", head.status) : head.error;
    }
    return out;
}

std::optional<long long> import_evidence(RegistryClient& client, const std::string& server,
                                         const std::string& repository, std::string_view digest,
                                         ImageStore& store, std::string& error) {
    const auto manifest = client.get_manifest(repository, digest);
    if (!manifest.ok) {
        error = manifest.error;
        return std::nullopt;
    }
    const auto body = nlohmann::json::parse(manifest.body, nullptr, false);
    if (!is_image_manifest(manifest.media_type, body)) {
        error = fmt::format("{}/{}@{} is not an image manifest ({})", server, repository, digest,
                            manifest.media_type);
        return std::nullopt;
    }
    const auto config = body["config"].value("digest", "");
    long long size = body["config"].value("size", 0LL);
    if (!store.has_blob(config)) {
        const auto blob = client.get_blob(repository, config);
        if (!blob.ok) {
            error = blob.error;
            return std::nullopt;
        }
        if (!store.put_blob(blob.body, error)) {
            return std::nullopt;
        }
    }
    for (const auto& layer : body["layers"]) {
        const auto layer_digest = layer.value("digest", "");
        size += layer.value("size", 0LL);
        if (layer_digest.empty()) {
            error =
                fmt::format("{}/{}@{} has a layer without a digest", server, repository, digest);
            return std::nullopt;
        }
        if (!store.has_blob(layer_digest)) {
            if (auto problem = store.record_source(digest, layer_digest, {server, repository});
                !problem.empty()) {
                error = problem;
                return std::nullopt;
            }
        }
    }
    // The manifest last: the store holds an image only once everything it needs is in place.
    const auto stored = store.put_blob(manifest.body, error);
    if (!stored) {
        return std::nullopt;
    }
    if (*stored != digest) {
        error = fmt::format("{}/{}@{}: the manifest stored has digest {}", server, repository,
                            digest, *stored);
        return std::nullopt;
    }
    return size;
}

bool evidence_known(const fs::path& cache_root, std::string_view key,
                    std::string_view repository_reference) {
    std::ifstream in(evidence_note(cache_root, key, repository_reference));
    if (!in) {
        return false;
    }
    const auto json = nlohmann::json::parse(in, nullptr, false);
    return json.is_object() && json.value("version", 0) == build_cache_format_version &&
           json.value("key", "") == key;
}

std::string remember_evidence(const fs::path& cache_root, std::string_view key,
                              std::string_view repository_reference) {
    const auto path = evidence_note(cache_root, key, repository_reference);
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    const nlohmann::json note = {{"version", build_cache_format_version},
                                 {"key", key},
                                 {"repository", repository_reference}};
    return write_atomically(path, note.dump() + "\n");
}

std::string forget_evidence(const fs::path& cache_root, std::string_view key,
                            std::string_view repository_reference) {
    std::error_code ec;
    fs::remove(evidence_note(cache_root, key, repository_reference), ec);
    return ec ? ec.message() : std::string();
}

std::string evidence_key(std::string_view tag) {
    if (!is_evidence_tag(tag)) {
        return {};
    }
    return fmt::format("sha256:{}", tag.substr(evidence_tag_prefix.size()));
}

} // namespace ferry::runtime
