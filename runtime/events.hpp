#pragma once
// What a run reports as it goes: one Event type for every consumer (the console's live view or
// plain lines, CI conventions, NDJSON with `--events`, JUnit with `--junit`). Text in an event
// has already been masked (runtime/mask.hpp); no event ever holds a secret.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

/// Jenkins' build results, worst last (a result only ever gets worse within a run).
enum class BuildResult { success, unstable, failure, not_built, aborted };

[[nodiscard]] std::string_view to_string(BuildResult result); ///< `SUCCESS`, `UNSTABLE`, …
/// The worse of two results, as Jenkins combines them.
[[nodiscard]] BuildResult worse(BuildResult a, BuildResult b);
/// The result a name (`SUCCESS`, …) stands for; nullopt for anything else.
[[nodiscard]] std::optional<BuildResult> build_result_from_string(std::string_view name);

/// `2024-05-01T12:00:00.123Z`: RFC 3339 in UTC with milliseconds, as events and records write it.
[[nodiscard]] std::string rfc3339_ms(std::chrono::system_clock::time_point time);

struct Event {
    /// `run.started`, `run.finished`, `stage.started`, `stage.finished`, `stage.skipped`,
    /// `step.started`, `step.finished`, `step.skipped`, `log`, `input.waiting`,
    /// `input.answered`, and (issue 7) `rollback.started`, `effect.compensated`, …
    std::string type;
    std::chrono::system_clock::time_point time = std::chrono::system_clock::now();
    std::string stage;      ///< stage id (empty for run-level events and pipeline post steps)
    std::string stage_name; ///< for people
    std::string step;       ///< step id, for step and log events
    std::string kind;       ///< the step's kind (`sh`, …), for step events
    std::string file;       ///< where the stage or step is written
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    std::string result;  ///< `*.finished`: SUCCESS, UNSTABLE, FAILURE, ABORTED, NOT_BUILT
    std::string message; ///< the log line, a failure message or a skip reason (masked)
    std::string stream;  ///< `log`: `out` or `err`
    std::chrono::milliseconds duration{0};                          ///< `*.finished`
    nlohmann::ordered_json data = nlohmann::ordered_json::object(); ///< anything else
};

/// The event as one NDJSON object (`type`, `time` as RFC 3339 UTC with milliseconds, then the
/// fields that are set). Documented in docs/cli.md.
[[nodiscard]] nlohmann::ordered_json to_json(const Event& event);

/// A consumer of events. Calls are serialised by the executor's Reporters fan-out.
class Reporter {
public:
    virtual ~Reporter() = default;
    virtual void report(const Event& event) = 0;
    /// The run is over: flush, write files. Returns an error message or empty.
    virtual std::string finish() { return {}; }
};

/// Several reporters behind one mutex, so parallel branches can report from their threads.
class Reporters {
public:
    void add(std::unique_ptr<Reporter> reporter);
    void report(const Event& event);
    /// finish() of each; the errors joined.
    std::string finish();

private:
    std::mutex mutex_;
    std::vector<std::unique_ptr<Reporter>> reporters_;
};

/// NDJSON to a stream (`--events -`: stdout) flushed per event.
[[nodiscard]] std::unique_ptr<Reporter> make_ndjson_reporter(std::FILE* stream);
/// NDJSON to a file; nullptr and `error` when it cannot be created.
[[nodiscard]] std::unique_ptr<Reporter> make_ndjson_reporter(const std::filesystem::path& path,
                                                             std::string& error);

/// The console: on a terminal a live view of stages and steps with elapsed times (redrawn in
/// place, colour unless NO_COLOR), otherwise plain prefixed lines.
struct ConsoleOptions {
    bool terminal = false;
    bool color = false;
    bool quiet = false;      ///< no step output, only stage results and failures
    bool timestamps = false; ///< plain lines start with the event's RFC 3339 time
};
[[nodiscard]] std::unique_ptr<Reporter> make_console_reporter(std::FILE* stream,
                                                              const ConsoleOptions& options);

/// The CI system ferry runs under, from its variables.
enum class CiSystem { none, github_actions, gitlab_ci, jenkins };
[[nodiscard]] CiSystem
detect_ci(const std::function<std::optional<std::string>(const std::string&)>& getenv);
/// Plain lines in the CI's conventions: GitHub's `::group::`/`::error file=…,line=…::`,
/// GitLab's collapsible `section_start`/`section_end`, Jenkins' plain lines.
[[nodiscard]] std::unique_ptr<Reporter> make_ci_reporter(std::FILE* stream, CiSystem ci);

/// JUnit XML written at finish(): one testsuite for the run, one testcase per stage (leaf
/// stages; classname = the pipeline's job), a failing stage's step message and the tail of its
/// log, skipped stages as <skipped/>.
[[nodiscard]] std::unique_ptr<Reporter> make_junit_reporter(const std::filesystem::path& path,
                                                            std::string suite_name);

} // namespace ferry::runtime
