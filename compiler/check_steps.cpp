// Steps: the ones Declarative forbids, the legacy `parallel(...)` form, names against the
// catalogue (an unknown name is an error, a name ferry will not run a warning), and arguments.

#include "compiler/check_context.hpp"

#include <fmt/format.h>

namespace ferry::compiler::detail {

namespace {

namespace model = grammar::model;

/// A step Declarative forbids in a steps block: the catalogue holds the plugin's message.
void report_blocked(Checker& checker, const model::Step& step, Code code,
                    const stdlib::Signature* signature) {
    checker.error(code, step.call.name_span,
                  signature && !signature->rejected.empty()
                      ? std::string(signature->rejected)
                      : fmt::format(R"(Invalid step "{}" used - not allowed in this context)",
                                    step.call.name));
}

/// `parallel(a: {...}, b: {...})`: allowed only as the one step of a stage's (or a post
/// condition's) steps block; each branch must hold steps.
void check_legacy_parallel(Checker& checker, const model::Step& step, bool alone,
                           StepsPlace place) {
    const bool allowed =
        alone && !step.call.has_block && (place == StepsPlace::stage || place == StepsPlace::post);
    if (!allowed) {
        report_blocked(checker, step, Code::E0320,
                       stdlib::find(stdlib::Kind::step, step.call.name));
        return;
    }
    for (const auto& branch : step.branches) {
        if (!branch.steps || branch.steps->steps.empty()) {
            checker.error(Code::E0306, branch.name_span, "No steps specified for branch");
        } else {
            check_steps(checker, *branch.steps, StepsPlace::branch);
        }
    }
}

/// A name nobody here defines. Close to a known step it is a typo: an error with the fix.
/// Otherwise it may come from a shared library (loaded explicitly or implicitly by the
/// controller) or a plugin ferry does not know, as Jenkins itself assumes until run time:
/// a warning that ferry cannot run it.
void report_unknown_step(Checker& checker, const model::Step& step) {
    const auto& name = step.call.name;
    if (checker.defined_in_file(name)) {
        return;
    }
    const auto known = stdlib::names(stdlib::Kind::step);
    const auto typo = checker.uses_library() ? std::nullopt : grammar::closest_match(name, known);
    if (typo) {
        auto& diagnostic = checker.error(Code::E0414, step.call.name_span,
                                         fmt::format(R"(No such step "{}")", name));
        checker.suggest(diagnostic, name, known);
        return;
    }
    if (checker.options().warn_unsupported) {
        checker.warning(Code::W0506, step.call.name_span,
                        fmt::format(R"(step "{}" is not defined here: ferry assumes it comes from )"
                                    "a shared library or a plugin it does not know, and cannot "
                                    "run it",
                                    name));
    }
}

void check_step(Checker& checker, const model::Step& step, bool alone, StepsPlace place) {
    if (step.is_script) {
        return; // its Groovy is an island: check() warns about it once
    }
    if (step.call.name == "parallel") {
        check_legacy_parallel(checker, step, alone, place);
        return;
    }
    const auto* signature = stdlib::find(stdlib::Kind::step, step.call.name);
    if (signature && !signature->rejected.empty()) {
        report_blocked(checker, step, Code::E0319, signature);
        return;
    }
    if (signature) {
        checker.warn_support(*signature, step.call.name_span);
        check_describable(checker, view_of(step.call), *signature, signature->takes_block);
    } else {
        report_unknown_step(checker, step);
    }
    if (step.body) {
        check_steps(checker, *step.body, StepsPlace::block);
    }
}

} // namespace

void check_steps(Checker& checker, const model::Steps& steps, StepsPlace place) {
    if (steps.steps.empty() && place != StepsPlace::block) {
        checker.error(Code::E0306, head(steps.span, 5), "No steps specified for branch");
    }
    for (const auto& step : steps.steps) {
        check_step(checker, step, steps.steps.size() == 1, place);
    }
}

} // namespace ferry::compiler::detail
