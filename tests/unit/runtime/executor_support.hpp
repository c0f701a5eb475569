#pragma once
// Executor tests: a plan from pipeline text (the real compiler), recording fakes of the leaf
// drivers and of a reporter, and a run helper. The fake `sh` understands a tiny script
// language: `ok`, `fail`, `unstable`, `sleep MS`, `flaky N` (fails its first N calls),
// `print TEXT`, `env NAME` (prints the variable), `pwd`.

#include "runtime/executor.hpp"
#include "unit/compiler/plan_support.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace exec_test {

using namespace ferry;
using runtime::BuildResult;

struct Recorder : runtime::Reporter {
    std::mutex mutex;
    std::vector<runtime::Event> events;
    void report(const runtime::Event& e) override {
        std::lock_guard lock(mutex);
        events.push_back(e);
    }
};

struct Run {
    runtime::RunOutcome outcome;
    std::vector<runtime::Event> events;
    std::vector<std::string> scripts; ///< what the fake sh ran, in order (and echo's messages)

    /// `type:stage` (or `type:step`) of every event of these types, in order.
    [[nodiscard]] std::vector<std::string> trace(const std::vector<std::string>& types) const {
        std::vector<std::string> out;
        for (const auto& e : events) {
            for (const auto& t : types) {
                if (e.type == t) {
                    out.push_back(e.type + ":" + (e.step.empty() ? e.stage : e.step) +
                                  (e.result.empty() ? "" : "=" + e.result));
                }
            }
        }
        return out;
    }
    [[nodiscard]] const runtime::Event* find(const std::string& type,
                                             const std::string& stage) const {
        for (const auto& e : events) {
            if (e.type == type && e.stage == stage) {
                return &e;
            }
        }
        return nullptr;
    }
    [[nodiscard]] bool logged(const std::string& text) const {
        for (const auto& e : events) {
            if (e.type == "log" && e.message.find(text) != std::string::npos) {
                return true;
            }
        }
        return false;
    }
};

struct Fakes {
    std::mutex mutex;
    std::vector<std::string> scripts;
    std::map<std::string, int> flaky_calls;
    runtime::DriverTable table;

    Fakes() {
        table["sh"] = [this](runtime::StepContext& c) { return sh(c); };
        table["echo"] = [this](runtime::StepContext& c) {
            const std::string m = c.params.value("message", "");
            note("echo " + m);
            c.log(runtime::OutputStream::out, m);
            return runtime::StepOutcome{};
        };
        table["error"] = [](runtime::StepContext& c) {
            return runtime::StepOutcome{BuildResult::failure, c.params.value("message", ""), {}};
        };
        table["unstable"] = [](runtime::StepContext& c) {
            return runtime::StepOutcome{BuildResult::unstable, c.params.value("message", ""), {}};
        };
    }

    void note(const std::string& s) {
        std::lock_guard lock(mutex);
        scripts.push_back(s);
    }

    runtime::StepOutcome sh(runtime::StepContext& c) {
        const std::string script = c.params.value("script", "");
        note(script);
        const auto space = script.find(' ');
        const std::string verb = script.substr(0, space);
        const std::string arg = space == std::string::npos ? "" : script.substr(space + 1);
        if (verb == "fail") {
            return {BuildResult::failure, "script returned exit code 1", {}};
        }
        if (verb == "unstable") {
            return {BuildResult::unstable, "tests failed", {}};
        }
        if (verb == "sleep") {
            if (!c.cancel.sleep_for(std::chrono::milliseconds(std::stoll(arg)))) {
                return {BuildResult::aborted, c.cancel.message(), {}};
            }
        }
        if (verb == "flaky") {
            std::lock_guard lock(mutex);
            if (flaky_calls[c.step.id]++ < std::stoi(arg)) {
                return {BuildResult::failure, "flaky failure", {}};
            }
        }
        if (verb == "print") {
            c.log(runtime::OutputStream::out, arg);
        }
        if (verb == "env") {
            c.log(runtime::OutputStream::out, arg + "=" + c.variable(arg).value_or("(unset)"));
        }
        if (verb == "pwd") {
            c.log(runtime::OutputStream::out, c.cwd.string());
        }
        return {};
    }
};

struct Setup {
    std::vector<std::string> approvals;
    std::string approver; ///< RunOptions::approver
    std::function<bool(const std::string&, const std::string&)> ask;
    std::vector<std::pair<std::string, std::string>> params;
    std::map<std::string, std::string> process_env;            ///< credential sources' variables
    std::vector<std::pair<std::string, std::string>> base_env; ///< added to ferry's environment
    std::function<void(runtime::Cancellation&)> during;        ///< runs on a thread while executing
    bool drop_echo = false;
};

inline Run run_pipeline(const std::string& text, const Setup& setup = {}) {
    auto lowered = plan_test::lower_text(text);
    auto config = plan_test::config();
    // The credentials' values come from variables the test provides.
    for (auto& c : config.credentials) {
        if (c.kind == compiler::CredentialKind::username_password) {
            c.username = compiler::SecretSource{compiler::SecretOrigin::literal, "deploy-user", {}};
            c.password =
                compiler::SecretSource{compiler::SecretOrigin::env, "DEPLOYER_PASSWORD", {}};
        } else {
            c.value = compiler::SecretSource{compiler::SecretOrigin::env, "SECRET_" + c.id, {}};
        }
    }
    compiler::PlanOptions options;
    options.environment = "test";
    options.job_name = "demo";
    options.parameters = setup.params;
    auto planned = compiler::plan(lowered->ir, config, plan_test::observations(), options);
    INFO(planned.diagnostics.all().size());
    REQUIRE(planned.ok());
    Fakes fakes;
    if (setup.drop_echo) {
        fakes.table.erase("echo");
    }
    runtime::Masker masker;
    runtime::RunServices services;
    services.plan = &planned.plan;
    services.config = &config;
    services.environment = config.find_environment("test");
    services.workspace = std::filesystem::temp_directory_path();
    services.masker = &masker;
    services.credential_sources.env = [&](const std::string& name) -> std::optional<std::string> {
        const auto it = setup.process_env.find(name);
        return it == setup.process_env.end() ? std::nullopt
                                             : std::optional<std::string>(it->second);
    };
    services.credential_sources.read_file = [](const std::filesystem::path&) {
        return std::optional<std::string>();
    };
    runtime::Reporters reporters;
    auto recorder = std::make_unique<Recorder>();
    auto* events = recorder.get();
    reporters.add(std::move(recorder));
    runtime::RunOptions run_options;
    run_options.approvals = setup.approvals;
    run_options.approver = setup.approver;
    run_options.ask = setup.ask;
    run_options.base_env = {{"PATH", "/usr/bin:/bin"}, {"HOME", "/home/test"}};
    run_options.base_env.insert(run_options.base_env.end(), setup.base_env.begin(),
                                setup.base_env.end());
    runtime::Cancellation root;
    std::thread during;
    if (setup.during) {
        during = std::thread([&] { setup.during(root); });
    }
    Run out;
    out.outcome = runtime::execute(services, fakes.table, reporters, root, run_options);
    if (during.joinable()) {
        during.join();
    }
    out.events = events->events;
    out.scripts = fakes.scripts;
    return out;
}

} // namespace exec_test
