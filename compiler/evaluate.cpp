// evaluate(): the safe subset, operator by operator. Deferred operands make deferred results;
// `&&`, `||` and the ternary decide from a known side when they can, as Groovy would.
#include "compiler/evaluate_detail.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace ferry::compiler {
namespace detail {

namespace syntax = grammar::syntax;
using syntax::ExprKind;

Evaluated fail(std::string code, grammar::Span span, std::string message) {
    Evaluated out;
    out.error = EvalError{std::move(code), span, std::move(message)};
    return out;
}

Evaluated known(EvalValue v) {
    Evaluated out;
    out.value = std::move(v);
    return out;
}

void merge_deferred(Evaluated& into, const Evaluated& from) {
    for (const auto& name : from.deferred) {
        if (std::find(into.deferred.begin(), into.deferred.end(), name) == into.deferred.end()) {
            into.deferred.push_back(name);
        }
    }
    into.secret = into.secret || from.secret;
}

namespace {

Evaluated from_binding(const Binding& b, const std::string& name) {
    Evaluated out;
    if (b.kind == Binding::Kind::value) {
        out.value = b.value;
        return out;
    }
    out.deferred.push_back(name);
    out.secret = b.kind == Binding::Kind::secret;
    return out;
}

Evaluated variable(const syntax::Expr& e, const Scope& scope) {
    if (e.value == "env" || e.value == "params") {
        return fail("E0706", e.span,
                    fmt::format("`{}` on its own is not a value ferry evaluates; use {}.NAME",
                                e.value, e.value));
    }
    if (const Binding* b = scope.variable(e.value)) {
        return from_binding(*b, e.value);
    }
    return fail("E0708", e.span,
                fmt::format("undefined variable `{}`: not set in environment {{}}, params, "
                            "matrix axes, Jenkins' built-ins or an enclosing withEnv",
                            e.value));
}

Evaluated property(const syntax::Expr& e, const Scope& scope) {
    if (e.target && e.target->kind == ExprKind::ident && e.op != "*.") {
        if (e.target->value == "env") {
            if (const Binding* b = scope.variable(e.value)) {
                return from_binding(*b, e.value);
            }
            return known(EvalValue{}); // env.UNSET is null in Jenkins
        }
        if (e.target->value == "params") {
            if (const Binding* b = scope.parameter(e.value)) {
                return from_binding(*b, "params." + e.value);
            }
            return fail("E0709", e.span,
                        fmt::format("undefined parameter `params.{}`: the pipeline's parameters "
                                    "{{}} does not declare it",
                                    e.value));
        }
    }
    return fail("E0706", e.span,
                "property access is outside the safe subset: only env.NAME and params.NAME "
                "are evaluated");
}

Evaluated index(const syntax::Expr& e, const Scope& scope) {
    if (e.target && e.target->kind == ExprKind::ident &&
        (e.target->value == "env" || e.target->value == "params") && e.lhs &&
        e.lhs->kind == ExprKind::string) {
        syntax::Expr as_property;
        as_property.kind = ExprKind::property;
        as_property.span = e.span;
        as_property.value = e.lhs->value;
        as_property.op = ".";
        auto target = std::make_unique<syntax::Expr>();
        target->kind = ExprKind::ident;
        target->value = e.target->value;
        target->span = e.target->span;
        as_property.target = std::move(target);
        return property(as_property, scope);
    }
    if (!e.target || !e.lhs) {
        return fail("E0706", e.span, "this index expression is outside the safe subset");
    }
    Evaluated base = evaluate(*e.target, scope);
    Evaluated at = evaluate(*e.lhs, scope);
    if (base.error) {
        return base;
    }
    if (at.error) {
        return at;
    }
    if (!base.value || !at.value) {
        merge_deferred(base, at);
        base.value.reset();
        return base;
    }
    if (at.value->kind != EvalValue::Kind::integer) {
        return fail("E0706", e.lhs->span, "an index must be an integer");
    }
    const auto& v = *base.value;
    const long long size = v.kind == EvalValue::Kind::list ? static_cast<long long>(v.items.size())
                           : v.kind == EvalValue::Kind::string
                               ? static_cast<long long>(v.text.size())
                               : -1;
    long long i = at.value->integer;
    if (size < 0) {
        return fail("E0706", e.span, "only lists and strings can be indexed");
    }
    if (i < 0) {
        i += size;
    }
    if (i < 0 || i >= size) {
        return v.kind == EvalValue::Kind::list
                   ? known(EvalValue{})
                   : fail("E0706", e.span, fmt::format("index {} is outside the string", i));
    }
    const auto u = static_cast<std::size_t>(i);
    return known(v.kind == EvalValue::Kind::list ? v.items[u] : EvalValue::of(v.text.substr(u, 1)));
}

Evaluated gstring(const syntax::Expr& e, const Scope& scope) {
    Evaluated out;
    std::string text;
    for (const auto& part : e.parts) {
        if (!part.is_expr) {
            text += part.text;
            continue;
        }
        if (!part.expr || part.expr->kind == ExprKind::opaque) {
            return fail("E0706", part.span,
                        fmt::format("`{}` is outside the safe subset ferry evaluates", part.text));
        }
        Evaluated v = evaluate(*part.expr, scope);
        if (v.error) {
            return v;
        }
        merge_deferred(out, v);
        if (v.value) {
            text += to_text(*v.value);
        }
    }
    if (out.deferred.empty()) {
        out.value = EvalValue::of(std::move(text));
    }
    return out;
}

Evaluated list(const syntax::Expr& e, const Scope& scope) {
    Evaluated out;
    EvalValue v;
    v.kind = EvalValue::Kind::list;
    for (const auto& arg : e.args) {
        Evaluated item = evaluate(*arg.value, scope);
        if (item.error) {
            return item;
        }
        merge_deferred(out, item);
        if (item.value) {
            v.items.push_back(*item.value);
        }
    }
    if (out.deferred.empty()) {
        out.value = std::move(v);
    }
    return out;
}

Evaluated unary(const syntax::Expr& e, const Scope& scope) {
    if (!e.target || e.postfix || (e.op != "!" && e.op != "-" && e.op != "+")) {
        return fail("E0706", e.span,
                    fmt::format("the operator `{}` is outside the safe subset", e.op));
    }
    Evaluated v = evaluate(*e.target, scope);
    if (v.error || !v.value) {
        return v;
    }
    if (e.op == "!") {
        return known(EvalValue::of(!truthy(*v.value)));
    }
    if (v.value->kind == EvalValue::Kind::integer) {
        return known(EvalValue::of(e.op == "-" ? -v.value->integer : v.value->integer));
    }
    if (v.value->kind == EvalValue::Kind::number) {
        return known(EvalValue::of_number(e.op == "-" ? -v.value->number : v.value->number));
    }
    return fail("E0706", e.span, fmt::format("`{}` needs a number", e.op));
}

Evaluated ternary(const syntax::Expr& e, const Scope& scope) {
    Evaluated condition = evaluate(*e.target, scope);
    if (condition.error) {
        return condition;
    }
    if (!condition.value) {
        Evaluated a = evaluate(*e.lhs, scope);
        Evaluated b = evaluate(*e.rhs, scope);
        if (a.error) {
            return a;
        }
        if (b.error) {
            return b;
        }
        merge_deferred(condition, a);
        merge_deferred(condition, b);
        return condition;
    }
    return evaluate(truthy(*condition.value) ? *e.lhs : *e.rhs, scope);
}

} // namespace
} // namespace detail

