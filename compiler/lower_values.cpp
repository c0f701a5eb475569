// Lowering of values and calls: literals typed, expressions kept, arguments bound by name.
#include "compiler/lower_detail.hpp"

#include <charconv>

namespace ferry::compiler::detail {
namespace {

namespace syntax = grammar::syntax;
using syntax::ExprKind;

/// A Groovy integer literal (`1_000`, `0x1F`, `10L`), or nothing when it is not one.
std::optional<long long> integer_literal(std::string_view text) {
    std::string digits;
    for (char ch : text) {
        if (ch != '_') {
            digits += ch;
        }
    }
    if (!digits.empty() && (digits.back() == 'L' || digits.back() == 'l' || digits.back() == 'I' ||
                            digits.back() == 'i')) {
        digits.pop_back();
    }
    int base = 10;
    std::string_view body = digits;
    if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
        base = 16;
        body.remove_prefix(2);
    }
    long long value = 0;
    const auto* end = body.data() + body.size();
    const auto [ptr, ec] = std::from_chars(body.data(), end, value, base);
    if (body.empty() || ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

ir::Value number_value(const syntax::Expr& e, bool negative) {
    ir::Value v;
    v.span = e.span;
    v.text = (negative ? "-" : "") + e.value;
    if (auto i = integer_literal(e.value)) {
        v.kind = ir::Value::Kind::integer;
        v.integer = negative ? -*i : *i;
        return v;
    }
    std::string digits;
    for (char ch : e.value) {
        if (ch != '_' && ch != 'd' && ch != 'D' && ch != 'f' && ch != 'F' && ch != 'G' &&
            ch != 'g') {
            digits += ch;
        }
    }
    char* end = nullptr;
    const double d = std::strtod(digits.c_str(), &end);
    if (end == nullptr || *end != '\0' || digits.empty()) {
        v.kind = ir::Value::Kind::expression;
        v.expr = &e;
        return v;
    }
    v.kind = ir::Value::Kind::number;
    v.number = negative ? -d : d;
    return v;
}

} // namespace

ir::Value lower_value(const syntax::Expr& e) {
    ir::Value v;
    v.span = e.span;
    switch (e.kind) {
    case ExprKind::string:
        v.kind = ir::Value::Kind::string;
        v.text = e.value;
        return v;
    case ExprKind::boolean:
        v.kind = ir::Value::Kind::boolean;
        v.boolean = e.value == "true";
        v.text = e.value;
        return v;
    case ExprKind::null:
        return v;
    case ExprKind::number:
        return number_value(e, false);
    case ExprKind::unary:
        if (e.op == "-" && !e.postfix && e.target && e.target->kind == ExprKind::number) {
            auto n = number_value(*e.target, true);
            n.span = e.span;
            return n;
        }
        break;
    case ExprKind::list:
        v.kind = ir::Value::Kind::list;
        v.items.reserve(e.args.size());
        for (const auto& arg : e.args) {
            v.items.push_back(lower_value(*arg.value));
        }
        return v;
    case ExprKind::map:
        v.kind = ir::Value::Kind::map;
        v.entries.reserve(e.args.size());
        for (const auto& arg : e.args) {
            v.entries.emplace_back(arg.name.value_or(""), lower_value(*arg.value));
        }
        return v;
    case ExprKind::call:
        // A describable such as `usernamePassword(credentialsId: 'x', …)`; method calls on a
        // receiver (`'a'.trim()`) are expressions.
        if (!e.target && !e.has_block) {
            v.kind = ir::Value::Kind::call;
            v.text = e.name;
            std::size_t unnamed = 0;
            for (const auto& arg : e.args) {
                std::string key = arg.name ? *arg.name : "_" + std::to_string(++unnamed);
                v.entries.emplace_back(std::move(key), lower_value(*arg.value));
            }
            return v;
        }
        break;
    case ExprKind::paren:
        if (e.target) {
            return lower_value(*e.target);
        }
        break;
    default:
        break;
    }
    v.kind = ir::Value::Kind::expression;
    v.expr = &e;
    return v;
}

std::vector<ir::Param> bind_arguments(const grammar::model::Invocation& call,
                                      const stdlib::Signature* signature) {
    std::vector<ir::Param> params;
    params.reserve(call.args.size());
    // `foo([a: 1, b: 2])` is `foo(a: 1, b: 2)`.
    if (call.map_argument && call.args.size() == 1 && call.args[0].value->kind == ExprKind::map) {
        for (const auto& arg : call.args[0].value->args) {
            params.push_back({arg.name.value_or(""), lower_value(*arg.value)});
        }
        return params;
    }
    std::size_t unnamed = 0;
    const std::size_t unnamed_total = static_cast<std::size_t>(std::count_if(
        call.args.begin(), call.args.end(), [](const auto& a) { return !a.name.has_value(); }));
    for (const auto& arg : call.args) {
        if (arg.name) {
            params.push_back({*arg.name, lower_value(*arg.value)});
            continue;
        }
        std::string name;
        if (signature != nullptr && unnamed_total == 1 && !signature->single_param.empty()) {
            name = std::string(signature->single_param);
        } else if (signature != nullptr && unnamed < signature->positional.size()) {
            name = std::string(signature->positional[unnamed]);
        } else {
            name = "_" + std::to_string(unnamed + 1);
        }
        ++unnamed;
        params.push_back({std::move(name), lower_value(*arg.value)});
    }
    return params;
}

std::vector<ir::Default> defaults_left(const std::vector<ir::Param>& params,
                                       const stdlib::Signature* signature) {
    std::vector<ir::Default> out;
    if (signature == nullptr) {
        return out;
    }
    out.reserve(static_cast<std::size_t>(
        std::count_if(signature->params.begin(), signature->params.end(),
                      [](const auto& p) { return !p.default_value.empty(); })));
    for (const auto& p : signature->params) {
        if (p.default_value.empty()) {
            continue;
        }
        const bool given = std::any_of(params.begin(), params.end(),
                                       [&](const ir::Param& q) { return q.name == p.name; });
        if (!given) {
            out.push_back({std::string(p.name), std::string(p.default_value)});
        }
    }
    return out;
}

ir::Option lower_option(const grammar::model::Invocation& call, stdlib::Kind kind) {
    const auto* signature = stdlib::find(kind, call.name);
    return {call.name, call.span, bind_arguments(call, signature)};
}

std::vector<ir::Option> lower_options(const std::optional<grammar::model::InvocationList>& list,
                                      stdlib::Kind kind) {
    std::vector<ir::Option> out;
    if (list) {
        out.reserve(list->items.size());
        for (const auto& item : list->items) {
            out.push_back(lower_option(item, kind));
        }
    }
    return out;
}

} // namespace ferry::compiler::detail
