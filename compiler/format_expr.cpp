// The formatter's expressions: one space after commas and after `:`, spaces around binary
// operators, calls keep their parentheses (or their absence), literals print as written.

#include "compiler/format_printer.hpp"

#include <algorithm>
#include <cctype>

namespace ferry::compiler::detail {

using grammar::Span;
using namespace grammar::syntax;

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
        s.remove_suffix(1);
    }
    return s;
}

std::uint32_t arg_begin(const Arg& arg) {
    if (arg.name && !arg.name_span.empty()) {
        return arg.name_span.begin;
    }
    return arg.value ? arg.value->span.begin : arg.name_span.begin;
}

std::uint32_t arg_end(const Arg& arg) {
    return arg.value ? arg.value->span.end : arg.name_span.end;
}

bool is_literal_text(ExprKind kind) {
    return kind == ExprKind::string || kind == ExprKind::gstring || kind == ExprKind::number ||
           kind == ExprKind::boolean || kind == ExprKind::null || kind == ExprKind::ident;
}

} // namespace

bool Printer::gap_is(std::uint32_t begin, std::uint32_t end, std::string_view token) const {
    return begin <= end && trim(slice(begin, end)) == token;
}

void Printer::as_written(Span span) {
    put(slice(span));
    consume_comments_within(span);
}

void Printer::collect_holes(const Expr& root, std::vector<Span>& out) {
    // An explicit stack: operator chains can be as long as the file.
    std::vector<const Expr*> todo{&root};
    while (!todo.empty()) {
        const Expr& e = *todo.back();
        todo.pop_back();
        switch (e.kind) {
        case ExprKind::string:
        case ExprKind::gstring:
        case ExprKind::opaque:
        case ExprKind::cast:
        case ExprKind::new_:
            out.push_back(e.span);
            continue;
        case ExprKind::closure:
            if (e.block) {
                out.push_back(e.block->span);
            }
            continue;
        default:
            break;
        }
        if (e.kind == ExprKind::call && e.name == "$") {
            out.push_back(e.span);
            continue;
        }
        for (const Expr* child : {e.target.get(), e.lhs.get(), e.rhs.get()}) {
            if (child != nullptr) {
                todo.push_back(child);
            }
        }
        for (const Arg& arg : e.args) {
            if (arg.value) {
                todo.push_back(arg.value.get());
            }
        }
        if (e.block) {
            out.push_back(e.block->span);
        }
    }
}

void Printer::expr(const Expr& e, int level) {
    if (is_literal_text(e.kind)) {
        as_written(e.span);
        return;
    }
    switch (e.kind) {
    case ExprKind::property:
        property(e, level);
        return;
    case ExprKind::call:
        call(e, level);
        return;
    case ExprKind::index:
        if (e.target && e.lhs && gap_is(e.target->span.end, e.lhs->span.begin, "[") &&
            gap_is(e.lhs->span.end, e.span.end, "]")) {
            expr(*e.target, level);
            put("[");
            expr(*e.lhs, level);
            put("]");
            return;
        }
        break;
    case ExprKind::unary:
        unary(e, level);
        return;
    case ExprKind::binary:
        binary(e, level);
        return;
    case ExprKind::ternary:
        ternary(e, level);
        return;
    case ExprKind::list:
    case ExprKind::map:
        if (e.span.size() >= 2) {
            arguments(e, e.span.begin, e.span.end - 1, true, level);
            return;
        }
        break;
    case ExprKind::closure:
        if (e.block) {
            block(*e.block, level);
            return;
        }
        break;
    case ExprKind::paren:
        if (e.target) {
            put("(");
            expr(*e.target, level);
            put(")");
            return;
        }
        break;
    default:
        break;
    }
    as_written(e.span);
}

void Printer::property(const Expr& e, int level) {
    const std::string_view op = e.op.empty() ? std::string_view(".") : std::string_view(e.op);
    if (!e.target) {
        as_written(e.span);
        return;
    }
    // The name as written (it may be quoted: `map.'key'`), after the operator.
    const std::string_view rest = trim(slice(e.target->span.end, e.span.end));
    if (!rest.starts_with(op)) {
        as_written(e.span);
        return;
    }
    const std::string_view name = trim(rest.substr(op.size()));
    expr(*e.target, level);
    if (line_break_between(e.target->span.end,
                           e.span.end - static_cast<std::uint32_t>(name.size()))) {
        line(level + 1);
    }
    put(op);
    put(name);
}

