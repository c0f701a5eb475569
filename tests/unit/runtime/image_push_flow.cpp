// push_image against a small in-memory registry on loopback: blobs before the manifest, a rerun
// that uploads nothing, a tag already at the digest left alone, mounts from a recorded source,
// tag moves reported before they happen, a refused password that sends nothing, maxSize units.
#include "runtime/image_push.hpp"
#include "unit/runtime/registry_loopback.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

using namespace ferry::runtime;
using ferry::testing::HttpReply;
using ferry::testing::HttpRequest;
using ferry::testing::LoopbackServer;

namespace {

namespace fs = std::filesystem;

// Just enough of the distribution API: blobs per repository, uploads, mounts, manifests by tag.
struct FakeRegistry {
    std::map<std::string, std::map<std::string, std::string>> blobs; ///< repo → digest → bytes
    std::map<std::string, std::map<std::string, std::string>> manifests; ///< repo → ref → body
    std::map<std::string, std::string> uploads;                          ///< id → bytes
    std::vector<std::string> order; ///< "blob <digest>" / "manifest <ref>" as they land
    bool require_password = false;
    int next = 0;

    static std::string repo_of(const std::string& path, const std::string& marker) {
        return path.substr(4, path.find(marker) - 4);
    }

    HttpReply handle(const HttpRequest& req) {
        if (require_password && req.header("authorization") != "Basic ZmVycnk6cmlnaHQ=") {
            return {401,
                    {{"WWW-Authenticate", "Basic realm=\"fake\""},
                     {"Content-Type", "application/json"}},
                    R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})"};
        }
        const auto path = req.target.substr(0, req.target.find('?'));
        const auto query = req.target.find('?') == std::string::npos
                               ? std::string()
                               : req.target.substr(req.target.find('?') + 1);
        if (path == "/v2/") {
            return {200, {}, "{}"};
        }
        if (path.find("/blobs/uploads/") != std::string::npos) {
            return upload(req, repo_of(path, "/blobs/uploads/"), path, query);
        }
        if (path.find("/blobs/") != std::string::npos) {
            const auto repo = repo_of(path, "/blobs/");
            const auto digest = path.substr(path.rfind('/') + 1);
            const auto it = blobs[repo].find(digest);
            return it == blobs[repo].end() ? HttpReply{404, {}, ""}
                                           : HttpReply{200, {}, it->second};
        }
        const auto repo = repo_of(path, "/manifests/");
        const auto ref = path.substr(path.rfind('/') + 1);
        if (req.method == "PUT") {
            manifests[repo][ref] = req.body;
            manifests[repo][content_digest(req.body)] = req.body;
            order.push_back("manifest " + ref);
            return {201, {{"Docker-Content-Digest", content_digest(req.body)}}, ""};
        }
        const auto it = manifests[repo].find(ref);
        if (it == manifests[repo].end()) {
            return {404, {}, ""};
        }
        return {200,
                {{"Docker-Content-Digest", content_digest(it->second)},
                 {"Content-Type", "application/vnd.oci.image.manifest.v1+json"}},
                it->second};
    }

    HttpReply upload(const HttpRequest& req, const std::string& repo, const std::string& path,
                     const std::string& query) {
        if (req.method == "POST") {
            if (const auto m = query.find("mount="); m != std::string::npos) {
                const auto digest = "sha256:" + query.substr(m + 15, 64);
                for (auto& [other, held] : blobs) {
                    if (other != repo && held.count(digest) != 0) {
                        blobs[repo][digest] = held[digest];
                        order.push_back("blob " + digest);
                        return {201, {{"Docker-Content-Digest", digest}}, ""};
                    }
                }
            }
            const auto id = std::to_string(++next);
            uploads[id] = "";
            return {202, {{"Location", "/v2/" + repo + "/blobs/uploads/" + id}}, ""};
        }
        const auto id = path.substr(path.rfind('/') + 1);
        if (req.method == "DELETE") {
            uploads.erase(id);
            return {204, {}, ""};
        }
        uploads[id] += req.body;
        const auto digest = "sha256:" + query.substr(query.find("digest=") + 16, 64);
        if (content_digest(uploads[id]) != digest) {
            return {400, {}, R"({"errors":[{"code":"DIGEST_INVALID","message":"bad"}]})"};
        }
        blobs[repo][digest] = uploads[id];
        order.push_back("blob " + digest);
        return {201, {{"Docker-Content-Digest", digest}}, ""};
    }
};

struct Fixture {
    fs::path root;
    ImageStore store;
    const std::string config_body = R"({"architecture":"amd64","os":"linux"})";
    std::string config, layer, manifest_digest;
    FakeRegistry fake;
    LoopbackServer server{[this](const HttpRequest& r) { return fake.handle(r); }};

