#pragma once
// Groovy text that fmt prints as written (opaque statements, `script {}` bodies, statements with
// comments inside): a small lexer tells which line breaks sit in code and which sit inside a
// string or a block comment, so only the former may be re-indented or lose trailing blanks.

#include <string>
#include <string_view>
#include <vector>

namespace ferry::compiler::detail {

/// What the lexer knows about each line of a piece of Groovy text.
struct LineShape {
    bool starts_in_code = true; ///< the line does not begin inside a string or block comment
    bool ends_in_code = true;   ///< the line does not end inside a string or block comment
};

/// The lines of `text` (split at '\n'), or nothing when the lexer is unsure (unterminated string,
/// unbalanced `${`): then the text must be printed byte for byte.
[[nodiscard]] std::vector<LineShape> line_shapes(std::string_view text);

/// `text` with every line that starts in code shifted by `shift` columns (negative: fewer
/// leading spaces) and trailing blanks removed from lines that end in code. Returns `text`
/// unchanged when that is not safe (lexer unsure, or a line has too few leading spaces).
[[nodiscard]] std::string reindent(std::string_view text, int shift);

/// The leading spaces of the line of `text` that holds `offset`, if that line holds only
/// blanks before it; otherwise -1.
[[nodiscard]] int column_of_line_start(std::string_view text, std::size_t offset);

} // namespace ferry::compiler::detail
