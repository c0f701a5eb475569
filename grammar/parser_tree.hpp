#pragma once
// Whole-tree helpers of the parser that must not recurse: a file can nest deeper than the stack.

#include "grammar/syntax.hpp"

#include <cstddef>

namespace ferry::grammar::detail {

/// Destroys a subtree iteratively (a default destructor would recurse once per level).
void dismantle(syntax::ExprPtr&& expr);
void dismantle(syntax::StmtPtr&& stmt);
void dismantle(syntax::BlockPtr&& block);
void dismantle(syntax::Tree& tree);

/// The deepest node of a tree: how deep, and where.
struct DepthReport {
    std::size_t depth = 0;
    Span where;
};

/// Measures the tree's depth without recursion.
[[nodiscard]] DepthReport measure_depth(const syntax::Tree& tree);
[[nodiscard]] DepthReport measure_depth(const syntax::Expr& expr);

} // namespace ferry::grammar::detail
