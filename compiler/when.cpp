// decide_when(): Jenkins' `when` conditions at plan time, each result with its reason.
#include "compiler/when.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <regex>

namespace ferry::compiler {
namespace {

WhenResult yes(std::string reason) {
    return {Verdict::yes, std::move(reason), std::nullopt};
}
WhenResult no(std::string reason) {
    return {Verdict::no, std::move(reason), std::nullopt};
}
WhenResult unknown(std::string reason) {
    return {Verdict::unknown, std::move(reason), std::nullopt};
}
WhenResult error(EvalError e) {
    return {Verdict::unknown, e.message, std::move(e)};
}

char fold(char c, bool case_sensitive) {
    return case_sensitive ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool glob_at(std::string_view p, std::string_view t, bool cs) {
    while (!p.empty()) {
        if (p.substr(0, 2) == "**") {
            p.remove_prefix(p.size() > 2 && p[2] == '/' ? 3 : 2);
            for (std::size_t i = 0; i <= t.size(); ++i) {
                if (glob_at(p, t.substr(i), cs)) {
                    return true;
                }
            }
            return false;
        }
        if (p.front() == '*') {
            p.remove_prefix(1);
            for (std::size_t i = 0; i <= t.size(); ++i) {
                if (glob_at(p, t.substr(i), cs)) {
                    return true;
                }
                if (i < t.size() && t[i] == '/') {
                    break;
                }
            }
            return false;
        }
        if (t.empty() ||
            (p.front() == '?' ? t.front() == '/' : fold(p.front(), cs) != fold(t.front(), cs))) {
            return false;
        }
        p.remove_prefix(1);
        t.remove_prefix(1);
    }
    return t.empty();
}

/// The condition's parameter as a known string; deferred or failed evaluations are returned.
struct Text {
    std::optional<std::string> value;
    std::optional<WhenResult> early;
};

Text text_param(const ir::Condition& c, std::string_view name, const Scope& scope,
                std::string fallback = {}) {
    const auto it = std::find_if(c.params.begin(), c.params.end(),
                                 [&](const ir::Param& p) { return p.name == name; });
    if (it == c.params.end()) {
        return {fallback, std::nullopt};
    }
    Evaluated v = evaluate(it->value, scope);
    if (v.error) {
        return {std::nullopt, error(*v.error)};
    }
    if (!v.value) {
        return {std::nullopt,
                unknown(fmt::format("{}'s {} is only known at run time", c.kind, name))};
    }
    return {to_text(*v.value), std::nullopt};
}

bool compare(std::string_view comparator, const std::string& pattern, const std::string& actual,
             bool case_sensitive) {
    std::string upper(comparator);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (upper == "REGEXP") {
        try {
            auto flags = std::regex::ECMAScript;
            if (!case_sensitive) {
                flags |= std::regex::icase;
            }
            return std::regex_match(actual, std::regex(pattern, flags));
        } catch (const std::regex_error&) {
            return false;
        }
    }
    if (upper == "EQUALS") {
        if (case_sensitive) {
            return pattern == actual;
        }
        return pattern.size() == actual.size() &&
               std::equal(pattern.begin(), pattern.end(), actual.begin(),
                          [](char a, char b) { return fold(a, false) == fold(b, false); });
    }
    return ant_glob_match(pattern, actual, case_sensitive);
}

/// A fact from the stage's variables: BRANCH_NAME, TAG_NAME.
struct Fact {
    std::optional<std::string> value; ///< empty: not set
    bool known = true;
};

Fact fact(const Scope& scope, std::string_view name) {
    const Binding* b = scope.variable(name);
    if (b == nullptr) {
        return {std::nullopt, true};
    }
    if (b->kind != Binding::Kind::value) {
        return {std::nullopt, false};
    }
    return {to_text(b->value), true};
}

std::string git_reason(const GitObservation& git) {
    return git.reason.empty() ? "git state unknown" : "git state unknown: " + git.reason;
}

WhenResult decide_pattern(const ir::Condition& c, const Scope& scope, const GitObservation& git,
                          std::string_view variable, std::string_view what) {
    auto pattern = text_param(c, "pattern", scope);
    if (pattern.early) {
        return *pattern.early;
    }
    auto comparator = text_param(c, "comparator", scope, "GLOB");
    if (comparator.early) {
        return *comparator.early;
    }
    const Fact f = fact(scope, variable);
    if (!f.known) {
        return unknown(fmt::format("{} unknown ({})", what, git_reason(git)));
    }
    if (!f.value || f.value->empty()) {
        return no(fmt::format("no {} is being built ({} is not set)", what, variable));
    }
    if (compare(*comparator.value, *pattern.value, *f.value, true)) {
        return yes(fmt::format("{} '{}' matches '{}'", what, *f.value, *pattern.value));
    }
    return no(fmt::format("{} '{}' does not match '{}'", what, *f.value, *pattern.value));
}

WhenResult decide_changeset(const ir::Condition& c, const Scope& scope, const GitObservation& git) {
    auto pattern = text_param(c, "pattern", scope);
    if (pattern.early) {
        return *pattern.early;
    }
    auto comparator = text_param(c, "comparator", scope, "GLOB");
    auto sensitive = text_param(c, "caseSensitive", scope, "false");
    if (comparator.early || sensitive.early) {
        return comparator.early ? *comparator.early : *sensitive.early;
    }
    if (git.known != Known::yes) {
        return unknown(fmt::format("changed files unknown ({})", git_reason(git)));
    }
    if (!git.changed_files) {
        return unknown("changed files unknown: no successful run of this pipeline and "
                       "environment is recorded in .ferry/ to compare with");
    }
    const bool cs = *sensitive.value == "true";
    for (const auto& file : *git.changed_files) {
        if (compare(*comparator.value, *pattern.value, file, cs)) {
            return yes(fmt::format("'{}' changed, matching '{}'", file, *pattern.value));
        }
    }
    return no(fmt::format("none of the {} file(s) changed since the last successful run matches "
                          "'{}'",
                          git.changed_files->size(), *pattern.value));
}

WhenResult decide_changelog(const ir::Condition& c, const Scope& scope, const GitObservation& git) {
    auto pattern = text_param(c, "pattern", scope);
    if (pattern.early) {
        return *pattern.early;
    }
    if (git.known != Known::yes) {
        return unknown(fmt::format("changelog unknown ({})", git_reason(git)));
    }
    if (!git.previous_successful_commit) {
        return unknown("changelog unknown: no successful run of this pipeline and environment "
                       "is recorded in .ferry/");
    }
    std::regex re;
    try {
        re = std::regex(*pattern.value, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
        return no(fmt::format("'{}' is not a valid regular expression", *pattern.value));
    }
    for (const auto& message : git.changelog) {
        if (std::regex_match(message, re)) {
            return yes(fmt::format("a commit message since the last successful run matches '{}'",
                                   *pattern.value));
        }
    }
    return no(fmt::format("no commit message since the last successful run matches '{}'",
                          *pattern.value));
}

WhenResult decide_environment(const ir::Condition& c, const Scope& scope) {
    auto name = text_param(c, "name", scope);
    auto value = text_param(c, "value", scope);
    auto ignore_case = text_param(c, "ignoreCase", scope, "false");
    for (const auto* t : {&name, &value, &ignore_case}) {
        if (t->early) {
            return *t->early;
        }
    }
    const Binding* b = scope.variable(*name.value);
    if (b == nullptr) {
        return no(fmt::format("{} is not set", *name.value));
    }
    if (b->kind != Binding::Kind::value) {
        return unknown(fmt::format("{} is only known at run time", *name.value));
    }
    const std::string actual = to_text(b->value);
    if (compare("EQUALS", *value.value, actual, *ignore_case.value != "true")) {
        return yes(fmt::format("{} is '{}'", *name.value, actual));
    }
    return no(fmt::format("{} is '{}', not '{}'", *name.value, actual, *value.value));
}

std::string shown(const EvalValue& v) {
    return v.kind == EvalValue::Kind::string ? "'" + v.text + "'" : to_text(v);
}

WhenResult decide_equals(const ir::Condition& c, const Scope& scope) {
    const ir::Param* expected = nullptr;
    const ir::Param* actual = nullptr;
    for (const auto& p : c.params) {
        if (p.name == "expected") {
            expected = &p;
        } else if (p.name == "actual") {
            actual = &p;
        }
    }
    if (expected == nullptr || actual == nullptr) {
        return no("equals needs expected and actual");
    }
    Evaluated e = evaluate(expected->value, scope);
    Evaluated a = evaluate(actual->value, scope);
    if (e.error || a.error) {
        return error(e.error ? *e.error : *a.error);
    }
    if (!e.value || !a.value) {
        return unknown("equals compares a value only known at run time");
    }
    if (e.secret || a.secret) {
        return unknown("equals compares a secret, which is only known at run time");
    }
    if (groovy_equals(*e.value, *a.value)) {
        return yes(fmt::format("{} equals {}", shown(*a.value), shown(*e.value)));
    }
    return no(fmt::format("{} does not equal {}", shown(*a.value), shown(*e.value)));
}

WhenResult decide_expression(const ir::Condition& c, const Scope& scope) {
    const std::string text = c.expression_text.value_or("");
    ParsedBody body = parse_expression_body(text, c.expression_span.begin);
    const std::string shown_text = [&] {
        std::string t = text;
        t.erase(0, t.find_first_not_of(" \t\r\n"));
        t.erase(t.find_last_not_of(" \t\r\n") + 1);
        return t;
    }();
    if (!body.expr) {
        return error({"E0707", c.expression_span, "when expression {}: " + body.error});
    }
    Evaluated v = evaluate(**body.expr, scope);
    if (v.error) {
        return error(*v.error);
    }
    if (!v.value) {
        std::string names;
        for (const auto& n : v.deferred) {
            names += (names.empty() ? "" : ", ") + n;
        }
        return unknown(fmt::format("expression `{}` depends on {}, only known at run time",
                                   shown_text, names));
    }
    return truthy(*v.value) ? yes(fmt::format("expression `{}` is true", shown_text))
                            : no(fmt::format("expression `{}` is false", shown_text));
}

WhenResult combine(const std::vector<ir::Condition>& children, const Scope& scope,
                   const GitObservation& git, bool all) {
    std::vector<std::string> unknowns;
    std::vector<std::string> decided;
    for (const auto& child : children) {
        WhenResult r = decide_condition(child, scope, git);
        if (r.error) {
            return r;
        }
        if (r.verdict == (all ? Verdict::no : Verdict::yes)) {
            return r; // decides the whole
        }
        (r.verdict == Verdict::unknown ? unknowns : decided).push_back(std::move(r.reason));
    }
    const auto join = [](const std::vector<std::string>& parts) {
        std::string out;
        for (const auto& p : parts) {
            out += (out.empty() ? "" : "; ") + p;
        }
        return out;
    };
    if (!unknowns.empty()) {
        return unknown(join(unknowns));
    }
    return {all ? Verdict::yes : Verdict::no, join(decided), std::nullopt};
}

} // namespace

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
    case Verdict::yes:
        return "true";
    case Verdict::no:
        return "false";
    case Verdict::unknown:
        return "unknown";
    }
    return "unknown";
}

bool ant_glob_match(std::string_view pattern, std::string_view text, bool case_sensitive) {
    return glob_at(pattern, text, case_sensitive);
}

WhenResult decide_condition(const ir::Condition& c, const Scope& scope, const GitObservation& git) {
    if (c.kind == "branch") {
        return decide_pattern(c, scope, git, "BRANCH_NAME", "branch");
    }
    if (c.kind == "tag") {
        return decide_pattern(c, scope, git, "TAG_NAME", "tag");
    }
    if (c.kind == "buildingTag") {
        const Fact f = fact(scope, "TAG_NAME");
        if (!f.known) {
            return unknown(
                fmt::format("whether a tag is being built is unknown ({})", git_reason(git)));
        }
        return f.value && !f.value->empty()
                   ? yes(fmt::format("building tag '{}'", *f.value))
                   : no("not building a tag (no tag points at the commit)");
    }
    if (c.kind == "changeset") {
        return decide_changeset(c, scope, git);
    }
    if (c.kind == "changelog") {
        return decide_changelog(c, scope, git);
    }
    if (c.kind == "environment") {
        return decide_environment(c, scope);
    }
    if (c.kind == "equals") {
        return decide_equals(c, scope);
    }
    if (c.kind == "expression") {
        return decide_expression(c, scope);
    }
    if (c.kind == "not") {
        if (c.children.size() != 1) {
            return no("not needs exactly one condition");
        }
        WhenResult r = decide_condition(c.children[0], scope, git);
        if (r.error || r.verdict == Verdict::unknown) {
            return r;
        }
        r.verdict = r.verdict == Verdict::yes ? Verdict::no : Verdict::yes;
        r.reason = "not: " + r.reason;
        return r;
    }
    if (c.kind == "allOf" || c.kind == "anyOf") {
        return combine(c.children, scope, git, c.kind == "allOf");
    }
    if (c.kind == "changeRequest") {
        const Fact f = fact(scope, "CHANGE_ID");
        return f.value ? unknown("a change request is being built; ferry does not match its fields")
                       : no("not building a change request (CHANGE_ID is not set)");
    }
    if (c.kind == "triggeredBy") {
        auto cause = text_param(c, "cause", scope);
        if (cause.early) {
            return *cause.early;
        }
        return *cause.value == "UserIdCause" || *cause.value == "user"
                   ? yes("ferry runs are started by a person (UserIdCause)")
                   : no(fmt::format("ferry runs are started by a person, not by {}", *cause.value));
    }
    if (c.kind == "isRestartedRun") {
        return no("ferry does not restart runs from a stage");
    }
    return unknown(fmt::format("ferry cannot decide the condition {} at plan time", c.kind));
}

WhenResult decide_when(const ir::When& when, const Scope& scope, const GitObservation& git) {
    return combine(when.conditions, scope, git, true);
}

} // namespace ferry::compiler
