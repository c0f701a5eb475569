// Values of the safe evaluator, scopes, and expression bodies.
#include "compiler/evaluate_detail.hpp"
#include "grammar/parser.hpp"

#include <cmath>
#include <fmt/format.h>

namespace ferry::compiler {

EvalValue EvalValue::of(std::string s) {
    EvalValue v;
    v.kind = Kind::string;
    v.text = std::move(s);
    return v;
}

EvalValue EvalValue::of(bool b) {
    EvalValue v;
    v.kind = Kind::boolean;
    v.boolean = b;
    return v;
}

EvalValue EvalValue::of(long long i) {
    EvalValue v;
    v.kind = Kind::integer;
    v.integer = i;
    return v;
}

EvalValue EvalValue::of_number(double d) {
    EvalValue v;
    v.kind = Kind::number;
    v.number = d;
    return v;
}

std::string to_text(const EvalValue& value) {
    switch (value.kind) {
    case EvalValue::Kind::null:
        return "null";
    case EvalValue::Kind::string:
        return value.text;
    case EvalValue::Kind::boolean:
        return value.boolean ? "true" : "false";
    case EvalValue::Kind::integer:
        return std::to_string(value.integer);
    case EvalValue::Kind::number: {
        if (std::floor(value.number) == value.number && std::fabs(value.number) < 1e15) {
            return fmt::format("{:.1f}", value.number);
        }
        return fmt::format("{}", value.number);
    }
    case EvalValue::Kind::list: {
        std::string out = "[";
        for (std::size_t i = 0; i < value.items.size(); ++i) {
            out += (i == 0 ? "" : ", ") + to_text(value.items[i]);
        }
        return out + "]";
    }
    }
    return {};
}

bool truthy(const EvalValue& value) {
    switch (value.kind) {
    case EvalValue::Kind::null:
        return false;
    case EvalValue::Kind::string:
        return !value.text.empty();
    case EvalValue::Kind::boolean:
        return value.boolean;
    case EvalValue::Kind::integer:
        return value.integer != 0;
    case EvalValue::Kind::number:
        return value.number != 0;
    case EvalValue::Kind::list:
        return !value.items.empty();
    }
    return false;
}

bool groovy_equals(const EvalValue& a, const EvalValue& b) {
    const auto numeric = [](const EvalValue& v) {
        return v.kind == EvalValue::Kind::integer || v.kind == EvalValue::Kind::number;
    };
    if (numeric(a) && numeric(b)) {
        const double x =
            a.kind == EvalValue::Kind::integer ? static_cast<double>(a.integer) : a.number;
        const double y =
            b.kind == EvalValue::Kind::integer ? static_cast<double>(b.integer) : b.number;
        return x == y;
    }
    if (a.kind != b.kind) {
        return false;
    }
    if (a.kind == EvalValue::Kind::list) {
        if (a.items.size() != b.items.size()) {
            return false;
        }
        for (std::size_t i = 0; i < a.items.size(); ++i) {
            if (!groovy_equals(a.items[i], b.items[i])) {
                return false;
            }
        }
        return true;
    }
    return a == b;
}

const Binding* Scope::variable(std::string_view name) const {
    for (const Scope* s = this; s != nullptr; s = s->parent) {
        if (auto it = s->env.find(name); it != s->env.end()) {
            return &it->second;
        }
    }
    return nullptr;
}

const Binding* Scope::parameter(std::string_view name) const {
    for (const Scope* s = this; s != nullptr; s = s->parent) {
        if (s->params != nullptr) {
            auto it = s->params->find(name);
            return it == s->params->end() ? nullptr : &it->second;
        }
    }
    return nullptr;
}

ParsedBody parse_expression_body(std::string_view text, std::uint32_t base) {
    ParsedBody out;
    if (auto e = grammar::parse_expression(text, base)) {
        out.expr = std::move(*e);
        return out;
    }
    // `return expr`: skip leading blanks and the keyword, keep offsets right.
    std::size_t i = 0;
    while (i < text.size() &&
           (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) {
        ++i;
    }
    constexpr std::string_view keyword = "return";
    if (text.substr(i, keyword.size()) == keyword && i + keyword.size() < text.size() &&
        (text[i + keyword.size()] == ' ' || text[i + keyword.size()] == '\t' ||
         text[i + keyword.size()] == '(')) {
        const std::size_t start = i + keyword.size();
        if (auto e = grammar::parse_expression(text.substr(start),
                                               base + static_cast<std::uint32_t>(start))) {
            out.expr = std::move(*e);
            return out;
        }
    }
    out.error = "the body is not a single expression (or `return` and one expression): ferry "
                "evaluates no Groovy statements";
    return out;
}

} // namespace ferry::compiler

namespace ferry::compiler {

Evaluated evaluate(const ir::Value& value, const Scope& scope) {
    using K = ir::Value::Kind;
    switch (value.kind) {
    case K::null:
        return detail::known(EvalValue{});
    case K::string:
        return detail::known(EvalValue::of(value.text));
    case K::boolean:
        return detail::known(EvalValue::of(value.boolean));
    case K::integer:
        return detail::known(EvalValue::of(value.integer));
    case K::number:
        return detail::known(EvalValue::of_number(value.number));
    case K::expression:
        return evaluate(*value.expr, scope);
    case K::list: {
        Evaluated out;
        EvalValue list;
        list.kind = EvalValue::Kind::list;
        for (const auto& item : value.items) {
            Evaluated v = evaluate(item, scope);
            if (v.error) {
                return v;
            }
            detail::merge_deferred(out, v);
            if (v.value) {
                list.items.push_back(*v.value);
            }
        }
        if (out.deferred.empty()) {
            out.value = std::move(list);
        }
        return out;
    }
    case K::map:
    case K::call:
        break;
    }
    return detail::fail("E0706", value.span,
                        "a map or a call is not a value the safe evaluator compares");
}

} // namespace ferry::compiler
