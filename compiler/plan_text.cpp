// The plan for people: a header, then one line per step under its stage, like Terraform's.
#include "compiler/plan.hpp"

#include <fmt/format.h>
#include <map>

namespace ferry::compiler {
namespace {

std::string paint(const TextOptions& o, Action a, const std::string& text) {
    if (!o.color) {
        return text;
    }
    const char* code = a == Action::create   ? "32"
                       : a == Action::update ? "33"
                       : a == Action::skip   ? "2"
                       : a == Action::run    ? "36"
                                             : "0";
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
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
    std::map<std::string, int> depth;
    std::string stage = "\x01";
    std::map<Action, int> counts;
    for (const auto& s : p.steps) {
        ++counts[s.action];
        const int d = s.parent.empty() ? 0 : depth[s.parent] + 1;
        depth[s.id] = d;
        if (s.stage != stage || (s.stage.empty() && s.parent.empty())) {
            if (s.stage != stage) {
                out += "\n" + stage_line(s) + "\n";
            }
            stage = s.stage;
        }
        std::string line = fmt::format("  {} {}{}", symbol(s.action),
                                       std::string(static_cast<std::size_t>(d) * 2, ' '), s.kind);
        if (!s.summary.empty()) {
            line += "  " + s.summary;
        }
        if (!s.post.empty()) {
            line += fmt::format("  [post {}]", s.post);
        }
        line += fmt::format("  ({})", s.id);
        out += paint(options, s.action, line) + "\n";
        for (const auto& e : s.effects) {
            out += fmt::format("      {} {}: {} -> {}\n", e.kind, e.target, e.before, e.after);
        }
        if (s.kind == "buildImage" || s.kind == "pushImage") {
            out += fmt::format("      cache {}: {}\n", s.cache.status, s.cache.reason);
        }
    }
    out += fmt::format("\nPlan: {} to create, {} to update, {} to run, {} unchanged, {} skipped.\n",
                       counts[Action::create], counts[Action::update], counts[Action::run],
                       counts[Action::noop], counts[Action::skip]);
    out += fmt::format("Observations: {}\n", p.observations_fingerprint);
    return out;
}

} // namespace ferry::compiler
