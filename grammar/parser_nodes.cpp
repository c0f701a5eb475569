// Folding a finished frame into its node: expressions, calls, strings, blocks and statements.
#include "grammar/parser_build.hpp"
#include "grammar/parser_tree.hpp"
#include "grammar/peg_scan.hpp"

#include <algorithm>

namespace ferry::grammar::detail {

using namespace syntax;

namespace {

ExprPtr make(ExprKind kind, Span span) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->span = span;
    return e;
}

/// Groovy's binding strength of a binary operator (higher binds tighter) and its associativity.
struct Precedence {
    int level;
    bool right;
};

Precedence precedence(std::string_view op) {
    if (op == "**") {
        return {12, true};
    }
    if (op == "*" || op == "/" || op == "%") {
        return {11, false};
    }
    if (op == "+" || op == "-") {
        return {10, false};
    }
    if (op == "<<" || op == ">>" || op == ">>>" || op == ".." || op == "..<") {
        return {9, false};
    }
    if (op == "<" || op == "<=" || op == ">" || op == ">=" || op == "in" || op == "instanceof" ||
        (op.front() == '!' && op.find("in") != std::string_view::npos)) {
        return {8, false};
    }
    if (op == "==" || op == "!=" || op == "<=>" || op == "===" || op == "!==" || op == "=~" ||
        op == "==~") {
        return {7, false};
    }
    if (op == "&") {
        return {6, false};
    }
    if (op == "^") {
        return {5, false};
    }
    if (op == "|") {
        return {4, false};
    }
    if (op == "&&") {
        return {3, false};
    }
    if (op == "||") {
        return {2, false};
    }
    return {1, true}; // ?:
}

/// How Groovy prints an expression in its "... is a binary expression" messages.
std::string groovy_text(const Expr& e, std::string_view source_of_e) {
    switch (e.kind) {
    case ExprKind::ident:
    case ExprKind::number:
    case ExprKind::boolean:
    case ExprKind::string:
        return e.value;
    case ExprKind::null:
        return "null";
    default:
        return std::string(source_of_e);
    }
}

} // namespace

/// Builds one node from the innermost frame into its parent.
class NodeBuilder {
public:
    NodeBuilder(Builder& b, Frame& self, Frame& parent, Span span)
        : b_(b), self_(self), parent_(parent), span_(span) {}

    bool build(Node kind) {
        switch (kind) {
        case Node::none:
            return true;
        case Node::string_single:
            return string(StringStyle::single);
        case Node::string_triple_single:
            return string(StringStyle::triple_single);
        case Node::string_double:
            return string(StringStyle::double_);
        case Node::string_triple_double:
            return string(StringStyle::triple_double);
        case Node::string_slashy:
            return string(StringStyle::slashy);
        case Node::string_dollar_slashy:
            return string(StringStyle::dollar_slashy);
        case Node::interp_path:
            return interp_path();
        case Node::interp_braced:
            return interp_braced();
        case Node::interp_expression:
            return forward();
        case Node::ternary_tail:
            return ternary_tail();
        case Node::any_arg:
            return any_arg();
        case Node::list_or_map:
            return list_or_map();
        case Node::paren_expr:
            return wrap(ExprKind::paren);
        case Node::new_expr:
            return new_expr();
        case Node::opaque_call:
            return opaque_call();
        case Node::call_selector:
            return call_selector();
        case Node::closure_selector:
            return closure_selector();
        case Node::member_selector:
            return member_selector();
        case Node::index_selector:
            return index_selector();
        case Node::prefixed:
            return prefixed();
        case Node::as_cast:
            return as_cast();
        case Node::paren_cast:
            return paren_cast();
        case Node::binary_rest:
            return binary_rest();
        case Node::closure_literal:
            return closure_literal();
        case Node::trailing_closure:
        case Node::method_block:
            parent_.block = block();
            return true;
        case Node::closure_params:
            return closure_params();
        case Node::opaque_block:
            return opaque_block();
        case Node::command_expr:
            return command_expr();
        case Node::expr_stmt:
            return expr_stmt();
        case Node::opaque_stmt:
            return opaque_stmt();
        case Node::method_def:
            return method_def();
        case Node::annotated:
            return annotated();
        }
        return false;
    }

private:
    Builder& b_;
    Frame& self_;
    Frame& parent_;
    Span span_;

