// Compensators for cluster effects against a scripted shell: the right helm/kubectl calls with
// the recorded kubeconfig and context, the world checked first (idempotent), sealed previous
// contents put back, and the journal of a run rolled back once.
#include "runtime/compensate.hpp"
#include "runtime/deploy_seal.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace ferry::runtime;
using json = nlohmann::json;

namespace {

struct Call {
    std::string tool;              ///< kubectl or helm
    std::vector<std::string> args; ///< after --kubeconfig K --context C
    std::optional<std::string> input;
    [[nodiscard]] std::string line() const {
        std::string out = tool;
        for (const auto& a : args) {
            out += " " + a;
        }
        return out;
    }
};

ToolRun ok(std::string out = {}) {
    return {true, false, 0, std::move(out), {}, {}};
}
ToolRun error(std::string err) {
    return {true, false, 1, {}, std::move(err), {}};
}

/// A shell that answers from a script and records each call (the cluster target stripped,
/// after checking it is the recorded one).
class ScriptedShell final : public DeployShell {
public:
    std::function<ToolRun(const Call&)> answer;
    std::vector<Call> calls;

    ToolRun run(const fs::path& program, const std::vector<std::string>& args,
                const std::optional<std::string>& input) override {
        Call call{program == "/bin/false" ? "helm" : "kubectl", {}, input};
        REQUIRE(args.size() >= 4);
        CHECK(args[0] == "--kubeconfig");
        CHECK(args[1] == "/k/config");
        CHECK(args[2] == (call.tool == "helm" ? "--kube-context" : "--context"));
        CHECK(args[3] == "ctx-a");
        call.args.assign(args.begin() + 4, args.end());
        calls.push_back(call);
        return answer(call);
    }
    [[nodiscard]] bool called(const std::string& prefix) const {
        for (const auto& c : calls) {
            if (c.line().rfind(prefix, 0) == 0) {
                return true;
            }
        }
        return false;
    }
};

struct Fixture {
    fs::path cache = fs::temp_directory_path() / ("ferry-comp-" + std::to_string(::getpid()) + "-" +
                                                  std::to_string(std::rand()));
    ScriptedShell shell;
    CompensatorTable table;

    Fixture() {
        fs::create_directories(cache);
        CompensationContext context;
        context.shell = &shell;
        context.getenv = [this](const std::string& name) -> std::optional<std::string> {
            if (name == "KUBECTL") {
                return "/bin/true";
            }
            if (name == "HELM") {
                return "/bin/false";
            }
            if (name == "XDG_CACHE_HOME") {
                return cache.string();
            }
            return std::nullopt;
        };
        context.namespace_wait = std::chrono::milliseconds(0);
        context.poll_interval = std::chrono::milliseconds(1);
        table = make_compensators(context);
    }
    ~Fixture() { fs::remove_all(cache); }

    SealKey key() const {
        std::string error;
        auto k = load_or_create_seal_key(cache / "ferry" / "journal.key", error);
        INFO(error);
        REQUIRE(k);
        return *k;
    }
    Compensation undo(const json& effect) { return table.at(effect["kind"])(effect); }
};

json effect(const std::string& kind, json fields) {
    json e{{"type", "effect"},
           {"effect_id", "Deploy/1-ab"},
           {"kind", kind},
           {"target", "ctx-a/shop/web"},
           {"cluster", {{"kubeconfig", "/k/config"}, {"context", "ctx-a"}}}};
    e.update(fields);
    return e;
}

std::string history(int revision, const std::string& status) {
    return json::array({{{"revision", revision}, {"status", status}}}).dump();
}

bool starts(const Call& c, const std::string& prefix) {
    return c.line().rfind(prefix, 0) == 0;
}

} // namespace

