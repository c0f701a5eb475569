// helmUpgrade with a recording shell: the journal record comes before the upgrade, the same
// deploy key skips the upgrade, images arrive as repository/tag/digest values.
#include "runtime/deploy_key.hpp"
#include "stdlib/drivers/deploy_common.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <mutex>
#include <unistd.h>

namespace rt = ferry::runtime;
namespace cc = ferry::compiler;
using ferry::stdlib::drivers::detail::helm_upgrade;

namespace {

constexpr const char* digest =
    "sha256:2222222222222222222222222222222222222222222222222222222222222222";

/// Everything that happened, in order: tool calls and journal records.
struct Trace {
    std::mutex mutex;
    std::vector<std::string> lines;
    void add(std::string line) {
        std::lock_guard lock(mutex);
        lines.push_back(std::move(line));
    }
    [[nodiscard]] std::ptrdiff_t index(std::string_view prefix) {
        std::lock_guard lock(mutex);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (lines[i].starts_with(prefix)) {
                return static_cast<std::ptrdiff_t>(i);
            }
        }
        return -1;
    }
};

class FakeCluster final : public rt::DeployShell {
public:
    explicit FakeCluster(Trace& trace) : trace_(trace) {}
    int revision = 0;
    std::string label;

    rt::ToolRun run(const std::filesystem::path&, const std::vector<std::string>& args,
                    const std::optional<std::string>&) override {
        std::string line;
        for (std::size_t i = 4; i < args.size(); ++i) { // after --kubeconfig K --context C
            line += (line.empty() ? "" : " ") + args[i];
        }
        trace_.add("call " + line);
        rt::ToolRun r;
        r.started = true;
        r.exit_code = 0;
        if (line.starts_with("version")) {
            r.out = "v3.21.4";
        } else if (line.starts_with("history")) {
            if (revision == 0) {
                r.exit_code = 1;
                r.err = "Error: release: not found";
            } else {
                r.out = nlohmann::json::array({{{"revision", revision}, {"status", "deployed"}}})
                            .dump();
            }
        } else if (line.starts_with("get secret -n")) {
            r.out = label;
        } else if (line.starts_with("upgrade")) {
            ++revision;
        }
        return r;
    }

private:
    Trace& trace_;
};

class TraceRecord final : public rt::RunRecord {
public:
    explicit TraceRecord(Trace& trace) : trace_(trace) {}
    const std::filesystem::path& dir() const override { return dir_; }
    const rt::RunHeader& header() const override { return header_; }
    std::string append(nlohmann::ordered_json record) override {
        trace_.add("journal " + record.dump());
        return {};
    }
    rt::StepLog& step_log(std::string_view) override { std::abort(); }
    std::filesystem::path artifacts_dir() const override { return dir_; }
    std::string write_result(const rt::RunResultRecord&) override { return {}; }

private:
    Trace& trace_;
    std::filesystem::path dir_;
    rt::RunHeader header_;
};

struct Fixture {
    Trace trace;
    FakeCluster cluster{trace};
    TraceRecord record{trace};
    cc::EnvironmentConfig config;
    rt::RunServices services;
    cc::PlanStep step;
    rt::Cancellation cancel;
    std::filesystem::path dir;

    Fixture() {
        std::string pattern = (std::filesystem::temp_directory_path() / "ferry-helm-XXXXXX");
        dir = ::mkdtemp(pattern.data());
        std::filesystem::create_directories(dir / "chart/templates");
        std::ofstream(dir / "chart/Chart.yaml") << "name: web\nversion: 0.1.0\n";
        config.clusters.push_back({"c", {}, "/k/config", {"ctx", {}}});
        cc::Environment env;
        env.name = "prod";
        env.cluster = {"c", {}};
        env.namespace_name = {"shop", {}};
        config.environments.push_back(env);
        services.config = &config;
        services.environment = &config.environments.back();
        services.record = &record;
        rt::RunImage web;
        web.name = "web";
        web.reference = "reg/web:9";
        web.digest = digest;
        web.pushed = {"reg/web:9"};
        services.images.emplace("web", web);
        step.id = "s1";
        step.kind = "helmUpgrade";
    }
    ~Fixture() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    rt::StepOutcome run() {
        rt::StepContext context{
            step,
            {{"release", "web"}, {"chart", "chart"}, {"images", {{"image", "web"}}}},
            {{"KUBECTL", "/bin/true"},
             {"HELM", "/bin/true"},
             {"XDG_CACHE_HOME", (dir / "cache").string()}},
            dir,
            cancel,
            services,
            [](rt::OutputStream, std::string_view) {}};
        return helm_upgrade(context, cluster);
    }
};

} // namespace

