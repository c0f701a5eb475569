// Benchmark: parse + model + check of a generated pipeline, in process.
//   ferry_bench_check [STAGES=1000] [REPEATS=20] [--write FILE]
// Prints the input size, the best and median time of each pass and of the whole, MB/s, and the
// peak RSS of the process. Figures go to docs/performance.md with the command that gave them.

#include "bench/generate.hpp"
#include "compiler/check.hpp"
#include "grammar/frontend.hpp"
#include "grammar/parser.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double millis(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

struct Series {
    std::vector<double> ms;
    [[nodiscard]] double best() const { return *std::min_element(ms.begin(), ms.end()); }
    [[nodiscard]] double median() const {
        auto copy = ms;
        std::sort(copy.begin(), copy.end());
        return copy[copy.size() / 2];
    }
};

} // namespace

int main(int argc, char** argv) {
    int stages = 1000;
    int repeats = 20;
    std::string write_to;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--write" && i + 1 < argc) {
            write_to = argv[++i];
        } else {
            positional.push_back(arg);
        }
    }
    if (!positional.empty()) {
        stages = std::stoi(positional[0]);
    }
    if (positional.size() > 1) {
        repeats = std::max(1, std::stoi(positional[1]));
    }

    const std::string text = ferry::bench::generate_pipeline(stages);
    if (!write_to.empty()) {
        std::ofstream(write_to, std::ios::binary) << text;
    }
    auto source = std::make_shared<const ferry::grammar::SourceFile>("generated.groovy", text);

    Series parse_only;
    Series whole;
    std::size_t diagnostics = 0;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = Clock::now();
        auto parsed = ferry::grammar::parse(*source);
        const auto t1 = Clock::now();
        parse_only.ms.push_back(millis(t1 - t0));
        if (!parsed.tree) {
            fmt::print(stderr, "the generated pipeline does not parse: {}\n",
                       parsed.diagnostics.all().front().message);
            return 1;
        }
    }
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = Clock::now();
        auto front = ferry::grammar::load(source);
        ferry::compiler::check(front.document, front.diagnostics);
        const auto t1 = Clock::now();
        whole.ms.push_back(millis(t1 - t0));
        diagnostics = front.diagnostics.error_count();
    }
    if (diagnostics != 0) {
        fmt::print(stderr, "the generated pipeline has {} errors\n", diagnostics);
        return 1;
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double mb = static_cast<double>(text.size()) / 1e6;
    fmt::print("input: {} stages, {} bytes ({:.2f} MB)\n", stages, text.size(), mb);
    fmt::print("parse:          best {:7.2f} ms  median {:7.2f} ms  {:6.1f} MB/s\n",
               parse_only.best(), parse_only.median(), mb / (parse_only.best() / 1000.0));
    fmt::print("parse + check:  best {:7.2f} ms  median {:7.2f} ms  {:6.1f} MB/s\n", whole.best(),
               whole.median(), mb / (whole.best() / 1000.0));
    fmt::print("peak RSS: {:.1f} MB (whole process, {} repeats)\n",
               static_cast<double>(usage.ru_maxrss) / 1024.0, repeats);
    return 0;
}
