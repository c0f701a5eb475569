// The native builder: deterministic layers, config and manifest JSON, nearest tags.
#include "runtime/build_cache.hpp"
#include "runtime/image_base.hpp"
#include "runtime/image_build.hpp"
#include "runtime/image_build_layer.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
namespace rt = ferry::runtime;

namespace {

struct TempTree {
    fs::path root;
    explicit TempTree(const std::string& name) {
        root = fs::temp_directory_path() /
               ("ferry-image-test-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(root);
        fs::create_directories(root);
    }
    ~TempTree() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
    void write(const std::string& path, const std::string& text, bool exec = false) const {
        fs::create_directories((root / path).parent_path());
        std::ofstream(root / path, std::ios::binary) << text;
        ::chmod((root / path).c_str(), exec ? 0775 : 0664);
    }
    void touch(const std::string& path, long seconds) const {
        const struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
        ::utimensat(AT_FDCWD, (root / path).c_str(), times, AT_SYMLINK_NOFOLLOW);
    }
};

void fill(const TempTree& tree, long mtime) {
    tree.write("app.js", "console.log('hi')\n");
    tree.write("bin/run", "#!/bin/sh\necho run\n", true);
    tree.write("lib/deep/x.txt", std::string(200000, 'x'));
    tree.write("debug.log", "noise");
    tree.write(".dockerignore", "*.log\n");
    fs::create_symlink("app.js", tree.root / "link.js");
    for (const auto* p : {"app.js", "bin/run", "lib/deep/x.txt", "debug.log", ".dockerignore",
                          "bin", "lib/deep", "lib"}) {
        tree.touch(p, mtime);
    }
}

std::vector<std::pair<std::string, unsigned>> tar_listing(const fs::path& blob) {
    std::vector<std::pair<std::string, unsigned>> out;
    archive* a = archive_read_new();
    archive_read_support_filter_gzip(a);
    archive_read_support_format_tar(a);
    REQUIRE(archive_read_open_filename(a, blob.c_str(), 65536) == ARCHIVE_OK);
    archive_entry* e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        CHECK(archive_entry_mtime(e) == 0);
        CHECK(archive_entry_uid(e) == 0);
        CHECK(std::string(archive_entry_uname(e) == nullptr ? "" : archive_entry_uname(e)).empty());
        out.emplace_back(archive_entry_pathname(e), archive_entry_perm(e));
    }
    archive_read_free(a);
    return out;
}

} // namespace

