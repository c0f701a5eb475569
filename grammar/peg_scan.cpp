// The balanced scanner for Groovy kept as text, and the reserved-word check.
#include "grammar/peg_scan.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <vector>

namespace ferry::grammar::peg {

syntax_failure fail(std::string_view code, std::uint32_t begin, std::uint32_t end,
                    std::string message) {
    Diagnostic d;
    d.code = std::string(code);
    d.severity = Severity::error;
    d.span = Span{begin, end};
    d.message = std::move(message);
    return syntax_failure(std::move(d));
}

std::string describe_at(const char* p, const char* end) {
    if (p >= end) {
        return "end of file";
    }
    const auto c = static_cast<unsigned char>(*p);
    if (c == '\n' || c == '\r') {
        return "end of line";
    }
    if (c >= 0x80) {
        std::size_t n = 1;
        while (p + n < end && n < 4 && (static_cast<unsigned char>(p[n]) & 0xC0) == 0x80) {
            ++n;
        }
        std::string out = "'";
        out.append(p, n);
        out += '\'';
        return out;
    }
    if (c < 0x20 || c == 0x7f) {
        static constexpr char hex[] = "0123456789abcdef";
        return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
    }
    const char quote = c == '\'' ? '"' : '\'';
    std::string out(3, quote);
    out[1] = static_cast<char>(c);
    return out;
}

namespace detail {
namespace {

bool is_name_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
           u == '$' || u >= 0x80;
}

bool is_name_start(char c) {
    return is_name_char(c) && !(c >= '0' && c <= '9');
}

/// A sorted set of lower-case words, looked up by first letter and length before any compare:
/// names are checked against these on almost every statement and expression.
template <std::size_t N>
class WordSet {
public:
    constexpr explicit WordSet(const std::array<std::string_view, N>& words) : words_(words) {
        for (std::size_t i = N; i-- > 0;) {
            const auto letter = static_cast<std::size_t>(words_[i][0] - 'a');
            first_[letter] = static_cast<std::uint8_t>(i);
            ++count_[letter];
        }
    }

    [[nodiscard]] constexpr bool contains(std::string_view word) const {
        if (word.empty() || word[0] < 'a' || word[0] > 'z') {
            return false;
        }
        const auto letter = static_cast<std::size_t>(word[0] - 'a');
        const std::size_t end = first_[letter] + count_[letter];
        for (std::size_t i = first_[letter]; i < end; ++i) {
            if (words_[i].size() == word.size() && same_tail(words_[i], word)) {
                return true;
            }
        }
        return false;
    }

private:
    std::array<std::string_view, N> words_;

