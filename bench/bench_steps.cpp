// Benchmark: what a step costs ferry beyond the process it runs, and what a very talkative
// step costs in memory. Prints figures; never fails on time.
//   ferry_bench_steps sh [COUNT=100]     COUNT `sh 'true'` through the sh driver (script file,
//                                         /bin/sh -xe, process group, line streaming)
//   ferry_bench_steps spawn [COUNT=100] [MIB=0]
//                                        COUNT `sh -c true` through run_process alone, from a
//                                        process holding MIB MiB of touched heap (a Debug
//                                        ferry-engine maps ~120 MB: what a fork would copy)
//   ferry_bench_steps print [MIB=1024]    one `sh` step printing MIB MiB in 100-byte lines,
//                                         each line handed to the step's log; peak RSS after
// Compare with a plain loop of the same processes (docs/performance.md has the command):
//   hyperfine 'ferry_bench_steps sh 100' "sh -c 'for i in \$(seq 100); do sh -c true; done'"

#include "runtime/driver.hpp"
#include "stdlib/drivers/drivers.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <stdlib.h>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace {

using namespace ferry;
using Clock = std::chrono::steady_clock;

/// User and system time of this process, without its children's.
double own_cpu_millis() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto millis = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3;
    };
    return millis(usage.ru_utime) + millis(usage.ru_stime);
}

long peak_rss_kib() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

struct Bench {
    std::filesystem::path workspace;
    runtime::RunServices services;
    compiler::PlanStep step;
    runtime::Cancellation root;
    runtime::DriverTable drivers = stdlib::drivers::builtin_drivers();
    long long lines = 0;
    long long bytes = 0;

    Bench() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "ferry-bench-XXXXXX").string();
        workspace = ::mkdtemp(pattern.data());
        services.workspace = workspace;
        step.kind = "sh";
        step.id = "Bench/1";
    }
    ~Bench() {
        std::error_code error;
        std::filesystem::remove_all(workspace, error);
        std::filesystem::remove_all(workspace.string() + "@tmp", error);
    }
    Bench(const Bench&) = delete;
    Bench& operator=(const Bench&) = delete;

    runtime::StepOutcome sh(const std::string& script) {
        runtime::StepContext context{step,
                                     {{"script", script}},
                                     {{"PATH", "/usr/bin:/bin"}},
                                     workspace,
                                     root,
                                     services,
                                     [this](runtime::OutputStream, std::string_view line) {
                                         ++lines;
                                         bytes += static_cast<long long>(line.size()) + 1;
                                     }};
        return drivers.at("sh")(context);
    }
};

int run_sh(int count) {
    Bench bench;
    const auto started = Clock::now();
    for (int i = 0; i < count; ++i) {
        if (bench.sh("true").result != runtime::BuildResult::success) {
            std::fprintf(stderr, "sh 'true' failed\n");
            return 1;
        }
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    fmt::print("sh driver: {} steps in {:.1f} ms, {:.3f} ms per step\n", count, ms, ms / count);
    return 0;
}

int run_spawn(int count, std::size_t ballast_mib) {
    const std::vector<char> ballast(ballast_mib << 20, 'x');
    runtime::ProcessSpec spec;
    spec.program = "/bin/sh";
    spec.args = {"-c", "true"};
    spec.cwd = "/";
    spec.env = {{"PATH", "/usr/bin:/bin"}};
    const runtime::Cancellation root;
    const double cpu_before = own_cpu_millis();
    const auto started = Clock::now();
    for (int i = 0; i < count; ++i) {
        const auto result = run_process(spec, {}, root);
        if (result.end != runtime::ProcessEnd::exited || result.exit_code != 0) {
            std::fprintf(stderr, "sh -c true failed: %s\n", result.error.c_str());
            return 1;
        }
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    const double cpu = own_cpu_millis() - cpu_before;
    fmt::print(
        "run_process: {} spawns in {:.1f} ms, {:.3f} ms per spawn, ferry's own CPU {:.3f} ms "
        "per spawn ({} MiB of heap)\n",
        count, ms, ms / count, cpu / count, ballast.size() >> 20);
    return 0;
}

int run_print(long long mib) {
    Bench bench;
    const long long before = peak_rss_kib();
    const auto started = Clock::now();
    // 99 characters and a newline per line.
    const auto script = fmt::format(
        "yes "
        "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxx' | head -c {}",
        mib * 1024 * 1024);
    const auto outcome = bench.sh(script);
    const double s = std::chrono::duration<double>(Clock::now() - started).count();
    fmt::print("print: {} MiB in {} lines, {:.2f} s ({:.0f} MiB/s); peak RSS {} KiB before, {} "
               "KiB after ({:.1f} MiB)\n",
               static_cast<double>(bench.bytes) / (1024.0 * 1024.0), bench.lines, s,
               static_cast<double>(bench.bytes) / (1024.0 * 1024.0) / s, before, peak_rss_kib(),
               static_cast<double>(peak_rss_kib()) / 1024.0);
    return outcome.result == runtime::BuildResult::success ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "sh";
    const long long n = argc > 2 ? std::atoll(argv[2]) : (mode == "print" ? 1024 : 100);
    if (mode == "sh") {
        return run_sh(static_cast<int>(n));
    }
    if (mode == "spawn") {
        const long long mib = argc > 3 ? std::atoll(argv[3]) : 0;
        return run_spawn(static_cast<int>(n), static_cast<std::size_t>(std::max(mib, 0LL)));
    }
    if (mode == "print") {
        return run_print(n);
    }
    std::fprintf(stderr, "usage: ferry_bench_steps sh|spawn|print [N]\n");
    return 2;
}
