#pragma once
// Builds the syntax tree while the grammar matches (the PEGTL-free half of the parser).
//
// Every rule that makes a node gets a Frame when it starts; what its sub-rules produce lands in
// that frame; when the rule succeeds its Frame is folded into one result in the parent frame, and
// when it fails the Frame is dropped. So backtracking never leaves half-built nodes behind.
// Leaf rules (names, operators, literal text) add to the innermost frame on success.

#include "grammar/syntax.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::grammar::detail {

/// Rules that build a node from a frame of their own.
enum class Node : std::uint8_t {
    none,
    string_single,
    string_triple_single,
    string_double,
    string_triple_double,
    string_slashy,
    string_dollar_slashy,
    interp_path,
    interp_braced,
    interp_expression,
    any_arg,
    list_or_map,
    paren_expr,
    new_expr,
    opaque_call,
    call_selector,
    closure_selector,
    member_selector,
    index_selector,
    prefixed,
    as_cast,
    paren_cast,
    binary_rest,
    ternary_tail,
    closure_literal,
    trailing_closure,
    closure_params,
    method_block,
    opaque_block,
    command_expr,
    expr_stmt,
    opaque_stmt,
    method_def,
    annotated,
};

/// Rules whose match is recorded in the innermost frame.
enum class Leaf : std::uint8_t {
    none,
    line_comment,
    block_comment,
    shebang,
    text,          ///< literal string text, as written
    escape,        ///< `\n`, `\u0041`, ...: decoded
    slashy_escape, ///< `\/`
    dollar_escape, ///< `$$` or `$/` in a dollar-slashy string
    lone_dollar,   ///< a `$` that starts nothing in a slashy string
    number,
    digit_name,
    literal_true,
    literal_false,
    literal_null,
    name, ///< a name token for the node being built
    member_op,
    prefix_op,
    postfix_op,
    binary_op,
    cast_type,
    new_type,
    assign_op,
    empty_map,
    raw_text, ///< balanced text kept verbatim (`${...}` that is not an expression, opaque bodies)
    semicolon,
    empty_stmt,
};

/// What a bracket-like rule opened, so a missing closer can point back at it.
enum class Opener : std::uint8_t {
    none,
    args,
    paren,
    list,
    index,
    block,
    interp,
    string,
    comment,
};

struct Token {
    Leaf kind;
    Span span;
};

struct Frame {
    std::uint32_t begin = 0;
    std::vector<syntax::ExprPtr> exprs;
    std::vector<Token> tokens;
    std::vector<syntax::Arg> args;
    std::vector<syntax::StmtPtr> stmts;
    std::vector<syntax::StringPart> parts;
    std::vector<std::string> params;
    syntax::BlockPtr block;
    bool has_arrow = false;
    std::string text;                      ///< decoded literal text of a string being built
    std::uint32_t text_begin = UINT32_MAX; ///< where that literal run started
    std::uint32_t text_end = 0;

    void clear(std::uint32_t at);
};

class Builder {
public:
    /// `source` is the whole text being parsed; spans are offsets into it plus `base`.
    Builder(std::string_view source, std::uint32_t base);
    Builder(const Builder&) = delete;
    Builder& operator=(const Builder&) = delete;
    ~Builder();

    void open(std::uint32_t begin);
    /// Folds the innermost frame into its parent; false when the node cannot be built here.
    [[nodiscard]] bool close(Node kind, std::uint32_t end);
    void abandon();
    void leaf(Leaf kind, std::uint32_t begin, std::uint32_t end);

    void push_opener(Opener kind, std::uint32_t at) { openers_.push_back({kind, at}); }
    void pop_opener() { openers_.pop_back(); }
    [[nodiscard]] Opener innermost_opener() const;
    [[nodiscard]] std::uint32_t innermost_opener_offset() const;

    std::uint32_t depth = 0; ///< nesting of bracket-like rules, bounded by peg::max_nesting

    [[nodiscard]] std::size_t frame_count() const { return frame_count_; }
    /// The root frame's statements, shebang and comments, once the parse has succeeded.
    [[nodiscard]] syntax::Tree take_tree();
    [[nodiscard]] syntax::ExprPtr take_expression();

private:
    struct OpenerAt {
        Opener kind;
        std::uint32_t offset;
    };

    std::string_view source_;
    std::uint32_t base_;
    std::vector<Frame> frames_;
    std::size_t frame_count_ = 0;
    std::vector<OpenerAt> openers_;
    std::vector<syntax::Comment> comments_;
    std::vector<Span> opaque_spans_;
    std::optional<Span> shebang_;

    Frame& top() { return frames_[frame_count_ - 1]; }
    Span span(std::uint32_t begin, std::uint32_t end) const { return {begin + base_, end + base_}; }
    std::string_view slice(std::uint32_t begin, std::uint32_t end) const {
        return source_.substr(begin, end - begin);
    }
    std::string_view slice(Span s) const { return slice(s.begin - base_, s.end - base_); }

    friend class NodeBuilder;
};

} // namespace ferry::grammar::detail
