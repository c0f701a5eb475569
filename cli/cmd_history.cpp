// `ferry history` lists the runs recorded under `.ferry/runs/`; `ferry logs N` prints the step
// logs of one of them. `.ferry/` is where `ferry run` keeps it: at the top of the git work tree
// holding the current directory, else in the current directory. Damaged or future-version
// records are listed with what is wrong with them; they never stop the listing.
#include "cli/cmd_history.hpp"

#include "runtime/git.hpp"
#include "runtime/run_record.hpp"
#include "runtime/state.hpp"

#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <set>

namespace ferry::cli {
namespace {

namespace fs = std::filesystem;

fs::path state_dir() {
    const fs::path workspace = fs::absolute(fs::current_path());
    return runtime::git_work_tree(workspace).value_or(workspace) /
           std::string(runtime::state_dir_name);
}

std::string duration_text(long long ms) {
    if (ms < 60'000) {
        return fmt::format("{}.{}s", ms / 1000, (ms % 1000) / 100);
    }
    const long long s = ms / 1000;
    return s < 3600 ? fmt::format("{}m{:02}s", s / 60, s % 60)
                    : fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

// `2024-05-01T12:00:00.123Z` → `2024-05-01 12:00:00`.
std::string started_text(const std::string& rfc3339) {
    if (rfc3339.size() < 19) {
        return rfc3339.empty() ? "-" : rfc3339;
    }
    std::string out = rfc3339.substr(0, 19);
    out[10] = ' ';
    return out;
}

// An unfinished run has no result.json: its first journal record tells when it started.
std::string started_of(const runtime::RunSummary& run) {
    if (run.result) {
        return run.result->started;
    }
    const auto journal = runtime::read_journal(run.dir);
    if (!journal.records.empty() && journal.records.front().contains("time") &&
        journal.records.front()["time"].is_string()) {
        return journal.records.front()["time"].get<std::string>();
    }
    return {};
}

std::string result_text(const runtime::RunSummary& run) {
    if (run.result) {
        return std::string(runtime::to_string(run.result->result));
    }
    return run.error.empty() ? "UNFINISHED" : "DAMAGED";
}

nlohmann::ordered_json run_json(const runtime::RunSummary& run) {
    nlohmann::ordered_json j;
    j["pipeline"] = run.pipeline;
    j["number"] = run.number;
    j["result"] = run.result ? nlohmann::ordered_json(runtime::to_string(run.result->result))
                             : nlohmann::ordered_json();
    j["exit_code"] =
        run.result ? nlohmann::ordered_json(run.result->exit_code) : nlohmann::ordered_json();
    j["started"] = started_of(run);
    j["finished"] = run.result ? run.result->finished : std::string();
    j["duration_ms"] =
        run.result ? nlohmann::ordered_json(run.result->duration_ms) : nlohmann::ordered_json();
    j["environment"] = run.header ? run.header->environment : std::string();
    j["commit"] = run.header ? run.header->commit : std::string();
    j["message"] = run.result ? run.result->message : std::string();
    j["stages"] = run.result ? run.result->stages : nlohmann::ordered_json::array();
    j["dir"] = run.dir.string();
    j["error"] = run.error;
    return j;
}

void print_table(const std::vector<runtime::RunSummary>& runs) {
    std::set<std::string> pipelines;
    for (const auto& run : runs) {
        pipelines.insert(run.pipeline);
    }
    const bool several = pipelines.size() > 1;
    std::size_t width = 8;
    for (const auto& p : pipelines) {
        width = std::max(width, p.size());
    }
    const auto row = [&](const std::string& pipeline, const std::string& number,
                         const std::string& result, const std::string& started,
                         const std::string& duration, const std::string& env,
                         const std::string& commit) {
        std::string line = several ? fmt::format("{:<{}}  ", pipeline, width) : std::string();
        line += fmt::format("{:>5}  {:<10}  {:<19}  {:>8}  {:<12}  {}", number, result, started,
                            duration, env, commit);
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        std::puts(line.c_str());
    };
    row("PIPELINE", "RUN", "RESULT", "STARTED (UTC)", "DURATION", "ENVIRONMENT", "COMMIT");
    for (const auto& run : runs) {
        row(run.pipeline, std::to_string(run.number), result_text(run),
            started_text(started_of(run)),
            run.result ? duration_text(run.result->duration_ms) : "-",
            run.header && !run.header->environment.empty() ? run.header->environment : "-",
            run.header && !run.header->commit.empty() ? run.header->commit.substr(0, 12) : "-");
    }
    for (const auto& run : runs) {
        if (!run.error.empty()) {
            fmt::print(stderr, "ferry history: run {} of {}: {}\n", run.number, run.pipeline,
                       run.error);
        }
    }
}

// Copies a file to stdout in blocks: a step log may be larger than memory.
bool copy_to_stdout(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return false;
    }
    std::vector<char> buffer(64 * 1024);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto n = static_cast<std::size_t>(in.gcount());
        if (n > 0 && std::fwrite(buffer.data(), 1, n, stdout) != n) {
            return false;
        }
    }
    return true;
}

struct StepEntry {
    std::string id;
    std::string kind;
};

// The steps of a run in the order they started (the journal's step.started records).
std::vector<StepEntry> steps_of(const runtime::JournalRead& journal) {
    std::vector<StepEntry> steps;
    std::set<std::string> seen;
    for (const auto& record : journal.records) {
        if (record.value("type", "") != "step.started" || !record.contains("step") ||
            !record["step"].is_string()) {
            continue;
        }
        const auto id = record["step"].get<std::string>();
        if (seen.insert(id).second) {
            steps.push_back({id, record.value("kind", "")});
        }
    }
    return steps;
}

/// The run `number`: of `pipeline`, or of the only pipeline that has one. Exit code on failure.
std::optional<int> find_run(const fs::path& state, const std::string& pipeline, long long number,
                            runtime::RunSummary& out) {
    std::vector<runtime::RunSummary> matches;
    for (auto& run : runtime::list_runs(state, pipeline)) {
        if (run.number == number) {
            matches.push_back(std::move(run));
        }
    }
    if (matches.empty()) {
        fmt::print(stderr,
                   "ferry logs: no run {}{} is recorded under {} (`ferry history` lists the "
                   "runs)\n",
                   number, pipeline.empty() ? "" : " of pipeline '" + pipeline + "'",
                   (state / "runs").string());
        return 2;
    }
    if (matches.size() > 1) {
        std::string names;
        for (const auto& run : matches) {
            names += (names.empty() ? "" : ", ") + run.pipeline;
        }
        fmt::print(stderr,
                   "ferry logs: run {} exists for several pipelines ({}); name one with "
                   "--pipeline\n",
                   number, names);
        return 2;
    }
    out = std::move(matches.front());
    return std::nullopt;
}

int print_logs(const runtime::RunSummary& run, const std::string& step) {
    const auto journal = runtime::read_journal(run.dir);
    if (!journal.error.empty()) {
        fmt::print(stderr, "ferry logs: warning: {}\n", journal.error);
    }
    const auto steps = steps_of(journal);
    std::error_code ec;
    if (!step.empty()) {
        const auto path = runtime::step_log_path(run.dir, step);
        const bool known = std::any_of(steps.begin(), steps.end(),
                                       [&](const StepEntry& s) { return s.id == step; });
        if (!known && !fs::exists(path, ec)) {
            std::string ids;
            for (std::size_t i = 0; i < steps.size() && i < 12; ++i) {
                ids += (ids.empty() ? "" : ", ") + steps[i].id;
            }
            fmt::print(stderr, "ferry logs: run {} of {} has no step '{}'{}\n", run.number,
                       run.pipeline, step,
                       ids.empty() ? std::string()
                                   : fmt::format(" (its steps: {}{})", ids,
                                                 steps.size() > 12 ? ", …" : ""));
            return 2;
        }
        if (fs::exists(path, ec) && !copy_to_stdout(path)) {
            fmt::print(stderr, "ferry logs: cannot read {}\n", path.string());
            return 2;
        }
        return 0;
    }
    std::set<fs::path> printed;
    const auto print_one = [&](const fs::path& path, const std::string& title) {
        if (!printed.insert(path).second || !fs::exists(path, ec) || fs::file_size(path, ec) == 0) {
            return;
        }
        std::printf("==> %s <==\n", title.c_str());
        std::fflush(stdout);
        if (!copy_to_stdout(path)) {
            fmt::print(stderr, "ferry logs: cannot read {}\n", path.string());
        }
    };
    for (const auto& s : steps) {
        print_one(runtime::step_log_path(run.dir, s.id),
                  s.kind.empty() ? s.id : fmt::format("{} ({})", s.id, s.kind));
    }
    // Logs the journal does not name (a damaged journal): by file name, after the rest.
    std::vector<fs::path> rest;
    for (fs::directory_iterator it(run.dir / "steps", ec), end; !ec && it != end;
         it.increment(ec)) {
        if (!printed.count(it->path())) {
            rest.push_back(it->path());
        }
    }
    std::sort(rest.begin(), rest.end());
    for (const auto& path : rest) {
        print_one(path, path.filename().string());
    }
    return 0;
}

} // namespace

