// The stage book the console, CI and JUnit reporters keep, and their shared formatting.
#include "runtime/report_stages.hpp"

#include <fmt/format.h>

namespace ferry::runtime::detail {

std::string format_duration(std::chrono::milliseconds duration) {
    const long long ms = std::max<long long>(0, duration.count());
    if (ms < 1000) {
        return fmt::format("{}ms", ms);
    }
    if (ms < 60'000) {
        return fmt::format("{}.{}s", ms / 1000, (ms % 1000) / 100);
    }
    const long long seconds = ms / 1000;
    if (seconds < 3600) {
        return fmt::format("{}m{:02}s", seconds / 60, seconds % 60);
    }
    return fmt::format("{}h{:02}m", seconds / 3600, (seconds % 3600) / 60);
}

std::string where(const Event& event) {
    if (event.file.empty()) {
        return {};
    }
    if (event.line == 0) {
        return event.file;
    }
    return fmt::format("{}:{}:{}", event.file, event.line, event.column);
}

std::string stage_label(const Event& event) {
    if (!event.stage_name.empty()) {
        return event.stage_name;
    }
    return event.stage.empty() ? "pipeline" : event.stage;
}

StageEntry& StageBook::entry(const Event& event) {
    const auto it = index_.find(event.stage);
    if (it != index_.end()) {
        return stages_[it->second];
    }
    index_.emplace(event.stage, stages_.size());
    StageEntry added;
    added.id = event.stage;
    added.name = stage_label(event);
    added.started = event.time;
    added.started_steady = std::chrono::steady_clock::now();
    stages_.push_back(std::move(added));
    return stages_.back();
}

bool StageBook::has_children(const std::string& id) const {
    const std::string prefix = id + "/";
    for (const auto& stage : stages_) {
        if (stage.id.starts_with(prefix)) {
            return true;
        }
    }
    return false;
}

void StageBook::observe(const Event& event) {
    if (event.stage.empty()) {
        return; // run-level events and the pipeline's post steps belong to no stage
    }
    if (event.type == "stage.started") {
        auto& stage = entry(event);
        stage.state = StageEntry::State::running;
        stage.started = event.time;
        stage.started_steady = std::chrono::steady_clock::now();
    } else if (event.type == "stage.finished") {
        auto& stage = entry(event);
        stage.state = StageEntry::State::finished;
        stage.result = event.result;
        stage.duration = event.duration;
        stage.current_step.clear();
        if (stage.failure_message.empty() && event.result != "SUCCESS") {
            stage.failure_message = event.message;
            stage.failure_where = where(event);
        }
    } else if (event.type == "stage.skipped") {
        auto& stage = entry(event);
        stage.state = StageEntry::State::skipped;
        stage.result = "NOT_BUILT";
        stage.skip_reason = event.message;
    } else if (event.type == "step.started") {
        auto& stage = entry(event);
        ++stage.steps;
        stage.current_step = event.kind;
        tails_[event.step];
    } else if (event.type == "log" && !event.step.empty()) {
        const auto tail = tails_.find(event.step);
        if (tail != tails_.end()) {
            tail->second.push_back(event.message.size() > tail_line_bytes
                                       ? event.message.substr(0, tail_line_bytes) + " …"
                                       : event.message);
            if (tail->second.size() > tail_lines) {
                tail->second.pop_front();
            }
        }
    } else if (event.type == "step.finished") {
        auto& stage = entry(event);
        const auto tail = tails_.find(event.step);
        if (event.result != "SUCCESS" && stage.failing_step.empty()) {
            stage.failing_step = event.step;
            stage.failure_kind = event.kind;
            stage.failure_message = event.message;
            stage.failure_where = where(event);
            if (tail != tails_.end()) {
                stage.failure_tail.assign(tail->second.begin(), tail->second.end());
            }
        }
        if (tail != tails_.end()) {
            tails_.erase(tail);
        }
    }
}

} // namespace ferry::runtime::detail
