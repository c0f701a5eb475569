// The registry client's write half against a loopback HTTP server: upload locations and ranges,
// monolithic and chunked uploads (with a reset mid-upload and a resume from the registry's
// Range), mounts, manifest PUT, deletes, streamed blob GETs and push token scopes.
#include "runtime/registry_client.hpp"
#include "runtime/secret.hpp"
#include "unit/runtime/registry_loopback.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace ferry::runtime;
using ferry::testing::HttpReply;
using ferry::testing::HttpRequest;
using ferry::testing::LoopbackServer;

namespace {

namespace fs = std::filesystem;

RegistryEndpoint endpoint(const LoopbackServer& server) {
    RegistryEndpoint ep;
    ep.server = server.address();
    ep.tls.insecure = true;
    ep.timeout = std::chrono::seconds(5);
    ep.backoff = std::chrono::milliseconds(5);
    return ep;
}

struct TempFile {
    fs::path path;
    explicit TempFile(const std::string& content) {
        static int n = 0;
        path = fs::temp_directory_path() /
               ("ferry-registry-push-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
        std::ofstream(path, std::ios::binary) << content;
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        std::error_code ec;
        fs::remove(path, ec);
    }
};

std::string query_value(const std::string& target, const std::string& key) {
    const auto at = target.find(key + "=");
    if (at == std::string::npos) {
        return {};
    }
    const auto start = at + key.size() + 1;
    const auto end = target.find('&', start);
    return target.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string path_of(const std::string& target) {
    return target.substr(0, target.find('?'));
}

std::string pattern(std::size_t size) {
    std::string out(size, '\0');
    for (std::size_t i = 0; i < size; ++i) {
        out[i] = static_cast<char>('a' + (i * 7) % 26);
    }
    return out;
}

} // namespace

TEST_CASE("registry push: Location, Range and Content-Range", "[registry][push]") {
    CHECK(resolve_location("https://r:5000/v2/a/blobs/uploads/", "https://s/v2/x?y=1") ==
          "https://s/v2/x?y=1");
    CHECK(resolve_location("https://r:5000/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/u?_s=1") ==
          "https://r:5000/v2/a/blobs/uploads/u?_s=1");
    CHECK(resolve_location("http://r/v2/a/blobs/uploads/?x=1", "u2") ==
          "http://r/v2/a/blobs/uploads/u2");
    CHECK(parse_upload_range("0-99") == std::optional<std::uint64_t>(100));
    CHECK(parse_upload_range("bytes=0-9") == std::optional<std::uint64_t>(10));
    CHECK(parse_upload_range("0-0") == std::optional<std::uint64_t>(0));
    CHECK_FALSE(parse_upload_range("5-9"));
    CHECK_FALSE(parse_upload_range(""));
    CHECK_FALSE(parse_upload_range("0-x"));
    CHECK(content_range(0, 10) == "0-9");
    CHECK(content_range(10, 5) == "10-14");
    CHECK(with_query("/v2/a/blobs/uploads/", "mount", "sha256:ab") ==
          "/v2/a/blobs/uploads/?mount=sha256%3Aab");
    CHECK(with_query("https://r/u?_state=x", "digest", "sha256:ab") ==
          "https://r/u?_state=x&digest=sha256%3Aab");
    CHECK(push_scope("team/app") == "repository:team/app:pull,push");
    CHECK(push_scope("team/app", "base/os") ==
          "repository:team/app:pull,push repository:base/os:pull");
}

TEST_CASE("registry push: HEAD of a blob", "[registry][push]") {
    LoopbackServer server([](const HttpRequest& req) -> HttpReply {
        if (req.target.find("sha256:aa") != std::string::npos) {
            return {200, {{"Docker-Content-Digest", "sha256:aa"}}, std::string(42, 'x')};
        }
        return {404, {}, ""};
    });
    RegistryClient client(endpoint(server));
    const auto present = client.head_blob("a", "sha256:aa");
    CHECK(present.ok);
    CHECK(present.exists);
    CHECK(present.size == 42);
    const auto absent = client.head_blob("a", "sha256:bb");
    CHECK(absent.ok);
    CHECK_FALSE(absent.exists);
}

TEST_CASE("registry push: a small blob is one POST and one PUT", "[registry][push]") {
    const auto content = pattern(1000);
    const auto digest = content_digest(content);
    std::string received;
    LoopbackServer server([&](const HttpRequest& req) -> HttpReply {
        if (req.method == "POST") {
            return {202, {{"Location", "/v2/a/blobs/uploads/u1?_state=s"}}, ""};
        }
        if (req.method == "PUT" && path_of(req.target) == "/v2/a/blobs/uploads/u1") {
            received = req.body;
            CHECK(query_value(req.target, "_state") == "s");
            CHECK(query_value(req.target, "digest") == "sha256%3A" + digest.substr(7));
            return {201, {{"Docker-Content-Digest", digest}}, ""};
        }
        return {400, {}, ""};
    });
    TempFile file(content);
    RegistryClient client(endpoint(server));
    const auto up = client.upload_blob("a", digest, file.path, content.size());
    INFO(up.error);
    REQUIRE(up.ok);
    CHECK(received == content);
    CHECK(up.chunks == 0);
    CHECK(server.count("PATCH", "/") == 0);
}

TEST_CASE("registry push: chunked upload resumes from the registry's Range after a reset",
          "[registry][push]") {
    const auto content = pattern(10000);
    const auto digest = content_digest(content);
    std::string held;
    int patches = 0;
    LoopbackServer server([&](const HttpRequest& req) -> HttpReply {
        const auto range = [&] {
            return "0-" + std::to_string(held.empty() ? 0 : held.size() - 1);
        };
        if (req.method == "POST") {
            return {202, {{"Location", "/v2/a/blobs/uploads/u?n=0"}}, ""};
        }
        if (req.method == "PATCH") {
            ++patches;
            const auto cr = req.header("content-range");
            CHECK(cr.substr(0, cr.find('-')) == std::to_string(held.size()));
            if (patches == 2) { // the registry keeps half of the chunk, the client sees a reset
                held += req.body.substr(0, req.body.size() / 2);
                return {0, {}, "", true};
            }
            held += req.body;
            return {202,
                    {{"Location", "/v2/a/blobs/uploads/u?n=" + std::to_string(patches)},
                     {"Range", range()}},
                    ""};
        }
        if (req.method == "GET") {
            return {204, {{"Location", "/v2/a/blobs/uploads/u?n=s"}, {"Range", range()}}, ""};
        }
        if (req.method == "PUT") {
            CHECK(req.body.empty());
            CHECK(held == content);
            return {201, {{"Docker-Content-Digest", content_digest(held)}}, ""};
        }
        return {400, {}, ""};
    });
    TempFile file(content);
    auto ep = endpoint(server);
    ep.chunk_threshold = 1000;
    ep.chunk_size = 3000;
    RegistryClient client(ep);
    const auto up = client.upload_blob("a", digest, file.path, content.size());
    INFO(up.error);
    REQUIRE(up.ok);
    CHECK(held == content);
    CHECK(server.count("GET", "/v2/a/blobs/uploads/u") == 1); // asked once where it stood
    CHECK(up.sent > content.size());
    CHECK(up.restarts == 0);
}

TEST_CASE("registry push: mount answers 201 or falls back on 202", "[registry][push]") {
    bool accept = true;
    LoopbackServer server([&](const HttpRequest& req) -> HttpReply {
        if (req.method == "POST") {
            CHECK(query_value(req.target, "from") == "base%2Fos");
            if (accept) {
                return {201, {{"Docker-Content-Digest", "sha256:aa"}}, ""};
            }
            return {202, {{"Location", "/v2/a/blobs/uploads/m1"}}, ""};
        }
        return {204, {}, ""};
    });
    RegistryClient client(endpoint(server));
    auto m = client.mount_blob("a", "sha256:aa", "base/os");
    CHECK(m.ok);
    CHECK(m.mounted);
    accept = false;
    m = client.mount_blob("a", "sha256:aa", "base/os");
    CHECK(m.ok);
    CHECK_FALSE(m.mounted);
    CHECK(server.count("DELETE", "/v2/a/blobs/uploads/m1") == 1); // the session is cancelled
}

TEST_CASE("registry push: manifest PUT checks the stored digest; errors name the registry",
          "[registry][push]") {
    const std::string body = R"({"schemaVersion":2})";
    bool lie = false;
    LoopbackServer server([&](const HttpRequest& req) -> HttpReply {
        if (req.method == "PUT" && req.target == "/v2/a/manifests/bad") {
            return {
                400,
                {{"Content-Type", "application/json"}},
                R"({"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry"}]})"};
        }
        CHECK(req.header("content-type") == "application/vnd.oci.image.manifest.v1+json");
        return {201,
                {{"Docker-Content-Digest", lie ? std::string("sha256:00") : content_digest(body)}},
                ""};
    });
    RegistryClient client(endpoint(server));
    const auto type = "application/vnd.oci.image.manifest.v1+json";
    auto put = client.put_manifest("a", "1.0", type, body);
    CHECK(put.ok);
    CHECK(put.digest == content_digest(body));
    lie = true;
    put = client.put_manifest("a", "1.0", type, body);
    CHECK_FALSE(put.ok);
    put = client.put_manifest("a", "bad", type, body);
    CHECK_FALSE(put.ok);
    CHECK(put.error.find(server.address()) != std::string::npos);
    CHECK(put.error.find("PUT /v2/a/manifests/bad answered 400") != std::string::npos);
    CHECK(put.error.find("MANIFEST_BLOB_UNKNOWN: blob unknown to registry") != std::string::npos);
}

TEST_CASE("registry push: deletes, and a registry that refuses them", "[registry][push]") {
    LoopbackServer server([](const HttpRequest& req) -> HttpReply {
        if (req.target.find("sha256:") != std::string::npos) {
            return {202, {}, ""};
        }
        return {405,
                {{"Content-Type", "application/json"}},
                R"({"errors":[{"code":"UNSUPPORTED","message":"The operation is unsupported."}]})"};
    });
    RegistryClient client(endpoint(server));
    CHECK(client.delete_manifest("a", "sha256:aa").ok);
    const auto tag = client.delete_tag("a", "1.0");
    CHECK_FALSE(tag.ok);
    CHECK(tag.unsupported);
    CHECK(tag.error.find("UNSUPPORTED") != std::string::npos);
}

TEST_CASE("registry push: a blob GET streams to a file and is verified", "[registry][push]") {
    const auto content = pattern(5000);
    bool corrupt = false;
    LoopbackServer server([&](const HttpRequest&) -> HttpReply {
        return {200, {}, corrupt ? content + "x" : content};
    });
    TempFile file("");
    RegistryClient client(endpoint(server));
    auto got = client.fetch_blob("a", content_digest(content), file.path);
    INFO(got.error);
    REQUIRE(got.ok);
    CHECK(got.size == content.size());
    CHECK(fs::file_size(file.path) == content.size());
    corrupt = true;
    got = client.fetch_blob("a", content_digest(content), file.path);
    CHECK_FALSE(got.ok);
    CHECK(got.error.find("the content has digest") != std::string::npos);
}

TEST_CASE("registry push: bearer tokens are asked with push scope, and pull on a mount's source",
          "[registry][push]") {
    std::vector<std::string> scopes;
    std::unique_ptr<LoopbackServer> registry;
    LoopbackServer auth([&](const HttpRequest& req) -> HttpReply {
        scopes.push_back(req.target);
        return {200, {}, R"({"token":"t0k3n"})"};
    });
    registry = std::make_unique<LoopbackServer>([&](const HttpRequest& req) -> HttpReply {
        if (req.header("authorization") != "Bearer t0k3n") {
            return {401,
                    {{"WWW-Authenticate",
                      "Bearer realm=\"http://" + auth.address() + "/token\",service=\"reg\""}},
                    ""};
        }
        return {201, {{"Docker-Content-Digest", "sha256:aa"}}, ""};
    });
    auto ep = endpoint(*registry);
    RegistryClient client(ep);
    const auto m = client.mount_blob("team/app", "sha256:aa", "base/os");
    INFO(m.error);
    CHECK(m.mounted);
    REQUIRE(scopes.size() == 1);
    CHECK(scopes[0].find("scope=repository%3Ateam%2Fapp%3Apull%2Cpush") != std::string::npos);
    CHECK(scopes[0].find("scope=repository%3Abase%2Fos%3Apull") != std::string::npos);
}
