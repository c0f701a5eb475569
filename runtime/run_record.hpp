#pragma once
// Run records under `.ferry/runs/<pipeline>/<number>/`: `journal.ndjson` (append-only, each
// record fsync'd before the call returns; the first line is a header with the format version;
// the seed of the rollback journal), `steps/<step id>.log` (each step's masked output),
// `artifacts/` (archiveArtifacts), `result.json` (written last, atomically). Readers report a
// damaged or future-version record with its path and never crash; a torn last journal line
// (a crash mid-write) is reported as such and ignored.

#include "runtime/events.hpp"

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

inline constexpr int run_record_format_version = 1;

/// `.ferry/runs/<pipeline>/` (pipeline names are sanitised to one path segment).
[[nodiscard]] std::filesystem::path runs_dir(const std::filesystem::path& state_dir,
                                             std::string_view pipeline);

/// `<run dir>/steps/<step id>.log`, the id made one safe file name (`/` → `~`; `%`, `~` and
/// control characters %XX-escaped; over-long ids shortened with a hash).
[[nodiscard]] std::filesystem::path step_log_path(const std::filesystem::path& run_dir,
                                                  std::string_view step_id);

/// One step's output file, appended line by line (already masked).
class StepLog {
public:
    virtual ~StepLog() = default;
    virtual void write_line(std::string_view stream, std::string_view line) = 0;
    /// The last `lines` lines written (for failure messages and JUnit).
    [[nodiscard]] virtual std::vector<std::string> tail(std::size_t lines) const = 0;
    [[nodiscard]] virtual const std::filesystem::path& path() const = 0;
};

/// What result.json holds.
struct RunResultRecord {
    BuildResult result = BuildResult::success;
    int exit_code = 0;
    std::string started; ///< RFC 3339 UTC
    std::string finished;
    long long duration_ms = 0;
    std::string message; ///< the failure's message, if any (masked)
    nlohmann::ordered_json stages =
        nlohmann::ordered_json::array(); ///< {id, name, result, duration_ms}
};

/// The header of a new run.
struct RunHeader {
    std::string pipeline;    ///< the job name
    std::string environment; ///< the ferry.yaml environment
    long long number = 0;    ///< the build number
    std::string pipeline_file;
    std::string commit;           ///< git HEAD when known
    std::string plan_fingerprint; ///< the plan's observations fingerprint
};

class RunRecord {
public:
    /// Creates `runs_dir(state_dir, header.pipeline)/<number>/` and writes the journal header.
    /// Fails (nullptr, `error`) when the directory already exists or cannot be written.
    [[nodiscard]] static std::unique_ptr<RunRecord>
    create(const std::filesystem::path& state_dir, const RunHeader& header, std::string& error);
    /// Opens an existing run to append to it (ferry recover). Fails on a damaged header.
    [[nodiscard]] static std::unique_ptr<RunRecord> open(const std::filesystem::path& dir,
                                                         std::string& error);
    virtual ~RunRecord() = default;

    [[nodiscard]] virtual const std::filesystem::path& dir() const = 0;
    [[nodiscard]] virtual const RunHeader& header() const = 0;
    /// Appends one journal record (`type` required; `seq` and `time` are added) and fsyncs it.
    /// Thread-safe. Returns an error message, or empty.
    [[nodiscard]] virtual std::string append(nlohmann::ordered_json record) = 0;
    /// A log file for a step (created on first call; the same object on later calls).
    [[nodiscard]] virtual StepLog& step_log(std::string_view step_id) = 0;
    [[nodiscard]] virtual std::filesystem::path artifacts_dir() const = 0;
    /// Writes result.json atomically. Returns an error message, or empty.
    [[nodiscard]] virtual std::string write_result(const RunResultRecord& result) = 0;
};

/// A run as `ferry history` lists it.
struct RunSummary {
    std::string pipeline;
    long long number = 0;
    std::filesystem::path dir;
    std::optional<RunHeader> header;
    std::optional<RunResultRecord> result; ///< none: still running, interrupted or damaged
    std::string error;                     ///< what is wrong with the record, if anything
};

/// A run's directory, found without reading anything in it.
struct RunDir {
    std::string pipeline; ///< from the directory's name (the header may spell it otherwise)
    long long number = 0;
    std::filesystem::path dir;
};

/// The run directories of `pipeline` (every pipeline when empty, pipelines by name) under
/// `state_dir`, each pipeline's newest first. Readers that want only some runs (the newest
/// finished one, those with effects) start here and read just those.
[[nodiscard]] std::vector<RunDir> list_run_dirs(const std::filesystem::path& state_dir,
                                                std::string_view pipeline);

/// A run as listed: its header and result read (the header from the journal's first line).
[[nodiscard]] RunSummary summarise_run(const RunDir& run);

/// Every run of `pipeline` (every pipeline when empty) under `state_dir`, newest first.
[[nodiscard]] std::vector<RunSummary> list_runs(const std::filesystem::path& state_dir,
                                                std::string_view pipeline);

struct JournalRead {
    std::optional<RunHeader> header;
    std::vector<nlohmann::json> records; ///< after the header, in order
    bool torn_tail = false;              ///< the last line was incomplete and was ignored
    std::size_t complete_bytes = 0;      ///< the journal's length up to its last complete line
    std::string error;                   ///< damaged or future version: path and what is wrong
};
[[nodiscard]] JournalRead read_journal(const std::filesystem::path& run_dir);

/// `result.json` of a run; nullopt with `error` when absent or damaged.
[[nodiscard]] std::optional<RunResultRecord> read_result(const std::filesystem::path& run_dir,
                                                         std::string& error);

} // namespace ferry::runtime
