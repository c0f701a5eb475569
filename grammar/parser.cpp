// parse() and parse_expression(): run the PEG grammar with a control that builds the tree,
// bounds the nesting, and turns a failed `must<>` into one diagnostic.
#include "grammar/parser.hpp"

#include "grammar/parser_build.hpp"
#include "grammar/parser_tree.hpp"
#include "grammar/peg_errors.hpp"
#include "grammar/peg_grammar.hpp"
#include "grammar/peg_scan.hpp"
#include "grammar/peg_traits.hpp"

#include <cstring>
#include <limits>
#include <tao/pegtl.hpp>

namespace ferry::grammar {
namespace {

namespace pegtl = tao::pegtl;
using detail::Builder;

/// How deep the finished tree may be: deeper trees (say, a 10,000-term `a + a + ...`) are
/// rejected, so that destroying, dumping or walking a tree never overflows the stack.
constexpr std::size_t max_tree_depth = 2000;

/// Restores the builder's nesting depth however a nesting rule ends.
struct DepthGuard {
    Builder& b;
    ~DepthGuard() { --b.depth; }
};

/// Pops the opener of a bracket-like rule however it ends.
struct OpenerGuard {
    Builder& b;
    ~OpenerGuard() { b.pop_opener(); }
};

/// Drops the frame of a node rule that ends by exception (e.g. inside try_catch).
struct FrameGuard {
    Builder& b;
    std::size_t frames;
    bool done = false;
    ~FrameGuard() {
        if (!done) {
            while (b.frame_count() > frames) {
                b.abandon();
            }
        }
    }
};

template <typename Rule>
struct control : pegtl::normal<Rule> {
    template <pegtl::apply_mode A, pegtl::rewind_mode M, template <typename...> class Action,
              template <typename...> class Control, typename ParseInput>
    [[nodiscard]] static bool match(ParseInput& in, Builder& b) {
        if constexpr (peg::nests<Rule>) {
            if (++b.depth > peg::max_nesting) {
                --b.depth;
                const auto at = static_cast<std::uint32_t>(in.current() - in.begin());
                throw peg::fail(peg::code::nesting_too_deep, at, at + 1,
                                "nesting too deep: brackets, blocks and strings may nest at most " +
                                    std::to_string(peg::max_nesting) + " levels");
            }
            const DepthGuard depth{b};
            return with_opener<A, M, Action, Control>(in, b);
        } else {
            return with_opener<A, M, Action, Control>(in, b);
        }
    }

    template <typename ParseInput>
    [[noreturn]] static void raise(const ParseInput& in, Builder& b) {
        throw make_error(in, b);
    }

private:
    template <pegtl::apply_mode A, pegtl::rewind_mode M, template <typename...> class Action,
              template <typename...> class Control, typename ParseInput>
    [[nodiscard]] static bool with_opener(ParseInput& in, Builder& b) {
        if constexpr (peg::opener_of<Rule> != detail::Opener::none) {
            b.push_opener(peg::opener_of<Rule>,
                          static_cast<std::uint32_t>(in.current() - in.begin()));
            const OpenerGuard opener{b};
            return build<A, M, Action, Control>(in, b);
        } else {
            return build<A, M, Action, Control>(in, b);
        }
    }

    template <pegtl::apply_mode A, pegtl::rewind_mode M, template <typename...> class Action,
              template <typename...> class Control, typename ParseInput>
    [[nodiscard]] static bool build(ParseInput& in, Builder& b) {
        constexpr detail::Node node = peg::node_of<Rule>;
        constexpr detail::Leaf leaf = peg::leaf_of<Rule>;
        constexpr bool acting = A == pegtl::apply_mode::action;
        if constexpr (acting && node != detail::Node::none) {
            const auto begin = static_cast<std::uint32_t>(in.current() - in.begin());
            auto marker = in.template mark<M>();
            using marker_t = decltype(marker);
            b.open(begin);
            FrameGuard frame{b, b.frame_count() - 1};
            bool ok =
                pegtl::normal<Rule>::template match<A, marker_t::next_rewind_mode, Action, Control>(
                    in, b);
            frame.done = true;
            if (ok) {
                ok = b.close(node, static_cast<std::uint32_t>(in.current() - in.begin()));
            } else {
                b.abandon();
            }
            return marker(ok);
        } else if constexpr (acting && leaf != detail::Leaf::none) {
            const char* begin = in.current();
            const bool ok = pegtl::normal<Rule>::template match<A, M, Action, Control>(in, b);
            if (ok) {
                b.leaf(leaf, static_cast<std::uint32_t>(begin - in.begin()),
                       static_cast<std::uint32_t>(in.current() - in.begin()));
            }
            return ok;
        } else {
            return pegtl::normal<Rule>::template match<A, M, Action, Control>(in, b);
        }
    }

