#pragma once
// Helpers for the reporter tests: a FILE* that collects into a string, and a small run's events.

#include "runtime/events.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace ferry::testing {

/// A memory stream (open_memstream) whose text can be read at any time.
class MemoryStream {
public:
    MemoryStream() : file_(::open_memstream(&data_, &size_)) {}
    MemoryStream(const MemoryStream&) = delete;
    MemoryStream& operator=(const MemoryStream&) = delete;
    ~MemoryStream() {
        std::fclose(file_);
        std::free(data_);
    }
    [[nodiscard]] std::FILE* file() const { return file_; }
    [[nodiscard]] std::string text() {
        std::fflush(file_);
        return std::string(data_, size_);
    }

private:
    char* data_ = nullptr;
    std::size_t size_ = 0;
    std::FILE* file_;
};

/// Builds events the way the executor reports them.
class RunScript {
public:
    RunScript& run_started() {
        auto e = make("run.started", "", "");
        e.data["pipeline"] = "shop";
        e.data["environment"] = "test";
        e.data["build"] = 7;
        return add(e);
    }
    RunScript& stage(const std::string& type, const std::string& id, const std::string& name,
                     const std::string& result = {}, const std::string& message = {}) {
        auto e = make(type, id, name);
        e.result = result;
        e.message = message;
        e.line = 3;
        e.column = 9;
        e.duration = std::chrono::milliseconds(type == "stage.finished" ? 1250 : 0);
        return add(e);
    }
    RunScript& step(const std::string& type, const std::string& stage_id, const std::string& id,
                    const std::string& result = {}, const std::string& message = {}) {
        auto e = make(type, stage_id, stage_id.substr(stage_id.rfind('/') + 1));
        e.step = id;
        e.kind = "sh";
        e.result = result;
        e.message = message;
        e.line = 12;
        e.column = 17;
        return add(e);
    }
    RunScript& log(const std::string& stage_id, const std::string& step_id,
                   const std::string& line) {
        auto e = make("log", stage_id, stage_id.substr(stage_id.rfind('/') + 1));
        e.step = step_id;
        e.kind = "sh";
        e.stream = "out";
        e.message = line;
        return add(e);
    }
    RunScript& run_finished(const std::string& result, const std::string& message = {}) {
        auto e = make("run.finished", "", "");
        e.result = result;
        e.message = message;
        e.duration = std::chrono::milliseconds(4321);
        return add(e);
    }
    void play(ferry::runtime::Reporter& reporter) const {
        for (const auto& e : events_) {
            reporter.report(e);
        }
    }
    [[nodiscard]] const std::vector<ferry::runtime::Event>& events() const { return events_; }

private:
    static ferry::runtime::Event make(const std::string& type, const std::string& stage,
                                      const std::string& name) {
        ferry::runtime::Event e;
        e.type = type;
        e.time = std::chrono::system_clock::time_point(std::chrono::seconds(1714564800));
        e.stage = stage;
        e.stage_name = name;
        e.file = "Jenkinsfile";
        return e;
    }
    RunScript& add(ferry::runtime::Event e) {
        events_.push_back(std::move(e));
        return *this;
    }
    std::vector<ferry::runtime::Event> events_;
};

/// Build passes, Test fails after 60 lines of output, Deploy is skipped.
inline RunScript failing_run() {
    RunScript run;
    run.run_started()
        .stage("stage.started", "Build", "Build")
        .step("step.started", "Build", "Build/1")
        .log("Build", "Build/1", "compiling")
        .step("step.finished", "Build", "Build/1", "SUCCESS")
        .stage("stage.finished", "Build", "Build", "SUCCESS")
        .stage("stage.started", "Test", "Test")
        .step("step.started", "Test", "Test/1");
    for (int i = 1; i <= 60; ++i) {
        run.log("Test", "Test/1", "line " + std::to_string(i) + (i == 60 ? " <&\"'>" : ""));
    }
    run.step("step.finished", "Test", "Test/1", "FAILURE", "script returned exit code 2")
        .stage("stage.finished", "Test", "Test", "FAILURE")
        .stage("stage.skipped", "Deploy", "Deploy", "", "skipped due to earlier failure(s)")
        .run_finished("FAILURE", "stage 'Test', sh: script returned exit code 2");
    return run;
}

} // namespace ferry::testing
