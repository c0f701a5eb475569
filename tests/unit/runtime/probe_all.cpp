// probe() as a whole: offline (git and state only), online against a loopback registry and
// fake kubectl/helm, BUILD_NUMBER, damaged state, and that probing writes nothing.
#include "runtime/probe.hpp"
#include "runtime/registry_client.hpp"
#include "runtime/state.hpp"
#include "unit/runtime/probe_support.hpp"
#include "unit/runtime/registry_loopback.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace ferry;
using namespace ferry::runtime;
using compiler::Known;
using testing::HttpReply;
using testing::HttpRequest;
using testing::LoopbackServer;
using testing::sh;
using testing::sh_out;
using testing::TempDir;
using testing::write_file;

namespace {

const std::string git = "git -c init.defaultBranch=main -c user.name=T -c user.email=t@e "
                        "-c commit.gpgsign=false ";

struct Workspace {
    TempDir dir{"ws"};
    std::map<std::string, std::string> env{{"PATH", "/usr/bin:/bin"}};
    std::string c1;
    std::string c2;
    Workspace() {
        write_file(dir / "Ferryfile",
                   "pipeline { agent any\n stages { stage('a') { steps { echo 'x' } } } }\n");
        REQUIRE(sh(dir.path(),
                   git + "init -q . && " + git + "add -A && " + git + "commit -q -m one") == 0);
        c1 = sh_out(dir.path(), "git rev-parse HEAD");
        write_file(dir / "app/main.c", "int main(){}\n");
        REQUIRE(sh(dir.path(), git + "add -A && " + git + "commit -q -m two") == 0);
        c2 = sh_out(dir.path(), "git rev-parse HEAD");
    }
    [[nodiscard]] ProbeOptions options() const {
        ProbeOptions o;
        o.getenv = [this](const std::string& name) -> std::optional<std::string> {
            const auto it = env.find(name);
            return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
        };
        o.timeout = std::chrono::seconds(5);
        return o;
    }
    [[nodiscard]] compiler::ProbeRequests requests() const {
        compiler::ProbeRequests r;
        r.workspace = dir.path().string();
        r.pipeline = "shop";
        r.environment = "test";
        return r;
    }
};

compiler::Environment test_environment() {
    compiler::Environment env;
    env.name = "test";
    env.cluster.value = "lab";
    env.namespace_name.value = "shop-test";
    env.registry = compiler::ConfigString{"local", {}};
    return env;
}

} // namespace

TEST_CASE("probe offline: git and state are read, network facts are unknown", "[probe]") {
    const Workspace ws;
    (void)increment_build_counter(ws.dir / ".ferry", "shop", "test");
    (void)record_success(ws.dir / ".ferry", "shop", "test", ws.c1, 1);
    auto req = ws.requests();
    req.tags = {"127.0.0.1:1/shop/web:1.0"};
    req.namespaces = {{"lab-admin", "shop-test"}};
    req.releases = {{"lab-admin", "shop-test", "web"}};
    auto options = ws.options();
    options.offline = true;
    const auto obs = probe(req, test_environment(), options);
    CHECK(obs.offline);
    CHECK(obs.git.known == Known::yes);
    CHECK(obs.git.commit == ws.c2);
    REQUIRE(obs.git.changed_files);
    CHECK(*obs.git.changed_files == std::vector<std::string>{"app/main.c"});
    CHECK(obs.git.changelog == std::vector<std::string>{"two"});
    CHECK(obs.build_number == 2);
    REQUIRE(obs.tags.size() == 1);
    CHECK(obs.tags[0].known == Known::unknown);
    CHECK(obs.tags[0].reason == "not probed: --offline");
    REQUIRE(obs.namespace_in("lab-admin", "shop-test"));
    CHECK(obs.namespace_in("lab-admin", "shop-test")->reason == "not probed: --offline");
    REQUIRE(obs.release("lab-admin", "shop-test", "web"));
    CHECK(obs.release("lab-admin", "shop-test", "web")->known == Known::unknown);
    CHECK(obs.tag("127.0.0.1:1/shop/web:1.0") == &obs.tags[0]);
    CHECK(obs.tag("other") == nullptr);
    CHECK(obs.warnings.empty());
}

TEST_CASE("probe: the CI's BUILD_NUMBER wins; CI variables are recorded", "[probe]") {
    Workspace ws;
    ws.env["BUILD_NUMBER"] = "57";
    ws.env["BRANCH_NAME"] = "release";
    ws.env["SOME_PASSWORD"] = "hidden";
    auto options = ws.options();
    options.offline = true;
    const auto obs = probe(ws.requests(), test_environment(), options);
    CHECK(obs.build_number == 57);
    CHECK(obs.git.branch == "release");
    CHECK(obs.git.branch_source == "BRANCH_NAME");
    CHECK(obs.process_env.at("BUILD_NUMBER") == "57");
    CHECK(obs.process_env.count("SOME_PASSWORD") == 0);
}

TEST_CASE("probe: no state yet means build 1; probing creates no .ferry/", "[probe]") {
    const Workspace ws;
    auto options = ws.options();
    options.offline = true;
    const auto obs = probe(ws.requests(), test_environment(), options);
    CHECK(obs.build_number == 1);
    CHECK_FALSE(obs.git.changed_files);
    CHECK_FALSE(std::filesystem::exists(ws.dir / ".ferry"));
}

TEST_CASE("probe: a damaged state file is a warning, not a crash", "[probe]") {
    const Workspace ws;
    write_file(build_state_path(ws.dir / ".ferry", "shop", "test"), "garbage{");
    auto options = ws.options();
    options.offline = true;
    const auto obs = probe(ws.requests(), test_environment(), options);
    CHECK_FALSE(obs.build_number);
    REQUIRE(obs.warnings.size() == 1);
    CHECK(obs.warnings[0].find("damaged state file") != std::string::npos);
    CHECK(obs.git.known == Known::yes);
}

