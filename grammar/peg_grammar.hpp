#pragma once
// The PEG grammar of the Groovy surface a pipeline rides on, read top to bottom like a BNF.
//
// Rules only: what the rules build lives in parser_build.cpp (selected by peg_traits.hpp),
// and what a failed `must<>` says lives in peg_errors.hpp. Newlines matter in Groovy, so two
// kinds of spacing are used: `sp` stays on the line, `ws` may cross lines. A newline does not
// end a statement after an operator, `,`, `(`, `[`, `?`, `:` or `=`, or before a line that starts
// with `.`; that falls out of where `ws` is used below.

#include "grammar/peg_scan.hpp"

#include <tao/pegtl.hpp>

namespace ferry::grammar::peg {

using namespace tao::pegtl; // NOLINT: the grammar reads as BNF only with PEGTL's rule names

// ---------------------------------------------------------------- lexical: spacing and comments
struct eol_char : one<'\n', '\r'> {};
struct newline : sor<string<'\r', '\n'>, eol_char> {};
struct line_comment : seq<two<'/'>, star<not_one<'\n', '\r'>>> {};
struct block_comment_end : string<'*', '/'> {};
struct block_comment_body : until<block_comment_end> {};
struct block_comment : seq<string<'/', '*'>, must<block_comment_body>> {};
// Guarded by its first character: spacing is tried everywhere, and a comment rule that starts
// (and opens its bracket record) only to fail costs more than one look.
struct comment : seq<at<one<'/'>>, sor<line_comment, block_comment>> {};
struct continuation : seq<one<'\\'>, newline> {};
struct spaces : plus<one<' ', '\t', '\f'>> {};
struct blank : sor<spaces, continuation> {};
/// Spacing on the line: `star<sor<spaces, comment, continuation>>`, scanned in one loop.
struct sp : spacing<false, comment, continuation> {};
/// Spacing across lines: `star<sor<newlines, comment, continuation>>`, scanned in one loop.
struct ws : spacing<true, comment, continuation> {};
struct sp1 : seq<at<sor<spaces, comment, continuation>>, sp> {};

struct bom : string<'\xEF', '\xBB', '\xBF'> {};

// ---------------------------------------------------------------- lexical: names and keywords
struct ident_first : sor<ranges<'a', 'z', 'A', 'Z'>, one<'_', '$'>, range<'\x80', '\xff'>> {};
struct ident_other : sor<ident_first, digit> {};
/// A Groovy name that is not a reserved word (scanned by hand: see peg_scan.hpp).
struct plain_name : name_not_reserved {};
/// Any name, reserved words included (after `.`, as a map key).
struct any_name : seq<ident_first, star<ident_other>> {};

template <typename Key>
struct kw : seq<Key, not_at<ident_other>> {};
struct kw_as : kw<TAO_PEGTL_STRING("as")> {};
struct kw_in : kw<TAO_PEGTL_STRING("in")> {};
struct kw_instanceof : kw<TAO_PEGTL_STRING("instanceof")> {};
struct kw_new : kw<TAO_PEGTL_STRING("new")> {};
struct kw_true : kw<TAO_PEGTL_STRING("true")> {};
struct kw_false : kw<TAO_PEGTL_STRING("false")> {};
struct kw_null : kw<TAO_PEGTL_STRING("null")> {};
struct kw_if : kw<TAO_PEGTL_STRING("if")> {};
struct kw_else : kw<TAO_PEGTL_STRING("else")> {};
struct kw_for : kw<TAO_PEGTL_STRING("for")> {};
struct kw_while : kw<TAO_PEGTL_STRING("while")> {};
struct kw_do : kw<TAO_PEGTL_STRING("do")> {};
struct kw_try : kw<TAO_PEGTL_STRING("try")> {};
struct kw_catch : kw<TAO_PEGTL_STRING("catch")> {};
struct kw_finally : kw<TAO_PEGTL_STRING("finally")> {};
struct kw_switch : kw<TAO_PEGTL_STRING("switch")> {};
struct kw_synchronized : kw<TAO_PEGTL_STRING("synchronized")> {};
struct kw_jump : sor<kw<TAO_PEGTL_STRING("return")>, kw<TAO_PEGTL_STRING("throw")>,
                     kw<TAO_PEGTL_STRING("assert")>, kw<TAO_PEGTL_STRING("break")>,
                     kw<TAO_PEGTL_STRING("continue")>> {};
struct kw_import : kw<TAO_PEGTL_STRING("import")> {};
struct kw_package : kw<TAO_PEGTL_STRING("package")> {};
struct kw_type_def : sor<kw<TAO_PEGTL_STRING("class")>, kw<TAO_PEGTL_STRING("interface")>,
                         kw<TAO_PEGTL_STRING("enum")>, kw<TAO_PEGTL_STRING("trait")>> {};
struct kw_def : kw<TAO_PEGTL_STRING("def")> {};
struct kw_void : kw<TAO_PEGTL_STRING("void")> {};
struct kw_throws : kw<TAO_PEGTL_STRING("throws")> {};
struct kw_modifier : sor<kw<TAO_PEGTL_STRING("public")>, kw<TAO_PEGTL_STRING("private")>,
                         kw<TAO_PEGTL_STRING("protected")>, kw<TAO_PEGTL_STRING("static")>,
                         kw<TAO_PEGTL_STRING("final")>, kw<TAO_PEGTL_STRING("abstract")>,
                         kw<TAO_PEGTL_STRING("synchronized")>, kw<TAO_PEGTL_STRING("transient")>,
                         kw<TAO_PEGTL_STRING("volatile")>, kw<TAO_PEGTL_STRING("native")>> {};
struct kw_primitive : sor<kw<TAO_PEGTL_STRING("boolean")>, kw<TAO_PEGTL_STRING("byte")>,
                          kw<TAO_PEGTL_STRING("char")>, kw<TAO_PEGTL_STRING("short")>,
                          kw<TAO_PEGTL_STRING("int")>, kw<TAO_PEGTL_STRING("long")>,
                          kw<TAO_PEGTL_STRING("float")>, kw<TAO_PEGTL_STRING("double")>> {};
struct kw_opaque_body : sor<kw<TAO_PEGTL_STRING("script")>, kw<TAO_PEGTL_STRING("expression")>> {};

// ---------------------------------------------------------------- numbers
struct digit_run_rest : digit {};
struct digits : seq<digit, star<sor<digit, seq<plus<one<'_'>>, must<digit_run_rest>>>>> {};
struct hex_digits : seq<xdigit, star<sor<xdigit, one<'_'>>>> {};
struct hex_number : seq<one<'0'>, one<'x', 'X'>, must<hex_digits>> {};
struct bin_number : seq<one<'0'>, one<'b', 'B'>, plus<one<'0', '1', '_'>>> {};
struct exponent_digits : digits {};
struct exponent : seq<one<'e', 'E'>, opt<one<'+', '-'>>, must<exponent_digits>> {};
struct fraction : seq<one<'.'>, digits> {};
struct decimal : seq<digits, opt<fraction>, opt<exponent>> {};
struct number_suffix : one<'g', 'G', 'l', 'L', 'i', 'I', 'd', 'D', 'f', 'F'> {};
struct number : seq<sor<hex_number, bin_number, decimal>, opt<number_suffix>, not_at<ident_other>> {
};
/// `1BAR`: Groovy's lexer lets it through as a name; the validator rejects it later.
struct digit_name : seq<plus<digit>, plus<ident_other>> {};

// ---------------------------------------------------------------- strings
struct escape_code
    : sor<one<'b', 't', 'n', 'f', 'r', 's', '\\', '\'', '"', '$', '/'>,
          seq<one<'u'>, rep<4, xdigit>>, seq<range<'0', '3'>, rep_max<2, range<'0', '7'>>>,
          seq<range<'4', '7'>, opt<range<'0', '7'>>>, newline> {};
struct escape : seq<one<'\\'>, must<escape_code>> {};

struct expression;
struct interp_name : seq<ranges<'a', 'z', 'A', 'Z', '_', '_'>,
                         star<ranges<'a', 'z', 'A', 'Z', '0', '9', '_', '_'>>> {};
struct interp_member : seq<one<'.'>, at<ranges<'a', 'z', 'A', 'Z', '_', '_'>>, interp_name> {};
/// `$name` or `$name.a.b` inside a GString.
struct interp_path : seq<one<'$'>, interp_name, star<interp_member>> {};
struct interp_close : one<'}'> {};
struct interp_raw : brace_body {};
struct interp_expression : seq<ws, expression, ws, at<one<'}'>>> {};
/// `${ ... }`: an expression when it parses as one, else kept as raw text.
struct interp_braced
    : seq<one<'$'>, one<'{'>, sor<interp_expression, interp_raw>, must<interp_close>> {};
struct dollar_misuse : failure {};
struct dq_dollar : seq<at<one<'$'>>, sor<interp_braced, interp_path, must<dollar_misuse>>> {};
struct lone_dollar : one<'$'> {};
struct soft_dollar : sor<interp_braced, interp_path, lone_dollar> {};

struct sq_text : plus<not_one<'\'', '\\', '\n', '\r'>> {};
struct sq_close : one<'\''> {};
struct sq_string : seq<one<'\''>, star<sor<sq_text, escape>>, must<sq_close>> {};

struct tsq_quote : seq<one<'\''>, not_at<two<'\''>>> {};
struct tsq_text : plus<sor<not_one<'\'', '\\'>, tsq_quote>> {};
struct tsq_close : string<'\'', '\'', '\''> {};
struct tsq_string : seq<string<'\'', '\'', '\''>, star<sor<tsq_text, escape>>, must<tsq_close>> {};

struct dq_text : plus<not_one<'"', '\\', '$', '\n', '\r'>> {};
struct dq_close : one<'"'> {};
struct dq_string : seq<one<'"'>, star<sor<dq_text, escape, dq_dollar>>, must<dq_close>> {};

struct tdq_quote : seq<one<'"'>, not_at<two<'"'>>> {};
struct tdq_text : plus<sor<not_one<'"', '\\', '$'>, tdq_quote>> {};
struct tdq_close : string<'"', '"', '"'> {};
struct tdq_string
    : seq<string<'"', '"', '"'>, star<sor<tdq_text, escape, dq_dollar>>, must<tdq_close>> {};

struct slashy_escape : string<'\\', '/'> {};
struct slashy_text : plus<sor<not_one<'/', '\\', '$'>, seq<one<'\\'>, not_at<one<'/'>>>>> {};
struct slashy_close : one<'/'> {};
struct slashy_string : seq<one<'/'>, not_at<one<'/', '*'>>,
                           star<sor<slashy_text, slashy_escape, soft_dollar>>, must<slashy_close>> {
};

struct dslashy_escape : sor<two<'$'>, string<'$', '/'>> {};
struct dslashy_text : plus<sor<not_one<'/', '$'>, seq<one<'/'>, not_at<one<'$'>>>>> {};
struct dslashy_close : string<'/', '$'> {};
struct dslashy_string : seq<string<'$', '/'>, star<sor<dslashy_text, dslashy_escape, soft_dollar>>,
                            must<dslashy_close>> {};

/// The quoted forms (no slashy): what may start a command argument or be a map key.
struct quoted_string
    : sor<seq<at<string<'\'', '\'', '\''>>, tsq_string>, seq<at<one<'\''>>, sq_string>,
          seq<at<string<'"', '"', '"'>>, tdq_string>, seq<at<one<'"'>>, dq_string>> {};

// ---------------------------------------------------------------- types (for new, casts, methods)
struct qualified_name : seq<any_name, star<one<'.'>, any_name>> {};
struct generic_args
    : seq<one<'<'>, star<not_one<'>', '\n', '\r', ';', '{', '}', '(', ')', '='>>, plus<one<'>'>>> {
};
struct array_dims : plus<sp, one<'['>, sp, one<']'>> {};
struct type_name : seq<qualified_name, opt<generic_args>, opt<array_dims>> {};

// ---------------------------------------------------------------- expressions
struct closure_literal;
struct trailing_closure;
struct statement;

struct comma : one<','> {};
struct arg_value : seq<expression> {};
struct key_name : any_name {};
struct paren_expr;
struct colon : seq<one<':'>, not_at<one<':'>>> {};
struct named_value : seq<expression> {};
/// `key: value` whose key is a reserved word (`in: x`, `default: y`): looked ahead for.
struct reserved_key : seq<at<key_name, sp, colon>, key_name> {};
struct named_rest : seq<sp, colon, ws, must<named_value>> {};
/// A value, or `key: value` when a ':' follows (one pass: the key is parsed as a value first).
struct any_arg : sor<seq<reserved_key, named_rest>, seq<arg_value, opt<named_rest>>> {};

template <char Close>
struct arg_list : opt<any_arg, star<ws, comma, ws, sor<any_arg, at<one<Close>>, at<eof>>>> {};

struct paren_close : one<')'> {};
struct paren_args : seq<one<'('>, ws, arg_list<')'>, ws, must<paren_close>> {};
struct bracket_close : one<']'> {};
struct empty_map : seq<one<':'>, ws, at<one<']'>>> {};
/// `[a, b]`, `[k: v]` or `[:]`.
struct list_or_map : seq<one<'['>, ws, sor<empty_map, arg_list<']'>>, ws, must<bracket_close>> {};
struct paren_expr : seq<one<'('>, ws, must<expression>, ws, must<paren_close>> {};

struct new_type : type_name {};
struct array_dim : seq<one<'['>, ws, opt<expression>, ws, must<bracket_close>> {};
struct new_expr : seq<kw_new, sp, must<new_type>, sp,
                      sor<seq<paren_args, opt<sp, trailing_closure>>, plus<array_dim>>> {};

struct opaque_block;
/// `script { ... }` and `expression { ... }`: their Groovy is kept verbatim.
struct opaque_call_name : kw_opaque_body {};
struct opaque_call : seq<opaque_call_name, sp, opaque_block> {};

struct primary_ident : plain_name {};
struct literal_true : kw_true {};
struct literal_false : kw_false {};
struct literal_null : kw_null {};
struct word_primary
    : sor<seq<at<opaque_call_name, sp, one<'{'>>, opaque_call>,
          seq<at<one<'t', 'f', 'n'>>, sor<literal_true, literal_false, literal_null, new_expr>>,
          seq<at<one<'$'>>, dslashy_string>, primary_ident> {};
struct primary : sor<seq<at<one<'\'', '"'>>, quoted_string>, seq<at<ident_first>, word_primary>,
                     seq<at<digit>, sor<number, digit_name>>, seq<at<one<'['>>, list_or_map>,
                     seq<at<one<'('>>, paren_expr>, seq<at<one<'{'>>, closure_literal>,
                     seq<at<one<'/'>>, slashy_string>> {};

struct member_op : sor<string<'?', '.'>, string<'*', '.'>, string<'.', '&'>, string<'.', '@'>,
                       seq<one<'.'>, not_at<one<'.'>>>> {};
struct member_name : any_name {};
struct member_string : quoted_string {};
/// `.name`, `?.name`, `*.name`, also from the next line (a line that starts with `.`).
struct member_selector : seq<ws, member_op, ws, sor<member_name, member_string>> {};
struct call_selector : seq<sp, paren_args, opt<sp, trailing_closure>> {};
struct closure_selector : seq<sp, trailing_closure> {};
struct index_selector : seq<opt<one<'?'>>, one<'['>, ws, arg_list<']'>, ws, must<bracket_close>> {};
struct postfix_op : sor<two<'+'>, two<'-'>> {};
struct postfix_selector : postfix_op {};
// Each selector is guarded by a cheap look at its first character, so that a node is only
// started where one can follow (starting a node costs more than a look).
struct selector : sor<seq<at<sp, one<'('>>, call_selector>, seq<at<sp, one<'{'>>, closure_selector>,
                      seq<at<ws, member_op>, member_selector>,
                      seq<at<opt<one<'?'>>, one<'['>>, index_selector>, postfix_selector> {};

struct prefix_op
    : sor<two<'+'>, two<'-'>, seq<one<'!'>, not_at<one<'='>>>, one<'-'>, one<'+'>, one<'~'>> {};
struct cast_type : type_name {};
struct as_cast : seq<sp, kw_as, sp, must<cast_type>> {};
struct postfix_expr : seq<primary, star<selector>, star<at<sp, kw_as>, as_cast>> {};
// `(Type) operand`. A parenthesised name is only a cast when an operand follows that cannot
// continue an expression: `(a) - b` and `(a)[0]` stay as they were, `(int) -1` and `(String) (x)`
// are casts (a primitive or an `Upper` name can only be a type there).
struct unary;
struct cast_then_operand : sor<seq<not_at<sor<kw_in, kw_instanceof, kw_as>>, ident_first>, digit,
                               one<'\'', '"', '~'>, seq<one<'!'>, not_at<one<'='>>>> {};
struct cast_then_paren : sor<cast_then_operand, one<'(', '['>> {};
struct cast_then_signed : sor<cast_then_paren, seq<one<'+', '-'>, not_at<one<'=', '>'>>>> {};
struct cast_close : seq<sp, one<')'>, sp> {};
struct cast_lookahead : seq<one<'('>, sp,
                            sor<seq<kw_primitive, opt<array_dims>, cast_close, cast_then_signed>,
                                seq<at<range<'A', 'Z'>>, type_name, cast_close, cast_then_paren>,
                                seq<type_name, cast_close, cast_then_operand>>> {};
struct paren_cast_type : type_name {};
struct paren_cast : seq<one<'('>, sp, paren_cast_type, cast_close, unary> {};
struct guarded_cast : seq<at<cast_lookahead>, paren_cast> {};
/// Prefix operators wrap the operand that follows them.
struct prefixed : seq<plus<prefix_op, sp>, sor<seq<at<one<'('>>, guarded_cast>, postfix_expr>> {};
/// Prefix operators or a cast, an operand with its selectors, then `as` casts.
struct unary : sor<seq<at<prefix_op>, prefixed>, seq<at<one<'('>>, guarded_cast>, postfix_expr> {};

template <char C>
struct op_char : seq<one<C>, not_at<one<'='>>> {};
struct binary_op
    : sor<seq<string<'*', '*'>, not_at<one<'='>>>, op_char<'*'>, op_char<'/'>, op_char<'%'>,
          op_char<'+'>, seq<one<'-'>, not_at<one<'=', '>'>>>,
          seq<string<'<', '<'>, not_at<one<'='>>>, seq<string<'>', '>', '>'>, not_at<one<'='>>>,
          seq<string<'>', '>'>, not_at<one<'='>>>, string<'.', '.', '<'>, string<'.', '.'>,
          string<'<', '=', '>'>, string<'<', '='>, string<'>', '='>, one<'<'>, one<'>'>,
          string<'=', '=', '='>, string<'!', '=', '='>, string<'=', '=', '~'>, string<'=', '='>,
          string<'!', '='>, string<'=', '~'>, string<'&', '&'>, string<'|', '|'>, op_char<'&'>,
          op_char<'|'>, op_char<'^'>, string<'?', ':'>, kw_instanceof, kw_in,
          seq<one<'!'>, sor<kw_instanceof, kw_in>>> {};
struct binary_operand : seq<unary> {};
struct binary_op_start
    : one<'*', '/', '%', '+', '-', '<', '>', '=', '!', '&', '|', '^', '?', '.', 'i'> {};
struct binary_tail : seq<sp, at<binary_op_start>, binary_op, ws, must<binary_operand>> {};
/// The operators and operands after the first operand; the builder applies Groovy's precedence.
struct binary_rest : plus<binary_tail> {};
struct binary_chain : seq<unary, opt<at<sp, binary_op_start>, binary_rest>> {};

struct ternary_then : seq<expression> {};
struct ternary_else : seq<expression> {};
struct ternary_colon : one<':'> {};
struct ternary_tail : seq<sp, one<'?'>, not_at<one<'.', ':', '['>>, ws, must<ternary_then>, ws,
                          must<ternary_colon>, ws, must<ternary_else>> {};
struct ternary : seq<binary_chain, opt<at<sp, one<'?'>>, ternary_tail>> {};
struct expression : seq<ternary> {};

// ---------------------------------------------------------------- blocks and closures
struct brace_close : one<'}'> {};
struct param_name : plain_name {};
struct param_default : seq<expression> {};
struct closure_param
    : seq<opt<type_name, sp1, at<ident_first>>, param_name, opt<sp, one<'='>, ws, param_default>> {
};
struct closure_params
    : seq<ws, opt<closure_param, star<ws, comma, ws, closure_param>>, ws, string<'-', '>'>> {};
struct stmt_list;
struct block_body : seq<opt<closure_params>, stmt_list, ws> {};
struct closure_literal : seq<one<'{'>, block_body, must<brace_close>> {};
struct trailing_closure : seq<one<'{'>, block_body, must<brace_close>> {};
struct opaque_text : brace_body {};
struct opaque_block : seq<one<'{'>, opaque_text, must<brace_close>> {};

// ---------------------------------------------------------------- statements
struct callee_name : plain_name {};
struct callee_member_name : any_name {};
struct callee_member : seq<one<'.'>, callee_member_name> {};
struct command_arg_start
    : sor<seq<not_at<sor<kw_in, kw_instanceof, kw_as>>, ident_first>, digit, one<'\'', '"'>> {};
struct command_arg : seq<any_arg> {};
/// `sh 'x'`, `sh script: 'x', returnStdout: true`, `agent any`, `foo.bar 'x'`.
struct command_expr : seq<callee_name, star<callee_member>, sp1, at<command_arg_start>, command_arg,
                          star<sp, comma, ws, must<command_arg>>> {};

struct assign_op : sor<seq<one<'='>, not_at<one<'=', '~'>>>, string<'+', '='>, string<'-', '='>,
                       string<'*', '*', '='>, string<'*', '='>, string<'/', '='>, string<'%', '='>,
                       string<'<', '<', '='>, string<'>', '>', '>', '='>, string<'>', '>', '='>,
                       string<'&', '='>, string<'|', '='>, string<'^', '='>, string<'?', '='>> {};
struct assign_value : sor<command_expr, expression> {};
struct command_start : seq<callee_name, star<callee_member>, sp1, command_arg_start> {};
struct expr_stmt : seq<sor<seq<at<command_start>, command_expr>, expression>,
                       opt<sp, assign_op, ws, must<assign_value>>> {};

struct rest_of_statement : statement_rest {};
struct paren_group : seq<at<one<'('>>, bracket_group> {};
struct balanced_block : seq<at<one<'{'>>, bracket_group> {};
struct branch : sor<balanced_block, statement> {};
struct if_stmt;
struct else_body : sor<if_stmt, branch> {};
struct else_part : seq<ws, kw_else, ws, must<else_body>> {};
struct if_stmt : seq<kw_if, ws, must<paren_group>, ws, must<branch>, opt<else_part>> {};
struct loop_stmt : seq<sor<kw_for, kw_while>, ws, must<paren_group>, ws, must<branch>> {};
struct do_stmt : seq<kw_do, ws, must<branch>, ws, must<kw_while>, ws, must<paren_group>> {};
struct catch_part : seq<ws, kw_catch, ws, must<paren_group>, ws, must<balanced_block>> {};
struct finally_part : seq<ws, kw_finally, ws, must<balanced_block>> {};
struct try_stmt : seq<kw_try, ws, must<balanced_block>, star<catch_part>, opt<finally_part>> {};
struct guarded_stmt
    : seq<sor<kw_switch, kw_synchronized>, ws, must<paren_group>, ws, must<balanced_block>> {};
struct jump_stmt : seq<kw_jump, rest_of_statement> {};
struct control_stmt : sor<if_stmt, loop_stmt, do_stmt, try_stmt, guarded_stmt, jump_stmt> {};

struct import_stmt : seq<sor<kw_import, kw_package>, rest_of_statement> {};
struct type_header : star<not_one<'{', '}', ';'>> {};
struct type_def : seq<star<kw_modifier, sp>, kw_type_def, type_header, must<balanced_block>> {};

/// A word that may begin a method header: a modifier, `def`, `void`, a primitive or a Type.
struct head_word
    : sor<kw_modifier, kw_def, kw_void, kw_primitive, seq<at<range<'A', 'Z'>>, type_name>> {};
struct method_name : plain_name {};
struct throws_clause : seq<ws, kw_throws, ws, type_name, star<ws, comma, ws, type_name>> {};
struct method_head
    : seq<plus<head_word, sp, at<ident_first>>, method_name, sp, paren_group, opt<throws_clause>> {
};
struct method_block : seq<one<'{'>, stmt_list, ws, must<brace_close>> {};
struct method_body : sor<try_catch_type<syntax_failure, method_block>, opaque_block> {};
/// `def name(params) { body }`: the body is parsed as statements when it can be.
struct method_def : seq<method_head, ws, method_body> {};
/// Looked ahead for before the node starts: most statements are not method definitions.
struct guarded_method_def : seq<at<method_head, ws, one<'{'>>, method_def> {};

struct decl_type : sor<kw_primitive, seq<at<range<'A', 'Z'>>, type_name>> {};
struct decl_head : sor<seq<plus<sor<kw_modifier, kw_def>, sp>, opt<type_name, sp1>>,
                       seq<decl_type, sp1, at<plain_name, sp, sor<one<'=', ';'>, eol_char, eof>>>> {
};
/// `def x = ...`, `String s = ...`, `final x`: kept as text.
struct declaration : seq<decl_head, rest_of_statement> {};

struct annotation : seq<one<'@'>, not_at<kw<TAO_PEGTL_STRING("interface")>>, qualified_name,
                        opt<sp, paren_group>> {};
struct annotated : seq<plus<annotation, ws>, must<statement>> {};

/// `outer: for (...) {...}`: a labelled statement, kept as text like the loops it names.
struct label : statement_label {};
struct labeled_stmt : seq<label, ws, statement> {};

/// Most statements start with a plain lower-case name: those go straight to expr_stmt.
struct plain_statement : seq<not_at<special_statement_start>, expr_stmt> {};
// The alternatives below start nodes, so each is guarded by a cheap look first (an `Upper`
// name, the usual special start, cannot begin a keyword statement).
struct keyword_statement : seq<at<range<'a', 'z'>>, sor<import_stmt, type_def, control_stmt>> {};
struct statement
    : sor<seq<at<label>, labeled_stmt>, plain_statement, seq<at<one<'@'>>, annotated>,
          keyword_statement, guarded_method_def, seq<at<decl_head>, declaration>, expr_stmt> {};

struct semicolon : one<';'> {};
struct stmt_end : seq<sp, sor<semicolon, at<eol_char>, at<one<'}'>>, eof>> {};
struct empty_stmt : one<';'> {};
/// No statement starts with `}` or at the end: every block's end would otherwise try them all.
struct stmt_item : sor<empty_stmt, seq<not_at<sor<one<'}'>, eof>>, statement, must<stmt_end>>> {};
struct stmt_list : star<ws, stmt_item> {};

// ---------------------------------------------------------------- files
struct shebang_line : seq<string<'#', '!'>, star<not_one<'\n', '\r'>>> {};
struct file_end : eof {};
struct file : seq<opt<bom>, opt<shebang_line>, stmt_list, ws, must<file_end>> {};
struct expression_text_end : eof {};
struct expression_text : seq<ws, expression, ws, must<expression_text_end>> {};

} // namespace ferry::grammar::peg
