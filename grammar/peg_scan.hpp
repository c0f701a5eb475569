#pragma once
// Hand-written PEGTL rules for the spots where a scanner beats a grammar:
//  - Groovy kept as opaque text (`script {}` bodies, `if (...) {...}`, `def x = ...`) only has to
//    be skipped, balanced and string-, GString- and comment-aware, with no recursion, however deep;
//  - a name is checked against the reserved words with one lookup instead of thirty rules.
// Each rule consumes input or throws syntax_failure, like a `must<>` would.

#include "grammar/diagnostic.hpp"

#include <cstdint>
#include <exception>
#include <string_view>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze_traits.hpp>

namespace ferry::grammar::peg {

/// The diagnostic codes of syntax errors (each has a line in codes.def).
namespace code {
inline constexpr std::string_view generic = "E0100";
inline constexpr std::string_view unterminated_string = "E0101";
inline constexpr std::string_view unterminated_comment = "E0102";
inline constexpr std::string_view unclosed_bracket = "E0103";
inline constexpr std::string_view unmatched_closer = "E0104";
inline constexpr std::string_view nesting_too_deep = "E0105";
inline constexpr std::string_view not_text = "E0106";
inline constexpr std::string_view invalid_escape = "E0107";
inline constexpr std::string_view invalid_number = "E0108";
inline constexpr std::string_view illegal_dollar = "E0109";
inline constexpr std::string_view invalid_assignment = "E0110";
inline constexpr std::string_view duplicate_named_argument = "E0111";
inline constexpr std::string_view mixed_list_and_map = "E0112";
inline constexpr std::string_view expected_statement_end = "E0113";
inline constexpr std::string_view expected_expression = "E0114";
} // namespace code

/// How deep brackets, blocks and `${}` may nest before the parse stops.
inline constexpr std::uint32_t max_nesting = 256;

/// A syntax error: stops the parse. Spans are offsets into the parsed text (before any base).
struct syntax_failure : std::exception {
    Diagnostic diagnostic;
    explicit syntax_failure(Diagnostic d) : diagnostic(std::move(d)) {}
    [[nodiscard]] const char* what() const noexcept override { return "syntax error"; }
};

/// Builds the exception for a syntax error at [begin, end).
[[nodiscard]] syntax_failure fail(std::string_view code, std::uint32_t begin, std::uint32_t end,
                                  std::string message);

/// Describes the text at `p` for a message: `'x'`, "end of line", "end of file".
[[nodiscard]] std::string describe_at(const char* p, const char* end);

namespace detail {

enum class ScanMode {
    group,     ///< from an opening bracket through its matching closer
    body,      ///< up to (not including) the `}` that closes the enclosing block
    statement, ///< up to the end of the statement: a newline, `;` or an unmatched closer
};

/// Scans [p, end) of the text that starts at `text`; returns where the scan stopped.
[[nodiscard]] const char* scan(const char* text, const char* p, const char* end, ScanMode mode);

/// Whether [p, end) starts with `@`, an upper-case letter or a word that can begin a declaration.
[[nodiscard]] bool is_special_statement_start(const char* p, const char* end);

/// The length of the name at [p, end), or 0 when there is none or it is a reserved word.
[[nodiscard]] std::size_t unreserved_name_length(const char* p, const char* end);

/// The length of a statement label `name:` at [p, end) (blanks may precede the colon), or 0.
[[nodiscard]] std::size_t label_length(const char* p, const char* end);

template <ScanMode Mode, bool MayBeEmpty>
struct scan_rule {
    using rule_t = scan_rule;
    using subs_t = tao::pegtl::empty_list;

    template <typename ParseInput>
    [[nodiscard]] static bool match(ParseInput& in) {
        const char* stop = scan(in.begin(), in.current(), in.end(), Mode);
        if (stop == in.current() && !MayBeEmpty) {
            return false;
        }
        in.bump(static_cast<std::size_t>(stop - in.current()));
        return true;
    }
};

} // namespace detail

/// `(...)`, `[...]` or `{...}` with everything inside, starting at the opener.
struct bracket_group : detail::scan_rule<detail::ScanMode::group, false> {};
/// The inside of a `{...}` block up to its closing brace.
struct brace_body : detail::scan_rule<detail::ScanMode::body, true> {};
/// The rest of a statement kept as text.
struct statement_rest : detail::scan_rule<detail::ScanMode::statement, true> {};

/// A Groovy name that is not a reserved word.
struct name_not_reserved {
    using rule_t = name_not_reserved;
    using subs_t = tao::pegtl::empty_list;

