// One step into the plan: its parameters, what it will do, and its block body with the
// variables withEnv and withCredentials bind there.
#include "compiler/plan_cache.hpp"
#include "compiler/plan_detail.hpp"

#include <fmt/format.h>

namespace ferry::compiler::detail {
namespace {

std::string first_line(const nlohmann::ordered_json& value, std::size_t width = 60) {
    std::string_view text;
    if (value.is_string()) {
        text = value.get_ref<const std::string&>();
    } else if (value.is_object()) {
        const auto it = value.find("$template");
        if (it != value.end() && it->is_string()) {
            text = it->get_ref<const std::string&>();
        }
    }
    const auto start = text.find_first_not_of(" \t\r\n");
    text = start == std::string_view::npos ? std::string_view() : text.substr(start);
    std::string line;
    if (const auto nl = text.find('\n'); nl != std::string_view::npos) {
        line.reserve(nl + 4);
        line.append(text.substr(0, nl)).append(" …");
    } else {
        line.assign(text);
    }
    return line.size() > width ? line.substr(0, width) + "…" : line;
}

/// Variables a withEnv or withCredentials body sees.
void bind_block(Planner& planner, const ir::Step& step, const PlanStep& planned, Scope& scope,
                bool active) {
    if (step.kind == "withEnv") {
        const auto it = planned.params.find("overrides");
        if (it == planned.params.end() || !it->is_array()) {
            return;
        }
        for (const auto& item : *it) {
            const std::string text = item.is_string() ? item.get<std::string>()
                                     : item.is_object() && item.contains("$template")
                                         ? item["$template"].get<std::string>()
                                         : std::string();
            const auto eq = text.find('=');
            if (eq == std::string::npos || eq == 0) {
                continue;
            }
            const std::string name = text.substr(0, eq);
            scope.env[name] =
                item.is_string() ? Binding{Binding::Kind::value, EvalValue::of(text.substr(eq + 1))}
                                 : Binding{Binding::Kind::runtime, {}};
        }
        return;
    }
    if (step.kind != "withCredentials") {
        return;
    }
    const ir::Param* bindings = step.param("bindings");
    if (bindings == nullptr || bindings->value.kind != ir::Value::Kind::list) {
        return;
    }
    for (const auto& b : bindings->value.items) {
        if (b.kind != ir::Value::Kind::call && b.kind != ir::Value::Kind::map) {
            continue;
        }
        const bool file_like = b.text == "file" || b.text == "zip";
        for (const auto& [key, v] : b.entries) {
            if (key == "credentialsId" && v.kind == ir::Value::Kind::string && active) {
                (void)planner.credential(v.text, v.span);
            }
            if (v.kind != ir::Value::Kind::string || key.size() < 8 ||
                key.compare(key.size() - 8, 8, "Variable") != 0) {
                if (key != "variable" || v.kind != ir::Value::Kind::string) {
                    continue;
                }
            }
            const bool path = file_like || key == "keyFileVariable" || key == "keystoreVariable";
            scope.env[v.text] = Binding{path ? Binding::Kind::runtime : Binding::Kind::secret, {}};
        }
    }
}

} // namespace

void Planner::plan_step(const ir::Step& step, const StepContext& context) {
    // Built where it stays: moving a PlanStep costs about as much as filling one. The vector was
    // reserved for every step (run()), and nothing else joins it until this step is complete, so
    // `out` stays put; steps planned later may move it, but they come after its last use here.
    auto& steps = result.plan.steps;
    PlanStep& out = steps.emplace_back();
    out.id = step.id;
    out.stage = context.stage_id;
    out.stage_name = context.stage_name;
    out.kind = step.kind;
    out.parent = context.parent;
    out.post = context.post;
    out.branch = context.branch;
    out.file = pipeline.source->path();
    std::tie(out.line, out.column) = line_column(*pipeline.source, step.name_span);
    if (context.when != nullptr && !context.when->reason.empty()) {
        out.when = *context.when;
    } else {
        out.when.reason = "no when condition";
    }
    out.target = target;
    const bool active = !context.skipped;
    const auto* sig = step.signature;
    if (sig != nullptr) {
        out.may_affect.reserve(sig->effects.size());
        for (auto effect : sig->effects) {
            if (effect != stdlib::Effect::none) {
                out.may_affect.emplace_back(stdlib::to_string(effect));
            }
        }
    }
    out.cache = sig != nullptr && sig->cacheable
                    ? PlanCache{"unknown", "", "not predicted"}
                    : PlanCache{"uncacheable", "", step.kind + " is not cacheable"};
    if (step.is_script) {
        out.kind = "script";
        out.action = active ? Action::run : Action::skip;
        if (active) {
            result.diagnostics
                .error("E0705", step.script_span.empty() ? step.span : step.script_span,
                       fmt::format(
                           "stage '{}' needs Groovy: ferry does not execute script {{}} blocks",
                           context.stage_name))
                .notes.push_back({"express it with steps (sh, withEnv, dir, …) or move the "
                                  "logic into a shell script the stage runs",
                                  std::nullopt});
        }
        return;
    }
    if (active && (sig == nullptr || sig->support == stdlib::Support::unsupported)) {
        result.diagnostics.error(
            "E0712", step.name_span,
            sig == nullptr
                ? fmt::format("stage '{}': ferry cannot run '{}': no step of that name is known "
                              "(a shared library's or an unknown plugin's)",
                              context.stage_name, step.kind)
                : fmt::format("stage '{}': ferry cannot run '{}' ({} plugin)", context.stage_name,
                              step.kind, sig->plugin));
    }
    // ordered_json's object is a vector whose keys are const: growing it copies every member,
    // so it is sized first.
    out.params.get_ref<Json::object_t&>().reserve(step.params.size());
    for (const auto& p : step.params) {
        out.params[p.name] = value_json(p.value, *context.scope, active);
    }
    out.defaults.get_ref<Json::object_t&>().reserve(step.defaults.size());
    for (const auto& d : step.defaults) {
        out.defaults[d.name] = d.groovy;
    }
    const bool block = !step.body.empty() || !step.branches.empty();
    out.action = block || out.may_affect.empty() ||
                         (sig != nullptr && sig->support == stdlib::Support::ignored)
                     ? Action::noop
                     : Action::run;
    if (active) {
        describe_effects(step, out, context);
    } else {
        out.action = Action::skip;
    }
    // The steps before this one (a push looks back for its build): all but `out`, the last.
    predict_cache(obs, std::span<const PlanStep>(steps.data(), steps.size() - 1), out);
    if (out.summary.empty()) {
        for (const char* key : {"script", "message", "path", "file", "url", "text"}) {
            if (auto it = out.params.find(key); it != out.params.end()) {
                out.summary = first_line(*it);
                break;
            }
        }
    }
    if (step.body.empty() && step.branches.empty() && step.kind != "withCredentials") {
        return; // a leaf (an empty withCredentials still checks its credential ids in bind_block)
    }
    Scope body_scope;
    body_scope.parent = context.scope;
    bind_block(*this, step, out, body_scope, active); // the last use of `out`
    StepContext inner = context;
    inner.parent = step.id;
    inner.scope = &body_scope;
    plan_steps(step.body, inner);
    for (const auto& branch : step.branches) {
        StepContext in_branch = inner;
        in_branch.branch = branch.name;
        plan_steps(branch.steps, in_branch);
    }
}

} // namespace ferry::compiler::detail
