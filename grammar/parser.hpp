#pragma once
// The PEG parser (PEGTL, confined to grammar/): pipeline text to syntax::Tree.

#include "grammar/diagnostic.hpp"
#include "grammar/source.hpp"
#include "grammar/syntax.hpp"

#include <optional>
#include <string_view>

namespace ferry::grammar {

/// A syntax error stops the parse; then `tree` is empty and `diagnostics` holds the error.
struct ParseResult {
    std::optional<syntax::Tree> tree;
    Diagnostics diagnostics;
};

/// Parses a whole pipeline file (Jenkinsfile or Ferryfile).
[[nodiscard]] ParseResult parse(const SourceFile& file);

/// Parses one Groovy expression, e.g. the text of a `${...}` or of an `expression {}` body.
/// Spans in the result are offsets into `text` plus `base`.
[[nodiscard]] std::optional<syntax::ExprPtr> parse_expression(std::string_view text,
                                                              std::uint32_t base = 0);

} // namespace ferry::grammar