TEST_CASE("a release that was absent is uninstalled, once", "[compensate]") {
    Fixture f;
    bool installed = true;
    f.shell.answer = [&](const Call& c) {
        if (starts(c, "helm history web")) {
            return installed ? ok(history(1, "failed")) : error("Error: release: not found");
        }
        if (starts(c, "helm uninstall web --namespace shop")) {
            installed = false;
            return ok("release \"web\" uninstalled");
        }
        return error("unexpected");
    };
    const auto e =
        effect("release", {{"namespace", "shop"}, {"release", "web"}, {"before", "absent"}});
    auto first = f.undo(e);
    CHECK(first.restored);
    CHECK(first.detail.find("uninstalled") != std::string::npos);
    CHECK(f.shell.called("helm uninstall web --namespace shop"));
    f.shell.calls.clear();
    auto again = f.undo(e);
    CHECK(again.restored);
    CHECK(again.detail == "absent, as before the run");
    CHECK_FALSE(f.shell.called("helm uninstall"));
}

TEST_CASE("a release is rolled back to its recorded revision unless it already has it",
          "[compensate]") {
    Fixture f;
    std::string manifest3 = "kind: Deployment # rev 2's";
    f.shell.answer = [&](const Call& c) {
        if (starts(c, "helm history web")) {
            return ok(history(3, "deployed"));
        }
        if (starts(c, "helm get manifest web --namespace shop --revision 3")) {
            return ok(manifest3);
        }
        if (starts(c, "helm get manifest web --namespace shop --revision 1")) {
            return ok("kind: Deployment # rev 1's");
        }
        if (starts(c, "helm get values")) {
            return ok("{}");
        }
        if (starts(c, "helm rollback web 1 --namespace shop")) {
            return ok("Rollback was a success!");
        }
        if (starts(c, "kubectl get")) {
            return ok("");
        }
        return error("unexpected " + c.line());
    };
    const auto e = effect("release", {{"namespace", "shop"},
                                      {"release", "web"},
                                      {"before", {{"revision", 1}, {"status", "deployed"}}}});
    auto rolled = f.undo(e);
    CHECK(rolled.restored);
    CHECK(f.shell.called("helm rollback web 1 --namespace shop"));

    SECTION("helm's atomic rollback already restored revision 1's content") {
        manifest3 = "kind: Deployment # rev 1's";
        f.shell.calls.clear();
        auto same = f.undo(e);
        CHECK(same.restored);
        CHECK(same.detail.find("already has revision 1's manifest") != std::string::npos);
        CHECK_FALSE(f.shell.called("helm rollback"));
    }
}

TEST_CASE("a release that vanished cannot be rolled back and says so", "[compensate]") {
    Fixture f;
    f.shell.answer = [](const Call&) { return error("Error: release: not found"); };
    auto c = f.undo(effect("release", {{"namespace", "shop"},
                                       {"release", "web"},
                                       {"before", {{"revision", 2}, {"status", "deployed"}}}}));
    CHECK_FALSE(c.restored);
    CHECK(c.detail.find("no longer exists") != std::string::npos);
}

TEST_CASE("a namespace the run created is deleted and waited for", "[compensate]") {
    Fixture f;
    int gets = 0;
    bool stuck = false;
    f.shell.answer = [&](const Call& c) {
        if (starts(c, "kubectl get namespace shop")) {
            ++gets;
            if (gets == 1 || stuck) {
                return ok(json{
                    {"status",
                     {{"phase", "Terminating"},
                      {"conditions", json::array({{{"type", "NamespaceFinalizersRemaining"},
                                                   {"status", "True"},
                                                   {"message", "Some content has finalizers"}}})}}}}
                              .dump());
            }
            return error("Error from server (NotFound): namespaces \"shop\" not found");
        }
        if (starts(c, "kubectl delete namespace shop --wait=false")) {
            return ok();
        }
        return error("unexpected " + c.line());
    };
    const auto e = effect("namespace", {{"namespace", "shop"}, {"before", {{"existed", false}}}});
    SECTION("gone") {
        auto c = f.undo(e);
        CHECK(c.restored);
        CHECK(f.shell.called("kubectl delete namespace shop"));
    }
    SECTION("still terminating") {
        stuck = true;
        auto c = f.undo(e);
        CHECK_FALSE(c.restored);
        CHECK(c.detail.find("still terminating") != std::string::npos);
        CHECK(c.detail.find("Some content has finalizers") != std::string::npos);
    }
    SECTION("another client created it: left alone") {
        auto shared = e;
        shared["done"] = {{"type", "effect.done"}, {"existed", true}};
        auto c = f.undo(shared);
        CHECK(c.restored);
        CHECK(f.shell.calls.empty());
    }
}

