// Benchmark: an offline plan of a generated pipeline, in process: lower → probe requests →
// plan (with observations as an offline probe of a checkout gives them) → the JSON text as
// `ferry plan --format json` writes it (write_json_text streamed through fwrite to a FILE, here
// /dev/null as under hyperfine) and the text plan, then freeing the IR, the plan and the text.
// Each phase is timed alone; the total is all of them. The JSON text is checked, untimed, against
// to_json(plan).dump(2) and to_json_text (what `--out` saves) byte for byte.
//   ferry_bench_plan [STAGES=1000] [REPEATS=20]
// Parsing is measured by ferry_bench_check; this measures what `ferry plan` adds to it.
// With REPEATS=1 the one timed run is a fresh process's, as in `ferry plan` (later runs reuse a
// heap that the earlier ones fragmented, which costs glibc's malloc extra work).

#include "bench/generate.hpp"
#include "compiler/plan.hpp"
#include "grammar/frontend.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <time.h>
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
    for (const auto* id : {"api-token", "registry-creds", "deployer", "deploy-token"}) {
        Credential cred;
        cred.id = id;
        c.credentials.push_back(cred);
    }
    return c;
}

/// The process's CPU time: on a shared machine the wall clock also counts other people's work.
double cpu_millis() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

/// A moment by both clocks.
struct Stamp {
    Clock::time_point wall;
    double cpu = 0;
    static Stamp now() { return {Clock::now(), cpu_millis()}; }
};

/// Best and median of each phase, in milliseconds of wall time, and the best CPU time.
struct Figures {
    const char* name;
    std::vector<double> runs;
    std::vector<double> cpu;
    double best() { return *std::min_element(runs.begin(), runs.end()); }
    double median() {
        std::sort(runs.begin(), runs.end());
        return runs[runs.size() / 2];
    }
};

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
    // `path` is what the goal counts: lower + probe requests + plan + the JSON `ferry plan` writes.
    enum Phase : std::size_t { lower, probe, planning, json, render, release, total, path, phases };
    std::array<Figures, phases> figures{{{"lower", {}, {}},
                                         {"probe_requests", {}, {}},
                                         {"plan", {}, {}},
                                         {"JSON text", {}, {}},
                                         {"render_text", {}, {}},
                                         {"free", {}, {}},
                                         {"total", {}, {}},
                                         {"lower..JSON", {}, {}}}};
    std::size_t steps = 0;
    std::size_t errors = 0;
    std::size_t bytes = 0;
    bool identical = false;
    std::FILE* devnull = std::fopen("/dev/null", "w");
    if (devnull == nullptr) {
        fmt::print(stderr, "ferry_bench_plan: cannot open /dev/null\n");
        return 1;
    }
    std::size_t streamed = 0;
    const std::function<void(std::string_view)> to_devnull = [&](std::string_view piece) {
        streamed += std::fwrite(piece.data(), 1, piece.size(), devnull);
    };
    for (int i = 0; i < repeats; ++i) {
        std::array<Stamp, phases> at{};
        at[lower] = Stamp::now();
        auto ir = std::make_optional<std::optional<ferry::compiler::ir::Pipeline>>();
        auto result = std::make_optional<ferry::compiler::PlanResult>();
        auto text_plan = std::make_optional<std::string>();
        ferry::grammar::Diagnostics d;
        *ir = ferry::compiler::ir::lower(front.document, d);
        at[probe] = Stamp::now();
        const auto requests = ferry::compiler::probe_requests(**ir, env_config, options);
        at[planning] = Stamp::now();
        *result = ferry::compiler::plan(**ir, env_config, obs, options);
        at[json] = Stamp::now();
        streamed = 0;
        ferry::compiler::write_json_text(result->plan, to_devnull, 2);
        to_devnull("\n");
        std::fflush(devnull);
        at[render] = Stamp::now();
        *text_plan = ferry::compiler::render_text(result->plan);
        at[release] = Stamp::now();
        steps = result->plan.steps.size();
        errors = result->diagnostics.error_count() + result->config_diagnostics.error_count();
        bytes = streamed + text_plan->size();
        text_plan.reset();
        result.reset();
        ir.reset();
        const auto end = Stamp::now();
        const auto record = [&](Figures& f, const Stamp& from, const Stamp& until) {
            f.runs.push_back(millis(until.wall - from.wall));
            f.cpu.push_back(until.cpu - from.cpu);
        };
        for (std::size_t p = lower; p < total; ++p) {
            record(figures[p], at[p], p + 1 == total ? end : at[p + 1]);
        }
        record(figures[total], at[lower], end);
        record(figures[path], at[lower], at[render]);
        (void)requests;
    }
    // After the timed runs, so that they start on a heap as fresh as a `ferry plan` process's.
    {
        // The document route the JSON text replaces must give the same bytes (not timed).
        ferry::grammar::Diagnostics d;
        const auto ir = ferry::compiler::ir::lower(front.document, d);
        const auto result = ferry::compiler::plan(*ir, env_config, obs, options);
        std::string collected;
        ferry::compiler::write_json_text(
            result.plan, [&](std::string_view piece) { collected += piece; }, 2);
        const std::string dumped = ferry::compiler::to_json(result.plan).dump(2);
        identical = dumped == collected && dumped == ferry::compiler::to_json_text(result.plan, 2);
        Figures whole{"to_json_text", {}, {}};
        for (int i = 0; i < std::min(repeats, 5); ++i) {
            const auto start = Clock::now();
            (void)ferry::compiler::to_json_text(result.plan, 2).size();
            whole.runs.push_back(millis(Clock::now() - start));
        }
        fmt::print("for comparison, the whole text in one string ({}, what --out saves), with "
                   "freeing: best {:.2f} ms\n",
                   whole.name, whole.best());
        Figures document{"to_json().dump(2)", {}, {}};
        for (int i = 0; i < std::min(repeats, 5); ++i) {
            const auto start = Clock::now();
            (void)ferry::compiler::to_json(result.plan).dump(2).size();
            document.runs.push_back(millis(Clock::now() - start));
        }
        fmt::print("for comparison, the document route {}, with freeing: best {:.2f} ms\n",
                   document.name, document.best());
    }
    for (auto& f : figures) {
        const double cpu = *std::min_element(f.cpu.begin(), f.cpu.end());
        fmt::print("{:>15}: best {:7.2f} ms (CPU {:7.2f} ms), median {:7.2f} ms\n", f.name,
                   f.best(), cpu, f.median());
    }
    fmt::print("offline plan of {} stages ({} steps, {} plan errors, {} bytes of output, JSON "
               "text {} to_json().dump(2)): best {:.2f} ms over {} runs\n",
               stages, steps, errors, bytes, identical ? "identical to" : "DIFFERS from",
               figures[total].best(), repeats);
    std::fclose(devnull);
    return identical ? 0 : 1;
}
