// Lowering of steps, `when` conditions, post blocks and environment entries.
#include "compiler/lower_detail.hpp"

namespace ferry::compiler::detail {

namespace model = grammar::model;

std::string id_segment(std::string_view name) {
    std::string out;
    for (char ch : name) {
        if (ch == '/') {
            out += "%2F";
        } else if (ch == '%') {
            out += "%25";
        } else {
            out += ch;
        }
    }
    return out;
}

namespace {

ir::Step lower_step(const model::Step& step, std::string id) {
    ir::Step out;
    out.id = std::move(id);
    out.kind = step.call.name;
    out.span = step.call.span;
    out.name_span = step.call.name_span;
    out.signature = stdlib::find(stdlib::Kind::step, step.call.name);
    out.is_script = step.is_script;
    out.script_span = step.script_span;
    if (step.is_script) {
        return out;
    }
    if (!step.branches.empty()) {
        for (const auto& branch : step.branches) {
            ir::StepBranch b;
            b.name = branch.name;
            b.span = branch.name_span;
            if (branch.steps) {
                b.steps = lower_steps(*branch.steps, out.id + "." + id_segment(branch.name) + ".");
            }
            out.branches.push_back(std::move(b));
        }
        out.fail_fast = step.branches_fail_fast.value_or(false);
        return out;
    }
    out.params = bind_arguments(step.call, out.signature);
    out.defaults = defaults_left(out.params, out.signature);
    if (step.body) {
        out.body = lower_steps(*step.body, out.id + ".");
    }
    return out;
}

} // namespace

std::vector<ir::Step> lower_steps(const model::Steps& steps, const std::string& prefix) {
    std::vector<ir::Step> out;
    out.reserve(steps.steps.size());
    for (std::size_t i = 0; i < steps.steps.size(); ++i) {
        out.push_back(lower_step(steps.steps[i], prefix + std::to_string(i + 1)));
    }
    return out;
}

} // namespace ferry::compiler::detail

namespace ferry::compiler::ir {

const Param* Step::param(std::string_view name) const {
    const auto it =
        std::find_if(params.begin(), params.end(), [&](const Param& p) { return p.name == name; });
    return it == params.end() ? nullptr : &*it;
}

const std::vector<std::string_view>& post_order() {
    // Jenkins' BuildCondition order: the order post blocks run in, whatever the file says.
    static const std::vector<std::string_view> order = {
        "always",       "changed",  "fixed",   "regression", "aborted", "success",
        "unsuccessful", "unstable", "failure", "notBuilt",   "cleanup",
    };
    return order;
}

std::string_view to_string(StageKind kind) {
    switch (kind) {
    case StageKind::steps:
        return "steps";
    case StageKind::sequential:
        return "sequential";
    case StageKind::parallel:
        return "parallel";
    case StageKind::matrix:
        return "matrix";
    }
    return "steps";
}

} // namespace ferry::compiler::ir
