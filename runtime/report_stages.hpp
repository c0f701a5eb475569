#pragma once
// Internal to report_*.cpp: what the reporters remember of a run's stages as the events go by
// (state, result, times, the current step, the first failing step's message and log tail), and
// the small formatting helpers they share.

#include "runtime/events.hpp"

#include <chrono>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace ferry::runtime::detail {

/// `850ms`, `12.3s`, `2m05s`, `1h02m`.
[[nodiscard]] std::string format_duration(std::chrono::milliseconds duration);
/// `file:line:col` of the event, or empty when it has no place.
[[nodiscard]] std::string where(const Event& event);
/// The stage's name for people (`pipeline` for run-level events).
[[nodiscard]] std::string stage_label(const Event& event);

struct StageEntry {
    enum class State { running, finished, skipped };
    std::string id;
    std::string name;
    State state = State::running;
    std::string result; ///< finished: SUCCESS, UNSTABLE, FAILURE, ABORTED, NOT_BUILT
    std::chrono::system_clock::time_point started;
    std::chrono::steady_clock::time_point started_steady;
    std::chrono::milliseconds duration{0};
    std::string skip_reason;
    std::size_t steps = 0;    ///< steps started in this stage
    std::string current_step; ///< the running step's kind, for the live view
    /// The first step that failed or marked the stage unstable.
    std::string failing_step;
    std::string failure_kind;
    std::string failure_message;
    std::string failure_where;
    std::vector<std::string> failure_tail;
};

/// The stages of a run in the order they were first reported.
class StageBook {
public:
    /// Log lines kept per running step for a failure's tail.
    static constexpr std::size_t tail_lines = 50;
    /// A longer line is cut in the tail (the step log on disk has it whole).
    static constexpr std::size_t tail_line_bytes = 4096;

    void observe(const Event& event);
    [[nodiscard]] const std::vector<StageEntry>& stages() const { return stages_; }
    /// Whether another stage is nested under `id` (a parent of branches, cells or stages).
    [[nodiscard]] bool has_children(const std::string& id) const;

private:
    StageEntry& entry(const Event& event);

    std::vector<StageEntry> stages_;
    std::map<std::string, std::size_t> index_;
    std::map<std::string, std::deque<std::string>> tails_; ///< by running step id
};

} // namespace ferry::runtime::detail
