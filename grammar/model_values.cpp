// Arguments and values: how the builder reads calls the way Groovy's AST presents them.

#include "grammar/model_builder.hpp"

#include <algorithm>
#include <cctype>

namespace ferry::grammar::model::detail {

using syntax::Expr;
using syntax::ExprKind;

std::vector<const syntax::Stmt*> statements(const syntax::Block& block) {
    std::vector<const syntax::Stmt*> out;
    for (const auto& stmt : block.stmts) {
        if (stmt->kind != syntax::StmtKind::empty) {
            out.push_back(stmt.get());
        }
    }
    return out;
}

const Expr* unparen(const Expr* expr) {
    while (expr != nullptr && expr->kind == ExprKind::paren && expr->target) {
        expr = expr->target.get();
    }
    return expr;
}

const Expr* call_of(const syntax::Stmt& stmt) {
    if (stmt.kind != syntax::StmtKind::expr) {
        return nullptr;
    }
    const Expr* expr = unparen(stmt.expr.get());
    return expr != nullptr && expr->kind == ExprKind::call ? expr : nullptr;
}

std::optional<std::string_view> plain_name(const Expr& call) {
    if (!call.target) {
        return call.name;
    }
    const Expr* target = unparen(call.target.get());
    if (target->kind == ExprKind::ident && target->value == "this" && call.op == ".") {
        return call.name;
    }
    return std::nullopt;
}

const syntax::Block* closure_of(const Expr& call) {
    if (call.block) {
        return call.block.get();
    }
    // Groovy passes named arguments first, so the last unnamed argument is the last one.
    for (auto arg = call.args.rbegin(); arg != call.args.rend(); ++arg) {
        if (arg->name) {
            continue;
        }
        const Expr* value = unparen(arg->value.get());
        if (value != nullptr && value->kind == ExprKind::closure && value->block) {
            return value->block.get();
        }
        return nullptr;
    }
    return nullptr;
}

const syntax::Block* block_call(const Expr& call) {
    return plain_name(call) ? closure_of(call) : nullptr;
}

std::vector<GroovyArg> groovy_args(const Expr& call) {
    std::vector<GroovyArg> out;
    const syntax::Block* closure = closure_of(call);
    std::optional<Span> named;
    for (const auto& arg : call.args) {
        if (arg.name && arg.value) {
            const Span end = arg.value->span;
            named = named ? Span{named->begin, end.end} : Span{arg.name_span.begin, end.end};
        }
    }
    if (named) {
        out.push_back({GroovyArg::Kind::named, nullptr, nullptr, *named});
    }
    for (const auto& arg : call.args) {
        if (arg.name || !arg.value) {
            continue;
        }
        const Expr* value = unparen(arg.value.get());
        if (value->kind == ExprKind::closure && value->block.get() == closure) {
            continue; // counted once, below
        }
        const auto kind =
            value->kind == ExprKind::closure ? GroovyArg::Kind::closure : GroovyArg::Kind::value;
        out.push_back({kind, value, value->block.get(), value->span});
    }
    if (closure != nullptr) {
        out.push_back({GroovyArg::Kind::closure, nullptr, closure, closure->span});
    }
    return out;
}

std::optional<std::string> string_literal(const Expr& expr) {
    const Expr* e = unparen(&expr);
    if (e->kind == ExprKind::string || e->kind == ExprKind::ident) {
        return e->value;
    }
    return std::nullopt;
}

bool is_constant(const Expr& expr) {
    const Expr* e = unparen(&expr);
    switch (e->kind) {
    case ExprKind::string:
    case ExprKind::number:
    case ExprKind::boolean:
    case ExprKind::null:
        return true;
    case ExprKind::unary: // Groovy folds `-1` into a constant
        return e->op == "-" && !e->postfix && e->target && e->target->kind == ExprKind::number;
    default:
        return false;
    }
}

namespace {

int digit_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : 99;
}

} // namespace