TEST_CASE("helmUpgrade journals the release before upgrading it, digests as values", "[deploy]") {
    Fixture f;
    const auto outcome = f.run();
    INFO(outcome.message);
    REQUIRE(outcome.result == rt::BuildResult::success);
    CHECK(outcome.value["revision"] == 1);
    const auto effect = f.trace.index("journal {\"type\":\"effect\"");
    const auto upgrade = f.trace.index("call upgrade --install web");
    REQUIRE(effect >= 0);
    REQUIRE(upgrade >= 0);
    CHECK(effect < upgrade);
    CHECK(f.trace.index("journal {\"type\":\"effect.done\"") > upgrade);
    const auto& call = f.trace.lines[static_cast<std::size_t>(upgrade)];
    CHECK_THAT(call, Catch::Contains("--namespace shop"));
    CHECK_THAT(call, Catch::Contains("--set-string image.repository=reg/web"));
    CHECK_THAT(call, Catch::Contains("--set-string image.tag=9"));
    CHECK_THAT(call, Catch::Contains(std::string("--set-string image.digest=") + digest));
    CHECK_THAT(call, Catch::Contains("--atomic --wait"));
    CHECK_THAT(call, Catch::Contains("--labels ferry.dev/deploy-key="));
    CHECK_THAT(call, Catch::Contains(",ferry.dev/revision=1"));
    CHECK_THAT(f.trace.lines[static_cast<std::size_t>(effect)],
               Catch::Contains("\"kind\":\"release\"") &&
                   Catch::Contains("\"before\":\"absent\"") &&
                   Catch::Contains("\"context\":\"ctx\""));
}

TEST_CASE("helmUpgrade with the recorded deploy key does not upgrade", "[deploy]") {
    Fixture f;
    const auto first = f.run();
    REQUIRE(first.result == rt::BuildResult::success);
    // The storage Secret's labels as the jsonpath prints them: the key, then the revision.
    const auto key = rt::deploy_key_label_value(first.value["deployKey"].get<std::string>());
    f.cluster.label = key + " 1";
    f.trace.lines.clear();
    const auto second = f.run();
    REQUIRE(second.result == rt::BuildResult::success);
    CHECK(second.value["skipped"] == true);
    CHECK(second.value["revision"] == 1);
    CHECK(f.trace.index("call upgrade") == -1);
    CHECK(f.trace.index("journal") == -1);
    // Someone else's upgrade makes revision 2 and helm copies ferry's labels to it: the key is
    // on a revision ferry did not make, so it says nothing; ferry upgrades (revision 3).
    f.cluster.revision = 2;
    const auto after_manual = f.run();
    CHECK(after_manual.value["skipped"] == false);
    CHECK(after_manual.value["revision"] == 3);
    f.cluster.label = key + " 3";
    // A new digest is a new key: upgraded again.
    f.services.images["web"].digest =
        "sha256:3333333333333333333333333333333333333333333333333333333333333333";
    const auto third = f.run();
    CHECK(third.value["skipped"] == false);
    CHECK(third.value["revision"] == 4);
}

TEST_CASE("helmUpgrade outside the environment's namespaces changes nothing", "[deploy]") {
    Fixture f;
    rt::StepContext context{f.step,
                            {{"release", "web"}, {"chart", "chart"}, {"namespace", "kube-system"}},
                            {{"KUBECTL", "/bin/true"}, {"HELM", "/bin/true"}},
                            f.dir,
                            f.cancel,
                            f.services,
                            [](rt::OutputStream, std::string_view) {}};
    const auto outcome = helm_upgrade(context, f.cluster);
    CHECK(outcome.result == rt::BuildResult::failure);
    CHECK_THAT(outcome.message, Catch::Contains("outside environment 'prod'"));
    CHECK(f.trace.lines.empty());
}