    template <typename ParseInput>
    static peg::syntax_failure make_error(const ParseInput& in, const Builder& b) {
        using info = peg::error_info<Rule>;
        const char* p = in.current();
        const char* end = in.end();
        const auto at = static_cast<std::uint32_t>(p - in.begin());
        const bool at_end = p >= end;
        const std::string found = peg::describe_at(p, end);
        const std::uint32_t opened = b.innermost_opener_offset();
        const std::string_view source(in.begin(), static_cast<std::size_t>(end - in.begin()));
        const std::uint32_t one = at_end ? at : at + 1;

        switch (info::failure) {
        case peg::Failure::comment_end:
            return peg::fail(peg::code::unterminated_comment, opened, opened + 2,
                             "unterminated comment: no closing */ before the end of the file");
        case peg::Failure::string_end: {
            const bool line_end = !at_end && (*p == '\n' || *p == '\r');
            return peg::fail(
                peg::code::unterminated_string, opened, opened + 1,
                "unterminated string: no closing " + std::string(info::what) +
                    (line_end ? " before the end of the line" : " before the end of the file"));
        }
        case peg::Failure::closer:
            return closer_failure(source, at, at_end, found, b);
        case peg::Failure::number_digit:
            return peg::fail(peg::code::invalid_number, at, one,
                             "unexpected character in a number: expecting token in range: "
                             "'0'..'9', found " +
                                 found);
        case peg::Failure::escape: {
            const std::string seq = at_end ? "\\" : "\\" + found.substr(1, found.size() - 2);
            return peg::fail(peg::code::invalid_escape, at - 1, one,
                             "invalid escape sequence '" + seq +
                                 "': valid escapes are \\b \\t \\n \\f \\r \\s \\\\ \\' \\\" "
                                 "\\$ \\/, \\uXXXX and octal \\0 to \\377");
        }
        case peg::Failure::dollar:
            return peg::fail(peg::code::illegal_dollar, at, one,
                             "illegal string body character after dollar sign: escape a "
                             "literal dollar sign as \\$, or write the value as ${...}");
        case peg::Failure::statement_end:
            return peg::fail(peg::code::expected_statement_end, at, one,
                             "unexpected " + found +
                                 " after a complete statement: expected a new line or ';'");
        case peg::Failure::file_end:
            if (!at_end && (*p == '}' || *p == ')' || *p == ']')) {
                return peg::fail(peg::code::unmatched_closer, at, one,
                                 "unexpected " + found + ": there is no open '" +
                                     std::string(1, *p == '}'   ? '{'
                                                    : *p == ')' ? '('
                                                                : '[') +
                                     "' for it to close");
            }
            return peg::fail(peg::code::generic, at, one,
                             "unexpected " + found + ": expected a statement");
        case peg::Failure::expression:
            return peg::fail(peg::code::expected_expression, at, one,
                             "expected " + std::string(info::what) + ", found " + found);
        case peg::Failure::expected:
            break;
        }
        return peg::fail(peg::code::generic, at, one,
                         "expected " + std::string(info::what) + ", found " + found);
    }

    static peg::syntax_failure closer_failure(std::string_view source, std::uint32_t at,
                                              bool at_end, const std::string& found,
                                              const Builder& b) {
        using info = peg::error_info<Rule>;
        const std::uint32_t opened = b.innermost_opener_offset();
        const bool interp = b.innermost_opener() == detail::Opener::interp;
        const std::string open_text = interp ? "${" : std::string(1, source[opened]);
        const std::uint32_t open_end = opened + static_cast<std::uint32_t>(open_text.size());
        if (at_end) {
            return peg::fail(peg::code::unclosed_bracket, opened, open_end,
                             "unclosed '" + open_text + "': no matching '" +
                                 std::string(info::what) + "' before the end of the file");
        }
        const char c = source[at];
        auto error = (c == ')' || c == ']' || c == '}')
                         ? peg::fail(peg::code::unmatched_closer, at, at + 1,
                                     "unexpected " + found + ": the '" + open_text +
                                         "' opened before it must be closed first by '" +
                                         std::string(info::what) + "'")
                         : peg::fail(peg::code::generic, at, at + 1,
                                     "unexpected " + found + ": expected " +
                                         expected_inside(b.innermost_opener()) + " or '" +
                                         std::string(info::what) + "'");
        error.diagnostic.notes.push_back(
            Note{"the '" + open_text + "' is opened here", Span{opened, open_end}});
        return error;
    }