    std::string_view text(Span s) const { return b_.slice(s); }
    std::string_view text() const { return b_.slice(span_); }

    const Token* token(Leaf kind) const {
        for (const auto& t : self_.tokens) {
            if (t.kind == kind) {
                return &t;
            }
        }
        return nullptr;
    }

    ExprPtr take_last(Frame& f) {
        ExprPtr e = std::move(f.exprs.back());
        f.exprs.pop_back();
        return e;
    }

    void flush_literal(Frame& f) {
        if (f.text_begin == UINT32_MAX) {
            return;
        }
        StringPart part;
        part.text = std::move(f.text);
        part.span = Span{f.text_begin, f.text_end};
        f.text.clear();
        f.text_begin = UINT32_MAX;
        f.parts.push_back(std::move(part));
    }

    bool string(StringStyle style) {
        ExprPtr e;
        bool interpolated = !self_.parts.empty();
        if (!interpolated) {
            e = make(ExprKind::string, span_);
            e->value = std::move(self_.text);
        } else {
            flush_literal(self_);
            e = make(ExprKind::gstring, span_);
            e->parts = std::move(self_.parts);
        }
        e->style = style;
        parent_.exprs.push_back(std::move(e));
        return true;
    }

    bool interp_path() {
        ExprPtr chain;
        for (const auto& t : self_.tokens) {
            if (!chain) {
                chain = make(ExprKind::ident, t.span);
                chain->value = std::string(text(t.span));
                continue;
            }
            auto prop = make(ExprKind::property, Span{chain->span.begin, t.span.end});
            prop->op = ".";
            prop->value = std::string(text(t.span));
            prop->target = std::move(chain);
            chain = std::move(prop);
        }
        StringPart part;
        part.is_expr = true;
        part.text = std::string(text().substr(1));
        part.expr = std::move(chain);
        part.span = span_;
        flush_literal(parent_);
        parent_.parts.push_back(std::move(part));
        return true;
    }

    bool interp_braced() {
        StringPart part;
        part.is_expr = true;
        part.braced = true;
        const std::string_view inside = text().substr(2, span_.size() - 3);
        part.text = std::string(inside);
        if (!self_.exprs.empty()) {
            part.expr = take_last(self_);
        } else {
            part.expr = make(ExprKind::opaque, Span{span_.begin + 2, span_.end - 1});
            part.expr->value = part.text;
        }
        part.span = span_;
        flush_literal(parent_);
        parent_.parts.push_back(std::move(part));
        return true;
    }

    bool forward() {
        if (self_.exprs.size() != 1) {
            return false;
        }
        parent_.exprs.push_back(take_last(self_));
        return true;
    }

    /// `? then : else` after the condition on the parent's stack.
    bool ternary_tail() {
        if (self_.exprs.size() != 2 || parent_.exprs.empty()) {
            return false;
        }
        auto e = make(ExprKind::ternary, span_);
        e->rhs = take_last(self_);
        e->lhs = take_last(self_);
        e->target = take_last(parent_);
        e->span.begin = e->target->span.begin;
        parent_.exprs.push_back(std::move(e));
        return true;
    }

    bool wrap(ExprKind kind) {
        auto e = make(kind, span_);
        if (!self_.exprs.empty()) {
            e->target = take_last(self_);
        }
        parent_.exprs.push_back(std::move(e));
        return true;
    }