bool is_big_integer(std::string_view literal) {
    std::string text;
    bool negative = false;
    for (const char c : literal) {
        if (c == '-') {
            negative = true;
        } else if (c != '_' && c != '+' && !std::isspace(static_cast<unsigned char>(c))) {
            text += c;
        }
    }
    int base = 10;
    std::size_t start = 0;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        start = 2;
    } else if (text.size() > 2 && text[0] == '0' && (text[1] == 'b' || text[1] == 'B')) {
        base = 2;
        start = 2;
    } else if (text.size() > 1 && text[0] == '0') {
        base = 8;
        start = 1;
    }
    std::string digits = text.substr(start);
    if (!digits.empty() && std::string_view("gGlLiI").find(digits.back()) != std::string::npos) {
        digits.pop_back();
    }
    if (digits.empty()) {
        return false;
    }
    // The limit is 2^63 - 1, or 2^63 for a negative literal; anything larger is a BigInteger.
    const unsigned long long limit = 9223372036854775807ULL + (negative ? 1ULL : 0ULL);
    unsigned long long value = 0;
    for (const char c : digits) {
        const int digit = digit_value(c);
        if (digit >= base) {
            return false; // a decimal, an exponent or a float suffix: not an integer literal
        }
        const auto d = static_cast<unsigned long long>(digit);
        const auto b = static_cast<unsigned long long>(base);
        if (value > (limit - d) / b) {
            return true;
        }
        value = value * b + d;
    }
    return false;
}

Diagnostic& Builder::error(std::string_view code, Span span, std::string message) {
    return out_.error(std::string(code), span, std::move(message));
}

Diagnostic& Builder::warning(std::string_view code, Span span, std::string message) {
    return out_.warning(std::string(code), span, std::move(message));
}

std::string_view Builder::text(Span span) const {
    return source_.slice(span);
}