Evaluated evaluate(const grammar::syntax::Expr& e, const Scope& scope) {
    using namespace detail;
    switch (e.kind) {
    case ExprKind::string:
        return known(EvalValue::of(e.value));
    case ExprKind::boolean:
        return known(EvalValue::of(e.value == "true"));
    case ExprKind::null:
        return known(EvalValue{});
    case ExprKind::number:
        return number_literal(e);
    case ExprKind::gstring:
        return gstring(e, scope);
    case ExprKind::ident:
        return variable(e, scope);
    case ExprKind::property:
        return property(e, scope);
    case ExprKind::index:
        return index(e, scope);
    case ExprKind::paren:
        return e.target ? evaluate(*e.target, scope) : fail("E0706", e.span, "empty parentheses");
    case ExprKind::unary:
        return unary(e, scope);
    case ExprKind::binary:
        return binary(e, scope);
    case ExprKind::ternary:
        return ternary(e, scope);
    case ExprKind::list:
        return list(e, scope);
    case ExprKind::call:
        return method_call(e, scope);
    default:
        break;
    }
    return fail("E0706", e.span,
                "this expression is outside the safe subset ferry evaluates (literals, env.X, "
                "params.X, variables, operators and a few String methods); ferry never runs "
                "Groovy");
}

} // namespace ferry::compiler
