// The formatter: statements, blocks, comments and the output buffer. Expressions are in
// format_expr.cpp; text printed as written (opaque Groovy) goes through format_verbatim.cpp.
//
// Layout is decided from the tree, never from the old layout, with two exceptions that keep the
// output idempotent: a line break the user put between arguments (or around a binary operator)
// is kept, and text ferry keeps as written (strings, `script {}` bodies, opaque Groovy) keeps its
// own lines.

#include "compiler/format.hpp"

#include "compiler/format_printer.hpp"
#include "compiler/format_verbatim.hpp"

#include <algorithm>

namespace ferry::compiler {
namespace detail {

using grammar::Span;
using namespace grammar::syntax;

namespace {

std::string_view rtrim(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

// Whether a statement holds Groovy that ferry keeps as text: that text must stay byte for byte.
// An explicit stack: operator chains can be as long as the file.
bool contains_opaque(std::vector<const Stmt*> stmts, std::vector<const Expr*> exprs) {
    const auto visit_block = [&](const Block* b) {
        if (b == nullptr) {
            return false;
        }
        for (const StmtPtr& s : b->stmts) {
            stmts.push_back(s.get());
        }
        return b->opaque;
    };
    while (!stmts.empty() || !exprs.empty()) {
        if (!stmts.empty()) {
            const Stmt& s = *stmts.back();
            stmts.pop_back();
            if (s.kind == StmtKind::opaque || s.kind == StmtKind::method) {
                return true;
            }
            for (const Expr* e : {s.expr.get(), s.value.get()}) {
                if (e != nullptr) {
                    exprs.push_back(e);
                }
            }
            continue;
        }
        const Expr& e = *exprs.back();
        exprs.pop_back();
        if (e.kind == ExprKind::opaque || e.kind == ExprKind::cast || e.kind == ExprKind::new_ ||
            visit_block(e.block.get())) {
            return true;
        }
        for (const Expr* child : {e.target.get(), e.lhs.get(), e.rhs.get()}) {
            if (child != nullptr) {
                exprs.push_back(child);
            }
        }
        for (const Arg& arg : e.args) {
            if (arg.value) {
                exprs.push_back(arg.value.get());
            }
        }
        for (const StringPart& part : e.parts) {
            if (part.expr) {
                exprs.push_back(part.expr.get());
            }
        }
    }
    return false;
}

bool contains_opaque(const Stmt& stmt) {
    return contains_opaque({&stmt}, {});
}

// The part of a call before its trailing closure: its receiver and its arguments.
bool header_contains_opaque(const Expr& call) {
    std::vector<const Expr*> exprs;
    if (call.target) {
        exprs.push_back(call.target.get());
    }
    for (const Arg& arg : call.args) {
        if (arg.value) {
            exprs.push_back(arg.value.get());
        }
    }
    return contains_opaque({}, std::move(exprs));
}

bool inside(Span inner, Span outer) {
    return inner.begin >= outer.begin && inner.end <= outer.end;
}

// Statements whose first character could glue onto the end of the previous statement when only
// a line break separates them; for those the `;` the user wrote stays.
bool starts_ambiguously(std::string_view text) {
    return !text.empty() &&
           std::string_view("([{+-/.*").find(text.front()) != std::string_view::npos;
}

} // namespace

Printer::Printer(const grammar::SourceFile& source, const Tree& tree, const FormatOptions& options)
    : source_(source), text_(source.text()), tree_(tree), width_(std::max(options.indent, 0)) {}

// ---- output ----------------------------------------------------------------------------------

void Printer::put(std::string_view text) {
    if (break_pending_) {
        while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\t')) {
            out_.pop_back();
        }
        if (!out_.empty()) {
            out_ += blank_pending_ ? "\n\n" : "\n";
        }
        out_.append(static_cast<std::size_t>(pending_level_ * width_), ' ');
        break_pending_ = false;
        blank_pending_ = false;
    }
    out_.append(text);
}

void Printer::line(int level) {
    break_pending_ = true;
    pending_level_ = level;
}

void Printer::blank() {
    blank_pending_ = true;
}

// ---- source helpers --------------------------------------------------------------------------

std::string_view Printer::slice(Span span) const {
    return source_.slice(span);
}

std::string_view Printer::slice(std::uint32_t begin, std::uint32_t end) const {
    return source_.slice(Span{begin, std::max(begin, end)});
}

bool Printer::line_break_between(std::uint32_t begin, std::uint32_t end) const {
    return slice(begin, end).find('\n') != std::string_view::npos;
}

bool Printer::blank_line_between(std::uint32_t begin, std::uint32_t end) const {
    const std::string_view gap = slice(begin, end);
    return std::count(gap.begin(), gap.end(), '\n') >= 2;
}

int Printer::source_indent(std::uint32_t offset) const {
    std::uint32_t begin = std::min(offset, static_cast<std::uint32_t>(text_.size()));
    while (begin > 0 && text_[begin - 1] != '\n') {
        --begin;
    }
    int n = 0;
    while (begin + static_cast<std::uint32_t>(n) < text_.size() &&
           text_[begin + static_cast<std::uint32_t>(n)] == ' ') {
        ++n;
    }
    return n;
}

// ---- comments --------------------------------------------------------------------------------

const Comment* Printer::next_comment(std::uint32_t before) const {
    if (comment_cursor_ < tree_.comments.size() &&
        tree_.comments[comment_cursor_].span.begin < before) {
        return &tree_.comments[comment_cursor_];
    }
    return nullptr;
}

void Printer::comment(const Comment& c) {
    // Line comments lose trailing blanks; block comments are printed byte for byte.
    put(c.block ? slice(c.span) : rtrim(slice(c.span)));
    ++comment_cursor_;
}

void Printer::consume_comments_within(Span span) {
    while (const Comment* c = next_comment(span.end)) {
        if (c->span.begin < span.begin) {
            lost_comment_ = true; // a comment nobody printed: the caller falls back
        }
        ++comment_cursor_;
    }
}

void Printer::expect_printed(std::uint32_t end) {
    while (next_comment(end) != nullptr) {
        lost_comment_ = true;
        ++comment_cursor_;
    }
}

bool Printer::has_own_comments(const Stmt& stmt) const {
    std::vector<Span> holes;
    if (stmt.expr) {
        collect_holes(*stmt.expr, holes);
    }
    if (stmt.value) {
        collect_holes(*stmt.value, holes);
    }
    if (stmt.block) {
        holes.push_back(stmt.block->span);
    }
    for (std::size_t i = comment_cursor_; i < tree_.comments.size(); ++i) {
        const Span c = tree_.comments[i].span;
        if (c.begin >= stmt.span.end) {
            break;
        }
        const bool in_hole =
            std::any_of(holes.begin(), holes.end(), [&](Span h) { return inside(c, h); });
        if (!in_hole) {
            return true;
        }
    }
    return false;
}

// ---- statements and blocks -------------------------------------------------------------------

void Printer::body(const std::vector<StmtPtr>& stmts, Span region, int level, bool in_block) {
    std::uint32_t prev = region.begin; // end of the last item printed (or of the `{`)
    bool first = true;
    const auto place = [&](std::uint32_t begin) {
        if (!first && blank_line_between(prev, begin)) {
            blank();
        }
        line(level);
        first = false;
    };
    const auto comments_before = [&](std::uint32_t limit) {
        while (const Comment* c = next_comment(limit)) {
            const bool trails = (in_block || !first) && !line_break_between(prev, c->span.begin);
            if (trails) {
                put(" ");
            } else {
                place(c->span.begin);
            }
            prev = c->span.end;
            comment(*c);
        }
    };
    for (std::size_t i = 0; i < stmts.size(); ++i) {
        const Stmt& stmt = *stmts[i];
        comments_before(stmt.span.begin);
        if (stmt.kind == StmtKind::empty) {
            continue; // a stray `;`: not part of the program
        }
        place(stmt.span.begin);
        statement(stmt, level);
        const Stmt* next = nullptr;
        for (std::size_t j = i + 1; j < stmts.size() && next == nullptr; ++j) {
            if (stmts[j]->kind != StmtKind::empty) {
                next = stmts[j].get();
            }
        }
        if (needs_semicolon(stmt, next)) {
            put(";");
        }
        prev = stmt.span.end;
        expect_printed(stmt.span.end);
    }
    comments_before(region.end);
}

bool Printer::needs_semicolon(const Stmt& stmt, const Stmt* next) const {
    return stmt.semicolon && next != nullptr && starts_ambiguously(slice(next->span));
}

void Printer::statement(const Stmt& stmt, int level) {
    if (stmt.kind == StmtKind::opaque) {
        verbatim(stmt.span, level, false);
        return;
    }
    if (has_own_comments(stmt)) {
        // A comment between the arguments has no canonical place. When the statement ends in a
        // closure, only the part before it is printed as written; the closure is still formatted.
        const Expr* call = stmt.kind == StmtKind::expr ? stmt.expr.get() : nullptr;
        if (call != nullptr && call->kind == ExprKind::call && call->block &&
            call->block->span.end == stmt.span.end) {
            verbatim(Span{stmt.span.begin, call->block->span.begin}, level,
                     !header_contains_opaque(*call));
            put(" ");
            block(*call->block, level);
            return;
        }
        verbatim(stmt.span, level, !contains_opaque(stmt));
        return;
    }
    switch (stmt.kind) {
    case StmtKind::expr:
        if (stmt.expr) {
            expr(*stmt.expr, level);
        } else {
            verbatim(stmt.span, level, false);
        }
        return;
    case StmtKind::assign:
        assignment(stmt, level);
        return;
    case StmtKind::method:
        method(stmt, level);
        return;
    case StmtKind::opaque:
    case StmtKind::empty:
        return;
    }
}

void Printer::assignment(const Stmt& stmt, int level) {
    if (!stmt.expr || !stmt.value) {
        verbatim(stmt.span, level, false);
        return;
    }
    expr(*stmt.expr, level);
    put(" ");
    put(stmt.op.empty() ? std::string_view("=") : std::string_view(stmt.op));
    if (line_break_between(stmt.expr->span.end, stmt.value->span.begin)) {
        line(level + 1);
        expr(*stmt.value, level + 1);
    } else {
        put(" ");
        expr(*stmt.value, level);
    }
}

void Printer::method(const Stmt& stmt, int level) {
    if (!stmt.block) {
        verbatim(stmt.span, level, false);
        return;
    }
    // The header (`def name(String a)`) is kept as written: the tree holds it as text.
    put(rtrim(slice(stmt.span.begin, stmt.block->span.begin)));
    put(" ");
    block(*stmt.block, level);
}

void Printer::block(const Block& b, int level) {
    if (b.opaque) {
        opaque_block(b, level);
        return;
    }
    put("{");
    if (b.has_arrow || !b.params.empty()) {
        std::string params;
        for (const std::string& p : b.params) {
            params += params.empty() ? " " : ", ";
            params += p;
        }
        put(params);
        put(" ->");
    }
    const bool empty = b.stmts.empty() && next_comment(b.body_span.end) == nullptr;
    if (empty) {
        put(b.has_arrow || !b.params.empty() ? " }" : "}");
        return;
    }
    body(b.stmts, b.body_span, level + 1, true);
    line(level);
    put("}");
}

void Printer::opaque_block(const Block& b, int level) {
    // The text between the braces is part of the program (the runtime hands it to Groovy), so
    // it is printed byte for byte, down to the blanks before `}`.
    (void)level;
    put("{");
    put(slice(b.body_span));
    consume_comments_within(b.span);
    put("}");
}

// Prints a statement as written. Text that holds no opaque Groovy may move by whole lines to the
// new indentation (strings and block comments inside it are left alone); anything else is
// printed byte for byte.
void Printer::verbatim(Span span, int level, bool may_reindent) {
    std::string_view text = rtrim(slice(span));
    if (may_reindent) {
        if (!text.empty() && text.back() == ';') {
            text = rtrim(text.substr(0, text.size() - 1));
        }
        put(reindent(text, level * width_ - source_indent(span.begin)));
    } else {
        put(text);
    }
    consume_comments_within(span);
}

std::string Printer::run() {
    Span region{0, static_cast<std::uint32_t>(text_.size())};
    if (tree_.shebang) {
        put(rtrim(slice(*tree_.shebang)));
        region.begin = tree_.shebang->end;
        std::uint32_t first_item = region.end;
        if (!tree_.stmts.empty()) {
            first_item = tree_.stmts.front()->span.begin;
        }
        if (!tree_.comments.empty()) {
            first_item = std::min(first_item, tree_.comments.front().span.begin);
        }
        if (blank_line_between(region.begin, first_item)) {
            blank();
        }
    }
    body(tree_.stmts, region, 0, false);
    while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\t' || out_.back() == '\n')) {
        out_.pop_back();
    }
    if (comment_cursor_ != tree_.comments.size()) {
        lost_comment_ = true;
    }
    if (!out_.empty()) {
        out_.push_back('\n');
    }
    return std::move(out_);
}

} // namespace detail

std::string format(const grammar::SourceFile& source, const grammar::syntax::Tree& tree,
                   const FormatOptions& options) {
    detail::Printer printer(source, tree, options);
    std::string out = printer.run();
    if (!printer.kept_every_comment()) {
        // Never drop a comment: print the file as written, normalising only its last line.
        std::string_view text = source.text();
        while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
            text.remove_suffix(1);
        }
        return std::string(text) + "\n";
    }
    return out;
}

} // namespace ferry::compiler
