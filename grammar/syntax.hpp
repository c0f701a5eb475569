#pragma once
// The syntax tree: the Groovy surface of a pipeline file, as written.
//
// The parser (grammar/parser.cpp) builds this tree; it knows nothing of declarative sections.
// The model builder (grammar/model_builder.cpp) walks it to find `pipeline {}` and its sections,
// much as the Jenkins plugin walks Groovy's AST. The formatter prints it back.
// Every node carries its span; comments are kept beside the tree, in source order.

#include "grammar/source.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ferry::grammar::syntax {

namespace detail {
/// Storage for syntax nodes, from per-thread free lists (grammar/parser_tree.cpp): a large file
/// makes and frees nodes by the hundred thousand, which the general heap does slowly.
[[nodiscard]] void* allocate_node(std::size_t size);
void free_node(void* node, std::size_t size) noexcept;
} // namespace detail

/// Gives a node type the pooled storage above (new/delete and make_unique work unchanged).
#define FERRY_SYNTAX_POOLED                                                                        \
    static void* operator new(std::size_t size) {                                                  \
        return detail::allocate_node(size);                                                        \
    }                                                                                              \
    static void operator delete(void* node, std::size_t size) noexcept {                           \
        detail::free_node(node, size);                                                             \
    }

struct Expr;
struct Stmt;
struct Block;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using BlockPtr = std::unique_ptr<Block>;

/// How a string literal was written. The formatter keeps the style.
enum class StringStyle {
    single,        ///< 'text'
    double_,       ///< "text" (a GString when it has parts that are expressions)
    triple_single, ///< '''text'''
    triple_double, ///< """text"""
    slashy,        ///< /text/
    dollar_slashy, ///< $/text/$
};

/// One piece of a string: literal text, or an interpolated `$name.chain` / `${expr}`.
struct StringPart {
    bool is_expr = false;
    bool braced = false; ///< `${...}` rather than `$name`
    std::string text;    ///< literal: the decoded text; expression: its source text inside `${}`
    ExprPtr expr;        ///< expression parts: the parsed expression (opaque when not parseable)
    Span span;           ///< literal: the raw text; expression: from `$` to the end
};

enum class ExprKind {
    string,   ///< a literal with no interpolation: `value` holds the decoded text
    gstring,  ///< a string with interpolation: `parts`
    number,   ///< `value` holds the literal as written (`1_000`, `0x1F`, `10L`, `1.5e3`, `1G`)
    boolean,  ///< `value` is "true" or "false"
    null,     ///< `null`
    ident,    ///< a bare name: `value` (may contain `$`, e.g. `$DOLLAR`)
    property, ///< `target.name` / `target?.name` / `target*.name`: `value` is the name
    call,     ///< `name(args) {closure}` / `name args` / `target.name(args)`: see below
    index,    ///< `target[lhs]`
    unary,    ///< `op target` (`!`, `-`, `+`, `~`, `++`, `--`) or postfix (`op` then "post")
    binary,   ///< `lhs op rhs` (arithmetic, comparison, `&&`, `||`, `=~`, `==~`, `in`, `?:`, ...)
    ternary,  ///< `target ? lhs : rhs`
    list,     ///< `[a, b]`: elements in `args` (unnamed)
    map,      ///< `[k: v]` / `[:]`: entries in `args` (named)
    closure,  ///< a closure literal `{ a, b -> ... }` used as a value: `block`
    paren,    ///< `( target )`
    cast,     ///< `target as Type` / `(Type) target`: `value` is the type text
    new_,     ///< `new Type(args)`: `value` is the type text, `args`
    opaque,   ///< Groovy that ferry keeps as text only: `value` holds the raw source
};

/// A call argument, list element or map entry. `name` is set for named arguments / map keys.
struct Arg {
    std::optional<std::string> name; ///< decoded key (`key:`, `'key':`, `"key":`, `$class:`)
    Span name_span;
    bool name_quoted = false; ///< the key was written as a string
    ExprPtr value;
};

struct Expr {
    ExprKind kind = ExprKind::opaque;
    Span span;
    std::string value; ///< see ExprKind
    std::string op;    ///< unary / binary operator as written; property access `.`, `?.`, `*.`
    bool postfix = false;
    StringStyle style = StringStyle::single; ///< string / gstring
    std::vector<StringPart> parts;           ///< gstring

    ExprPtr target; ///< call/property receiver (null for a plain call), index/unary/cast/paren
                    ///< operand, binary left operand, ternary condition
    ExprPtr lhs;    ///< index subscript, ternary "then"
    ExprPtr rhs;    ///< binary right operand, ternary "else"

    // call, list, map, new_
    std::string name; ///< call: the method name (`sh`, `stage`, `$` for `${...}` as a call)
    Span name_span;
    std::vector<Arg> args;
    bool parens = false;    ///< call written with `( )`; false for command syntax `sh 'x'`
    BlockPtr block;         ///< call: trailing closure; closure: the literal itself
    bool has_block = false; ///< convenience: block != nullptr
    FERRY_SYNTAX_POOLED
};

enum class StmtKind {
    expr,   ///< an expression statement, usually a call: `sh 'x'`, `stage('a') { ... }`
    assign, ///< `target op value` with op `=`, `+=`, ...: `target`, `value`
    opaque, ///< any other Groovy statement (`def`, `if`, `for`, `import`, `class`, ...): `text`
    method, ///< `def name(params) { body }` / `void name() {...}`: `name`, `block`
    empty,  ///< a lone `;`
};

struct Stmt {
    StmtKind kind = StmtKind::opaque;
    Span span;
    ExprPtr expr;           ///< expr: the expression; assign: the target
    ExprPtr value;          ///< assign: the value
    std::string op;         ///< assign: the operator
    std::string name;       ///< method: its name
    std::string text;       ///< opaque: the raw source (also kept for `method` headers)
    BlockPtr block;         ///< method: the body
    bool semicolon = false; ///< ended with `;`
    FERRY_SYNTAX_POOLED
};

/// A `{ ... }` body: closure parameters and statements, or, when opaque, its raw inner text.
/// `script {}` bodies and `expression {}` bodies are opaque: ferry keeps their Groovy verbatim.
struct Block {
    Span span;                       ///< from `{` to `}` inclusive
    Span body_span;                  ///< between the braces
    std::vector<std::string> params; ///< `{ a, b -> ... }`
    bool has_arrow = false;
    std::vector<StmtPtr> stmts;
    bool opaque = false;
    std::string text; ///< opaque: the raw text between the braces
    FERRY_SYNTAX_POOLED
};

#undef FERRY_SYNTAX_POOLED

struct Comment {
    Span span;
    bool block = false; ///< `/* */` rather than `//`
};

/// A whole file: its top-level statements (with `pipeline {}` among them) and every comment.
struct Tree {
    std::optional<Span> shebang; ///< `#!...` on line 1
    std::vector<StmtPtr> stmts;
    std::vector<Comment> comments; ///< in source order
};

} // namespace ferry::grammar::syntax
