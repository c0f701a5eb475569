#pragma once
// A canonical text dump of a syntax tree without spans or layout: two trees are the same
// program exactly when their dumps are equal (used by fmt's "keeps the AST" guarantee and tests).

#include "grammar/syntax.hpp"

#include <string>

namespace ferry::grammar::syntax {

/// S-expression dump of the tree; comments are not included (see dump_comments).
[[nodiscard]] std::string dump(const Tree& tree);
[[nodiscard]] std::string dump(const Expr& expr);

} // namespace ferry::grammar::syntax