    /// Words are short: a byte loop beats a call to memcmp. Sizes are equal, first letters too.
    static constexpr bool same_tail(std::string_view a, std::string_view b) {
        for (std::size_t i = 1; i < a.size(); ++i) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    std::array<std::uint8_t, 26> first_{};
    std::array<std::uint8_t, 26> count_{};
};

// Groovy's reserved words, sorted: none of them can name a variable or a method call.
constexpr std::array<std::string_view, 31> reserved_words = {
    "as",     "assert", "break", "case",       "catch",     "class",   "const", "continue",
    "def",    "do",     "else",  "enum",       "false",     "finally", "for",   "goto",
    "if",     "import", "in",    "instanceof", "interface", "new",     "null",  "package",
    "return", "switch", "throw", "throws",     "true",      "try",     "while",
};

static_assert(std::is_sorted(reserved_words.begin(), reserved_words.end()));

constexpr WordSet reserved(reserved_words);

bool is_reserved(std::string_view word) {
    return reserved.contains(word);
}

// Besides the reserved words, the words that can begin a declaration.
constexpr std::array<std::string_view, 20> declaration_word_list = {
    "abstract", "boolean",      "byte",   "char",      "double",    "final",   "float",
    "int",      "long",         "native", "private",   "protected", "public",  "short",
    "static",   "synchronized", "trait",  "transient", "void",      "volatile"};

static_assert(std::is_sorted(declaration_word_list.begin(), declaration_word_list.end()));

constexpr WordSet declaration_words(declaration_word_list);

/// What a bracket, string or interpolation on the scanner's stack is.
enum class Open : char {
    paren = '(',
    bracket = '[',
    brace = '{',
    interp = '$',       // `${` inside a GString: code until its `}`
    dq = '"',           // "..."
    tdq = 'D',          // """..."""
    slashy = '/',       // /.../
    dollar_slashy = 'S' // $/.../$
};

struct Opened {
    Open kind;
    std::uint32_t offset;
};

char closer_of(Open kind) {
    switch (kind) {
    case Open::paren:
        return ')';
    case Open::bracket:
        return ']';
    default:
        return '}';
    }
}

std::string_view opener_text(Open kind) {
    switch (kind) {
    case Open::paren:
        return "(";
    case Open::bracket:
        return "[";
    case Open::brace:
        return "{";
    case Open::interp:
        return "${";
    case Open::dq:
        return "\"";
    case Open::tdq:
        return "\"\"\"";
    case Open::slashy:
        return "/";
    case Open::dollar_slashy:
        return "$/";
    }
    return "(";
}

bool is_string(Open kind) {
    return kind == Open::dq || kind == Open::tdq || kind == Open::slashy ||
           kind == Open::dollar_slashy;
}

/// Where a `/` starts a slashy string rather than a division: after these, an operand follows.
bool operand_expected_after(char last) {
    return last == 0 || std::strchr("([{,=~!&|?:;+-*%<>^\n", last) != nullptr;
}

/// A newline ends a statement unless the line ends in an operator or the next one starts with `.`.
bool line_continues(char last, char before_last, const char* p, const char* end) {
    if (last != 0 && std::strchr("+-*/%=&|^<>!~?:,.", last) != nullptr) {
        const bool postfix = (last == '+' || last == '-') && before_last == last;
        if (!postfix) {
            return true;
        }
    }
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')) {
        ++p;
    }
    if (p < end && *p == '.') {
        return !(p + 1 < end && p[1] == '.');
    }
    return p + 1 < end && p[0] == '?' && p[1] == '.';
}

class Scanner {
public:
    Scanner(const char* text, const char* end) : text_(text), end_(end) {}

    const char* run(const char* p, ScanMode mode) {
        const char* last_end = p; // end of the last significant character (statement mode)
        char last = 0;
        char before_last = 0;
        if (mode == ScanMode::group) {
            push(p, open_kind(*p));
            ++p;
            last = 0;
        }
        while (true) {
            if (!stack_.empty() && is_string(stack_.back().kind)) {
                p = string_body(p);
                last = '"';
                before_last = 0;
                last_end = p;
                if (mode == ScanMode::group && stack_.empty()) {
                    return p;
                }
                continue;
            }
            if (p >= end_) {
                if (!stack_.empty()) {
                    unclosed(stack_.back());
                }
                return mode == ScanMode::statement ? last_end : p;
            }
            const char c = *p;
            switch (c) {
            case ' ':
            case '\t':
            case '\f':
                ++p;
                continue;
            case '\n':
            case '\r':
                if (stack_.empty() && mode == ScanMode::statement &&
                    !line_continues(last, before_last, p, end_)) {
                    return last_end;
                }
                ++p;
                if (stack_.empty()) {
                    continue;
                }
                before_last = last;
                last = '\n';
                continue;
            case '\\':
                p += (p + 1 < end_) ? 2 : 1;
                continue;
            case '\'':
                p = single_quoted(p);
                break;
            case '"':
                if (end_ - p >= 3 && p[1] == '"' && p[2] == '"') {
                    push(p, Open::tdq);
                    p += 3;
                } else {
                    push(p, Open::dq);
                    ++p;
                }
                continue;
            case '/':
                if (p + 1 < end_ && p[1] == '/') {
                    while (p < end_ && *p != '\n' && *p != '\r') {
                        ++p;
                    }
                    continue;
                }
                if (p + 1 < end_ && p[1] == '*') {
                    p = block_comment(p);
                    continue;
                }
                if (operand_expected_after(last)) {
                    push(p, Open::slashy);
                    ++p;
                    continue;
                }
                ++p;
                break;
            case '$':
                if (p + 1 < end_ && p[1] == '/' && operand_expected_after(last)) {
                    push(p, Open::dollar_slashy);
                    p += 2;
                    continue;
                }
                ++p;
                break;
            case '(':
            case '[':
            case '{':
                push(p, open_kind(c));
                ++p;
                break;
            case ')':
            case ']':
            case '}':
                if (stack_.empty()) {
                    return mode == ScanMode::statement ? last_end : p;
                }
                close(p);
                ++p;
                if (mode == ScanMode::group && stack_.empty()) {
                    return p;
                }
                if (!stack_.empty() && is_string(stack_.back().kind)) {
                    continue; // back inside the GString that held the `${}`
                }
                break;
            case ';':
                if (stack_.empty() && mode == ScanMode::statement) {
                    return last_end;
                }
                ++p;
                break;
            default:
                ++p;
                break;
            }
            before_last = last;
            last = p[-1];
            last_end = p;
        }
    }

private:
    const char* text_;
    const char* end_;
    std::vector<Opened> stack_;

