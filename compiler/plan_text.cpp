// The plan for people: a header, then one line per step under its stage, like Terraform's.
#include "compiler/plan.hpp"

#include <array>
#include <fmt/format.h>
#include <iterator>
#include <string_view>
#include <unordered_map>

namespace ferry::compiler {
namespace {

/// The ANSI colour of a step line: green creates, yellow updates, dim skips, cyan runs.
const char* colour(Action a) {
    return a == Action::create   ? "32"
           : a == Action::update ? "33"
           : a == Action::skip   ? "2"
           : a == Action::run    ? "36"
                                 : "0";
}

std::string header(const Plan& p) {
    std::string out = fmt::format("ferry plan: {} in environment {}", p.pipeline, p.environment);
    if (!p.description.empty()) {
        out += fmt::format(" ({})", p.description);
    }
    out += "\n";
    const auto& t = p.target;
    out += fmt::format("  target: context {} (server {}), namespace {}, registry {}\n",
                       t.context.empty() ? "none" : t.context, t.server, t.namespace_,
                       t.registry.empty() ? "none" : t.registry);
    out += fmt::format(
        "  build: {}; git: {}\n", p.build_number ? std::to_string(*p.build_number) : "unknown",
        p.git.known ? fmt::format("{} at {}", p.git.branch.empty() ? "(detached)" : p.git.branch,
                                  p.git.commit.substr(0, 12))
                    : "unknown (" + p.git.reason + ")");
    if (!p.parameters.empty()) {
        std::string params;
        for (const auto& [k, v] : p.parameters.items()) {
            params += fmt::format("{}{}={}", params.empty() ? "" : ", ", k,
                                  v.is_string() ? v.get<std::string>() : v.dump());
        }
        out += "  parameters: " + params + "\n";
    }
    return out;
}

std::string stage_line(const PlanStep& s) {
    const std::string name = s.stage.empty() ? "post" : "stage " + s.stage;
    if (s.when.result == "false") {
        return fmt::format("{}: skipped, {}", name, s.when.reason);
    }
    if (s.when.result == "unknown" && s.post.empty()) {
        return fmt::format("{}: runs if {}", name, s.when.reason);
    }
    if (s.when.reason != "no when condition" && s.post.empty()) {
        return fmt::format("{}: {}", name, s.when.reason);
    }
    return name;
}

} // namespace

std::string render_text(const Plan& p, const TextOptions& options) {
    std::string out = header(p);
    // Written in place: a plan has thousands of steps, and a string per piece of each line
    // cost more than the rest of rendering.
    out.reserve(out.size() + p.steps.size() * 112);
    auto to = std::back_inserter(out);
    std::unordered_map<std::string_view, int> depth; // step id → nesting under block steps
    depth.reserve(p.steps.size());
    std::string_view stage = "\x01";
    std::array<int, 5> counts{};
    for (const auto& s : p.steps) {
        ++counts[static_cast<std::size_t>(s.action)];
        int d = 0;
        if (!s.parent.empty()) {
            const auto parent = depth.find(s.parent);
            d = (parent != depth.end() ? parent->second : 0) + 1;
        }
        depth.insert_or_assign(s.id, d);
        if (s.stage != stage) {
            out += '\n';
            out += stage_line(s);
            out += '\n';
            stage = s.stage;
        }
        if (options.color) {
            fmt::format_to(to, "\x1b[{}m", colour(s.action));
        }
        fmt::format_to(to, "  {} {:{}}{}", symbol(s.action), "", static_cast<std::size_t>(d) * 2,
                       s.kind);
        if (!s.summary.empty()) {
            out += "  ";
            out += s.summary;
        }
        if (!s.post.empty()) {
            fmt::format_to(to, "  [post {}]", s.post);
        }
        fmt::format_to(to, "  ({})", s.id);
        if (options.color) {
            out += "\x1b[0m";
        }
        out += '\n';
        for (const auto& e : s.effects) {
            fmt::format_to(to, "      {} {}: {} -> {}\n", e.kind, e.target, e.before, e.after);
        }
        if (s.kind == "buildImage" || s.kind == "pushImage" || s.kind == "helmUpgrade") {
            fmt::format_to(to, "      cache {}: {}\n", s.cache.status, s.cache.reason);
        }
    }
    const auto count = [&](Action a) { return counts[static_cast<std::size_t>(a)]; };
    out += fmt::format("\nPlan: {} to create, {} to update, {} to run, {} unchanged, {} skipped.\n",
                       count(Action::create), count(Action::update), count(Action::run),
                       count(Action::noop), count(Action::skip));
    out += fmt::format("Observations: {}\n", p.observations_fingerprint);
    return out;
}

} // namespace ferry::compiler