TEST_CASE("probe: a workspace outside git still plans, git unknown", "[probe]") {
    const TempDir dir("nogit");
    compiler::ProbeRequests req;
    req.workspace = dir.path().string();
    req.pipeline = "p";
    req.environment = "test";
    ProbeOptions options;
    options.offline = true;
    options.getenv = [](const std::string&) { return std::optional<std::string>(); };
    const auto obs = probe(req, test_environment(), options);
    CHECK(obs.git.known == Known::unknown);
    CHECK_FALSE(obs.git.reason.empty());
    CHECK(obs.build_number == 1);
}

TEST_CASE("probe online: tag digests with credentials, namespaces and releases", "[probe]") {
    const std::string body = R"({"schemaVersion":2})";
    const std::string password = "s3cret-pw";
    const std::string expected_auth = "Basic " + detail::base64_encode("ferry:" + password);
    const LoopbackServer registry([&](const HttpRequest& req) -> HttpReply {
        if (req.header("authorization") != expected_auth) {
            return {401, {{"WWW-Authenticate", R"(Basic realm="r")"}}, ""};
        }
        if (req.target == "/v2/shop/web/manifests/1.0") {
            return {200,
                    {{"Docker-Content-Digest", content_digest(body)},
                     {"Content-Type", "application/vnd.oci.image.manifest.v1+json"}},
                    body};
        }
        return {
            404, {}, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})"};
    });
    Workspace ws;
    ws.env["REGISTRY_PASSWORD"] = password;
    write_file(
        ws.dir / "bin/kubectl",
        "#!/bin/sh\ncase \"$*\" in *'--context lab-admin get namespace shop-test'*) exit 0;; "
        "esac\necho 'Error from server (NotFound): x' >&2; exit 1\n");
    write_file(
        ws.dir / "bin/helm",
        "#!/bin/sh\necho '[{\"revision\":4,\"status\":\"deployed\",\"chart\":\"web-1.0.0\"}]'\n");
    std::filesystem::permissions(ws.dir / "bin/kubectl", std::filesystem::perms::owner_all);
    std::filesystem::permissions(ws.dir / "bin/helm", std::filesystem::perms::owner_all);
    ws.env["PATH"] = (ws.dir / "bin").string() + ":/usr/bin:/bin";

    compiler::EnvironmentConfig config;
    config.path = ws.dir / "ferry.yaml";
    compiler::Registry reg;
    reg.name = "local";
    reg.server = registry.address();
    reg.credentials = compiler::ConfigString{"registry-creds", {}};
    reg.tls.insecure = true; // the loopback server speaks plain HTTP
    config.registries.push_back(reg);
    compiler::Credential cred;
    cred.id = "registry-creds";
    cred.kind = compiler::CredentialKind::username_password;
    cred.username = compiler::SecretSource{compiler::SecretOrigin::literal, "ferry", {}};
    cred.password = compiler::SecretSource{compiler::SecretOrigin::env, "REGISTRY_PASSWORD", {}};
    config.credentials.push_back(cred);
    compiler::Cluster cluster;
    cluster.name = "lab";
    cluster.kubeconfig = ws.dir / "kubeconfig";
    cluster.context.value = "lab-admin";
    config.clusters.push_back(cluster);

    auto req = ws.requests();
    const auto tag = registry.address() + "/shop/web:1.0";
    const auto missing = registry.address() + "/shop/web:2.0";
    req.tags = {tag, missing, tag, "docker.io/Not Valid"};
    req.namespaces = {{"lab-admin", "shop-test"}, {"lab-admin", "other"}, {"elsewhere", "x"}};
    req.releases = {{"lab-admin", "shop-test", "web"}};
    auto options = ws.options();
    options.config = &config;
    const auto obs = probe(req, test_environment(), options);

    REQUIRE(obs.tags.size() == 3); // the repeated request is probed once
    REQUIRE(obs.tag(tag));
    CHECK(obs.tag(tag)->known == Known::yes);
    CHECK(obs.tag(tag)->digest == content_digest(body));
    REQUIRE(obs.tag(missing));
    CHECK(obs.tag(missing)->known == Known::yes);
    CHECK_FALSE(obs.tag(missing)->digest);
    CHECK(obs.tag("docker.io/Not Valid")->known == Known::unknown);

    CHECK(obs.namespace_in("lab-admin", "shop-test")->exists);
    CHECK(obs.namespace_in("lab-admin", "other")->known == Known::yes);
    CHECK_FALSE(obs.namespace_in("lab-admin", "other")->exists);
    CHECK(obs.namespace_in("elsewhere", "x")->known == Known::unknown);
    CHECK(obs.namespace_in("elsewhere", "x")->reason.find("no cluster in ferry.yaml") !=
          std::string::npos);
    CHECK(obs.release("lab-admin", "shop-test", "web")->revision == 4);
    CHECK(obs.release("lab-admin", "shop-test", "web")->chart == "web-1.0.0");

    SECTION("an unset credential variable is the tag's reason, without any value") {
        ws.env.erase("REGISTRY_PASSWORD");
        auto o = ws.options();
        o.config = &config;
        auto r = ws.requests();
        r.tags = {tag};
        const auto unset = probe(r, test_environment(), o);
        CHECK(unset.tags[0].known == Known::unknown);
        CHECK(unset.tags[0].reason.find("REGISTRY_PASSWORD") != std::string::npos);
    }
}
