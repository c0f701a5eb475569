// Reading run records back (ferry history, ferry logs, ferry recover, the executor's `changed`
// condition). Every reader reports what is wrong with a record, with its path and line, and
// never throws: a record may be torn by a crash, damaged by hand or written by a newer ferry.
#include "runtime/files.hpp"
#include "runtime/run_record.hpp"
#include "runtime/run_record_format.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace ferry::runtime {
namespace fs = std::filesystem;

namespace {

// A run record's file is small (records per step, not output); this bounds a hostile one.
constexpr std::uintmax_t max_record_bytes = 256ull * 1024 * 1024;

std::optional<std::string> read_text(const fs::path& path, std::string& error) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) {
        error = fmt::format("{}: cannot read: {}", path.string(), ec.message());
        return std::nullopt;
    }
    if (size > max_record_bytes) {
        error = fmt::format("{}: {} bytes is too large for a run record file", path.string(), size);
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno));
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

std::optional<long long> run_number(const std::string& name) {
    if (name.empty() || name.size() > 18 || (name[0] == '0' && name.size() > 1)) {
        return std::nullopt; // `007` is not how a build number is written: not ours
    }
    long long value = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), value);
    if (ec != std::errc() || end != name.data() + name.size()) {
        return std::nullopt;
    }
    return value;
}

// The journal's first line only, so listing many runs reads little.
std::optional<RunHeader> read_header(const fs::path& run_dir, std::string& error) {
    const auto path = run_dir / detail::journal_file;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = fmt::format("{}: no run journal: {}", path.string(), std::strerror(errno));
        return std::nullopt;
    }
    std::string line;
    if (!std::getline(in, line) || in.eof()) {
        error = fmt::format("{}: damaged run journal: no complete header line", path.string());
        return std::nullopt;
    }
    return detail::parse_header_line(line, path, error);
}

void list_pipeline(const fs::path& pipeline_dir, std::vector<RunDir>& out) {
    const auto pipeline = from_path_segment(pipeline_dir.filename().string());
    std::error_code ec;
    std::vector<RunDir> runs;
    for (fs::directory_iterator it(pipeline_dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (!it->is_directory(type_ec)) {
            continue;
        }
        if (const auto number = run_number(it->path().filename().string())) {
            runs.push_back({pipeline, *number, it->path()});
        }
    }
    std::sort(runs.begin(), runs.end(),
              [](const RunDir& a, const RunDir& b) { return a.number > b.number; });
    out.insert(out.end(), std::make_move_iterator(runs.begin()),
               std::make_move_iterator(runs.end()));
}

} // namespace

std::vector<RunDir> list_run_dirs(const fs::path& state_dir, std::string_view pipeline) {
    std::vector<RunDir> out;
    std::error_code ec;
    if (!pipeline.empty()) {
        const auto dir = runs_dir(state_dir, pipeline);
        if (fs::is_directory(dir, ec)) {
            list_pipeline(dir, out);
        }
        return out;
    }
    std::vector<fs::path> pipelines;
    const auto root = state_dir / "runs";
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code type_ec;
        if (it->is_directory(type_ec)) {
            pipelines.push_back(it->path());
        }
    }
    std::sort(pipelines.begin(), pipelines.end());
    for (const auto& dir : pipelines) {
        list_pipeline(dir, out);
    }
    return out;
}

RunSummary summarise_run(const RunDir& dir) {
    RunSummary run;
    run.pipeline = dir.pipeline;
    run.number = dir.number;
    run.dir = dir.dir;
    run.header = read_header(dir.dir, run.error);
    if (run.header && !run.header->pipeline.empty()) {
        run.pipeline = run.header->pipeline;
    }
    std::error_code ec;
    if (fs::exists(dir.dir / detail::result_file, ec)) {
        std::string error;
        run.result = read_result(dir.dir, error);
        if (!error.empty() && run.error.empty()) {
            run.error = std::move(error);
        }
    }
    return run;
}

std::vector<RunSummary> list_runs(const fs::path& state_dir, std::string_view pipeline) {
    std::vector<RunSummary> out;
    for (const auto& dir : list_run_dirs(state_dir, pipeline)) {
        out.push_back(summarise_run(dir));
    }
    return out;
}

JournalRead read_journal(const fs::path& run_dir) {
    JournalRead out;
    const auto path = run_dir / detail::journal_file;
    std::string error;
    const auto text = read_text(path, error);
    if (!text) {
        out.error = std::move(error);
        return out;
    }
    std::size_t begin = 0;
    std::size_t line_number = 0;
    while (begin < text->size()) {
        const auto newline = text->find('\n', begin);
        if (newline == std::string::npos) {
            out.torn_tail = true; // one write() per record: no newline means the write was cut
            break;
        }
        ++line_number;
        const std::string_view line(text->data() + begin, newline - begin);
        begin = newline + 1;
        if (line_number == 1) {
            out.header = detail::parse_header_line(line, path, out.error);
            if (!out.header) {
                return out;
            }
            out.complete_bytes = begin;
            continue;
        }
        auto record = nlohmann::json::parse(line, nullptr, false);
        if (record.is_discarded() || !record.is_object()) {
            out.error = fmt::format("{}:{}: damaged run journal: the record is not a JSON object",
                                    path.string(), line_number);
            return out;
        }
        out.records.push_back(std::move(record));
        out.complete_bytes = begin;
    }
    if (!out.header && out.error.empty()) {
        out.error = fmt::format("{}: damaged run journal: no complete header line", path.string());
    }
    return out;
}

std::optional<RunResultRecord> read_result(const fs::path& run_dir, std::string& error) {
    const auto path = run_dir / detail::result_file;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        error = fmt::format("{}: no result: the run is still going, or ended without one "
                            "(interrupted or crashed)",
                            path.string());
        return std::nullopt;
    }
    const auto text = read_text(path, error);
    if (!text) {
        return std::nullopt;
    }
    return detail::parse_result(*text, path, error);
}

} // namespace ferry::runtime