std::string Builder::statement_text(const syntax::Stmt& stmt) const {
    std::string_view s = text(stmt.span);
    while (!s.empty() && (s.back() == ';' || std::isspace(static_cast<unsigned char>(s.back())))) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

std::optional<std::string> Builder::method_name(const Expr& call) {
    if (const auto name = plain_name(call)) {
        return std::string(*name);
    }
    const Expr* target = unparen(call.target.get());
    if (target->kind == ExprKind::ident) {
        error(code::object_method_call, call.span,
              "Method calls on objects not allowed outside \"script\" blocks.");
    } else {
        error(code::expected_symbol, call.span, "Expected a symbol");
    }
    return std::nullopt;
}

void Builder::check_value(const Expr& expr) {
    const Expr* e = unparen(&expr);
    if (e->kind == ExprKind::number && is_big_integer(e->value)) {
        error(code::big_integer, e->span,
              "BigIntegers cannot be used as constants in Declarative. The maximum value for an "
              "integer is 9,223,372,036,854,775,807 and the minimum value for an integer is "
              "-9,223,372,036,854,775,808.");
    } else if (e->kind == ExprKind::unary && is_constant(*e) &&
               is_big_integer("-" + e->target->value)) {
        error(code::big_integer, e->span,
              "BigIntegers cannot be used as constants in Declarative. The maximum value for an "
              "integer is 9,223,372,036,854,775,807 and the minimum value for an integer is "
              "-9,223,372,036,854,775,808.");
    } else if (e->kind == ExprKind::call && !e->target && e->name == "$") {
        // Groovy reads an unquoted `${X}` as a call of the method `$` with a closure.
        const std::string src(text(e->span));
        error(code::bare_dollar_curly, e->span,
              src + " cannot be used as a value directly. Did you mean \"" + src +
                  "\"? (add quotes)")
            .fix = "\"" + src + "\"";
    }
}

void Builder::check_strict_value(const Expr& value, Span report_at) {
    const Expr* e = unparen(&value);
    if (e->kind == ExprKind::closure) {
        error(code::closure_argument, report_at, "Method call arguments");
    } else if (e->kind == ExprKind::call) {
        if (method_name(*e)) {
            check_strict_arguments(*e);
        }
    } else {
        check_value(*e);
    }
}

void Builder::check_strict_arguments(const Expr& call) {
    for (const auto& arg : call.args) {
        if (!arg.value) {
            continue;
        }
        const Expr* value = unparen(arg.value.get());
        if (arg.name) {
            check_strict_value(*value, Span{arg.name_span.begin, value->span.end});
        } else if (value->kind == ExprKind::map) {
            for (const auto& entry : value->args) {
                if (entry.value) {
                    check_strict_value(*entry.value, entry.value->span);
                }
            }
        } else {
            check_strict_value(*value, call.span);
        }
    }
    if (call.block) {
        // A trailing closure on a nested call is still a closure argument.
        error(code::closure_argument, call.block->span, "Method call arguments");
    }
}

namespace {

bool has_class_key(const Expr& map) {
    return std::any_of(map.args.begin(), map.args.end(),
                       [](const syntax::Arg& entry) { return entry.name == "$class"; });
}

} // namespace

Invocation Builder::invocation(const Expr& call, bool strict) {
    Invocation inv;
    inv.name = plain_name(call) ? std::string(*plain_name(call)) : call.name;
    inv.span = call.span;
    inv.name_span = call.name_span;
    inv.call = &call;
    const syntax::Block* closure = closure_of(call);
    inv.has_block = closure != nullptr;

    std::vector<const syntax::Arg*> named;
    std::vector<const Expr*> positional;
    for (const auto& arg : call.args) {
        if (!arg.value) {
            continue;
        }
        const Expr* value = unparen(arg.value.get());
        if (!arg.name && value->kind == ExprKind::closure && value->block.get() == closure) {
            continue;
        }
        if (arg.name) {
            named.push_back(&arg);
        } else {
            positional.push_back(arg.value.get());
        }
    }

    const Expr* single_map = nullptr;
    if (named.empty() && positional.size() == 1 && unparen(positional[0])->kind == ExprKind::map) {
        single_map = unparen(positional[0]);
        inv.map_argument = true;
    }
    // A lone `[k: v]` is named arguments, except the legacy `[$class: 'X', ...]` meta-step form.
    if (single_map != nullptr && !has_class_key(*single_map)) {
        for (const auto& entry : single_map->args) {
            if (entry.value) {
                named.push_back(&entry);
            }
        }
        positional.clear();
    }

    for (const auto* arg : named) {
        if (strict) {
            check_strict_value(*arg->value, Span{arg->name_span.begin, arg->value->span.end});
        } else {
            check_value(*arg->value);
        }
    }
    for (const auto* value : positional) {
        if (strict) {
            check_strict_value(*value, call.span);
        } else {
            check_value(*value);
        }
    }

    // Source order for the model: named and positional as written.
    for (const auto& arg : call.args) {
        if (!arg.value) {
            continue;
        }
        if (std::find(named.begin(), named.end(), &arg) != named.end()) {
            inv.args.push_back({arg.name, arg.name_span, arg.value.get()});
        } else if (std::find(positional.begin(), positional.end(), arg.value.get()) !=
                   positional.end()) {
            inv.args.push_back({std::nullopt, Span{}, arg.value.get()});
        }
    }
    if (single_map != nullptr && !has_class_key(*single_map)) {
        for (const auto& entry : single_map->args) {
            if (entry.value) {
                inv.args.push_back({entry.name, entry.name_span, entry.value.get()});
            }
        }
    }
    return inv;
}

std::optional<bool> Builder::boolean_argument(const Expr& call, std::string_view name) {
    const auto args = groovy_args(call);
    if (!args.empty() && args.front().kind == GroovyArg::Kind::value) {
        const Expr* value = unparen(args.front().expr);
        if (value->kind == ExprKind::boolean) {
            return value->value == "true";
        }
    }
    error(code::expected_boolean, call.name_span, "Expected a boolean with " + std::string(name));
    return std::nullopt;
}

std::optional<std::string> Builder::expect_string_literal(const Expr& expr) {
    if (auto literal = string_literal(expr)) {
        return literal;
    }
    error(code::expected_string_literal, unparen(&expr)->span, "Expected string literal");
    return std::nullopt;
}

} // namespace ferry::grammar::model::detail
