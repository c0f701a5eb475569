// The stage walk: sequential stages with Jenkins' skip rules, `when` (planned, or decided now
// when the plan could not), stage options (timeout, retry), input, parallel branches and matrix
// cells on threads with failFast, and each stage's post.
#include "runtime/executor_detail.hpp"

#include <fmt/format.h>
#include <thread>

namespace ferry::runtime::detail {
namespace {

const Json& member(const Json& node, const char* key) {
    static const Json empty;
    const auto it = node.find(key);
    return it != node.end() ? *it : empty;
}

std::chrono::milliseconds since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

} // namespace

void Executor::skip_stage(const Json& node, const std::string& reason) {
    Event e = stage_event("stage.skipped", node);
    e.message = reason;
    report(e);
    journal({{"type", "stage.skipped"}, {"stage", e.stage}, {"reason", mask(reason)}});
    {
        std::lock_guard lock(stage_results_mutex);
        stage_results.push_back({{"id", e.stage},
                                 {"name", e.stage_name},
                                 {"result", "NOT_BUILT"},
                                 {"skipped", mask(reason)},
                                 {"duration_ms", 0}});
    }
    // The children of a skipped stage are skipped with it, each reported once.
    for (const auto& child : member(node, "stages")) {
        skip_stage(child, fmt::format("stage '{}' is skipped: {}", e.stage_name, reason));
    }
}

Flow Executor::run_sequence(const Json& stages, const Variables& vars, const Cancellation& cancel,
                            const std::string& parent_name) {
    (void)parent_name;
    const bool skip_after_unstable =
        member(plan.stages, "options").is_object() &&
        member(plan.stages, "options").contains("skipStagesAfterUnstable");
    Flow first;
    for (const auto& node : stages) {
        if (!first.ok()) {
            skip_stage(node,
                       first.end == Flow::End::interrupted
                           ? fmt::format("skipped: the run was interrupted ({})", first.message)
                           : "skipped due to earlier failure(s)");
            continue;
        }
        if (skip_after_unstable && build_result() == BuildResult::unstable) {
            skip_stage(node, "skipped due to earlier stage(s) marking the build as unstable "
                             "(skipStagesAfterUnstable)");
            continue;
        }
        if (cancel.cancelled()) {
            first = Flow::interrupted(cancel);
            skip_stage(node, fmt::format("skipped: {}", cancel.message()));
            continue;
        }
        Flow f = run_stage(node, vars, cancel);
        if (!f.ok()) {
            first = std::move(f);
        }
    }
    return first;
}

Flow Executor::run_stage(const Json& node, const Variables& parent_vars,
                         const Cancellation& cancel) {
    const auto start = Clock::now();
    StageRun stage{node.value("id", ""), node.value("name", ""), BuildResult::success};
    Variables vars = parent_vars;
    vars.set("STAGE_NAME", stage.name);
    SecretDir secrets;
    const Json& when = member(node, "when");
    const std::string verdict = when.is_object() ? when.value("result", "true") : "true";
    if (verdict == "false") {
        skip_stage(node, fmt::format("when: {}", when.value("reason", "the condition is false")));
        return {};
    }
    Flow flow = bind_entries(member(node, "environment"), vars, secrets);
    if (flow.ok() && verdict == "unknown") {
        const auto decided =
            compiler::decide_when_at_run_time(member(when, "conditions"), scope_of(vars), git);
        if (decided.verdict != compiler::Verdict::yes) {
            // Still unknown now (a changeset with no earlier successful run to compare with):
            // Jenkins sees no change sets then, so the condition does not hold.
            skip_stage(node, fmt::format("when: {}{}", decided.reason,
                                         decided.verdict == compiler::Verdict::unknown
                                             ? " (undecidable at run time: the stage does not run)"
                                             : ""));
            return {};
        }
    }
    report(stage_event("stage.started", node));
    journal({{"type", "stage.started"}, {"stage", stage.id}});

    std::optional<Cancellation> timed;
    nlohmann::json options_json;
    if (flow.ok()) {
        auto resolved = compiler::resolve_value(member(node, "options"), scope_of(vars));
        flow = resolved.ok() ? Flow{} : Flow::error(resolved.error);
        options_json = std::move(resolved.value);
    }
    if (flow.ok() && options_json.is_object() && options_json.contains("timeout")) {
        std::string error;
        if (auto d = duration_of(options_json["timeout"], error)) {
            timed.emplace(&cancel, Clock::now() + *d);
        } else {
            flow = Flow::error(error);
        }
    }
    const Cancellation& stage_cancel = timed ? *timed : cancel;
    long long attempts = 1;
    if (options_json.is_object() && options_json.contains("retry")) {
        attempts = std::max(1LL, options_json["retry"].value("count", 1LL));
    }
    for (long long attempt = 1; flow.ok() && attempt <= attempts; ++attempt) {
        if (attempt > 1) {
            Event e = stage_event("log", node);
            e.stream = "err";
            e.message = fmt::format("Retrying stage '{}' (attempt {} of {})", stage.name, attempt,
                                    attempts);
            report(e);
        }
        flow = run_stage_body(node, vars, stage_cancel, stage);
        // retry reruns after an error or the stage's own timeout, never after an interrupt.
        const bool retryable = flow.end == Flow::End::error ||
                               (flow.end == Flow::End::interrupted && !stage_cancel.cancelled());
        if (flow.ok() || !retryable || attempt == attempts) {
            break;
        }
        flow = {};
    }
    settle(flow, stage);
    std::optional<Cancellation> detached;
    if (stage_cancel.cancelled() && !cancel.cancelled()) {
        // The stage's own timeout ended it; its post runs under the enclosing token.
    } else if (cancel.cancelled()) {
        detached.emplace(); // post runs after an interrupt, as in Jenkins
    }
    Frame frame{&vars, services.workspace, detached ? &*detached : &cancel, &stage};
    if (Flow post = run_post(member(node, "post"), frame); !post.ok() && flow.ok()) {
        flow = std::move(post);
    }
    Event finished = stage_event("stage.finished", node);
    finished.result = result_name(stage.result);
    finished.duration = since(start);
    if (!flow.ok()) {
        finished.message = flow.message;
    }
    report(finished);
    journal({{"type", "stage.finished"}, {"stage", stage.id}, {"result", finished.result}});
    {
        std::lock_guard lock(stage_results_mutex);
        stage_results.push_back({{"id", stage.id},
                                 {"name", stage.name},
                                 {"result", finished.result},
                                 {"duration_ms", finished.duration.count()}});
    }
    return flow;
}

Flow Executor::run_stage_body(const Json& node, Variables& vars, const Cancellation& cancel,
                              StageRun& stage) {
    if (const Json& input = member(node, "input"); input.is_object()) {
        if (Flow f = ask_input(node, input, vars, cancel); !f.ok()) {
            return f;
        }
    }
    const std::string kind = node.value("kind", "steps");
    if (kind == "steps") {
        Frame frame{&vars, services.workspace, &cancel, &stage};
        return run_steps(top_level(member(node, "steps")), frame);
    }
    if (kind == "parallel" || kind == "matrix") {
        return run_parallel(node, vars, cancel, stage);
    }
    return run_sequence(member(node, "stages"), vars, cancel, stage.name);
}

Flow Executor::run_parallel(const Json& node, const Variables& vars, const Cancellation& cancel,
                            StageRun& stage) {
    (void)stage;
    const Json& branches = member(node, "stages");
    const bool fail_fast = node.value("failFast", false);
    return run_branches(
        branches.size(), &cancel, fail_fast,
        [&](std::size_t i, const Cancellation& group) {
            return run_stage(branches[i], vars, group);
        },
        [&](std::size_t i) { return branches[i].value("name", std::string("?")); });
}

Flow run_branches(std::size_t count, const Cancellation* parent, bool fail_fast,
                  const std::function<Flow(std::size_t, const Cancellation&)>& run,
                  const std::function<std::string(std::size_t)>& name) {
    Cancellation group(parent);
    std::vector<Flow> flows(count);
    std::vector<std::thread> threads;
    threads.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        threads.emplace_back([&, i] {
            flows[i] = run(i, group);
            if (fail_fast && flows[i].end == Flow::End::error) {
                group.cancel(CancelReason::fail_fast, fmt::format("Failed in branch {}", name(i)));
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    for (const auto& f : flows) {
        if (f.end == Flow::End::error ||
            (f.end == Flow::End::interrupted && f.reason != CancelReason::fail_fast)) {
            return f;
        }
    }
    for (const auto& f : flows) {
        if (!f.ok()) {
            return f;
        }
    }
    return {};
}

} // namespace ferry::runtime::detail
