// What the registry clients of one process share: a registry's Basic challenge and its bearer
// tokens are asked for once per set of credentials, small blobs are read once; nothing obtained
// with one password serves another, and a remembered token the registry refuses is replaced.
#include "runtime/registry_client.hpp"
#include "runtime/secret.hpp"
#include "unit/runtime/registry_loopback.hpp"
#include "unit/runtime/registry_replies.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace ferry::runtime;
using ferry::testing::HttpReply;
using ferry::testing::HttpRequest;
using ferry::testing::LoopbackServer;
using ferry::testing::manifest_body;
using ferry::testing::manifest_reply;

namespace {

HttpReply challenge(const std::string& header) {
    HttpReply r{401,
                {{"Content-Type", "application/json"}},
                R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})"};
    r.headers.emplace_back("WWW-Authenticate", header);
    return r;
}

RegistryEndpoint endpoint(const LoopbackServer& server, const std::string& password) {
    RegistryEndpoint ep;
    ep.server = server.address();
    ep.tls.insecure = true;
    ep.timeout = std::chrono::seconds(5);
    ep.backoff = std::chrono::milliseconds(5);
    RegistryAuth auth;
    auth.username = Secret("ferry");
    auth.password = Secret(password);
    auth.source = "credential registry-creds";
    ep.auth = std::move(auth);
    return ep;
}

std::size_t unauthenticated(const LoopbackServer& server) {
    const auto all = server.requests();
    return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [](const HttpRequest& r) {
        return r.header("authorization").empty();
    }));
}

} // namespace

TEST_CASE("registry memory: a later client sends Basic credentials without a new challenge",
          "[registry]") {
    const std::string good = "Basic " + detail::base64_encode("ferry:s3cret-one");
    const LoopbackServer server([&](const HttpRequest& req) -> HttpReply {
        if (req.header("authorization") != good) {
            return challenge(R"(Basic realm="Registry Realm")");
        }
        return manifest_reply();
    });
    {
        RegistryClient probe(endpoint(server, "s3cret-one"));
        CHECK(probe.head_manifest("app", "v1").ok);
    }
    RegistryClient step(endpoint(server, "s3cret-one"));
    CHECK(step.head_manifest("app", "v1").ok);
    CHECK(unauthenticated(server) == 1); // the probe's first request only

    SECTION("another password is challenged and refused on its own") {
        RegistryClient other(endpoint(server, "wrong"));
        const auto r = other.head_manifest("app", "v1");
        CHECK_FALSE(r.ok);
        CHECK(r.status == 401);
        CHECK(r.error.find("wrong") == std::string::npos);
    }
}

TEST_CASE("registry memory: bearer tokens serve later clients, and a refused one is replaced",
          "[registry]") {
    std::string realm;
    int issued = 0;
    std::string valid = "tok-1";
    const LoopbackServer server([&](const HttpRequest& req) -> HttpReply {
        if (req.target.rfind("/token", 0) == 0) {
            valid = "tok-" + std::to_string(++issued);
            return {200, {{"Content-Type", "application/json"}}, R"({"token":")" + valid + "\"}"};
        }
        if (req.header("authorization") != "Bearer " + valid) {
            return challenge("Bearer realm=\"" + realm +
                             "\",service=\"test\",scope=\"repository:team/app:pull\"");
        }
        return manifest_reply();
    });
    realm = "http://" + server.address() + "/token";
    {
        RegistryClient probe(endpoint(server, "s3cret-two"));
        CHECK(probe.head_manifest("team/app", "1.0").ok);
    }
    {
        RegistryClient step(endpoint(server, "s3cret-two"));
        CHECK(step.head_manifest("team/app", "1.0").ok);
    }
    CHECK(server.count("GET", "/token") == 1);

    SECTION("a remembered token the registry no longer accepts: a fresh one is asked for") {
        valid = "revoked";
        RegistryClient later(endpoint(server, "s3cret-two"));
        CHECK(later.head_manifest("team/app", "1.0").ok);
        CHECK(server.count("GET", "/token") == 2);
    }
    SECTION("other credentials get their own token") {
        RegistryClient other(endpoint(server, "s3cret-three"));
        CHECK(other.head_manifest("team/app", "1.0").ok);
        CHECK(server.count("GET", "/token") == 2);
    }
}