    /// A value, or `key: value`: with two values the first one is the key.
    bool any_arg() {
        if (self_.exprs.empty()) {
            return false;
        }
        Arg arg;
        arg.value = take_last(self_);
        if (const Token* key = token(Leaf::name)) {
            arg.name = std::string(text(key->span));
            arg.name_span = key->span;
        } else if (!self_.exprs.empty()) {
            ExprPtr k = take_last(self_);
            arg.name_span = k->span;
            arg.name_quoted = k->kind == ExprKind::string || k->kind == ExprKind::gstring;
            if (k->kind == ExprKind::string || k->kind == ExprKind::number) {
                arg.name = std::move(k->value);
            } else if (k->kind == ExprKind::ident) {
                arg.name = std::move(k->value);
            } else if (k->kind == ExprKind::gstring) {
                const std::string_view raw = text(k->span);
                const std::size_t quote = k->style == StringStyle::triple_double ? 3 : 1;
                arg.name = std::string(raw.substr(quote, raw.size() - 2 * quote));
            } else {
                arg.name = std::string(text(k->span));
            }
            dismantle(std::move(k));
        }
        parent_.args.push_back(std::move(arg));
        return true;
    }

    bool list_or_map() {
        const bool empty_map = token(Leaf::empty_map) != nullptr;
        std::size_t named = 0;
        for (const auto& a : self_.args) {
            named += a.name ? 1 : 0;
        }
        if (named != 0 && named != self_.args.size()) {
            const auto& odd =
                *std::find_if(self_.args.begin(), self_.args.end(), [&](const Arg& a) {
                    return a.name.has_value() != (named * 2 < self_.args.size());
                });
            const Span at = odd.name ? odd.name_span : odd.value->span;
            throw peg::fail(peg::code::mixed_list_and_map, at.begin, at.end,
                            "a [...] literal cannot mix 'key: value' entries with plain values");
        }
        auto e = make(empty_map || named != 0 ? ExprKind::map : ExprKind::list, span_);
        e->args = std::move(self_.args);
        parent_.exprs.push_back(std::move(e));
        return true;
    }

    bool new_expr() {
        auto e = make(ExprKind::new_, span_);
        if (const Token* type = token(Leaf::new_type)) {
            e->value = std::string(text(type->span));
        }
        e->args = std::move(self_.args);
        e->parens = true;
        e->block = std::move(self_.block);
        e->has_block = e->block != nullptr;
        parent_.exprs.push_back(std::move(e));
        return true;
    }

    bool opaque_call() {
        auto e = make(ExprKind::call, span_);
        if (const Token* name = token(Leaf::name)) {
            e->name = std::string(text(name->span));
            e->name_span = name->span;
        }
        e->block = std::move(self_.block);
        e->has_block = e->block != nullptr;
        parent_.exprs.push_back(std::move(e));
        return true;
    }

    void check_duplicate_names(const std::vector<Arg>& args) const {
        for (std::size_t i = 1; i < args.size(); ++i) {
            if (!args[i].name) {
                continue;
            }
            for (std::size_t j = 0; j < i; ++j) {
                if (args[j].name && *args[j].name == *args[i].name) {
                    const Span at = args[i].name_span;
                    throw peg::fail(peg::code::duplicate_named_argument, at.begin, at.end,
                                    "Duplicate named parameter '" + *args[i].name + "' found");
                }
            }
        }
    }

    /// Turns the callee on the parent's stack into a call, keeping `a.b(...)`'s receiver.
    ExprPtr call_on(ExprPtr callee) {
        auto call = make(ExprKind::call, Span{callee->span.begin, span_.end});
        if (callee->kind == ExprKind::ident) {
            call->name = std::move(callee->value);
            call->name_span = callee->span;
        } else if (callee->kind == ExprKind::property) {
            call->name = std::move(callee->value);
            call->name_span = Span{callee->span.end - static_cast<std::uint32_t>(call->name.size()),
                                   callee->span.end};
            call->op = std::move(callee->op);
            call->target = std::move(callee->target);
        } else {
            call->name = "call";
            call->name_span = Span{callee->span.end, callee->span.end};
            call->target = std::move(callee);
        }
        return call;
    }

