// The native builder's assembly: layer, config, manifest, sources; and moving images between
// the store and OCI layouts.
#include "runtime/image_build.hpp"

#include "runtime/files.hpp"
#include "runtime/image_build_hash.hpp"
#include "runtime/image_build_layer.hpp"

#include <fmt/format.h>
#include <fstream>

namespace ferry::runtime {
namespace {

namespace fs = std::filesystem;

std::string layer_prefix(const std::string& workdir) {
    auto prefix = clean_path(workdir.empty() ? "/" : workdir);
    while (!prefix.empty() && prefix.front() == '/') {
        prefix.erase(0, 1);
    }
    return prefix == "." ? "" : prefix;
}

std::optional<nlohmann::json> read_manifest(const ImageStore& store, std::string_view digest,
                                            std::string& error) {
    const auto bytes = store.read_blob(digest, error);
    if (!bytes) {
        return std::nullopt;
    }
    auto json = nlohmann::json::parse(*bytes, nullptr, false);
    if (!json.is_object() || !json.contains("config") || !json.contains("layers")) {
        error = fmt::format("blob {} is not an image manifest", digest);
        return std::nullopt;
    }
    return json;
}

std::string link_or_copy(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    if (fs::exists(to, ec)) {
        return {};
    }
    fs::create_hard_link(from, to, ec);
    if (ec) {
        ec.clear();
        fs::copy_file(from, to, ec);
    }
    return ec ? fmt::format("cannot place {} at {}: {}", from.string(), to.string(), ec.message())
              : std::string{};
}

} // namespace

BuiltImage build_native(const NativeBuild& build, ImageStore& store) {
    BuiltImage out;
    if (!build.base.scratch && !build.base.config_read) { // (resolved with BaseParts::manifest)
        out.error = fmt::format("the base image {}'s config was not read: read_base_config first",
                                build.base.reference);
        return out;
    }
    LayerOptions options;
    options.prefix = layer_prefix(build.workdir);
    options.mtime = build.settings.created;
    const auto layer = write_layer(build.context.entries, options, store);
    if (!layer.ok()) {
        out.error = layer.error;
        return out;
    }
    NewLayer added{layer.diff_id, layer.digest, layer.size,
                   fmt::format("ferry buildImage: COPY context to /{}", options.prefix)};
    const auto config = image_config(build.base, build.settings, added).dump();
    auto config_digest = store.put_blob(config, out.error);
    if (!config_digest) {
        return out;
    }
    const auto manifest =
        image_manifest(build.base, *config_digest, static_cast<std::int64_t>(config.size()), added)
            .dump();
    auto manifest_digest = store.put_blob(manifest, out.error);
    if (!manifest_digest) {
        return out;
    }
    out.size = static_cast<long long>(config.size()) + layer.size;
    if (!build.base.scratch) {
        for (const auto& descriptor : build.base.manifest["layers"]) {
            const auto digest = descriptor.value("digest", "");
            out.size += descriptor.value("size", 0LL);
            if (!store.has_blob(digest)) {
                auto problem = store.record_source(
                    *manifest_digest, digest, BlobSource{build.base.server, build.base.repository});
                if (!problem.empty()) {
                    out.error = problem;
                    return out;
                }
            }
        }
    }
    out.manifest_digest = *manifest_digest;
    out.config_digest = *config_digest;
    return out;
}

std::optional<long long> stored_image_size(const ImageStore& store,
                                           std::string_view manifest_digest) {
    std::string error;
    const auto manifest = read_manifest(store, manifest_digest, error);
    if (!manifest) {
        return std::nullopt;
    }
    const auto config = (*manifest)["config"].value("digest", "");
    if (!store.has_blob(config)) {
        return std::nullopt;
    }
    long long size = (*manifest)["config"].value("size", 0LL);
    const auto sources = store.sources(manifest_digest);
    for (const auto& layer : (*manifest)["layers"]) {
        const auto digest = layer.value("digest", "");
        if (!store.has_blob(digest) && sources.count(digest) == 0) {
            return std::nullopt;
        }
        size += layer.value("size", 0LL);
    }
    return size;
}

std::string export_layout(const ImageStore& store, std::string_view manifest_digest,
                          const fs::path& dir, std::string_view ref_name,
                          std::vector<std::string>* missing) {
    std::string error;
    const auto manifest = read_manifest(store, manifest_digest, error);
    if (!manifest) {
        return error;
    }
    std::error_code ec;
    fs::create_directories(dir / "blobs" / "sha256", ec);
    if (ec) {
        return fmt::format("cannot create {}: {}", dir.string(), ec.message());
    }
    std::vector<std::string> blobs{std::string(manifest_digest),
                                   (*manifest)["config"].value("digest", "")};
    for (const auto& layer : (*manifest)["layers"]) {
        blobs.push_back(layer.value("digest", ""));
    }
    for (const auto& digest : blobs) {
        if (!store.has_blob(digest)) {
            if (missing != nullptr) {
                missing->push_back(digest);
            }
            continue;
        }
        if (auto problem = link_or_copy(store.blob_path(digest),
                                        dir / "blobs" / "sha256" / std::string(digest_hex(digest)));
            !problem.empty()) {
            return problem;
        }
    }
    std::string manifest_bytes;
    manifest_bytes = *store.read_blob(manifest_digest, error);
    const nlohmann::json index = {
        {"schemaVersion", 2},
        {"mediaType", "application/vnd.oci.image.index.v1+json"},
        {"manifests",
         {{{"mediaType", manifest->value("mediaType", std::string(oci_manifest_type))},
           {"digest", manifest_digest},
           {"size", manifest_bytes.size()},
           {"annotations", {{"org.opencontainers.image.ref.name", ref_name}}}}}}};
    if (auto problem = write_atomically(dir / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
        !problem.empty()) {
        return problem;
    }
    return write_atomically(dir / "index.json", index.dump());
}

std::optional<std::string> import_layout(ImageStore& store, const fs::path& dir,
                                         std::string_view ref_name, std::string& error) {
    std::ifstream in(dir / "index.json");
    const auto index = nlohmann::json::parse(in, nullptr, false);
    if (!index.is_object() || !index.contains("manifests") || !index["manifests"].is_array() ||
        index["manifests"].empty()) {
        error = fmt::format("{} has no image in its index.json", dir.string());
        return std::nullopt;
    }
    nlohmann::json chosen = index["manifests"].back();
    for (const auto& entry : index["manifests"]) {
        if (entry.contains("annotations") &&
            entry["annotations"].value("org.opencontainers.image.ref.name", "") == ref_name) {
            chosen = entry;
        }
    }
    const auto manifest_digest = chosen.value("digest", "");
    const auto take = [&](const std::string& digest) {
        if (store.has_blob(digest)) {
            return std::string{};
        }
        const auto source = dir / "blobs" / "sha256" / std::string(digest_hex(digest));
        std::error_code ec;
        fs::create_directories(store.temp_dir(), ec);
        const auto temp = store.temp_dir() / fmt::format("import-{}", digest_hex(digest));
        fs::remove(temp, ec);
        if (auto problem = link_or_copy(source, temp); !problem.empty()) {
            return problem;
        }
        return store.adopt_blob(temp, digest);
    };
    if (error = take(manifest_digest); !error.empty()) {
        return std::nullopt;
    }
    const auto manifest = read_manifest(store, manifest_digest, error);
    if (!manifest) {
        return std::nullopt;
    }
    if (error = take((*manifest)["config"].value("digest", "")); !error.empty()) {
        return std::nullopt;
    }
    for (const auto& layer : (*manifest)["layers"]) {
        if (error = take(layer.value("digest", "")); !error.empty()) {
            return std::nullopt;
        }
    }
    return manifest_digest;
}

ManifestResult RegistryBaseSource::manifest(std::string_view repository,
                                            std::string_view reference) {
    return client_.get_manifest(repository, reference);
}

TagsResult RegistryBaseSource::tags(std::string_view repository) {
    return client_.list_tags(repository);
}

std::optional<std::string> RegistryBaseSource::blob(std::string_view repository,
                                                    std::string_view digest, std::string& error) {
    auto result = client_.get_blob(repository, digest);
    if (!result.ok) {
        error = result.error;
        return std::nullopt;
    }
    return std::move(result.body);
}

} // namespace ferry::runtime
