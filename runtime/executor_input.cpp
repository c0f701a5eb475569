// A stage's `input`: approved in advance (`--approve ID`, `*` for all), by a prompt on a
// terminal, or else the run fails saying how to approve it. A refusal aborts, as in Jenkins.
#include "runtime/executor_detail.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <iostream>

namespace ferry::runtime::detail {
namespace {

/// Reads y/yes (approve) or anything else from stdin, after the question on stderr.
bool ask_on_terminal(const std::string& message, const std::string& ok, const std::string& id) {
    std::cerr << fmt::format("\n{}\n  [{}] proceed? (y = {}, anything else aborts; input id {}) ",
                             message, id, ok.empty() ? "Proceed" : ok, id)
              << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) {
        return false;
    }
    return answer == "y" || answer == "Y" || answer == "yes" || answer == "Yes";
}

} // namespace

Flow Executor::ask_input(const Json& node, const Json& input, Variables& vars,
                         const Cancellation& cancel) {
    const std::string message = input.value("message", "");
    // Jenkins derives a default id from the message; ferry uses the stage's id, which people
    // can read and type.
    std::string id = input.value("id", "");
    if (id.empty()) {
        id = node.value("id", "");
    }
    Event waiting = stage_event("input.waiting", node);
    waiting.message = message;
    waiting.data["id"] = id;
    report(waiting);
    const auto& approvals = options.approvals;
    bool approved = std::any_of(approvals.begin(), approvals.end(),
                                [&](const std::string& a) { return a == id || a == "*"; });
    std::string how = "--approve";
    bool answered = approved;
    if (!approved && (options.ask || options.prompt) && !cancel.cancelled()) {
        approved = options.ask ? options.ask(message, id)
                               : ask_on_terminal(message, input.value("ok", ""), id);
        answered = true;
        how = "prompt";
    }
    Event answer = stage_event("input.answered", node);
    answer.data["id"] = id;
    answer.data["approved"] = approved;
    answer.data["by"] = how;
    if (!answered) {
        answer.message = fmt::format("input '{}' needs approval and nobody can answer here: rerun "
                                     "with --approve {} (or --approve '*')",
                                     id, id);
        report(answer);
        return Flow::error(answer.message);
    }
    if (!approved) {
        answer.message = fmt::format("input '{}' was refused: {}", id, message);
        report(answer);
        return {Flow::End::interrupted, fmt::format("Rejected: input '{}'", id),
                CancelReason::interrupted};
    }
    answer.message = fmt::format("input '{}' approved ({})", id, how);
    report(answer);
    // Approved with its parameters' defaults; the submitter is whoever runs ferry.
    for (const auto& p : input.value("parameters", Json::array())) {
        const Json& params = p.value("params", Json::object());
        const std::string name = params.value("name", "");
        if (name.empty()) {
            continue;
        }
        auto value =
            compiler::resolve_value(params.value("defaultValue", Json("")), scope_of(vars));
        vars.set(name,
                 value.value.is_string() ? value.value.get<std::string>() : value.value.dump());
    }
    if (const std::string who = input.value("submitterParameter", ""); !who.empty()) {
        vars.set(who, vars.get("USER").value_or("ferry"));
    }
    return {};
}

} // namespace ferry::runtime::detail