    static std::string expected_inside(detail::Opener opener) {
        switch (opener) {
        case detail::Opener::args:
        case detail::Opener::list:
        case detail::Opener::index:
            return "','";
        case detail::Opener::block:
            return "a statement";
        default:
            return "the end of the expression";
        }
    }
};

/// Rejects what is not text before the grammar sees it: NUL bytes and malformed UTF-8.
std::optional<Diagnostic> check_text(std::string_view text) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n;) {
        // Most text is ASCII: step over eight bytes at a time while none is NUL or above 0x7F.
        while (i + 8 <= n) {
            std::uint64_t word = 0;
            std::memcpy(&word, p + i, 8);
            constexpr std::uint64_t ones = 0x0101010101010101;
            constexpr std::uint64_t highs = 0x8080808080808080;
            const bool ascii = (word & highs) == 0;
            const bool no_nul = (((word | highs) - ones) & highs) == highs; // given ascii
            if (!ascii || !no_nul) {
                break;
            }
            i += 8;
        }
        if (i >= n) {
            break;
        }
        const unsigned char c = p[i];
        if (c < 0x80) {
            if (c == 0) {
                auto f = peg::fail(peg::code::not_text, static_cast<std::uint32_t>(i),
                                   static_cast<std::uint32_t>(i + 1),
                                   "the file is not text: it contains a NUL byte");
                return f.diagnostic;
            }
            ++i;
            continue;
        }
        std::size_t len = c >= 0xF0 && c <= 0xF4  ? 4
                          : c >= 0xE0             ? 3
                          : c >= 0xC2 && c < 0xE0 ? 2
                                                  : 0;
        bool ok = len != 0 && i + len <= n;
        for (std::size_t k = 1; ok && k < len; ++k) {
            ok = (p[i + k] & 0xC0) == 0x80;
        }
        if (ok && len == 3) {
            const unsigned c1 = p[i + 1];
            ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);
        } else if (ok && len == 4) {
            const unsigned c1 = p[i + 1];
            ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90);
        }
        if (!ok) {
            auto f = peg::fail(peg::code::not_text, static_cast<std::uint32_t>(i),
                               static_cast<std::uint32_t>(i + 1),
                               "the file is not text: invalid UTF-8 at this byte");
            return f.diagnostic;
        }
        i += len;
    }
    return std::nullopt;
}

} // namespace

ParseResult parse(const SourceFile& file) {
    ParseResult result;
    const std::string& text = file.text();
    if (text.size() >= std::numeric_limits<std::uint32_t>::max()) {
        result.diagnostics.error(std::string(peg::code::generic), Span{0, 0},
                                 "the file is too large to parse (4 GiB or more)");
        return result;
    }
    if (auto bad = check_text(text)) {
        result.diagnostics.add(std::move(*bad));
        return result;
    }
    Builder builder(text, 0);
    try {
        pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf> in(
            text.data(), text.size(), file.path());
        if (!pegtl::parse<peg::file, pegtl::nothing, control>(in, builder)) {
            result.diagnostics.error(std::string(peg::code::generic), Span{0, 0},
                                     "the file could not be parsed");
            return result;
        }
    } catch (const peg::syntax_failure& failure) {
        result.diagnostics.add(failure.diagnostic);
        return result;
    }
    syntax::Tree tree = builder.take_tree();
    const auto depth = detail::measure_depth(tree);
    if (depth.depth > max_tree_depth) {
        detail::dismantle(tree);
        result.diagnostics.error(std::string(peg::code::nesting_too_deep), depth.where,
                                 "nesting too deep: the syntax tree is more than " +
                                     std::to_string(max_tree_depth) +
                                     " levels deep here (a very long operator chain?)");
        return result;
    }
    result.tree = std::move(tree);
    return result;
}

std::optional<syntax::ExprPtr> parse_expression(std::string_view text, std::uint32_t base) {
    if (text.size() >= std::numeric_limits<std::uint32_t>::max() - base || check_text(text)) {
        return std::nullopt;
    }
    Builder builder(text, base);
    try {
        pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf> in(
            text.data(), text.size(), "expression");
        if (!pegtl::parse<peg::expression_text, pegtl::nothing, control>(in, builder)) {
            return std::nullopt;
        }
    } catch (const peg::syntax_failure&) {
        return std::nullopt;
    }
    syntax::ExprPtr expr = builder.take_expression();
    if (!expr) {
        return std::nullopt;
    }
    if (detail::measure_depth(*expr).depth > max_tree_depth) {
        detail::dismantle(std::move(expr));
        return std::nullopt;
    }
    return expr;
}

} // namespace ferry::grammar
