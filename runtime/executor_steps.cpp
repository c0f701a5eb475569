// One step: its parameters resolved with the variables it sees, then either a block step the
// executor runs itself or a leaf step handed to its driver. Every step reports started and
// finished events and journal records; its output is masked, logged and reported.
#include "runtime/executor_detail.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace ferry::runtime::detail {
namespace {

std::string where(const compiler::PlanStep& step) {
    return fmt::format("{}:{}:{}", step.file, step.line, step.column);
}

std::chrono::milliseconds since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

bool is_block_kind(std::string_view kind) {
    const auto& kinds = executor_block_steps();
    return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

} // namespace

std::vector<const compiler::PlanStep*> Executor::top_level(const Json& ids) const {
    std::vector<const compiler::PlanStep*> out;
    if (!ids.is_array()) {
        return out;
    }
    for (const auto& id : ids) {
        if (!id.is_string()) {
            continue;
        }
        const auto it = steps_by_id.find(id.get<std::string>());
        if (it != steps_by_id.end() && it->second->parent.empty()) {
            out.push_back(it->second);
        }
    }
    return out;
}

std::vector<const compiler::PlanStep*> Executor::body_of(const std::string& id) const {
    const auto it = children.find(id);
    return it != children.end() ? it->second : std::vector<const compiler::PlanStep*>{};
}

Flow Executor::run_steps(const std::vector<const compiler::PlanStep*>& steps, const Frame& frame) {
    Flow last; // its value is the last step's (what waitUntil tests)
    for (const auto* step : steps) {
        if (frame.cancel->cancelled()) {
            return Flow::interrupted(*frame.cancel);
        }
        last = run_step(*step, frame);
        if (!last.ok()) {
            return last;
        }
    }
    return last;
}

Flow Executor::run_step(const compiler::PlanStep& step, const Frame& frame) {
    const auto start = Clock::now();
    report(step_event("step.started", step));
    journal({{"type", "step.started"}, {"step", step.id}, {"kind", step.kind}});
    Flow flow;
    BuildResult result = BuildResult::success;
    std::string message;
    compiler::Resolved params =
        compiler::resolve_value(nlohmann::json(step.params), scope_of(*frame.vars));
    if (!params.ok()) {
        flow = Flow::error(fmt::format("{} ({}): {}", step.kind, where(step), params.error));
    } else if (is_block_kind(step.kind) || !body_of(step.id).empty()) {
        flow = run_block(step, params.value, frame);
    } else if (const auto driver = drivers.find(step.kind); driver == drivers.end()) {
        flow = Flow::error(fmt::format(
            "step '{}' ({}) has no driver in this ferry: it cannot run, so the run fails here "
            "rather than skip it",
            step.kind, where(step)));
    } else {
        StepContext context{step,      std::move(params.value), frame.vars->pairs(),
                            frame.cwd, *frame.cancel,           services,
                            {}};
        context.log = [&](OutputStream stream, std::string_view line) {
            const std::string masked = mask(line);
            const char* name = stream == OutputStream::out ? "out" : "err";
            if (services.record != nullptr) {
                services.record->step_log(step.id).write_line(name, masked);
            }
            for (const auto& tee : frame.tees) {
                tee->write(masked);
            }
            Event e = step_event("log", step);
            e.stream = name;
            e.message = masked;
            reporters.report(e);
        };
        StepOutcome outcome;
        try {
            outcome = driver->second(context);
        } catch (const std::exception& e) {
            outcome = {BuildResult::failure, fmt::format("{} failed: {}", step.kind, e.what()), {}};
        }
        message = outcome.message;
        flow.value = std::move(outcome.value);
        if (outcome.result == BuildResult::unstable) {
            // `unstable`, `junit` with failures: the stage and the build become UNSTABLE and
            // the steps go on.
            frame.stage->result = worse(frame.stage->result, BuildResult::unstable);
            worsen_build(BuildResult::unstable, message);
            result = BuildResult::unstable;
        } else if (outcome.result == BuildResult::aborted || frame.cancel->cancelled()) {
            flow = frame.cancel->cancelled()
                       ? Flow::interrupted(*frame.cancel)
                       : Flow{Flow::End::interrupted, message, CancelReason::interrupted};
        } else if (outcome.result != BuildResult::success) {
            flow = Flow::error(fmt::format("stage '{}', {} at {}: {}", step.stage_name, step.kind,
                                           where(step), message.empty() ? "failed" : message));
        }
    }
    if (flow.end == Flow::End::error) {
        result = BuildResult::failure;
        message = message.empty() ? flow.message : message;
    } else if (flow.end == Flow::End::interrupted) {
        result = BuildResult::aborted;
        message = flow.message;
    }
    Event finished = step_event("step.finished", step);
    finished.result = result_name(result);
    finished.duration = since(start);
    finished.message = message;
    report(finished);
    journal({{"type", "step.finished"}, {"step", step.id}, {"result", finished.result}});
    return flow;
}

} // namespace ferry::runtime::detail