    bool call_selector() {
        if (parent_.exprs.empty()) {
            return false;
        }
        check_duplicate_names(self_.args);
        auto call = call_on(take_last(parent_));
        call->parens = true;
        call->args = std::move(self_.args);
        call->block = std::move(self_.block);
        call->has_block = call->block != nullptr;
        parent_.exprs.push_back(std::move(call));
        return true;
    }

    bool closure_selector() {
        if (parent_.exprs.empty()) {
            return false;
        }
        Expr& callee = *parent_.exprs.back();
        const bool callable = callee.kind == ExprKind::ident || callee.kind == ExprKind::property ||
                              (callee.kind == ExprKind::call && callee.parens && !callee.block);
        if (!callable) {
            return false;
        }
        if (callee.kind == ExprKind::call) {
            callee.block = std::move(self_.block);
            callee.has_block = true;
            callee.span.end = span_.end;
            return true;
        }
        auto call = call_on(take_last(parent_));
        call->block = std::move(self_.block);
        call->has_block = true;
        parent_.exprs.push_back(std::move(call));
        return true;
    }

    bool member_selector() {
        if (parent_.exprs.empty()) {
            return false;
        }
        auto prop = make(ExprKind::property, span_);
        if (const Token* op = token(Leaf::member_op)) {
            prop->op = std::string(text(op->span));
        }
        if (const Token* name = token(Leaf::name)) {
            prop->value = std::string(text(name->span));
        } else if (!self_.exprs.empty()) {
            ExprPtr quoted = take_last(self_);
            prop->value = quoted->kind == ExprKind::string ? std::move(quoted->value)
                                                           : std::string(text(quoted->span));
            dismantle(std::move(quoted));
        }
        prop->target = take_last(parent_);
        prop->span.begin = prop->target->span.begin;
        parent_.exprs.push_back(std::move(prop));
        return true;
    }

    bool index_selector() {
        if (parent_.exprs.empty()) {
            return false;
        }
        auto e = make(ExprKind::index, span_);
        e->op = text().front() == '?' ? "?[" : "[";
        if (self_.args.size() == 1 && !self_.args[0].name) {
            e->lhs = std::move(self_.args[0].value);
        } else {
            auto list = make(
                self_.args.empty() || !self_.args[0].name ? ExprKind::list : ExprKind::map, span_);
            list->args = std::move(self_.args);
            e->lhs = std::move(list);
        }
        e->target = take_last(parent_);
        e->span.begin = e->target->span.begin;
        parent_.exprs.push_back(std::move(e));
        return true;
    }

    bool as_cast() {
        const Token* type = token(Leaf::cast_type);
        if (parent_.exprs.empty() || type == nullptr) {
            return false;
        }
        ExprPtr target = take_last(parent_);
        auto cast = make(ExprKind::cast, Span{target->span.begin, type->span.end});
        cast->value = std::string(text(type->span));
        cast->target = std::move(target);
        parent_.exprs.push_back(std::move(cast));
        return true;
    }

    /// `(Type) operand`: the operand is this frame's one expression.
    bool paren_cast() {
        const Token* type = token(Leaf::cast_type);
        if (self_.exprs.size() != 1 || type == nullptr) {
            return false;
        }
        auto cast = make(ExprKind::cast, span_);
        cast->value = std::string(text(type->span));
        cast->target = take_last(self_);
        parent_.exprs.push_back(std::move(cast));
        return true;
    }

    bool prefixed() {
        if (self_.exprs.size() != 1) {
            return false;
        }
        ExprPtr e = take_last(self_);
        for (auto t = self_.tokens.rbegin(); t != self_.tokens.rend(); ++t) {
            if (t->kind != Leaf::prefix_op) {
                continue;
            }
            auto op = make(ExprKind::unary, Span{t->span.begin, e->span.end});
            op->op = std::string(text(t->span));
            op->target = std::move(e);
            e = std::move(op);
        }
        parent_.exprs.push_back(std::move(e));
        return true;
    }

