#pragma once
// The formatter's printer, shared by format.cpp (statements, blocks, comments) and
// format_expr.cpp (expressions). Internal to the compiler layer.

#include "compiler/format.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::compiler::detail {

/// Walks a syntax tree in source order and prints it in canonical layout. Comments are taken
/// from the tree's list with a cursor, so each is printed exactly once, in order.
class Printer {
public:
    Printer(const grammar::SourceFile& source, const grammar::syntax::Tree& tree,
            const FormatOptions& options);

    /// The whole file in canonical layout.
    [[nodiscard]] std::string run();

    /// False when a comment could not be placed; the caller then keeps the file as it was.
    [[nodiscard]] bool kept_every_comment() const { return !lost_comment_; }

    // Output: text goes on the current line; `line` asks for a new line at an indent level,
    // `blank` for one empty line before it. Requests collapse, so callers need not count.
    void put(std::string_view text);
    void line(int level);
    void blank();

    // Statements, blocks and comments (format.cpp).
    void body(const std::vector<grammar::syntax::StmtPtr>& stmts, grammar::Span region, int level,
              bool in_block);
    void statement(const grammar::syntax::Stmt& stmt, int level);
    void block(const grammar::syntax::Block& block, int level);
    void verbatim(grammar::Span span, int level, bool may_reindent);

    // Expressions (format_expr.cpp).
    void expr(const grammar::syntax::Expr& expr, int level);

    /// Spans printed as written or by a nested body: comments inside them are handled there.
    static void collect_holes(const grammar::syntax::Expr& expr, std::vector<grammar::Span>& out);

private:
    void opaque_block(const grammar::syntax::Block& block, int level);
    void assignment(const grammar::syntax::Stmt& stmt, int level);
    void method(const grammar::syntax::Stmt& stmt, int level);
    [[nodiscard]] bool has_own_comments(const grammar::syntax::Stmt& stmt) const;
    [[nodiscard]] bool needs_semicolon(const grammar::syntax::Stmt& stmt,
                                       const grammar::syntax::Stmt* next) const;
    void comment(const grammar::syntax::Comment& comment);
    void consume_comments_within(grammar::Span span);
    void expect_printed(std::uint32_t end);
    [[nodiscard]] const grammar::syntax::Comment* next_comment(std::uint32_t before) const;

    void call(const grammar::syntax::Expr& call, int level);
    void arguments(const grammar::syntax::Expr& owner, std::uint32_t open, std::uint32_t close,
                   bool brackets, int level);
    void command_arguments(const grammar::syntax::Expr& call, int level);
    void argument(const grammar::syntax::Arg& arg, int level);
    void binary(const grammar::syntax::Expr& expr, int level);
    void ternary(const grammar::syntax::Expr& expr, int level);
    void property(const grammar::syntax::Expr& expr, int level);
    void unary(const grammar::syntax::Expr& expr, int level);
    void as_written(grammar::Span span);
    [[nodiscard]] bool gap_is(std::uint32_t begin, std::uint32_t end, std::string_view token) const;

    // Source helpers.
    [[nodiscard]] std::string_view slice(grammar::Span span) const;
    [[nodiscard]] std::string_view slice(std::uint32_t begin, std::uint32_t end) const;
    [[nodiscard]] bool line_break_between(std::uint32_t begin, std::uint32_t end) const;
    [[nodiscard]] bool blank_line_between(std::uint32_t begin, std::uint32_t end) const;
    [[nodiscard]] int source_indent(std::uint32_t offset) const;

    const grammar::SourceFile& source_;
    std::string_view text_;
    const grammar::syntax::Tree& tree_;
    int width_;

    std::string out_;
    bool break_pending_ = false;
    bool blank_pending_ = false;
    int pending_level_ = 0;

    std::size_t comment_cursor_ = 0;
    bool lost_comment_ = false;
};

} // namespace ferry::compiler::detail
