// The registry client against a loopback HTTP server: challenges, tokens, 404s, retries,
// digest verification, pagination, and error messages that never carry a credential.
#include "runtime/registry_client.hpp"

#include "runtime/secret.hpp"
#include "unit/runtime/registry_loopback.hpp"
#include "unit/runtime/registry_replies.hpp"

#include <catch2/catch.hpp>

using namespace ferry::runtime;
using ferry::testing::HttpReply;
using ferry::testing::HttpRequest;
using ferry::testing::LoopbackServer;
using ferry::testing::manifest_body;
using ferry::testing::manifest_reply;
using ferry::testing::oci_type;

namespace {

HttpReply error_reply(int status, const std::string& code, const std::string& message) {
    return {status,
            {{"Content-Type", "application/json"}},
            R"({"errors":[{"code":")" + code + R"(","message":")" + message + R"("}]})"};
}

// A plain-HTTP loopback registry is reached with `insecure` (no TLS on loopback).
RegistryEndpoint endpoint(const LoopbackServer& server) {
    RegistryEndpoint ep;
    ep.server = server.address();
    ep.tls.insecure = true;
    ep.timeout = std::chrono::seconds(5);
    ep.backoff = std::chrono::milliseconds(5);
    return ep;
}

RegistryAuth password_auth(const std::string& user, const std::string& password) {
    RegistryAuth auth;
    auth.username = Secret(user);
    auth.password = Secret(password);
    auth.source = "credential registry-creds";
    return auth;
}

const std::string password = "pa55-w0rd!";
const std::string basic_value = "Basic " + detail::base64_encode("ferry:" + password);

} // namespace

TEST_CASE("registry: image references", "[registry]") {
    auto r = parse_image_reference("127.0.0.1:5000/team/app:1.2");
    REQUIRE(r);
    CHECK(r->server == "127.0.0.1:5000");
    CHECK(r->repository == "team/app");
    CHECK(r->tag == "1.2");
    r = parse_image_reference("busybox");
    REQUIRE(r);
    CHECK(r->server == "docker.io");
    CHECK(r->repository == "library/busybox");
    CHECK(r->tag == "latest");
    CHECK(r->implicit_tag);
    r = parse_image_reference("localhost/x@sha256:abc");
    REQUIRE(r);
    CHECK(r->server == "localhost");
    CHECK(r->digest == "sha256:abc");
    CHECK(r->tag.empty());
    CHECK_FALSE(parse_image_reference("Bad/Upper"));
    CHECK_FALSE(parse_image_reference("x:"));
    CHECK_FALSE(parse_image_reference(""));
}