    /// Operator precedence over the flat list `operand (op operand)*`, with explicit stacks.
    bool binary_rest() {
        auto& operands = self_.exprs;
        auto& ops = self_.tokens;
        if (parent_.exprs.empty() || operands.size() != ops.size() || ops.empty()) {
            return false;
        }
        operands.insert(operands.begin(), take_last(parent_));
        std::vector<ExprPtr> values;
        std::vector<const Token*> pending;
        auto reduce = [&] {
            const Token* op = pending.back();
            pending.pop_back();
            ExprPtr rhs = std::move(values.back());
            values.pop_back();
            ExprPtr lhs = std::move(values.back());
            values.pop_back();
            auto e = make(ExprKind::binary, Span{lhs->span.begin, rhs->span.end});
            e->op = std::string(text(op->span));
            e->target = std::move(lhs);
            e->rhs = std::move(rhs);
            values.push_back(std::move(e));
        };
        values.push_back(std::move(operands[0]));
        for (std::size_t i = 0; i < ops.size(); ++i) {
            const Precedence p = precedence(text(ops[i].span));
            while (!pending.empty()) {
                const Precedence top = precedence(text(pending.back()->span));
                if (top.level > p.level || (top.level == p.level && !p.right)) {
                    reduce();
                } else {
                    break;
                }
            }
            pending.push_back(&ops[i]);
            values.push_back(std::move(operands[i + 1]));
        }
        while (!pending.empty()) {
            reduce();
        }
        operands.clear();
        parent_.exprs.push_back(std::move(values.back()));
        return true;
    }

    BlockPtr block() {
        auto blk = std::make_unique<Block>();
        blk->span = span_;
        blk->body_span = Span{span_.begin + 1, span_.end - 1};
        blk->params = std::move(self_.params);
        blk->has_arrow = self_.has_arrow;
        blk->stmts = std::move(self_.stmts);
        return blk;
    }

    bool closure_literal() {
        auto e = make(ExprKind::closure, span_);
        e->block = block();
        e->has_block = true;
        parent_.exprs.push_back(std::move(e));
        return true;
    }

    bool closure_params() {
        for (const auto& t : self_.tokens) {
            if (t.kind == Leaf::name) {
                parent_.params.emplace_back(text(t.span));
            }
        }
        parent_.has_arrow = true;
        return true;
    }

    bool opaque_block() {
        auto blk = std::make_unique<Block>();
        blk->span = span_;
        blk->body_span = Span{span_.begin + 1, span_.end - 1};
        blk->opaque = true;
        blk->text = std::string(text(blk->body_span));
        b_.opaque_spans_.push_back(blk->body_span);
        parent_.block = std::move(blk);
        return true;
    }

    bool command_expr() {
        const Token* callee = nullptr;
        ExprPtr target;
        for (const auto& t : self_.tokens) {
            if (t.kind != Leaf::name) {
                continue;
            }
            if (callee != nullptr) {
                const std::string_view name = text(callee->span);
                if (!target) {
                    target = make(ExprKind::ident, callee->span);
                    target->value = std::string(name);
                } else {
                    auto prop =
                        make(ExprKind::property, Span{target->span.begin, callee->span.end});
                    prop->op = ".";
                    prop->value = std::string(name);
                    prop->target = std::move(target);
                    target = std::move(prop);
                }
            }
            callee = &t;
        }
        if (callee == nullptr) {
            return false;
        }
        check_duplicate_names(self_.args);
        auto call = make(ExprKind::call, span_);
        call->name = std::string(text(callee->span));
        call->name_span = callee->span;
        if (target) {
            call->op = ".";
            call->target = std::move(target);
        }
        call->args = std::move(self_.args);
        parent_.exprs.push_back(std::move(call));
        return true;
    }