    static fs::path temp_root() {
        static int n = 0;
        return fs::temp_directory_path() /
               ("ferry-push-flow-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
    }

    Fixture() : root(temp_root()), store(root) {
        std::string error;
        config = *store.put_blob(config_body, error);
        layer = *store.put_blob(std::string(3000, 'L'), error);
    }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;
    ~Fixture() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }

    std::string manifest(const std::vector<std::pair<std::string, std::size_t>>& layers) {
        nlohmann::json m = {{"schemaVersion", 2},
                            {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                            {"config",
                             {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                              {"digest", config},
                              {"size", config_body.size()}}},
                            {"layers", nlohmann::json::array()}};
        for (const auto& [digest, size] : layers) {
            m["layers"].push_back({{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                                   {"digest", digest},
                                   {"size", size}});
        }
        std::string error;
        manifest_digest = *store.put_blob(m.dump(), error);
        return manifest_digest;
    }

    RegistryClient client(std::optional<std::string> password = std::nullopt) const {
        RegistryEndpoint ep;
        ep.server = server.address();
        ep.tls.insecure = true;
        ep.timeout = std::chrono::seconds(5);
        ep.backoff = std::chrono::milliseconds(5);
        if (password) {
            RegistryAuth auth;
            auth.username = Secret("ferry");
            auth.password = Secret(*password);
            auth.source = "credential registry-creds";
            ep.auth = auth;
        }
        return RegistryClient(ep);
    }
};

} // namespace

TEST_CASE("push: blobs first, the manifest last, then a rerun sends nothing", "[push]") {
    Fixture f;
    const auto digest = f.manifest({{f.layer, 3000}});
    auto client = f.client();
    std::vector<TagMove> journal;
    PushOptions options;
    options.before_tag_move = [&](const TagMove& m) {
        journal.push_back(m);
        return std::string();
    };
    auto report =
        push_image(f.store, digest, client, f.server.address(), "team/app", {"1", "2"}, options);
    INFO(report.error);
    REQUIRE(report.ok());
    CHECK(report.uploaded == 2);
    CHECK(report.uploaded_bytes == 3000 + f.config_body.size());
    REQUIRE(f.fake.order.size() == 4);
    CHECK(f.fake.order[2] == "manifest 1"); // after both blobs
    CHECK(f.fake.order[3] == "manifest 2");
    REQUIRE(journal.size() == 2);
    CHECK(journal[0].before.empty());
    CHECK(journal[0].after == digest);
    CHECK(journal[0].reference == f.server.address() + "/team/app:1");

    const auto before = f.server.requests().size();
    report =
        push_image(f.store, digest, client, f.server.address(), "team/app", {"1", "2"}, options);
    REQUIRE(report.ok());
    CHECK(report.uploaded == 0);
    CHECK(report.skipped == 2);
    CHECK(report.moved.empty());
    CHECK(journal.size() == 2); // no tag moved
    const auto requests = f.server.requests();
    for (auto i = before; i < requests.size(); ++i) {
        CHECK((requests[i].method == "HEAD" || requests[i].target == "/v2/"));
    }
}

TEST_CASE("push: tags the caller asked just before are not asked again, and need no ping",
          "[push]") {
    Fixture f;
    const auto digest = f.manifest({{f.layer, 3000}});
    auto client = f.client();
    REQUIRE(push_image(f.store, digest, client, f.server.address(), "app", {"1"}).ok());
    std::string error;
    const auto now = current_tags(client, "app", {"1", "2"}, error);
    REQUIRE(now);
    CHECK(now->at("1") == digest);
    CHECK(now->at("2").empty()); // absent

    std::vector<TagMove> journal;
    PushOptions options;
    options.tags_now = *now;
    options.before_tag_move = [&](const TagMove& m) {
        journal.push_back(m);
        return std::string();
    };
    const auto before = f.server.requests().size();
    const auto report =
        push_image(f.store, digest, client, f.server.address(), "app", {"1", "2"}, options);
    INFO(report.error);
    REQUIRE(report.ok());
    REQUIRE(journal.size() == 1); // only tag 2 moved, from absent
    CHECK(journal[0].tag == "2");
    CHECK(journal[0].before.empty());
    const auto requests = f.server.requests();
    for (auto i = before; i < requests.size(); ++i) {
        INFO(requests[i].method << " " << requests[i].target);
        CHECK(requests[i].target != "/v2/");                                 // no ping
        CHECK(requests[i].target.find("/manifests/1") == std::string::npos); // tag 1 not asked
    }

    SECTION("a tag not among them is asked, after a ping") {
        PushOptions partial;
        partial.tags_now = {{"1", digest}};
        const auto mark = f.server.requests().size();
        REQUIRE(push_image(f.store, digest, client, f.server.address(), "app", {"1", "3"}, partial)
                    .ok());
        const auto later = f.server.requests();
        const auto asked = [&](const std::string& method, const std::string& target) {
            return std::any_of(
                later.begin() + static_cast<std::ptrdiff_t>(mark), later.end(),
                [&](const auto& r) { return r.method == method && r.target == target; });
        };
        CHECK(asked("GET", "/v2/"));
        CHECK(asked("HEAD", "/v2/app/manifests/3"));
        CHECK_FALSE(asked("HEAD", "/v2/app/manifests/1"));
    }
}

TEST_CASE("push: a new tag on a pushed image sends no blob; a moved tag reports its previous "
          "digest",
          "[push]") {
    Fixture f;
    const auto first = f.manifest({{f.layer, 3000}});
    auto client = f.client();
    REQUIRE(push_image(f.store, first, client, f.server.address(), "app", {"latest"}).ok());
    std::string error;
    const auto other = *f.store.put_blob(std::string(10, 'M'), error);
    const auto second = f.manifest({{f.layer, 3000}, {other, 10}});
    std::vector<TagMove> journal;
    PushOptions options;
    options.before_tag_move = [&](const TagMove& m) {
        journal.push_back(m);
        return std::string();
    };
    const auto report =
        push_image(f.store, second, client, f.server.address(), "app", {"latest"}, options);
    REQUIRE(report.ok());
    CHECK(report.uploaded == 1);
    CHECK(report.skipped == 2);
    REQUIRE(journal.size() == 1);
    CHECK(journal[0].before == first);
    CHECK(journal[0].after == second);
}

TEST_CASE("push: a journal that cannot be written stops the tag move", "[push]") {
    Fixture f;
    const auto digest = f.manifest({{f.layer, 3000}});
    auto client = f.client();
    PushOptions options;
    options.before_tag_move = [](const TagMove&) { return std::string("disk full"); };
    const auto report =
        push_image(f.store, digest, client, f.server.address(), "app", {"1"}, options);
    CHECK(report.error == "disk full");
    CHECK(f.fake.manifests["app"].count("1") == 0);
}

TEST_CASE("push: a blob the store lacks is mounted from its recorded source", "[push]") {
    Fixture f;
    const std::string base_layer(500, 'B');
    const auto base_digest = content_digest(base_layer);
    f.fake.blobs["base/os"][base_digest] = base_layer;
    const auto digest = f.manifest({{base_digest, 500}, {f.layer, 3000}});
    REQUIRE(f.store.record_source(digest, base_digest, {f.server.address(), "base/os"}).empty());
    auto client = f.client();
    const auto report = push_image(f.store, digest, client, f.server.address(), "app", {"1"});
    INFO(report.error);
    REQUIRE(report.ok());
    CHECK(report.mounted == 1);
    CHECK(report.uploaded == 2);
    CHECK(f.fake.blobs["app"][base_digest] == base_layer);
}

TEST_CASE("push: a blob with no bytes and no source is an error before any manifest", "[push]") {
    Fixture f;
    const auto digest = f.manifest({{content_digest("nowhere"), 7}});
    auto client = f.client();
    const auto report = push_image(f.store, digest, client, f.server.address(), "app", {"1"});
    CHECK_FALSE(report.ok());
    CHECK(report.error.find("no record of where it comes from") != std::string::npos);
    CHECK(f.fake.manifests["app"].empty());
}

TEST_CASE("push: a refused password sends nothing and names the registry", "[push]") {
    Fixture f;
    f.fake.require_password = true;
    const auto digest = f.manifest({{f.layer, 3000}});
    auto client = f.client("wrong-pa55");
    const auto report = push_image(f.store, digest, client, f.server.address(), "app", {"1"});
    CHECK_FALSE(report.ok());
    CHECK(report.error.find("registry " + f.server.address()) != std::string::npos);
    CHECK(report.error.find("401") != std::string::npos);
    CHECK(report.error.find("UNAUTHORIZED") != std::string::npos);
    CHECK(report.error.find("wrong-pa55") == std::string::npos);
    CHECK(f.server.count("POST", "/") == 0);
    CHECK(f.server.count("PUT", "/") == 0);
}

TEST_CASE("push: sizes", "[push]") {
    CHECK(parse_size("200MB") == std::optional<std::uint64_t>(200000000));
    CHECK(parse_size("1.5GiB") == std::optional<std::uint64_t>(1610612736));
    CHECK(parse_size("512k") == std::optional<std::uint64_t>(524288));
    CHECK(parse_size("1048576") == std::optional<std::uint64_t>(1048576));
    CHECK(parse_size("10 mb") == std::optional<std::uint64_t>(10000000));
    CHECK_FALSE(parse_size("MB"));
    CHECK_FALSE(parse_size("12 parsecs"));
    CHECK_FALSE(parse_size("1.2.3MB"));
}