    std::uint32_t offset(const char* p) const { return static_cast<std::uint32_t>(p - text_); }

    static Open open_kind(char c) {
        return c == '(' ? Open::paren : c == '[' ? Open::bracket : Open::brace;
    }

    void push(const char* p, Open kind) {
        if (stack_.size() >= max_nesting) {
            throw fail(code::nesting_too_deep, offset(p), offset(p) + 1,
                       "brackets, blocks and strings nest more than " +
                           std::to_string(max_nesting) + " levels deep here");
        }
        stack_.push_back(Opened{kind, offset(p)});
    }

    [[noreturn]] void unclosed(const Opened& open) const {
        if (is_string(open.kind)) {
            throw fail(
                code::unterminated_string, open.offset,
                open.offset + static_cast<std::uint32_t>(opener_text(open.kind).size()),
                "unterminated string: no closing " +
                    std::string(open.kind == Open::dollar_slashy ? "/$" : opener_text(open.kind)) +
                    " before the end of the file");
        }
        throw fail(code::unclosed_bracket, open.offset,
                   open.offset + static_cast<std::uint32_t>(opener_text(open.kind).size()),
                   "unclosed '" + std::string(opener_text(open.kind)) + "': no matching '" +
                       closer_of(open.kind) + "' before the end of the file");
    }

    void close(const char* p) {
        const Opened open = stack_.back();
        if (closer_of(open.kind) != *p) {
            throw fail(code::unmatched_closer, offset(p), offset(p) + 1,
                       "unexpected '" + std::string(1, *p) + "': the '" +
                           std::string(opener_text(open.kind)) + "' before it is closed by '" +
                           closer_of(open.kind) + "'");
        }
        stack_.pop_back();
    }

    const char* block_comment(const char* p) const {
        const char* start = p;
        p += 2;
        while (p + 1 < end_ && !(p[0] == '*' && p[1] == '/')) {
            ++p;
        }
        if (p + 1 >= end_) {
            throw fail(code::unterminated_comment, offset(start), offset(start) + 2,
                       "unterminated comment: no closing */ before the end of the file");
        }
        return p + 2;
    }