TEST_CASE("native build: two trees with different mtimes give one digest", "[image]") {
    TempTree one("one");
    TempTree two("two");
    fill(one, 1000);
    fill(two, 2000000);
    TempTree store_dir("store");
    rt::ImageStore store(store_dir.root);

    rt::NativeBuild build;
    build.workdir = "/app";
    build.settings.entrypoint = std::vector<std::string>{"node", "app.js"};
    build.settings.env = {{"PORT", "8080"}};
    build.settings.ports = {"8080"};
    build.context = rt::list_context(one.root);
    REQUIRE(build.context.ok());
    const auto first = rt::build_native(build, store);
    REQUIRE(first.ok());
    build.context = rt::list_context(two.root);
    const auto second = rt::build_native(build, store);
    REQUIRE(second.ok());
    CHECK(first.manifest_digest == second.manifest_digest);

    std::string error;
    const auto manifest = nlohmann::json::parse(*store.read_blob(first.manifest_digest, error));
    CHECK(manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json");
    REQUIRE(manifest["layers"].size() == 1);
    const auto layer = manifest["layers"][0]["digest"].get<std::string>();
    // gzip header: no mtime (bytes 4..7), no file name flag (byte 3)
    std::ifstream in(store.blob_path(layer), std::ios::binary);
    char header[10] = {};
    in.read(header, 10);
    CHECK(header[3] == 0);
    CHECK((header[4] | header[5] | header[6] | header[7]) == 0);

    const auto entries = tar_listing(store.blob_path(layer));
    const std::vector<std::pair<std::string, unsigned>> expected = {
        {"app/", 0755},          {"app/.dockerignore", 0644},  {"app/app.js", 0644},
        {"app/bin/", 0755},      {"app/bin/run", 0755},        {"app/lib/", 0755},
        {"app/lib/deep/", 0755}, {"app/lib/deep/x.txt", 0644}, {"app/link.js", 0777},
    };
    CHECK(entries == expected);

    const auto config = nlohmann::json::parse(
        *store.read_blob(manifest["config"]["digest"].get<std::string>(), error));
    CHECK(config["created"] == "1970-01-01T00:00:00Z");
    CHECK(config["config"]["Entrypoint"] == nlohmann::json({"node", "app.js"}));
    CHECK(config["config"]["ExposedPorts"].contains("8080/tcp"));
    CHECK(config["rootfs"]["diff_ids"].size() == 1);
    CHECK(rt::stored_image_size(store, first.manifest_digest) == first.size);
}

TEST_CASE("native build: config merges the base's", "[image]") {
    rt::BaseImage base;
    base.scratch = false;
    base.server = "r.example";
    base.repository = "lib/node";
    base.config = {{"architecture", "amd64"},
                   {"os", "linux"},
                   {"config",
                    {{"Env", {"PATH=/node/bin:/usr/bin", "NODE_VERSION=10"}},
                     {"Cmd", {"node"}},
                     {"Labels", {{"base", "yes"}}}}},
                   {"rootfs", {{"type", "layers"}, {"diff_ids", {"sha256:aa"}}}},
                   {"history", {{{"created_by", "base"}}}}};
    base.config_read = true;
    base.manifest = {{"layers",
                      {{{"mediaType", "application/vnd.docker.image.rootfs.diff.tar.gzip"},
                        {"digest", "sha256:bb"},
                        {"size", 10}}}}};
    rt::ImageSettings settings;
    settings.env = {{"NODE_VERSION", "12"}, {"PORT", "80"}};
    settings.entrypoint = std::vector<std::string>{"sh"};
    settings.labels = {{"org.opencontainers.image.revision", "abc"}};
    settings.created = 86400;
    const rt::NewLayer layer{"sha256:cc", "sha256:dd", 5, "copy"};
    const auto config = rt::image_config(base, settings, layer);
    CHECK(config["config"]["Env"] ==
          nlohmann::json({"PATH=/node/bin:/usr/bin", "NODE_VERSION=12", "PORT=80"}));
    CHECK_FALSE(config["config"].contains("Cmd")); // a new entrypoint drops the base's cmd
    CHECK(config["config"]["Labels"]["base"] == "yes");
    CHECK(config["rootfs"]["diff_ids"] == nlohmann::json({"sha256:aa", "sha256:cc"}));
    CHECK(config["history"].size() == 2);
    CHECK(config["created"] == "1970-01-02T00:00:00Z");
    const auto manifest = rt::image_manifest(base, "sha256:ee", 42, layer);
    CHECK(manifest["layers"][0]["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip");
    CHECK(manifest["layers"][0]["digest"] == "sha256:bb");
    CHECK(manifest["layers"][1]["digest"] == "sha256:dd");
    CHECK(rt::url_without_credentials("https://u:p@git.example/x.git") ==
          "https://git.example/x.git");
}

TEST_CASE("base images: nearest tags first", "[image]") {
    const auto tags =
        rt::nearest_tags("10.6.0", {"latest", "9.6.0", "10.7.0", "10.4.0", "10.5.0", "11.0.0"});
    REQUIRE(tags.size() == 6);
    CHECK(tags[0] == "10.5.0");
    CHECK(tags[1] == "10.7.0");
    CHECK(tags[2] == "10.4.0");
    CHECK(tags.back() == "latest");
    CHECK(rt::edit_distance("kitten", "sitting") == 3);
}

namespace {

struct MapSource final : rt::BaseImageSource {
    std::map<std::string, std::string> manifests;
    std::map<std::string, std::string> blobs;
    std::vector<std::string> tag_list;
    rt::ManifestResult manifest(std::string_view, std::string_view reference) override {
        rt::ManifestResult out;
        const auto it = manifests.find(std::string(reference));
        if (it == manifests.end()) {
            out.not_found = true;
            out.error = "404";
            return out;
        }
        out.ok = true;
        out.body = it->second;
        out.digest = rt::content_digest(it->second);
        return out;
    }
    rt::TagsResult tags(std::string_view) override {
        rt::TagsResult out;
        out.ok = true;
        out.tags = tag_list;
        return out;
    }
    std::optional<std::string> blob(std::string_view, std::string_view digest,
                                    std::string& error) override {
        const auto it = blobs.find(std::string(digest));
        if (it == blobs.end()) {
            error = "no blob";
            return std::nullopt;
        }
        return it->second;
    }
};

} // namespace

TEST_CASE("base images: an index resolves to the host platform; a missing tag lists tags",
          "[image]") {
    MapSource source;
    const std::string config = R"({"architecture":"amd64","os":"linux","config":{}})";
    const auto config_digest = rt::content_digest(config);
    const std::string image = nlohmann::json{
        {"schemaVersion", 2},
        {"config", {{"digest", config_digest}}},
        {"layers",
         nlohmann::json::array()}}.dump();
    const auto image_digest = rt::content_digest(image);
    const std::string index =
        nlohmann::json{{"mediaType", "application/vnd.oci.image.index.v1+json"},
                       {"manifests",
                        {{{"digest", "sha256:other"},
                          {"platform", {{"os", "linux"}, {"architecture", "arm64"}}}},
                         {{"digest", image_digest},
                          {"platform", {{"os", "linux"}, {"architecture", "amd64"}}}}}}}
            .dump();
    source.manifests = {{"10.5.0", index}, {image_digest, image}};
    source.blobs = {{config_digest, config}};
    source.tag_list = {"10.7.0", "10.5.0"};
    auto ref = *rt::parse_image_reference("r.example:5000/node:10.5.0");
    const auto found = rt::resolve_base(ref, source, "amd64");
    REQUIRE(found.image);
    CHECK(found.image->manifest_digest == image_digest);
    CHECK(found.image->config_read);

    // The manifest only (what a key needs): no config read until a build asks for it.
    source.blobs.clear();
    auto keyed = rt::resolve_base(ref, source, "amd64", rt::BaseParts::manifest);
    REQUIRE(keyed.image);
    CHECK(keyed.image->manifest_digest == image_digest);
    CHECK_FALSE(keyed.image->config_read);
    rt::ImageStore store(fs::temp_directory_path() /
                         ("ferry-base-parts-" + std::to_string(::getpid())));
    rt::NativeBuild unread;
    unread.base = *keyed.image;
    CHECK(rt::build_native(unread, store).error.find("config was not read") != std::string::npos);
    std::string error;
    CHECK_FALSE(rt::read_base_config(*keyed.image, source, error)); // the blob is gone now
    CHECK_FALSE(error.empty());
    source.blobs = {{config_digest, config}};
    REQUIRE(rt::read_base_config(*keyed.image, source, error));
    CHECK(keyed.image->config_read);
    CHECK(keyed.image->config == found.image->config);
    fs::remove_all(store.root());
    ref.tag = "10.6.0";
    const auto missing = rt::resolve_base(ref, source, "amd64");
    CHECK_FALSE(missing.image);
    CHECK(missing.error.find("r.example:5000/node:10.6.0") != std::string::npos);
    CHECK(missing.error.find("10.5.0, 10.7.0") != std::string::npos);
}
