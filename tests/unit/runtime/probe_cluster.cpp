// Cluster probes against fake `kubectl` and `helm` scripts in a temporary directory found
// through PATH (or $KUBECTL/$HELM): what they are asked, and how their answers are read.
#include "runtime/cluster_probe.hpp"
#include "unit/runtime/probe_support.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace ferry::runtime;
using ferry::compiler::Known;
using ferry::testing::read_file;
using ferry::testing::TempDir;
using ferry::testing::write_file;

namespace {

const std::string fake_kubectl = R"(#!/bin/sh
echo "$@" >> "$(dirname "$0")/kubectl.calls"
for last; do :; done
case "$*" in
  *"namespace present"*) printf Active; exit 0 ;;
  *"namespace leaving"*) printf Terminating; exit 0 ;;
  *"namespace secret-ns"*) echo 'Error from server (Forbidden): namespaces "secret-ns" is forbidden' >&2; exit 1 ;;
  *"namespace slow"*) sleep 5; exit 0 ;;
  *) ns=$(echo "$*" | sed 's/.*namespace \([^ ]*\).*/\1/')
     echo "Error from server (NotFound): namespaces \"$ns\" not found" >&2; exit 1 ;;
esac
)";

const std::string fake_helm = R"(#!/bin/sh
echo "$@" >> "$(dirname "$0")/helm.calls"
case "$*" in
  *"history web "*) echo '[{"revision":3,"updated":"2024-01-01T00:00:00Z","status":"deployed","chart":"demo-0.1.0","app_version":"1.0","description":"Upgrade complete"}]' ;;
  *"history broken "*) echo 'not json' ;;
  *"history down "*) echo 'Error: Kubernetes cluster unreachable: connection refused' >&2; exit 1 ;;
  *) echo 'Error: release: not found' >&2; exit 1 ;;
esac
)";

struct FakeTools {
    TempDir dir{"kube"};
    ClusterTarget target;
    ClusterProbeOptions options;
    std::map<std::string, std::string> env;

    FakeTools() {
        write_file(dir / "bin/kubectl", fake_kubectl);
        write_file(dir / "bin/helm", fake_helm);
        std::filesystem::permissions(dir / "bin/kubectl", std::filesystem::perms::owner_all);
        std::filesystem::permissions(dir / "bin/helm", std::filesystem::perms::owner_all);
        target.kubeconfig = dir / "kubeconfig";
        target.context = "lab-admin";
        env["PATH"] = (dir / "bin").string() + ":/usr/bin:/bin";
        options.getenv = [this](const std::string& name) -> std::optional<std::string> {
            const auto it = env.find(name);
            return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
        };
        options.timeout = std::chrono::seconds(10);
    }
    [[nodiscard]] std::string calls(const std::string& tool) const {
        return read_file(dir / ("bin/" + tool + ".calls"));
    }
};

} // namespace

TEST_CASE("cluster: a namespace that exists, and one that does not", "[cluster]") {
    const FakeTools tools;
    const auto present = probe_namespace(tools.target, "present", tools.options);
    CHECK(present.known == Known::yes);
    CHECK(present.exists);
    CHECK(present.context == "lab-admin");
    const auto absent = probe_namespace(tools.target, "nowhere", tools.options);
    CHECK(absent.known == Known::yes);
    CHECK_FALSE(absent.exists);
    const auto leaving = probe_namespace(tools.target, "leaving", tools.options);
    CHECK(leaving.exists);
    CHECK(leaving.reason.find("Terminating") != std::string::npos);
}

TEST_CASE("cluster: kubectl gets the kubeconfig and the context explicitly", "[cluster]") {
    const FakeTools tools;
    (void)probe_namespace(tools.target, "present", tools.options);
    const auto calls = tools.calls("kubectl");
    CHECK(calls.find("--kubeconfig " + tools.target.kubeconfig.string() +
                     " --context lab-admin get namespace present") != std::string::npos);
}

TEST_CASE("cluster: a refused kubectl call is unknown with kubectl's words", "[cluster]") {
    const FakeTools tools;
    const auto obs = probe_namespace(tools.target, "secret-ns", tools.options);
    CHECK(obs.known == Known::unknown);
    CHECK(obs.reason.find("Forbidden") != std::string::npos);
    CHECK(obs.reason.find("context lab-admin") != std::string::npos);
}

TEST_CASE("cluster: a kubectl that hangs is stopped at the timeout", "[cluster]") {
    FakeTools tools;
    tools.options.timeout = std::chrono::milliseconds(200);
    // run_captured allows the timeout plus 5 s for kubectl's own --request-timeout; call it
    // directly to check the kill.
    const auto p = run_captured(tools.dir / "bin/kubectl", {"get", "namespace", "slow"},
                                std::chrono::milliseconds(300));
    CHECK(p.timed_out);
}

TEST_CASE("cluster: helm release revision, status and chart", "[cluster]") {
    const FakeTools tools;
    const auto web = probe_release(tools.target, "shop", "web", tools.options);
    CHECK(web.known == Known::yes);
    CHECK(web.revision == 3);
    CHECK(web.status == "deployed");
    CHECK(web.chart == "demo-0.1.0");
    CHECK(web.namespace_ == "shop");
    CHECK(tools.calls("helm").find("--kubeconfig " + tools.target.kubeconfig.string() +
                                   " --kube-context lab-admin history web --namespace shop "
                                   "--max 1 --output json") != std::string::npos);

    const auto none = probe_release(tools.target, "shop", "fresh", tools.options);
    CHECK(none.known == Known::yes);
    CHECK_FALSE(none.revision);

    const auto down = probe_release(tools.target, "shop", "down", tools.options);
    CHECK(down.known == Known::unknown);
    CHECK(down.reason.find("cluster unreachable") != std::string::npos);

    const auto broken = probe_release(tools.target, "shop", "broken", tools.options);
    CHECK(broken.known == Known::unknown);
    CHECK(broken.reason.find("not a JSON list") != std::string::npos);
}

TEST_CASE("cluster: $KUBECTL and $HELM win over PATH; a missing tool says how to get it",
          "[cluster]") {
    FakeTools tools;
    tools.env["PATH"] = "/nonexistent";
    const auto ns = probe_namespace(tools.target, "present", tools.options);
    CHECK(ns.known == Known::unknown);
    CHECK(ns.reason.find("kubectl was not found") != std::string::npos);
    CHECK(ns.reason.find("$KUBECTL") != std::string::npos);
    const auto rel = probe_release(tools.target, "shop", "web", tools.options);
    CHECK(rel.known == Known::unknown);
    CHECK(rel.reason.find("helm.sh") != std::string::npos);

    tools.env["KUBECTL"] = (tools.dir / "bin/kubectl").string();
    tools.env["HELM"] = (tools.dir / "bin/helm").string();
    CHECK(probe_namespace(tools.target, "present", tools.options).exists);
    CHECK(probe_release(tools.target, "shop", "web", tools.options).revision == 3);

    tools.env["HELM"] = (tools.dir / "nothing-here").string();
    CHECK(probe_release(tools.target, "shop", "web", tools.options)
              .reason.find("not an executable") != std::string::npos);
}