void Printer::call(const Expr& e, int level) {
    const std::string_view op = e.op.empty() ? std::string_view(".") : std::string_view(e.op);
    const bool named_ok = !e.name_span.empty() && e.name != "$";
    if (!named_ok || (e.target && !gap_is(e.target->span.end, e.name_span.begin, op))) {
        as_written(e.span);
        return;
    }
    if (e.target) {
        expr(*e.target, level);
        if (line_break_between(e.target->span.end, e.name_span.begin)) {
            line(level + 1);
        }
        put(op);
    }
    put(slice(e.name_span));
    if (e.parens) {
        const std::uint32_t limit = e.block ? e.block->span.begin : e.span.end;
        const std::size_t open = text_.find('(', e.name_span.end);
        const std::size_t close = slice(0, limit).rfind(')');
        if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
            as_written(Span{e.name_span.end, limit});
        } else {
            arguments(e, static_cast<std::uint32_t>(open), static_cast<std::uint32_t>(close), false,
                      level);
        }
    } else if (!e.args.empty()) {
        put(" ");
        command_arguments(e, level);
    }
    if (e.block) {
        put(" ");
        block(*e.block, level);
    }
}

void Printer::arguments(const Expr& owner, std::uint32_t open, std::uint32_t close, bool brackets,
                        int level) {
    const std::vector<Arg>& args = owner.args;
    if (args.empty()) {
        put(!brackets ? "()" : owner.kind == ExprKind::map ? "[:]" : "[]");
        return;
    }
    // A list the user broke over lines stays broken, one item a line; otherwise it is one line.
    bool broken = line_break_between(open + 1, arg_begin(args.front())) ||
                  line_break_between(arg_end(args.back()), close);
    for (std::size_t i = 0; i + 1 < args.size() && !broken; ++i) {
        broken = line_break_between(arg_end(args[i]), arg_begin(args[i + 1]));
    }
    put(brackets ? "[" : "(");
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (broken) {
            line(level + 1);
        }
        argument(args[i], broken ? level + 1 : level);
        if (i + 1 < args.size()) {
            put(broken ? "," : ", ");
        }
    }
    if (broken) {
        line(level);
    }
    put(brackets ? "]" : ")");
}

void Printer::command_arguments(const Expr& e, int level) {
    bool broken = false;
    for (std::size_t i = 0; i + 1 < e.args.size() && !broken; ++i) {
        broken = line_break_between(arg_end(e.args[i]), arg_begin(e.args[i + 1]));
    }
    for (std::size_t i = 0; i < e.args.size(); ++i) {
        if (i > 0) {
            put(",");
            if (broken) {
                line(level + 1);
            } else {
                put(" ");
            }
        }
        argument(e.args[i], broken && i > 0 ? level + 1 : level);
    }
}

void Printer::argument(const Arg& arg, int level) {
    if (arg.name) {
        put(arg.name_span.empty() ? std::string_view(*arg.name) : slice(arg.name_span));
        put(": ");
    }
    if (arg.value) {
        expr(*arg.value, level);
    }
}

void Printer::binary(const Expr& e, int level) {
    // `a + b + c` nests to the left; walk that spine with a loop, not recursion.
    std::vector<const Expr*> spine;
    const Expr* leftmost = &e;
    while (leftmost->kind == ExprKind::binary && leftmost->target && leftmost->rhs) {
        spine.push_back(leftmost);
        leftmost = leftmost->target.get();
    }
    if (spine.empty()) {
        as_written(e.span);
        return;
    }
    expr(*leftmost, level);
    for (auto node = spine.rbegin(); node != spine.rend(); ++node) {
        const Expr& b = **node;
        const bool tight = b.op == ".." || b.op == "..<";
        if (line_break_between(b.target->span.end, b.rhs->span.begin)) {
            // Groovy ends a statement at a line break unless the line ends with an operator.
            put(tight ? "" : " ");
            put(b.op);
            line(level + 1);
            expr(*b.rhs, level + 1);
            continue;
        }
        if (!tight) {
            put(" ");
        }
        put(b.op);
        if (!tight) {
            put(" ");
        }
        expr(*b.rhs, level);
    }
}

void Printer::ternary(const Expr& e, int level) {
    if (!e.target || !e.lhs || !e.rhs) {
        as_written(e.span);
        return;
    }
    expr(*e.target, level);
    const auto part = [&](std::string_view op, std::uint32_t gap_begin, const Expr& operand) {
        put(" ");
        put(op);
        if (line_break_between(gap_begin, operand.span.begin)) {
            line(level + 1);
            expr(operand, level + 1);
        } else {
            put(" ");
            expr(operand, level);
        }
    };
    part("?", e.target->span.end, *e.lhs);
    part(":", e.lhs->span.end, *e.rhs);
}

void Printer::unary(const Expr& e, int level) {
    if (!e.target) {
        as_written(e.span);
        return;
    }
    if (e.postfix) {
        expr(*e.target, level);
        put(e.op);
        return;
    }
    put(e.op);
    // `- -x` must not become `--x`.
    const std::string_view operand = slice(e.target->span);
    if (!e.op.empty() && !operand.empty() && (e.op.back() == '-' || e.op.back() == '+') &&
        (operand.front() == '-' || operand.front() == '+')) {
        put(" ");
    }
    expr(*e.target, level);
}

} // namespace ferry::compiler::detail