Runner setup_history(CLI::App& app) {
    struct Options {
        std::string pipeline;
        std::string format = "text";
    };
    auto o = std::make_shared<Options>();
    app.add_option("--pipeline", o->pipeline, "Only this pipeline's runs (default: every one)");
    app.add_option("--format", o->format, "Output: text or json")
        ->check(CLI::IsMember({"text", "json"}));
    return [o]() -> int {
        const auto runs = runtime::list_runs(state_dir(), o->pipeline);
        if (o->format == "json") {
            nlohmann::ordered_json out;
            out["runs"] = nlohmann::ordered_json::array();
            for (const auto& run : runs) {
                out["runs"].push_back(run_json(run));
            }
            std::puts(out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
            return 0;
        }
        if (runs.empty()) {
            fmt::print(stderr, "ferry history: no runs{} are recorded under {}\n",
                       o->pipeline.empty() ? "" : " of pipeline '" + o->pipeline + "'",
                       (state_dir() / "runs").string());
            return 0;
        }
        print_table(runs);
        return 0;
    };
}

Runner setup_logs(CLI::App& app) {
    struct Options {
        long long number = 0;
        std::string step;
        std::string pipeline;
    };
    auto o = std::make_shared<Options>();
    app.add_option("N", o->number, "The run's number (see ferry history)")
        ->required()
        ->check(CLI::PositiveNumber);
    app.add_option("--step", o->step, "Only this step's log (its id, e.g. Build/1)");
    app.add_option("--pipeline", o->pipeline, "The pipeline (default: the only one with a run N)");
    return [o]() -> int {
        runtime::RunSummary run;
        if (auto failed = find_run(state_dir(), o->pipeline, o->number, run)) {
            return *failed;
        }
        return print_logs(run, o->step);
    };
}

} // namespace ferry::cli
