// Binary operators and number literals of the safe evaluator.
#include "compiler/evaluate_detail.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <regex>

namespace ferry::compiler::detail {
namespace {

namespace syntax = grammar::syntax;
using K = EvalValue::Kind;

bool numeric(const EvalValue& v) {
    return v.kind == K::integer || v.kind == K::number;
}
double as_double(const EvalValue& v) {
    return v.kind == K::integer ? static_cast<double>(v.integer) : v.number;
}

/// `regex` compiled as ECMAScript, which agrees with Java's syntax on what pipelines use.
std::optional<std::regex> compile(const std::string& pattern) {
    try {
        return std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
        return std::nullopt;
    }
}

Evaluated arithmetic(const syntax::Expr& e, const EvalValue& a, const EvalValue& b) {
    if (e.op == "+") {
        if (a.kind == K::string || b.kind == K::string) {
            return known(EvalValue::of(to_text(a) + to_text(b)));
        }
        if (a.kind == K::list) {
            EvalValue out = a;
            if (b.kind == K::list) {
                out.items.insert(out.items.end(), b.items.begin(), b.items.end());
            } else {
                out.items.push_back(b);
            }
            return known(std::move(out));
        }
    }
    if (!numeric(a) || !numeric(b)) {
        return fail(
            "E0706", e.span,
            fmt::format("`{}` needs numbers here (or a string on either side of `+`)", e.op));
    }
    if (a.kind == K::integer && b.kind == K::integer && e.op != "/") {
        if (e.op == "+") {
            return known(EvalValue::of(a.integer + b.integer));
        }
        if (e.op == "-") {
            return known(EvalValue::of(a.integer - b.integer));
        }
        if (e.op == "*") {
            return known(EvalValue::of(a.integer * b.integer));
        }
        if (b.integer == 0) {
            return fail("E0706", e.span, "division by zero");
        }
        return known(EvalValue::of(a.integer % b.integer));
    }
    const double x = as_double(a);
    const double y = as_double(b);
    if ((e.op == "/" || e.op == "%") && y == 0) {
        return fail("E0706", e.span, "division by zero");
    }
    if (e.op == "+") {
        return known(EvalValue::of_number(x + y));
    }
    if (e.op == "-") {
        return known(EvalValue::of_number(x - y));
    }
    if (e.op == "*") {
        return known(EvalValue::of_number(x * y));
    }
    if (e.op == "/") {
        return known(EvalValue::of_number(x / y));
    }
    return fail("E0706", e.span, "`%` needs integers");
}

Evaluated compare(const syntax::Expr& e, const EvalValue& a, const EvalValue& b) {
    if (e.op == "==") {
        return known(EvalValue::of(groovy_equals(a, b)));
    }
    if (e.op == "!=") {
        return known(EvalValue::of(!groovy_equals(a, b)));
    }
    int order = 0;
    if (numeric(a) && numeric(b)) {
        order = as_double(a) < as_double(b) ? -1 : as_double(a) > as_double(b) ? 1 : 0;
    } else if (a.kind == K::string && b.kind == K::string) {
        order = a.text.compare(b.text) < 0 ? -1 : a.text == b.text ? 0 : 1;
    } else {
        return fail("E0706", e.span, fmt::format("`{}` compares two numbers or two strings", e.op));
    }
    const bool result = e.op == "<"    ? order < 0
                        : e.op == "<=" ? order <= 0
                        : e.op == ">"  ? order > 0
                                       : order >= 0;
    return known(EvalValue::of(result));
}

Evaluated match(const syntax::Expr& e, const EvalValue& a, const EvalValue& b) {
    const auto re = compile(to_text(b));
    if (!re) {
        return fail("E0706", e.rhs->span,
                    fmt::format("`{}` is not a valid regular expression", to_text(b)));
    }
    const std::string subject = to_text(a);
    return known(EvalValue::of(e.op == "==~" ? std::regex_match(subject, *re)
                                             : std::regex_search(subject, *re)));
}

/// `&&`, `||` and the elvis decide from their left side when it is known.
std::optional<Evaluated> short_circuit(const syntax::Expr& e, const Evaluated& left) {
    if (!left.value) {
        return std::nullopt;
    }
    if (e.op == "&&" && !truthy(*left.value)) {
        return known(EvalValue::of(false));
    }
    if (e.op == "||" && truthy(*left.value)) {
        return known(EvalValue::of(true));
    }
    if (e.op == "?:" && truthy(*left.value)) {
        return left;
    }
    return std::nullopt;
}

bool is_supported(std::string_view op) {
    static constexpr std::string_view ops[] = {"&&", "||", "?:", "+", "-",  "*",  "/",   "%", "==",
                                               "!=", "<",  "<=", ">", ">=", "=~", "==~", "in"};
    return std::find(std::begin(ops), std::end(ops), op) != std::end(ops);
}

} // namespace

Evaluated number_literal(const syntax::Expr& e) {
    std::string digits;
    for (char ch : e.value) {
        if (ch != '_') {
            digits += ch;
        }
    }
    if (!digits.empty() && (digits.back() == 'L' || digits.back() == 'l')) {
        digits.pop_back();
    }
    long long i = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), i);
    if (ec == std::errc{} && ptr == digits.data() + digits.size()) {
        return known(EvalValue::of(i));
    }
    double d = 0;
    const auto [p2, ec2] = std::from_chars(digits.data(), digits.data() + digits.size(), d);
    if (ec2 == std::errc{} && p2 == digits.data() + digits.size()) {
        return known(EvalValue::of_number(d));
    }
    return fail("E0706", e.span,
                fmt::format("the number `{}` is outside the safe subset", e.value));
}

Evaluated binary(const syntax::Expr& e, const Scope& scope) {
    if (!e.target || !e.rhs || !is_supported(e.op)) {
        return fail("E0706", e.span,
                    fmt::format("the operator `{}` is outside the safe subset", e.op));
    }
    Evaluated left = evaluate(*e.target, scope);
    if (left.error) {
        return left;
    }
    if (auto decided = short_circuit(e, left)) {
        return *decided;
    }
    Evaluated right = evaluate(*e.rhs, scope);
    if (right.error) {
        return right;
    }
    if (e.op == "&&" || e.op == "||") {
        if (right.value && (e.op == "&&" ? !truthy(*right.value) : truthy(*right.value))) {
            return known(EvalValue::of(e.op == "||")); // decided by the right side alone
        }
        if (left.value && right.value) {
            return known(EvalValue::of(truthy(*right.value)));
        }
    } else if (e.op == "?:" && left.value) {
        return right;
    } else if (left.value && right.value) {
        const auto& a = *left.value;
        const auto& b = *right.value;
        if (e.op == "=~" || e.op == "==~") {
            return match(e, a, b);
        }
        if (e.op == "in") {
            if (b.kind != K::list) {
                return fail("E0706", e.rhs->span, "`in` needs a list on its right");
            }
            return known(
                EvalValue::of(std::any_of(b.items.begin(), b.items.end(),
                                          [&](const auto& x) { return groovy_equals(a, x); })));
        }
        if (e.op == "+" || e.op == "-" || e.op == "*" || e.op == "/" || e.op == "%") {
            return arithmetic(e, a, b);
        }
        return compare(e, a, b);
    }
    Evaluated out;
    merge_deferred(out, left);
    merge_deferred(out, right);
    return out;
}

} // namespace ferry::compiler::detail