TEST_CASE("a replaced pull secret gets its previous content back; a new one is deleted",
          "[compensate]") {
    Fixture f;
    const json previous{{"type", "kubernetes.io/dockerconfigjson"},
                        {"data", {{".dockerconfigjson", "b2xk"}}},
                        {"labels", json::object()},
                        {"annotations", {{"owner", "ops"}}}};
    std::optional<std::string> replaced;
    f.shell.answer = [&](const Call& c) {
        if (starts(c, "kubectl get secret regcred -n shop")) {
            return ok(json{{"type", "kubernetes.io/dockerconfigjson"},
                           {"data", {{".dockerconfigjson", "bmV3"}}},
                           {"metadata", {{"labels", {{"app.kubernetes.io/managed-by", "ferry"}}}}}}
                          .dump());
        }
        if (starts(c, "kubectl replace -f -")) {
            replaced = c.input;
            return ok("secret/regcred");
        }
        if (starts(c, "kubectl delete secret regcred -n shop --ignore-not-found")) {
            return ok();
        }
        return error("unexpected " + c.line());
    };
    SECTION("replaced") {
        const auto e = effect("secret", {{"namespace", "shop"},
                                         {"name", "regcred"},
                                         {"before",
                                          {{"existed", true},
                                           {"resourceVersion", "7"},
                                           {"previous", seal(f.key(), previous.dump())}}}});
        CHECK(e.dump().find("b2xk") == std::string::npos); // sealed, not in clear
        auto c = f.undo(e);
        INFO(c.detail);
        CHECK(c.restored);
        REQUIRE(replaced);
        const auto object = json::parse(*replaced);
        CHECK(object["data"][".dockerconfigjson"] == "b2xk");
        CHECK(object["metadata"]["annotations"]["owner"] == "ops");
        CHECK(object["metadata"]["namespace"] == "shop");
        for (const auto& call : f.shell.calls) {
            CHECK(call.line().find("b2xk") == std::string::npos); // only on stdin
        }
    }
    SECTION("sealed under another machine's key") {
        SealKey other;
        other.bytes.fill(7);
        other.id = "0123456789abcdef";
        auto c = f.undo(
            effect("secret",
                   {{"namespace", "shop"},
                    {"name", "regcred"},
                    {"before", {{"existed", true}, {"previous", seal(other, previous.dump())}}}}));
        CHECK_FALSE(c.restored);
        CHECK(c.detail.find("0123456789abcdef") != std::string::npos);
        CHECK_FALSE(replaced);
    }
    SECTION("created by the run") {
        auto c = f.undo(
            effect("secret",
                   {{"namespace", "shop"}, {"name", "regcred"}, {"before", {{"existed", false}}}}));
        CHECK(c.restored);
        CHECK(f.shell.called("kubectl delete secret regcred -n shop --ignore-not-found"));
    }
}