    [[noreturn]] void not_assignable(const Expr& target) const {
        const std::string_view source = text(target.span);
        std::string what;
        switch (target.kind) {
        case ExprKind::string:
        case ExprKind::number:
        case ExprKind::boolean:
        case ExprKind::null:
            what = "[" + groovy_text(target, source) + "] is a constant expression";
            break;
        case ExprKind::binary: {
            const std::string lhs = groovy_text(*target.target, text(target.target->span));
            const std::string rhs = groovy_text(*target.rhs, text(target.rhs->span));
            what = "(" + lhs + " " + target.op + " " + rhs + ") is a binary expression";
            break;
        }
        case ExprKind::call:
            what = std::string(source) + " is a method call expression";
            break;
        case ExprKind::gstring:
            what = std::string(source) + " is a GString expression";
            break;
        default:
            what = std::string(source) + " is not a variable expression";
            throw peg::fail(peg::code::invalid_assignment, target.span.begin, target.span.end,
                            what + ", so it cannot be assigned to");
        }
        throw peg::fail(peg::code::invalid_assignment, target.span.begin, target.span.end,
                        what + ", but it should be a variable expression");
    }

    bool expr_stmt() {
        auto st = std::make_unique<Stmt>();
        st->span = span_;
        if (const Token* op = token(Leaf::assign_op)) {
            if (self_.exprs.size() != 2) {
                return false;
            }
            st->kind = StmtKind::assign;
            st->op = std::string(text(op->span));
            st->value = take_last(self_);
            st->expr = take_last(self_);
            const ExprKind k = st->expr->kind;
            if (k != ExprKind::ident && k != ExprKind::property && k != ExprKind::index) {
                not_assignable(*st->expr);
            }
        } else {
            if (self_.exprs.size() != 1) {
                return false;
            }
            st->kind = StmtKind::expr;
            st->expr = take_last(self_);
        }
        parent_.stmts.push_back(std::move(st));
        return true;
    }

    bool opaque_stmt() {
        auto st = std::make_unique<Stmt>();
        st->kind = StmtKind::opaque;
        st->span = span_;
        st->text = std::string(text());
        b_.opaque_spans_.push_back(span_);
        parent_.stmts.push_back(std::move(st));
        return true;
    }

    static std::string trimmed(std::string_view s) {
        while (!s.empty() &&
               (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
            s.remove_suffix(1);
        }
        return std::string(s);
    }

    bool method_def() {
        const Token* name = token(Leaf::name);
        if (name == nullptr || !self_.block) {
            return false;
        }
        auto st = std::make_unique<Stmt>();
        st->kind = StmtKind::method;
        st->span = span_;
        st->name = std::string(text(name->span));
        st->text = trimmed(text(Span{span_.begin, self_.block->span.begin}));
        st->block = std::move(self_.block);
        parent_.stmts.push_back(std::move(st));
        return true;
    }

    bool annotated() {
        if (self_.stmts.empty()) {
            return false;
        }
        StmtPtr inner = std::move(self_.stmts.back());
        self_.stmts.pop_back();
        if (inner->kind == StmtKind::method) {
            inner->span.begin = span_.begin;
            inner->text = trimmed(text(Span{span_.begin, inner->block->span.begin}));
            parent_.stmts.push_back(std::move(inner));
            return true;
        }
        dismantle(std::move(inner));
        return opaque_stmt();
    }
};

bool Builder::close(Node kind, std::uint32_t end) {
    Frame& self = frames_[frame_count_ - 1];
    Frame& parent = frames_[frame_count_ - 2];
    NodeBuilder nb(*this, self, parent, span(self.begin, end));
    if (!nb.build(kind)) {
        abandon();
        return false;
    }
    abandon(); // drops what the node did not keep (e.g. the statements inside an opaque `if`)
    return true;
}

} // namespace ferry::grammar::detail
