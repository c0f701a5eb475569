// Events as data: build results in Jenkins' order, the NDJSON form of an event, the reporters'
// fan-out, and which CI system ferry runs under.
#include "runtime/events.hpp"

#include <array>
#include <fmt/chrono.h>
#include <fmt/format.h>

namespace ferry::runtime {
namespace {

// hudson.model.Result's ordinals: SUCCESS 0, UNSTABLE 1, FAILURE 2, NOT_BUILT 3, ABORTED 4;
// combining two results keeps the one with the larger ordinal. The enum is declared in that
// order, so the underlying value is the ordinal.
constexpr std::array<std::string_view, 5> result_names = {"SUCCESS", "UNSTABLE", "FAILURE",
                                                          "NOT_BUILT", "ABORTED"};

} // namespace

std::string_view to_string(BuildResult result) {
    const auto index = static_cast<std::size_t>(result);
    return index < result_names.size() ? result_names[index] : "FAILURE";
}

BuildResult worse(BuildResult a, BuildResult b) {
    return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

std::optional<BuildResult> build_result_from_string(std::string_view name) {
    for (std::size_t i = 0; i < result_names.size(); ++i) {
        if (result_names[i] == name) {
            return static_cast<BuildResult>(i);
        }
    }
    return std::nullopt;
}

std::string rfc3339_ms(std::chrono::system_clock::time_point time) {
    const auto since_epoch =
        std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch());
    auto ms = since_epoch.count() % 1000;
    auto seconds = std::chrono::system_clock::to_time_t(time);
    if (ms < 0) { // before 1970: to_time_t truncates toward zero
        ms += 1000;
        seconds -= 1;
    }
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", fmt::gmtime(seconds), ms);
}

nlohmann::ordered_json to_json(const Event& event) {
    nlohmann::ordered_json j;
    j["type"] = event.type;
    j["time"] = rfc3339_ms(event.time);
    const auto text = [&](const char* key, const std::string& value) {
        if (!value.empty()) {
            j[key] = value;
        }
    };
    text("stage", event.stage);
    text("stage_name", event.stage_name);
    text("step", event.step);
    text("kind", event.kind);
    text("file", event.file);
    if (event.line != 0) {
        j["line"] = event.line;
        j["column"] = event.column;
    }
    text("result", event.result);
    text("stream", event.stream);
    text("message", event.message);
    if (event.type.ends_with(".finished") || event.duration.count() != 0) {
        j["duration_ms"] = event.duration.count();
    }
    if (event.data.is_object() && !event.data.empty()) {
        j["data"] = event.data;
    }
    return j;
}

void Reporters::add(std::unique_ptr<Reporter> reporter) {
    if (reporter) {
        const std::lock_guard lock(mutex_);
        reporters_.push_back(std::move(reporter));
    }
}

void Reporters::report(const Event& event) {
    const std::lock_guard lock(mutex_);
    for (const auto& reporter : reporters_) {
        try {
            reporter->report(event);
        } catch (const std::exception&) {
            // A reporter that cannot write (a full disk, a closed pipe) must not end the run;
            // its finish() says what went wrong.
        }
    }
}

std::string Reporters::finish() {
    const std::lock_guard lock(mutex_);
    std::string errors;
    for (const auto& reporter : reporters_) {
        std::string error;
        try {
            error = reporter->finish();
        } catch (const std::exception& e) {
            error = e.what();
        }
        if (!error.empty()) {
            errors += errors.empty() ? error : "\n" + error;
        }
    }
    return errors;
}

CiSystem detect_ci(const std::function<std::optional<std::string>(const std::string&)>& getenv) {
    const auto is_true = [&](const char* name) {
        const auto value = getenv(name);
        return value && *value == "true";
    };
    const auto is_set = [&](const char* name) {
        const auto value = getenv(name);
        return value && !value->empty();
    };
    if (is_true("GITHUB_ACTIONS")) {
        return CiSystem::github_actions;
    }
    if (is_true("GITLAB_CI")) {
        return CiSystem::gitlab_ci;
    }
    if (is_set("JENKINS_URL") || is_set("BUILD_URL")) {
        return CiSystem::jenkins;
    }
    return CiSystem::none;
}

} // namespace ferry::runtime
