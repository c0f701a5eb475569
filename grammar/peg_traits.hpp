#pragma once
// Which grammar rules build nodes, which are leaves, which open brackets and which nest:
// the link between peg_grammar.hpp (the rules) and parser_build.hpp (what they build).

#include "grammar/parser_build.hpp"
#include "grammar/peg_grammar.hpp"

namespace ferry::grammar::peg {

namespace build = ferry::grammar::detail;

template <typename Rule>
inline constexpr build::Node node_of = build::Node::none;
template <typename Rule>
inline constexpr build::Leaf leaf_of = build::Leaf::none;
template <typename Rule>
inline constexpr build::Opener opener_of = build::Opener::none;
/// Rules that recurse into the grammar: each level counts against max_nesting.
template <typename Rule>
inline constexpr bool nests = false;

#define FERRY_NODE(rule, kind)                                                                     \
    template <>                                                                                    \
    inline constexpr build::Node node_of<rule> = build::Node::kind;
#define FERRY_LEAF(rule, kind)                                                                     \
    template <>                                                                                    \
    inline constexpr build::Leaf leaf_of<rule> = build::Leaf::kind;
#define FERRY_OPENER(rule, kind)                                                                   \
    template <>                                                                                    \
    inline constexpr build::Opener opener_of<rule> = build::Opener::kind;
#define FERRY_NESTS(rule)                                                                          \
    template <>                                                                                    \
    inline constexpr bool nests<rule> = true;

FERRY_NODE(sq_string, string_single)
FERRY_NODE(tsq_string, string_triple_single)
FERRY_NODE(dq_string, string_double)
FERRY_NODE(tdq_string, string_triple_double)
FERRY_NODE(slashy_string, string_slashy)
FERRY_NODE(dslashy_string, string_dollar_slashy)
FERRY_NODE(interp_path, interp_path)
FERRY_NODE(interp_braced, interp_braced)
FERRY_NODE(interp_expression, interp_expression)
FERRY_NODE(any_arg, any_arg)
FERRY_NODE(list_or_map, list_or_map)
FERRY_NODE(paren_expr, paren_expr)
FERRY_NODE(new_expr, new_expr)
FERRY_NODE(opaque_call, opaque_call)
FERRY_NODE(call_selector, call_selector)
FERRY_NODE(closure_selector, closure_selector)
FERRY_NODE(member_selector, member_selector)
FERRY_NODE(index_selector, index_selector)
FERRY_NODE(prefixed, prefixed)
FERRY_NODE(as_cast, as_cast)
FERRY_NODE(paren_cast, paren_cast)
FERRY_NODE(binary_rest, binary_rest)
FERRY_NODE(ternary_tail, ternary_tail)
FERRY_NODE(closure_literal, closure_literal)
FERRY_NODE(trailing_closure, trailing_closure)
FERRY_NODE(closure_params, closure_params)
FERRY_NODE(method_block, method_block)
FERRY_NODE(opaque_block, opaque_block)
FERRY_NODE(command_expr, command_expr)
FERRY_NODE(expr_stmt, expr_stmt)
FERRY_NODE(import_stmt, opaque_stmt)
FERRY_NODE(type_def, opaque_stmt)
FERRY_NODE(control_stmt, opaque_stmt)
FERRY_NODE(declaration, opaque_stmt)
FERRY_NODE(labeled_stmt, opaque_stmt)
FERRY_NODE(method_def, method_def)
FERRY_NODE(annotated, annotated)

FERRY_LEAF(line_comment, line_comment)
FERRY_LEAF(block_comment, block_comment)
FERRY_LEAF(shebang_line, shebang)
FERRY_LEAF(sq_text, text)
FERRY_LEAF(tsq_text, text)
FERRY_LEAF(dq_text, text)
FERRY_LEAF(tdq_text, text)
FERRY_LEAF(slashy_text, text)
FERRY_LEAF(dslashy_text, text)
FERRY_LEAF(escape, escape)
FERRY_LEAF(slashy_escape, slashy_escape)
FERRY_LEAF(dslashy_escape, dollar_escape)
FERRY_LEAF(lone_dollar, lone_dollar)
FERRY_LEAF(number, number)
FERRY_LEAF(digit_name, digit_name)
FERRY_LEAF(literal_true, literal_true)
FERRY_LEAF(literal_false, literal_false)
FERRY_LEAF(literal_null, literal_null)
FERRY_LEAF(interp_name, name)
FERRY_LEAF(key_name, name)
FERRY_LEAF(member_name, name)
FERRY_LEAF(param_name, name)
FERRY_LEAF(callee_name, name)
FERRY_LEAF(callee_member_name, name)
FERRY_LEAF(method_name, name)
FERRY_LEAF(opaque_call_name, name)
FERRY_LEAF(member_op, member_op)
FERRY_LEAF(prefix_op, prefix_op)
FERRY_LEAF(postfix_selector, postfix_op)
FERRY_LEAF(binary_op, binary_op)
FERRY_LEAF(cast_type, cast_type)
FERRY_LEAF(paren_cast_type, cast_type)
FERRY_LEAF(new_type, new_type)
FERRY_LEAF(assign_op, assign_op)
FERRY_LEAF(empty_map, empty_map)
FERRY_LEAF(semicolon, semicolon)
FERRY_LEAF(empty_stmt, empty_stmt)
FERRY_LEAF(primary_ident, digit_name) // a plain name as an expression: same node as `1BAR`

FERRY_OPENER(paren_args, args)
FERRY_OPENER(paren_expr, paren)
FERRY_OPENER(list_or_map, list)
FERRY_OPENER(index_selector, index)
FERRY_OPENER(array_dim, index)
FERRY_OPENER(closure_literal, block)
FERRY_OPENER(trailing_closure, block)
FERRY_OPENER(method_block, block)
FERRY_OPENER(opaque_block, block)
FERRY_OPENER(interp_braced, interp)
FERRY_OPENER(sq_string, string)
FERRY_OPENER(tsq_string, string)
FERRY_OPENER(dq_string, string)
FERRY_OPENER(tdq_string, string)
FERRY_OPENER(slashy_string, string)
FERRY_OPENER(dslashy_string, string)
FERRY_OPENER(block_comment, comment)

FERRY_NESTS(paren_args)
FERRY_NESTS(paren_expr)
FERRY_NESTS(list_or_map)
FERRY_NESTS(index_selector)
FERRY_NESTS(array_dim)
FERRY_NESTS(closure_literal)
FERRY_NESTS(trailing_closure)
FERRY_NESTS(method_block)
FERRY_NESTS(opaque_block)
FERRY_NESTS(interp_braced)
FERRY_NESTS(ternary_tail)
FERRY_NESTS(if_stmt)
FERRY_NESTS(branch)
FERRY_NESTS(annotated)
FERRY_NESTS(new_expr)
FERRY_NESTS(paren_cast)
FERRY_NESTS(labeled_stmt)

#undef FERRY_NODE
#undef FERRY_LEAF
#undef FERRY_OPENER
#undef FERRY_NESTS

} // namespace ferry::grammar::peg
