// The tag compensator against a loopback registry that behaves like distribution 2.x: a moved
// tag gets its previous manifest back (by digest), a new tag is deleted with its manifest when
// the registry deletes no tag alone and no other tag shares it, and nothing is done twice.
#include "registry_loopback.hpp"
#include "runtime/compensate.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <mutex>

using namespace ferry::runtime;
using ferry::testing::HttpReply;
using ferry::testing::HttpRequest;
using ferry::testing::LoopbackServer;
using json = nlohmann::json;

namespace {

constexpr const char* media = "application/vnd.oci.image.manifest.v1+json";

/// Manifests by digest and tags of one repository, `shop/web`.
struct FakeRepository {
    std::mutex mutex;
    std::map<std::string, std::string> manifests; ///< digest → body
    std::map<std::string, std::string> tags;      ///< tag → digest
    bool tag_deletes = false;                     ///< OCI 1.1 tag deletion

    std::string add(const std::string& body) {
        const auto digest = content_digest(body);
        manifests[digest] = body;
        return digest;
    }

    HttpReply handle(const HttpRequest& r) {
        std::lock_guard lock(mutex);
        const std::string prefix = "/v2/shop/web/manifests/";
        if (r.target.rfind("/v2/shop/web/tags/list", 0) == 0) {
            json list{{"name", "shop/web"}, {"tags", json::array()}};
            for (const auto& [t, d] : tags) {
                list["tags"].push_back(t);
            }
            return {200, {{"Content-Type", "application/json"}}, list.dump()};
        }
        if (r.target.rfind(prefix, 0) != 0) {
            return {404, {}, R"({"errors":[{"code":"NAME_UNKNOWN"}]})"};
        }
        const auto ref = r.target.substr(prefix.size());
        const bool by_digest = ref.rfind("sha256:", 0) == 0;
        std::string digest = by_digest ? ref : (tags.count(ref) ? tags[ref] : "");
        if (r.method == "PUT") {
            const auto d = add(r.body);
            if (!by_digest) {
                tags[ref] = d;
            }
            return {201, {{"Docker-Content-Digest", d}}, ""};
        }
        if (r.method == "DELETE") {
            if (!by_digest && !tag_deletes) {
                return {400, {}, R"({"errors":[{"code":"UNSUPPORTED","message":"x"}]})"};
            }
            if (!manifests.count(digest)) {
                return {404, {}, R"({"errors":[{"code":"MANIFEST_UNKNOWN"}]})"};
            }
            if (by_digest) {
                manifests.erase(digest);
                for (auto it = tags.begin(); it != tags.end();) {
                    it = it->second == digest ? tags.erase(it) : std::next(it);
                }
            } else {
                tags.erase(ref);
            }
            return {202, {}, ""};
        }
        if (digest.empty() || !manifests.count(digest)) {
            return {404, {}, R"({"errors":[{"code":"MANIFEST_UNKNOWN"}]})"};
        }
        const auto& body = manifests[digest];
        return {200,
                {{"Docker-Content-Digest", digest},
                 {"Content-Type", media},
                 {"Content-Length", std::to_string(body.size())}},
                r.method == "HEAD" ? std::string() : body};
    }
};

struct Fixture {
    FakeRepository repo;
    LoopbackServer server{[this](const HttpRequest& r) { return repo.handle(r); }};
    CompensatorTable table;
    std::string old_digest = repo.add(R"({"schemaVersion":2,"n":"old"})");
    std::string new_digest = repo.add(R"({"schemaVersion":2,"n":"new"})");

    Fixture() {
        CompensationContext context;
        context.endpoint_for = [this](const std::string& host, std::string&) {
            RegistryEndpoint ep;
            ep.server = host;
            CHECK(host == server.address());
            ep.tls.insecure = true;
            ep.timeout = std::chrono::seconds(5);
            ep.backoff = std::chrono::milliseconds(5);
            return std::optional<RegistryEndpoint>(ep);
        };
        table = make_compensators(context);
    }

