// Turning pod and event JSON into the reasons a rollout is stuck.
#include "runtime/deploy_diagnose.hpp"

#include <fmt/format.h>
#include <set>

namespace ferry::runtime {
namespace {

std::string text(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const nlohmann::json& child(const nlohmann::json& object, const char* key) {
    static const nlohmann::json none;
    if (!object.is_object()) {
        return none;
    }
    const auto it = object.find(key);
    return it == object.end() ? none : *it;
}

std::string with_message(std::string reason, const std::string& message) {
    return message.empty() ? reason : reason + ": " + message;
}

void container_problems(const std::string& pod, const nlohmann::json& statuses,
                        std::vector<std::string>& out) {
    if (!statuses.is_array()) {
        return;
    }
    for (const auto& status : statuses) {
        const auto name = text(status, "name");
        const auto& waiting = child(child(status, "state"), "waiting");
        if (waiting.is_object() && !text(waiting, "reason").empty() &&
            text(waiting, "reason") != "ContainerCreating" &&
            text(waiting, "reason") != "PodInitializing") {
            out.push_back(
                fmt::format("pod {} container {}: {}", pod, name,
                            with_message(text(waiting, "reason"), text(waiting, "message"))));
        }
        const auto& last = child(child(status, "lastState"), "terminated");
        if (last.is_object()) {
            const auto code = child(last, "exitCode");
            out.push_back(
                fmt::format("pod {} container {}: last terminated ({}, exit code {}){}", pod, name,
                            text(last, "reason"), code.is_number() ? code.dump() : "?",
                            text(last, "message").empty() ? "" : ": " + text(last, "message")));
        }
    }
}

void pod_conditions(const std::string& pod, const nlohmann::json& status,
                    std::vector<std::string>& out) {
    const auto& conditions = child(status, "conditions");
    if (!conditions.is_array()) {
        return;
    }
    for (const auto& c : conditions) {
        if (text(c, "status") == "False" && !text(c, "reason").empty() &&
            text(c, "reason") != "ContainersNotReady") {
            out.push_back(fmt::format("pod {}: {} {}", pod, text(c, "type"),
                                      with_message(text(c, "reason"), text(c, "message"))));
        }
    }
}

} // namespace

std::vector<std::string> pod_problems(const nlohmann::json& pods, const nlohmann::json& events) {
    std::vector<std::string> out;
    std::set<std::string> names;
    for (const auto& pod :
         child(pods, "items").is_array() ? child(pods, "items") : nlohmann::json::array()) {
        const auto name = text(child(pod, "metadata"), "name");
        names.insert(name);
        const auto& status = child(pod, "status");
        const auto phase = text(status, "phase");
        const auto before = out.size();
        pod_conditions(name, status, out);
        container_problems(name, child(status, "initContainerStatuses"), out);
        container_problems(name, child(status, "containerStatuses"), out);
        if (out.size() == before && phase != "Running" && phase != "Succeeded" && !phase.empty()) {
            out.push_back(
                fmt::format("pod {}: {}", name, with_message(phase, text(status, "message"))));
        }
    }
    std::set<std::string> seen; // events repeat: one line per object and reason
    for (const auto& event :
         child(events, "items").is_array() ? child(events, "items") : nlohmann::json::array()) {
        if (text(event, "type") != "Warning") {
            continue;
        }
        const auto& object = child(event, "involvedObject");
        const auto line = fmt::format("{} {}: event {}", text(object, "kind"), text(object, "name"),
                                      with_message(text(event, "reason"), text(event, "message")));
        if (seen.insert(line).second) {
            out.push_back(line);
        }
    }
    return out;
}

std::string summarise_problems(const std::vector<std::string>& problems, std::size_t limit) {
    std::string out;
    for (std::size_t i = 0; i < problems.size() && i < limit; ++i) {
        out += "\n  " + problems[i];
    }
    if (problems.size() > limit) {
        out += fmt::format("\n  … and {} more", problems.size() - limit);
    }
    return out;
}

} // namespace ferry::runtime