    const char* single_quoted(const char* p) const {
        const char* start = p;
        const bool triple = end_ - p >= 3 && p[1] == '\'' && p[2] == '\'';
        p += triple ? 3 : 1;
        while (p < end_) {
            if (*p == '\\') {
                p += 2;
                continue;
            }
            if (*p == '\'') {
                if (!triple) {
                    return p + 1;
                }
                if (end_ - p >= 3 && p[1] == '\'' && p[2] == '\'') {
                    return p + 3;
                }
            } else if (!triple && (*p == '\n' || *p == '\r')) {
                break;
            }
            ++p;
        }
        throw fail(code::unterminated_string, offset(start), offset(start) + (triple ? 3 : 1),
                   triple ? "unterminated string: no closing ''' before the end of the file"
                          : "unterminated string: no closing ' before the end of the line");
    }

    /// Scans inside the string on top of the stack until it closes or a `${` opens.
    const char* string_body(const char* p) {
        const Opened open = stack_.back();
        while (p < end_) {
            const char c = *p;
            if (c == '$' && p + 1 < end_ && p[1] == '{') {
                push(p, Open::interp);
                return p + 2;
            }
            switch (open.kind) {
            case Open::dq:
                if (c == '\\') {
                    p += 2;
                    continue;
                }
                if (c == '"') {
                    stack_.pop_back();
                    return p + 1;
                }
                if (c == '\n' || c == '\r') {
                    throw fail(code::unterminated_string, open.offset, open.offset + 1,
                               "unterminated string: no closing \" before the end of the line");
                }
                break;
            case Open::tdq:
                if (c == '\\') {
                    p += 2;
                    continue;
                }
                if (c == '"' && end_ - p >= 3 && p[1] == '"' && p[2] == '"') {
                    stack_.pop_back();
                    return p + 3;
                }
                break;
            case Open::slashy:
                if (c == '\\' && p + 1 < end_ && p[1] == '/') {
                    p += 2;
                    continue;
                }
                if (c == '/') {
                    stack_.pop_back();
                    return p + 1;
                }
                break;
            default: // dollar slashy
                if (c == '$' && p + 1 < end_ && (p[1] == '$' || p[1] == '/')) {
                    p += 2;
                    continue;
                }
                if (c == '/' && p + 1 < end_ && p[1] == '$') {
                    stack_.pop_back();
                    return p + 2;
                }
                break;
            }
            ++p;
        }
        unclosed(open);
    }
};

} // namespace

const char* scan(const char* text, const char* p, const char* end, ScanMode mode) {
    return Scanner(text, end).run(p, mode);
}

bool is_special_statement_start(const char* p, const char* end) {
    if (p >= end) {
        return false;
    }
    if (*p == '@' || (*p >= 'A' && *p <= 'Z')) {
        return true;
    }
    if (!is_name_start(*p)) {
        return false;
    }
    const char* q = p + 1;
    while (q < end && is_name_char(*q)) {
        ++q;
    }
    const std::string_view word(p, static_cast<std::size_t>(q - p));
    return is_reserved(word) || declaration_words.contains(word);
}

std::size_t unreserved_name_length(const char* p, const char* end) {
    if (p >= end || !is_name_start(*p)) {
        return 0;
    }
    const char* q = p + 1;
    while (q < end && is_name_char(*q)) {
        ++q;
    }
    const auto n = static_cast<std::size_t>(q - p);
    return is_reserved(std::string_view(p, n)) ? 0 : n;
}

std::size_t label_length(const char* p, const char* end) {
    if (p >= end || !is_name_start(*p)) {
        return 0;
    }
    const char* q = p + 1;
    while (q < end && is_name_char(*q)) {
        ++q;
    }
    const auto name_size = static_cast<std::size_t>(q - p);
    while (q < end && (*q == ' ' || *q == '\t')) {
        ++q;
    }
    if (q >= end || *q != ':' || (q + 1 < end && q[1] == ':')) {
        return 0;
    }
    return is_reserved(std::string_view(p, name_size)) ? 0 : static_cast<std::size_t>(q + 1 - p);
}

} // namespace detail
} // namespace ferry::grammar::peg