    json effect(const std::string& tag, const std::string& before) const {
        return {{"type", "effect"},
                {"effect_id", "Push/tag/1-0"},
                {"kind", "tag"},
                {"target", server.address() + "/shop/web:" + tag},
                {"server", server.address()},
                {"repository", "shop/web"},
                {"tag", tag},
                {"before", before},
                {"after", new_digest}};
    }
    Compensation undo(const json& e) { return table.at("tag")(e); }
};

} // namespace

TEST_CASE("a moved tag points at its previous manifest again", "[compensate][tag]") {
    Fixture f;
    f.repo.tags["1.0"] = f.new_digest;
    auto c = f.undo(f.effect("1.0", f.old_digest));
    INFO(c.detail);
    CHECK(c.restored);
    CHECK(f.repo.tags["1.0"] == f.old_digest);
    const auto puts = f.server.count("PUT", "/v2/shop/web/manifests/1.0");
    CHECK(puts == 1);
    auto again = f.undo(f.effect("1.0", f.old_digest));
    CHECK(again.restored);
    CHECK(again.detail.find("already at") != std::string::npos);
    CHECK(f.server.count("PUT", "/v2/shop/web/manifests/1.0") == puts);
}

TEST_CASE("a new tag is deleted, with its manifest when the registry deletes no tag alone",
          "[compensate][tag]") {
    Fixture f;
    f.repo.tags["2.0"] = f.new_digest;
    SECTION("no other tag shares the manifest") {
        auto c = f.undo(f.effect("2.0", "absent"));
        INFO(c.detail);
        CHECK(c.restored);
        CHECK(f.repo.tags.count("2.0") == 0);
        CHECK(f.undo(f.effect("2.0", "absent")).detail == "absent, as before the run");
    }
    SECTION("another tag shares it: refused, saying which") {
        f.repo.tags["stable"] = f.new_digest;
        auto c = f.undo(f.effect("2.0", "absent"));
        CHECK_FALSE(c.restored);
        CHECK(c.detail.find("stable") != std::string::npos);
        CHECK(f.repo.manifests.count(f.new_digest) == 1);
    }
    SECTION("a registry that deletes tags") {
        f.repo.tag_deletes = true;
        f.repo.tags["stable"] = f.new_digest;
        auto c = f.undo(f.effect("2.0", "absent"));
        CHECK(c.restored);
        CHECK(f.repo.tags.count("stable") == 1);
    }
}

TEST_CASE("a tag moved again since the run is left alone", "[compensate][tag]") {
    Fixture f;
    f.repo.tags["2.0"] = f.old_digest;
    auto c = f.undo(f.effect("2.0", "absent"));
    CHECK_FALSE(c.restored);
    CHECK(c.detail.find("moved since") != std::string::npos);
    CHECK(f.repo.tags["2.0"] == f.old_digest);
}

TEST_CASE("tags one push moved together are undone together", "[compensate][tag]") {
    Fixture f;
    // The run moved v1 (from old) and made new, both at new_digest, in that order; the
    // rollback undoes `new` first, while v1 still shares its manifest.
    f.repo.tags["v1"] = f.new_digest;
    f.repo.tags["new"] = f.new_digest;
    auto moved = f.effect("v1", f.old_digest);
    moved["effect_id"] = "Push/tag/1";
    auto made = f.effect("new", "absent");
    made["effect_id"] = "Push/tag/2";
    JournalRead journal;
    journal.records = {moved, made};
    const auto annotated = with_effect_outcomes(journal);
    auto c = f.undo(annotated.records[1]);
    INFO(c.detail);
    CHECK(c.restored);
    CHECK(f.repo.tags.count("new") == 0);
    CHECK(f.repo.tags["v1"] == f.old_digest); // moved back first, not lost with the manifest
    CHECK(f.undo(annotated.records[0]).detail.find("already at") != std::string::npos);
}
