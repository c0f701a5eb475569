// Block steps the executor runs itself: dir, withEnv, withCredentials, retry, timeout,
// catchError, warnError, tee, waitUntil and the legacy parallel (and the `input` step, in
// executor_input.cpp); any other step with a body runs its body.
#include "runtime/executor_detail.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <thread>

namespace ferry::runtime::detail {
namespace {

namespace fs = std::filesystem;

std::string text(const nlohmann::json& params, const char* key, std::string fallback = {}) {
    const auto it = params.find(key);
    if (it == params.end() || it->is_null()) {
        return fallback;
    }
    return it->is_string() ? it->get<std::string>() : it->dump();
}

/// A block step's lone unnamed argument, whatever the signature named it.
const nlohmann::json* first_param(const nlohmann::json& params) {
    return params.is_object() && !params.empty() ? &params.begin().value() : nullptr;
}

} // namespace

Flow Executor::run_block(const compiler::PlanStep& step, const nlohmann::json& params,
                         const Frame& frame) {
    const auto body = body_of(step.id);
    const std::string& kind = step.kind;
    if (kind == "dir") {
        fs::path path = text(params, "path");
        if (path.empty() && first_param(params) != nullptr && first_param(params)->is_string()) {
            path = first_param(params)->get<std::string>();
        }
        Frame inner = frame;
        inner.cwd = path.is_absolute() ? path : frame.cwd / path;
        std::error_code ec;
        fs::create_directories(inner.cwd, ec); // Jenkins' dir creates the directory
        if (ec) {
            return Flow::error(
                fmt::format("dir: cannot create {}: {}", inner.cwd.string(), ec.message()));
        }
        return run_steps(body, inner);
    }
    if (kind == "withEnv") {
        Variables vars = *frame.vars;
        const auto it = params.find("overrides");
        const nlohmann::json& list = it != params.end() ? *it : nlohmann::json::array();
        for (const auto& item : list) {
            const std::string entry = item.is_string() ? item.get<std::string>() : item.dump();
            const auto eq = entry.find('=');
            if (eq == std::string::npos || eq == 0) {
                return Flow::error(fmt::format("withEnv: '{}' is not NAME=VALUE", entry));
            }
            vars.set(entry.substr(0, eq), entry.substr(eq + 1));
        }
        Frame inner = frame;
        inner.vars = &vars;
        return run_steps(body, inner);
    }
    if (kind == "withCredentials") {
        return with_credentials(step, params, frame);
    }
    if (kind == "retry") {
        const auto* count = params.contains("count") ? &params["count"] : first_param(params);
        const long long attempts =
            count != nullptr && count->is_number_integer() ? count->get<long long>() : 1;
        Flow flow;
        for (long long attempt = 1; attempt <= std::max(1LL, attempts); ++attempt) {
            flow = run_steps(body, frame);
            // retry never retries an interruption of the run itself (Ctrl-C, an outer timeout).
            if (flow.ok() || frame.cancel->cancelled()) {
                return flow;
            }
            if (attempt < attempts) {
                Event e = step_event("log", step);
                e.stream = "err";
                e.message = fmt::format("Retrying (attempt {} of {}) after: {}", attempt + 1,
                                        attempts, flow.message);
                report(e);
            }
        }
        return flow;
    }
    if (kind == "timeout") {
        std::string error;
        const auto duration = duration_of(params, error);
        if (!duration) {
            return Flow::error(error);
        }
        Cancellation timed(frame.cancel, Clock::now() + *duration);
        Frame inner = frame;
        inner.cancel = &timed;
        Flow flow = run_steps(body, inner);
        if (flow.ok() && timed.cancelled() && !frame.cancel->cancelled()) {
            flow = Flow::interrupted(timed); // the body ended just as time ran out
        }
        return flow;
    }
    if (kind == "catchError" || kind == "warnError") {
        Flow flow = run_steps(body, frame);
        if (flow.ok()) {
            return flow;
        }
        const bool warn = kind == "warnError";
        const bool catch_interruptions = params.value("catchInterruptions", true);
        if (flow.end == Flow::End::interrupted && !catch_interruptions) {
            return flow;
        }
        const auto build =
            result_from_name(text(params, "buildResult", warn ? "UNSTABLE" : "FAILURE"));
        const auto stage =
            result_from_name(text(params, "stageResult", warn ? "UNSTABLE" : "SUCCESS"));
        if (!build || !stage) {
            return Flow::error(fmt::format("{}: buildResult and stageResult take SUCCESS, "
                                           "UNSTABLE, FAILURE, NOT_BUILT or ABORTED",
                                           kind));
        }
        const std::string message = text(params, "message", text(params, "_1"));
        Event e = step_event("log", step);
        e.stream = "err";
        e.message = message.empty() ? flow.message : fmt::format("{}: {}", message, flow.message);
        report(e);
        frame.stage->result = worse(frame.stage->result, *stage);
        worsen_build(*build, message.empty() ? flow.message : message);
        return {};
    }
    if (kind == "parallel") {
        return legacy_parallel(step, params, frame);
    }
    if (kind == "input") {
        return input_step(step, params, frame);
    }
    if (kind == "tee") {
        return tee(step, params, frame);
    }
    if (kind == "waitUntil") {
        return wait_until(step, params, frame);
    }
    return run_steps(body, frame); // node, timestamps, ansiColor, …: the body is what matters
}

Flow Executor::legacy_parallel(const compiler::PlanStep& step, const nlohmann::json& params,
                               const Frame& frame) {
    std::vector<std::pair<std::string, std::vector<const compiler::PlanStep*>>> branches;
    for (const auto* child : body_of(step.id)) {
        if (branches.empty() || branches.back().first != child->branch) {
            branches.push_back({child->branch, {}});
        }
        branches.back().second.push_back(child);
    }
    const bool fail_fast = params.value("failFast", false);
    return run_branches(
        branches.size(), frame.cancel, fail_fast,
        [&](std::size_t i, const Cancellation& group) {
            Frame inner = frame;
            inner.cancel = &group;
            return run_steps(branches[i].second, inner);
        },
        [&](std::size_t i) { return branches[i].first; });
}

Flow Executor::with_credentials(const compiler::PlanStep& step, const nlohmann::json& params,
                                const Frame& frame) {
    Variables vars = *frame.vars;
    SecretDir secrets;
    const auto it = params.find("bindings");
    const nlohmann::json& bindings = it != params.end() ? *it : nlohmann::json::array();
    for (const auto& b : bindings) {
        const std::string type = b.value("$describable", "");
        const std::string id = b.value("credentialsId", "");
        std::string single;
        std::optional<std::pair<std::string, std::string>> user_pass;
        if (Flow f = credential_value(id, secrets, single, user_pass); !f.ok()) {
            f.message = fmt::format("withCredentials {} ({}:{}:{}): {}", type, step.file, step.line,
                                    step.column, f.message);
            return f;
        }
        if (type == "usernamePassword") {
            if (!user_pass) {
                return Flow::error(fmt::format(
                    "withCredentials usernamePassword: credential '{}' is not a username and "
                    "password",
                    id));
            }
            vars.set(text(b, "usernameVariable"), user_pass->first, true);
            vars.set(text(b, "passwordVariable"), user_pass->second, true);
        } else if (type == "sshUserPrivateKey") {
            vars.set(text(b, "keyFileVariable"), single, true);
        } else if (type == "dockerCert") {
            vars.set(text(b, "variable"), fs::path(single).parent_path().string(), true);
        } else if (b.contains("variable")) {
            vars.set(text(b, "variable"), single, true);
        } else {
            return Flow::error(fmt::format("withCredentials: binding {} names no variable", type));
        }
    }
    Frame inner = frame;
    inner.vars = &vars;
    return run_steps(body_of(step.id), inner);
}

TeeFile::TeeFile(const fs::path& path, std::string& error) {
    std::error_code ec;
    if (path.has_parent_path()) {
        fs::create_directories(path.parent_path(), ec);
    }
    out_.open(path, std::ios::binary | std::ios::trunc);
    if (!out_) {
        error = fmt::format("tee: cannot write {}", path.string());
    }
}

void TeeFile::write(std::string_view line) {
    std::lock_guard lock(mutex_);
    out_ << line << '\n';
    out_.flush(); // a later step of the body may read the file
}

Flow Executor::tee(const compiler::PlanStep& step, const nlohmann::json& params,
                   const Frame& frame) {
    fs::path file = text(params, "file");
    if (file.empty()) {
        return Flow::error(fmt::format("tee ({}:{}): no file given", step.file, step.line));
    }
    std::string error;
    auto sink = std::make_shared<TeeFile>(file.is_absolute() ? file : frame.cwd / file, error);
    if (!error.empty()) {
        return Flow::error(error);
    }
    Frame inner = frame;
    inner.tees.push_back(std::move(sink));
    return run_steps(body_of(step.id), inner);
}

namespace {

/// Whether a waitUntil body that ended normally holds: a step that returns a boolean
/// (`fileExists`) decides; any other body holds by having succeeded.
bool holds(const nlohmann::json& value) {
    return value.is_boolean() ? value.get<bool>() : true;
}

std::string seconds(std::chrono::milliseconds delay) {
    return fmt::format("{:.2f} s", static_cast<double>(delay.count()) / 1000.0);
}

} // namespace

Flow Executor::wait_until(const compiler::PlanStep& step, const nlohmann::json& params,
                          const Frame& frame) {
    // Jenkins waits 250 ms, then 1.2 times longer after each attempt, at most 15 s.
    constexpr std::chrono::milliseconds longest{15000};
    const auto initial = params.find("initialRecurrencePeriod");
    std::chrono::milliseconds delay{250};
    if (initial != params.end() && initial->is_number()) {
        delay = std::chrono::milliseconds(std::max(1LL, initial->get<long long>()));
    }
    const auto quiet_it = params.find("quiet");
    const bool quiet = quiet_it != params.end() && quiet_it->is_boolean() && quiet_it->get<bool>();
    const auto body = body_of(step.id);
    for (long long attempt = 1;; ++attempt) {
        Flow flow = run_steps(body, frame);
        if (flow.end == Flow::End::interrupted || frame.cancel->cancelled()) {
            return flow.end == Flow::End::interrupted ? flow : Flow::interrupted(*frame.cancel);
        }
        if (flow.ok() && holds(flow.value)) {
            flow.value = true;
            return flow;
        }
        if (!quiet) {
            Event e = step_event("log", step);
            e.stream = "err";
            e.message = fmt::format("attempt {} {}; trying again in {}", attempt,
                                    flow.ok() ? "returned false" : "failed: " + flow.message,
                                    seconds(delay));
            report(e);
        }
        if (!frame.cancel->sleep_for(delay)) {
            return Flow::interrupted(*frame.cancel);
        }
        delay = std::min(longest, std::chrono::milliseconds(delay.count() * 6 / 5));
    }
}

} // namespace ferry::runtime::detail