TEST_CASE("registry: WWW-Authenticate challenges", "[registry]") {
    const auto bearer = parse_auth_challenge(
        R"(Bearer realm="https://auth.example/token",service="reg,istry",scope="repository:a/b:pull")");
    REQUIRE(bearer);
    CHECK(bearer->scheme == "bearer");
    CHECK(bearer->param("realm") == "https://auth.example/token");
    CHECK(bearer->param("service") == "reg,istry");
    CHECK(bearer->param("scope") == "repository:a/b:pull");
    const auto basic = parse_auth_challenge(R"(Basic realm="Registry Realm")");
    REQUIRE(basic);
    CHECK(basic->scheme == "basic");
    CHECK(basic->param("realm") == "Registry Realm");
}

TEST_CASE("registry: anonymous ping and HEAD of a tag", "[registry]") {
    const LoopbackServer server([](const HttpRequest& req) -> HttpReply {
        if (req.target == "/v2/") {
            return {200, {}, "{}"};
        }
        if (req.target == "/v2/team/app/manifests/1.0") {
            return manifest_reply();
        }
        return error_reply(404, "NOT_FOUND", "nope");
    });
    RegistryClient client(endpoint(server));
    CHECK(client.ping().ok);
    const auto m = client.head_manifest("team/app", "1.0");
    REQUIRE(m.ok);
    CHECK(m.digest == content_digest(manifest_body));
    CHECK(m.media_type == oci_type);
    const auto heads = server.requests();
    const auto& head = heads.back();
    CHECK(head.method == "HEAD");
    for (const auto& type : manifest_media_types()) {
        CHECK(head.header("accept").find(type) != std::string::npos);
    }
}

TEST_CASE("registry: 401 with a Basic challenge retries with the credentials", "[registry]") {
    const LoopbackServer server([](const HttpRequest& req) -> HttpReply {
        if (req.header("authorization") != basic_value) {
            auto r = error_reply(401, "UNAUTHORIZED", "authentication required");
            r.headers.emplace_back("WWW-Authenticate", R"(Basic realm="Registry Realm")");
            return r;
        }
        return req.target == "/v2/" ? HttpReply{200, {}, "{}"} : manifest_reply();
    });
    auto ep = endpoint(server);
    ep.auth = password_auth("ferry", password);
    RegistryClient client(ep);
    CHECK(client.ping().ok);
    CHECK(client.head_manifest("app", "v1").ok);
    // Once challenged, later requests send the credentials straight away.
    CHECK(server.count("HEAD", "/v2/app/manifests/v1") == 1);

    SECTION("without credentials the error says so") {
        RegistryClient anonymous(endpoint(server));
        const auto r = anonymous.head_manifest("app", "v1");
        CHECK_FALSE(r.ok);
        CHECK(r.status == 401);
        CHECK(r.error.find(server.address()) != std::string::npos);
        CHECK(r.error.find("401") != std::string::npos);
        CHECK(r.error.find("no credentials") != std::string::npos);
    }
    SECTION("wrong credentials: the registry's message, never the password") {
        auto bad = endpoint(server);
        bad.auth = password_auth("ferry", "wrong-" + password);
        RegistryClient refused(bad);
        const auto r = refused.ping();
        CHECK_FALSE(r.ok);
        CHECK(r.error.find("UNAUTHORIZED: authentication required") != std::string::npos);
        CHECK(r.error.find("credential registry-creds") != std::string::npos);
        for (const auto& form : Secret("wrong-" + password).masked_forms()) {
            CHECK(r.error.find(form) == std::string::npos);
        }
        CHECK(r.error.find(detail::base64_encode("ferry:wrong-" + password)) == std::string::npos);
    }
}

TEST_CASE("registry: 401 with a Bearer challenge fetches a token from the realm", "[registry]") {
    std::string realm;
    const LoopbackServer server([&](const HttpRequest& req) -> HttpReply {
        if (req.target.rfind("/token", 0) == 0) {
            if (req.header("authorization") != basic_value) {
                return error_reply(401, "DENIED", "bad login");
            }
            CHECK(req.target.find("service=test-registry") != std::string::npos);
            CHECK(req.target.find("scope=repository%3Ateam%2Fapp%3Apull") != std::string::npos);
            return {200, {{"Content-Type", "application/json"}}, R"({"token":"tok-123"})"};
        }
        if (req.header("authorization") != "Bearer tok-123") {
            auto r = error_reply(401, "UNAUTHORIZED", "authentication required");
            r.headers.emplace_back("WWW-Authenticate",
                                   "Bearer realm=\"" + realm +
                                       "\",service=\"test-registry\",scope=\"repository:team/"
                                       "app:pull\"");
            return r;
        }
        return manifest_reply();
    });
    realm = "http://" + server.address() + "/token";
    auto ep = endpoint(server);
    ep.auth = password_auth("ferry", password);
    RegistryClient client(ep);
    const auto first = client.head_manifest("team/app", "1.0");
    REQUIRE(first.ok);
    CHECK(first.digest == content_digest(manifest_body));
    CHECK(client.head_manifest("team/app", "2.0").ok);
    CHECK(server.count("GET", "/token") == 1); // the token is cached per scope

    SECTION("a refused token request names the token service and its answer") {
        auto bad = endpoint(server);
        bad.auth = password_auth("ferry", "nope");
        RegistryClient refused(bad);
        const auto r = refused.head_manifest("team/app", "1.0");
        CHECK_FALSE(r.ok);
        CHECK(r.error.find("token service") != std::string::npos);
        CHECK(r.error.find("DENIED: bad login") != std::string::npos);
        CHECK(r.error.find("nope") == std::string::npos);
    }
}

TEST_CASE("registry: a missing tag is not_found with the registry's message", "[registry]") {
    const LoopbackServer server([](const HttpRequest&) -> HttpReply {
        return error_reply(404, "MANIFEST_UNKNOWN", "manifest unknown");
    });
    RegistryClient client(endpoint(server));
    const auto head = client.head_manifest("app", "nope");
    CHECK_FALSE(head.ok);
    CHECK(head.not_found);
    const auto get = client.get_manifest("app", "nope");
    CHECK(get.not_found);
    CHECK(get.error.find("MANIFEST_UNKNOWN: manifest unknown") != std::string::npos);
    CHECK(get.error.find(server.address()) != std::string::npos);
    CHECK(get.error.find("GET /v2/app/manifests/nope answered 404") != std::string::npos);
}

TEST_CASE("registry: 5xx, 429 and resets are retried with backoff", "[registry]") {
    int calls = 0;
    const LoopbackServer server([&](const HttpRequest&) -> HttpReply {
        ++calls;
        if (calls == 1) {
            return error_reply(500, "UNKNOWN", "try later");
        }
        if (calls == 2) {
            return {429, {{"Retry-After", "0"}}, ""};
        }
        if (calls == 3) {
            HttpReply r;
            r.reset = true;
            return r;
        }
        return manifest_reply();
    });
    RegistryClient client(endpoint(server));
    const auto m = client.head_manifest("app", "v1");
    CHECK(m.ok);
    CHECK(calls == 4);
}

TEST_CASE("registry: a 5xx that persists is reported after the last attempt", "[registry]") {
    const LoopbackServer server([](const HttpRequest&) -> HttpReply {
        return error_reply(503, "UNAVAILABLE", "storage is down");
    });
    auto ep = endpoint(server);
    ep.max_attempts = 3;
    RegistryClient client(ep);
    const auto m = client.head_manifest("app", "v1");
    CHECK_FALSE(m.ok);
    CHECK_FALSE(m.not_found);
    CHECK(server.count("HEAD", "/v2/app") == 3);
    CHECK(server.count("GET", "/v2/app") == 3); // for the registry's error message
    CHECK(m.error.find("503 Service Unavailable: UNAVAILABLE: storage is down") !=
          std::string::npos);
}

TEST_CASE("registry: GET verifies the body against Docker-Content-Digest", "[registry]") {
    const LoopbackServer server([](const HttpRequest& req) -> HttpReply {
        if (req.target.find("/manifests/good") != std::string::npos) {
            return manifest_reply();
        }
        if (req.target.find("/manifests/nodigest") != std::string::npos ||
            req.target.find("/manifests/sha256:") != std::string::npos) {
            return {200, {{"Content-Type", oci_type}}, manifest_body};
        }
        return {200,
                {{"Content-Type", oci_type},
                 {"Docker-Content-Digest", content_digest("something else")}},
                manifest_body};
    });
    RegistryClient client(endpoint(server));
    const auto good = client.get_manifest("app", "good");
    CHECK(good.ok);
    CHECK(good.body == manifest_body);
    const auto bad = client.get_manifest("app", "tampered");
    CHECK_FALSE(bad.ok);
    CHECK(bad.error.find("not the " + content_digest("something else")) != std::string::npos);
    // A HEAD without the header falls back to GET and computes the digest.
    const auto computed = client.head_manifest("app", "nodigest");
    CHECK(computed.ok);
    CHECK(computed.digest == content_digest(manifest_body));
    CHECK(server.count("GET", "/v2/app/manifests/nodigest") == 1);
    // A digest reference must match the body.
    CHECK(client.get_manifest("app", content_digest(manifest_body)).ok);
    CHECK_FALSE(client.get_manifest("app", content_digest("other")).ok);
}

TEST_CASE("registry: tag lists follow Link pagination", "[registry]") {
    const LoopbackServer server([](const HttpRequest& req) -> HttpReply {
        if (req.target.find("last=b") != std::string::npos) {
            return {200, {}, R"({"name":"app","tags":["c"]})"};
        }
        return {200,
                {{"Link", R"(</v2/app/tags/list?n=2&last=b>; rel="next")"}},
                R"({"name":"app","tags":["a","b"]})"};
    });
    RegistryClient client(endpoint(server));
    const auto tags = client.list_tags("app");
    REQUIRE(tags.ok);
    CHECK(tags.tags == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("registry: unreachable and TLS failures name the registry", "[registry]") {
    RegistryEndpoint ep;
    {
        const LoopbackServer closed([](const HttpRequest&) { return HttpReply{}; });
        ep.server = closed.address();
    } // closed: nothing listens on that port any more
    ep.timeout = std::chrono::seconds(2);
    RegistryClient client(ep);
    const auto r = client.ping();
    CHECK_FALSE(r.ok);
    CHECK(r.status == 0);
    CHECK(r.error.find("registry " + ep.server) != std::string::npos);

    // A plain-HTTP server reached over verified TLS: a TLS error with the hint about tls.ca.
    const LoopbackServer plain([](const HttpRequest&) { return HttpReply{}; });
    RegistryEndpoint tls;
    tls.server = plain.address();
    tls.timeout = std::chrono::seconds(2);
    const auto t = RegistryClient(tls).ping();
    CHECK_FALSE(t.ok);
    CHECK(t.error.find("tls.ca") != std::string::npos);
}