TEST_CASE("applied manifests: new objects deleted, replaced ones put back", "[compensate]") {
    Fixture f;
    const json old_service{{"apiVersion", "v1"},
                           {"kind", "Service"},
                           {"metadata",
                            {{"name", "web"},
                             {"namespace", "shop"},
                             {"resourceVersion", "41"},
                             {"uid", "u-1"},
                             {"creationTimestamp", "2024-01-01T00:00:00Z"}}},
                           {"spec", {{"ports", json::array({{{"port", 80}}})}}}};
    std::optional<std::string> put;
    bool exists = true;
    f.shell.answer = [&](const Call& c) {
        if (starts(c, "kubectl delete Deployment.v1.apps web -n shop --ignore-not-found")) {
            return ok();
        }
        if (starts(c, "kubectl replace -f -")) {
            if (!exists) {
                return error("Error from server (NotFound): error when replacing \"STDIN\": "
                             "services \"web\" not found");
            }
            put = c.input;
            return ok();
        }
        if (starts(c, "kubectl create -f -")) {
            put = c.input;
            return ok();
        }
        return error("unexpected " + c.line());
    };
    const auto e = effect(
        "manifests", {{"namespace", "shop"},
                      {"before",
                       {{"objects", json::array({{{"apiVersion", "v1"},
                                                  {"kind", "Service"},
                                                  {"namespace", "shop"},
                                                  {"name", "web"},
                                                  {"existed", true},
                                                  {"previous", seal(f.key(), old_service.dump())}},
                                                 {{"apiVersion", "apps/v1"},
                                                  {"kind", "Deployment"},
                                                  {"namespace", "shop"},
                                                  {"name", "web"},
                                                  {"existed", false}}})}}}});
    SECTION("replaced") {}
    SECTION("deleted since: created again") {
        exists = false;
    }
    auto c = f.undo(e);
    INFO(c.detail);
    CHECK(c.restored);
    REQUIRE(f.shell.calls.size() >= 2);
    CHECK(starts(f.shell.calls.front(), "kubectl delete Deployment.v1.apps web")); // newest first
    REQUIRE(put);
    const auto object = json::parse(*put);
    CHECK(object["spec"]["ports"][0]["port"] == 80);
    CHECK_FALSE(object["metadata"].contains("resourceVersion"));
    CHECK_FALSE(object["metadata"].contains("uid"));
}

TEST_CASE("a failed run's journal is rolled back once, outcomes recorded", "[compensate]") {
    Fixture f;
    const auto state = f.cache / "state";
    RunHeader header;
    header.pipeline = "web";
    header.environment = "staging";
    header.number = 4;
    std::string err;
    auto record = RunRecord::create(state, header, err);
    REQUIRE(record);
    auto ns = effect("namespace", {{"namespace", "shop"}, {"before", {{"existed", false}}}});
    ns["effect_id"] = "Deploy/1-aa";
    auto rel = effect("release", {{"namespace", "shop"}, {"release", "web"}, {"before", "absent"}});
    rel["effect_id"] = "Deploy/2-bb";
    for (const auto& e : {ns, rel}) {
        REQUIRE(record->append(nlohmann::ordered_json(e)).empty());
    }
    REQUIRE(
        record->append({{"type", "effect.done"}, {"effect_id", "Deploy/1-aa"}, {"created", true}})
            .empty());
    std::vector<std::string> order;
    f.shell.answer = [&](const Call& c) {
        order.push_back(c.line());
        if (starts(c, "helm history")) {
            return error("Error: release: not found");
        }
        if (starts(c, "kubectl get namespace")) {
            return error("Error from server (NotFound): namespaces \"shop\" not found");
        }
        return error("unexpected " + c.line());
    };
    CHECK(unfinished_runs(state, "staging").size() == 1);
    const auto report = roll_back_run(*record, f.table);
    REQUIRE(report.compensations.size() == 2);
    CHECK(report.compensations[0].kind == "release"); // newest first
    CHECK(report.compensations[1].kind == "namespace");
    CHECK(report.complete());
    CHECK(unfinished_runs(state, "staging").empty());
    const auto text = format_rollback_report(report);
    CHECK(text.find("rollback complete: 2 effects undone") != std::string::npos);
    order.clear();
    const auto again = roll_back_run(*record, f.table);
    CHECK(again.compensations.empty()); // already compensated: nothing runs twice
    CHECK(order.empty());
    REQUIRE(commit_run(*record).empty());
}