    template <typename ParseInput>
    [[nodiscard]] static bool match(ParseInput& in) {
        const std::size_t n = detail::unreserved_name_length(in.current(), in.end());
        if (n == 0) {
            return false;
        }
        in.bump(n);
        return true;
    }
};

/// Spacing in one loop: blanks (and line ends when `Lines`), then a comment or a line
/// continuation through their own rules (which record comments and report an unclosed `/*`),
/// and again. Same as `star<sor<blanks, Comment, Continuation>>`, without a rule per character.
template <bool Lines, typename Comment, typename Continuation>
struct spacing {
    using rule_t = spacing;
    using subs_t = tao::pegtl::empty_list;

    static bool is_blank(char c) {
        return c == ' ' || c == '\t' || c == '\f' || (Lines && (c == '\n' || c == '\r'));
    }

    template <tao::pegtl::apply_mode A, tao::pegtl::rewind_mode M,
              template <typename...> class Action, template <typename...> class Control,
              typename ParseInput, typename... States>
    [[nodiscard]] static bool match(ParseInput& in, States&&... st) {
        constexpr auto required = tao::pegtl::rewind_mode::required;
        while (true) {
            const char* p = in.current();
            const char* end = in.end();
            while (p < end && is_blank(*p)) {
                ++p;
            }
            in.bump(static_cast<std::size_t>(p - in.current()));
            if (end - p < 2) {
                return true; // a comment or a continuation takes two characters at least
            }
            bool more = false;
            if (p[0] == '/' && (p[1] == '/' || p[1] == '*')) {
                more = Control<Comment>::template match<A, required, Action, Control>(in, st...);
            } else if (p[0] == '\\' && (p[1] == '\n' || p[1] == '\r')) {
                more =
                    Control<Continuation>::template match<A, required, Action, Control>(in, st...);
            }
            if (!more) {
                return true;
            }
        }
    }
};

/// `outer:` before a statement, looked for at every statement start, so scanned by hand.
struct statement_label {
    using rule_t = statement_label;
    using subs_t = tao::pegtl::empty_list;

    template <typename ParseInput>
    [[nodiscard]] static bool match(ParseInput& in) {
        const std::size_t n = detail::label_length(in.current(), in.end());
        if (n == 0) {
            return false;
        }
        in.bump(n);
        return true;
    }
};

/// A statement that may be a declaration or a keyword statement: it starts with `@`, a
/// reserved word, a modifier, a primitive type, `void`, `trait` or an upper-case name.
struct special_statement_start {
    using rule_t = special_statement_start;
    using subs_t = tao::pegtl::empty_list;

    template <typename ParseInput>
    [[nodiscard]] static bool match(ParseInput& in) {
        return detail::is_special_statement_start(in.current(), in.end());
    }
};

} // namespace ferry::grammar::peg

namespace tao::pegtl {
template <typename Name>
struct analyze_traits<Name, ferry::grammar::peg::special_statement_start> : analyze_opt_traits<> {};
template <typename Name, ferry::grammar::peg::detail::ScanMode Mode>
struct analyze_traits<Name, ferry::grammar::peg::detail::scan_rule<Mode, false>>
    : analyze_any_traits<> {};
template <typename Name, ferry::grammar::peg::detail::ScanMode Mode>
struct analyze_traits<Name, ferry::grammar::peg::detail::scan_rule<Mode, true>>
    : analyze_opt_traits<> {};
template <typename Name>
struct analyze_traits<Name, ferry::grammar::peg::name_not_reserved> : analyze_any_traits<> {};
template <typename Name>
struct analyze_traits<Name, ferry::grammar::peg::statement_label> : analyze_any_traits<> {};
template <typename Name, bool Lines, typename Comment, typename Continuation>
struct analyze_traits<Name, ferry::grammar::peg::spacing<Lines, Comment, Continuation>>
    : analyze_opt_traits<> {};
} // namespace tao::pegtl
