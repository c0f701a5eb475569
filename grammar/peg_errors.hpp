#pragma once
// What each `must<>` of the grammar says when it fails, kept apart from the rules.

#include "grammar/peg_grammar.hpp"

#include <string_view>

namespace ferry::grammar::peg {

enum class Failure {
    expected,      ///< "expected <what>, found <x>"
    expression,    ///< an operand or value is missing
    closer,        ///< a `)`, `]` or `}` is missing: points back at its opener
    string_end,    ///< unterminated string: points at where it starts
    comment_end,   ///< unterminated comment
    number_digit,  ///< `123_ABC`: Groovy's lexer wording
    escape,        ///< invalid escape sequence
    dollar,        ///< `$` followed by nothing a GString can interpolate
    statement_end, ///< something follows a complete statement on its line
    file_end,      ///< something that cannot start a statement
};

/// The failure of one rule; `what` is what was expected (for strings: the closing quote).
template <typename Rule>
struct error_info {
    static constexpr Failure failure = Failure::expected;
    static constexpr std::string_view what = "more input";
};

#define FERRY_ERROR(rule, kind, text)                                                              \
    template <>                                                                                    \
    struct error_info<rule> {                                                                      \
        static constexpr Failure failure = Failure::kind;                                          \
        static constexpr std::string_view what = text;                                             \
    };

FERRY_ERROR(block_comment_body, comment_end, "*/")
FERRY_ERROR(digit_run_rest, number_digit, "")
FERRY_ERROR(exponent_digits, expected, "digits of the exponent")
FERRY_ERROR(hex_digits, expected, "hexadecimal digits after '0x'")
FERRY_ERROR(escape_code, escape, "")
FERRY_ERROR(dollar_misuse, dollar, "")
FERRY_ERROR(interp_close, closer, "}")
FERRY_ERROR(sq_close, string_end, "'")
FERRY_ERROR(tsq_close, string_end, "'''")
FERRY_ERROR(dq_close, string_end, "\"")
FERRY_ERROR(tdq_close, string_end, "\"\"\"")
FERRY_ERROR(slashy_close, string_end, "/")
FERRY_ERROR(dslashy_close, string_end, "/$")
FERRY_ERROR(named_value, expression, "a value after ':'")
FERRY_ERROR(paren_close, closer, ")")
FERRY_ERROR(bracket_close, closer, "]")
FERRY_ERROR(brace_close, closer, "}")
FERRY_ERROR(expression, expression, "an expression")
FERRY_ERROR(new_type, expected, "a type name after 'new'")
FERRY_ERROR(cast_type, expected, "a type name after 'as'")
FERRY_ERROR(binary_operand, expression, "an operand after the operator")
FERRY_ERROR(ternary_then, expression, "a value after '?'")
FERRY_ERROR(ternary_colon, expected, "':' of the '?:' expression")
FERRY_ERROR(ternary_else, expression, "a value after ':'")
FERRY_ERROR(command_arg, expression, "an argument after ','")
FERRY_ERROR(assign_value, expression, "a value to assign")
FERRY_ERROR(paren_group, expected, "'('")
FERRY_ERROR(balanced_block, expected, "'{'")
FERRY_ERROR(branch, expected, "a statement or a block")
FERRY_ERROR(else_body, expected, "a statement or a block after 'else'")
FERRY_ERROR(kw_while, expected, "'while' after the 'do' block")
FERRY_ERROR(statement, expected, "a declaration after the annotation")
FERRY_ERROR(stmt_end, statement_end, "")
FERRY_ERROR(file_end, file_end, "")
FERRY_ERROR(expression_text_end, statement_end, "")

#undef FERRY_ERROR

} // namespace ferry::grammar::peg
