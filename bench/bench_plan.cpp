// Benchmark: an offline plan of a generated pipeline, in process: lower → probe requests →
// plan (with observations as an offline probe of a checkout gives them) → JSON and text.
//   ferry_bench_plan [STAGES=1000] [REPEATS=20]
// Parsing is measured by ferry_bench_check; this measures what `ferry plan` adds to it.

#include "bench/generate.hpp"
#include "compiler/plan.hpp"
#include "grammar/frontend.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
double millis(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

ferry::compiler::EnvironmentConfig config() {
    using namespace ferry::compiler;
    EnvironmentConfig c;
    c.path = "ferry.yaml";
    Registry r;
    r.name = "local";
    r.server = "127.0.0.1:5000";
    c.registries.push_back(r);
    c.clusters.push_back({"lab", {}, "/k", {"lab-admin", {}}});
    Environment e;
    e.name = "test";
    e.cluster = {"lab", {}};
    e.namespace_name = {"app-test", {}};
    e.registry = ConfigString{"local", {}};
    e.create_namespace = true;
    c.environments.push_back(e);
    for (const auto* id : {"api-token", "registry-creds", "deployer"}) {
        Credential cred;
        cred.id = id;
        c.credentials.push_back(cred);
    }
    return c;
}

} // namespace

int main(int argc, char** argv) {
    const int stages = argc > 1 ? std::stoi(argv[1]) : 1000;
    const int repeats = argc > 2 ? std::stoi(argv[2]) : 20;
    const std::string text = ferry::bench::generate_pipeline(stages);
    auto front =
        ferry::grammar::load(std::make_shared<const ferry::grammar::SourceFile>("Ferryfile", text));
    const auto env_config = config();
    ferry::compiler::Observations obs;
    obs.offline = true;
    obs.git.known = ferry::compiler::Known::yes;
    obs.git.commit = std::string(40, 'a');
    obs.git.branch = "main";
    obs.build_number = 7;
    ferry::compiler::PlanOptions options;
    options.environment = "test";
    options.job_name = "bench";
    std::vector<double> total;
    std::vector<double> plan_only;
    std::size_t steps = 0;
    std::size_t errors = 0;
    std::size_t bytes = 0;
    for (int i = 0; i < repeats; ++i) {
        const auto start = Clock::now();
        ferry::grammar::Diagnostics d;
        auto ir = ferry::compiler::ir::lower(front.document, d);
        const auto requests = ferry::compiler::probe_requests(*ir, env_config, options);
        const auto planning = Clock::now();
        auto result = ferry::compiler::plan(*ir, env_config, obs, options);
        plan_only.push_back(millis(Clock::now() - planning));
        bytes = ferry::compiler::to_json(result.plan).dump().size() +
                ferry::compiler::render_text(result.plan).size();
        total.push_back(millis(Clock::now() - start));
        steps = result.plan.steps.size();
        (void)requests;
        errors = result.diagnostics.error_count() + result.config_diagnostics.error_count();
    }
    std::sort(total.begin(), total.end());
    std::sort(plan_only.begin(), plan_only.end());
    fmt::print("plan() alone: best {:.2f} ms\n", plan_only.front());
    fmt::print("offline plan of {} stages ({} steps, {} plan errors, {} bytes of output): "
               "best {:.2f} ms, median {:.2f} ms over {} runs\n",
               stages, steps, errors, bytes, total.front(), total[total.size() / 2], repeats);
    return 0;
}