TEST_CASE("registry memory: a small blob is read once per process and credentials", "[registry]") {
    const std::string config = R"({"architecture":"amd64","os":"linux"})";
    const auto digest = content_digest(config);
    const LoopbackServer server([&](const HttpRequest& req) -> HttpReply {
        if (req.target == "/v2/base/blobs/" + digest) {
            return {200, {{"Content-Type", "application/octet-stream"}}, config};
        }
        return {404, {}, ""};
    });
    auto ep = endpoint(server, "s3cret-four");
    ep.auth.reset();
    {
        RegistryClient probe(ep);
        const auto first = probe.get_blob("base", digest);
        REQUIRE(first.ok);
        CHECK(first.body == config);
    }
    RegistryClient build(ep);
    const auto second = build.get_blob("base", digest);
    REQUIRE(second.ok);
    CHECK(second.body == config);
    CHECK(server.count("GET", "/v2/base/blobs/") == 1);
    RegistryClient with_password(endpoint(server, "s3cret-four"));
    CHECK(with_password.get_blob("base", digest).ok);
    CHECK(server.count("GET", "/v2/base/blobs/") == 2); // other credentials: asked again
}

TEST_CASE("registry memory: a manifest read by tag is not asked again by its digest",
          "[registry]") {
    const LoopbackServer server([&](const HttpRequest& req) -> HttpReply {
        if (req.target == "/v2/base/manifests/1.0" ||
            req.target == "/v2/base/manifests/" + content_digest(manifest_body)) {
            return manifest_reply();
        }
        return {404, {}, ""};
    });
    auto ep = endpoint(server, "s3cret-five");
    ep.auth.reset();
    const auto digest = content_digest(manifest_body);
    {
        RegistryClient probe(ep);
        const auto by_tag = probe.get_manifest("base", "1.0");
        REQUIRE(by_tag.ok);
        CHECK(by_tag.digest == digest);
    }
    RegistryClient build(ep);
    const auto by_digest = build.get_manifest("base", digest);
    REQUIRE(by_digest.ok);
    CHECK(by_digest.body == manifest_body);
    CHECK(by_digest.media_type == "application/vnd.oci.image.manifest.v1+json");
    CHECK(server.count("GET", "/v2/base/manifests/" + digest) == 0);
    CHECK(build.get_manifest("base", "1.0").ok); // a tag is always asked: it may have moved
    CHECK(server.count("GET", "/v2/base/manifests/1.0") == 2);
    CHECK(build.head_manifest("base", digest).ok); // a HEAD asks whether the registry has it
    CHECK(server.count("HEAD", "/v2/base/manifests/" + digest) == 1);
}

TEST_CASE("registry memory: a later process sends Basic at once to a registry that wanted it",
          "[registry]") {
    // Another process is another identity here: the same user with another password is not in
    // this process's memory, so only the note in the cache directory can say Basic is wanted.
    const auto notes =
        std::filesystem::temp_directory_path() / ("ferry-notes-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(notes);
    const auto with_notes = [&](const LoopbackServer& server, const std::string& password) {
        auto ep = endpoint(server, password);
        ep.notes = notes;
        return ep;
    };
    bool tokens = false; // the registry moves to bearer tokens
    const LoopbackServer server([&](const HttpRequest& req) -> HttpReply {
        const auto auth = req.header("authorization");
        if (tokens) {
            if (req.target.rfind("/token", 0) == 0) {
                return {200, {{"Content-Type", "application/json"}}, R"({"token":"t"})"};
            }
            return auth == "Bearer t" ? manifest_reply()
                                      : challenge(R"(Bearer realm="http://)" + req.header("host") +
                                                  R"(/token",service="test")");
        }
        return auth.rfind("Basic ", 0) == 0 ? manifest_reply() // any password will do here
                                            : challenge(R"(Basic realm="Registry Realm")");
    });
    {
        RegistryClient earlier(with_notes(server, "s3cret-six"));
        CHECK(earlier.head_manifest("app", "v1").ok);
    }
    CHECK(unauthenticated(server) == 1);
    std::vector<std::filesystem::path> written;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(notes)) {
        if (entry.is_regular_file()) {
            written.push_back(entry.path());
        }
    }
    REQUIRE(written.size() == 1);
    CHECK(written[0].string().find("s3cret") == std::string::npos); // no secret in its name
    {
        std::ifstream in(written[0]);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CHECK(text == "basic\n"); // nor in its content
    }
    RegistryClient later(with_notes(server, "s3cret-seven"));
    CHECK(later.head_manifest("app", "v1").ok);
    CHECK(unauthenticated(server) == 1); // no second challenge

    SECTION("a registry that answers the noted Basic with a Bearer challenge loses the note") {
        tokens = true;
        RegistryClient moved(with_notes(server, "s3cret-eight"));
        CHECK(moved.head_manifest("app", "v1").ok);
        CHECK_FALSE(std::filesystem::exists(written[0]));
    }
    SECTION("an endpoint without a notes directory neither reads nor writes one") {
        RegistryClient plain(endpoint(server, "s3cret-nine"));
        CHECK(plain.head_manifest("app", "v1").ok);
        CHECK(unauthenticated(server) == 2); // challenged: the note was not read
    }
    std::filesystem::remove_all(notes);
}
