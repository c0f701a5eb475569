#include "compiler/format_verbatim.hpp"

#include <algorithm>
#include <cctype>

namespace ferry::compiler::detail {
namespace {

enum class Mode {
    code,
    line_comment,
    block_comment,
    single,        // '...'
    double_,       // "..."
    triple_single, // '''...'''
    triple_double, // """..."""
    slashy,        // /.../
    dollar_slashy, // $/.../$
};

struct Frame {
    Mode mode = Mode::code;
    int braces = 0; // code frames opened by `${`: nesting of `{` inside them
};

bool is_ident_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
}

// Where a `/` starts a slashy string rather than a division: after an operator, an opening
// bracket or a keyword that takes an operand (the rule Groovy's own lexer applies).
bool operand_expected(char last, std::string_view last_word) {
    static constexpr std::string_view operators = "([{,=:!&|?~;+-*%<>^";
    if (last == '\0') {
        return true;
    }
    if (operators.find(last) != std::string_view::npos) {
        return true;
    }
    static constexpr std::string_view keywords[] = {"return", "case",  "in",
                                                    "assert", "throw", "else"};
    return std::any_of(std::begin(keywords), std::end(keywords),
                       [&](std::string_view k) { return k == last_word; });
}

// The lexer proper. It only needs to be right about where strings and comments begin and end.
class Lexer {
public:
    explicit Lexer(std::string_view text) : text_(text) {}

    bool run() {
        stack_.push_back(Frame{});
        for (pos_ = 0; pos_ < text_.size(); ++pos_) {
            if (!step()) {
                return false;
            }
        }
        if (stack_.back().mode == Mode::line_comment) {
            stack_.pop_back();
        }
        shapes_.push_back(LineShape{line_starts_in_code_, true});
        return stack_.size() == 1;
    }

    std::vector<LineShape> take() { return std::move(shapes_); }

private:
    [[nodiscard]] char at(std::size_t i) const { return i < text_.size() ? text_[i] : '\0'; }
    [[nodiscard]] bool starts(std::string_view s) const {
        return text_.substr(pos_).starts_with(s);
    }
    [[nodiscard]] bool plain_code() const { return stack_.size() == 1; }

    void newline() {
        shapes_.push_back(LineShape{line_starts_in_code_, plain_code()});
        line_starts_in_code_ = plain_code();
    }

    void push(Mode mode, std::size_t skip) {
        stack_.push_back(Frame{mode, 0});
        pos_ += skip;
    }

    void pop(std::size_t skip) {
        stack_.pop_back();
        pos_ += skip;
        last_ = '"';
        word_.clear();
    }

    // Skips the character after a backslash, counting a line break if it is one.
    void escape() {
        ++pos_;
        if (at(pos_) == '\n') {
            newline();
        }
    }

    bool step() {
        const char c = text_[pos_];
        const Mode mode = stack_.back().mode;
        if (c == '\n') {
            if (mode == Mode::line_comment) {
                stack_.pop_back();
            }
            if (mode == Mode::single || mode == Mode::double_) {
                return false; // not Groovy: be safe
            }
            newline();
            return true;
        }
        switch (mode) {
        case Mode::code:
            code(c);
            return true;
        case Mode::line_comment:
            return true;
        case Mode::block_comment:
            if (starts("*/")) {
                stack_.pop_back();
                ++pos_;
            }
            return true;
        case Mode::single:
        case Mode::triple_single:
            quoted(c, mode == Mode::single ? "'" : "'''", false);
            return true;
        case Mode::double_:
        case Mode::triple_double:
            quoted(c, mode == Mode::double_ ? "\"" : "\"\"\"", true);
            return true;
        case Mode::slashy:
            slashy(c);
            return true;
        case Mode::dollar_slashy:
            dollar_slashy();
            return true;
        }
        return true;
    }

    void code(char c) {
        if (starts("//")) {
            push(Mode::line_comment, 1);
            return;
        }
        if (starts("/*")) {
            push(Mode::block_comment, 1);
            return;
        }
        if (std::isspace(static_cast<unsigned char>(c)) != 0) {
            return;
        }
        if (starts("'''")) {
            push(Mode::triple_single, 2);
        } else if (c == '\'') {
            push(Mode::single, 0);
        } else if (starts("\"\"\"")) {
            push(Mode::triple_double, 2);
        } else if (c == '"') {
            push(Mode::double_, 0);
        } else if (starts("$/")) {
            push(Mode::dollar_slashy, 1);
        } else if (c == '/' && operand_expected(last_, word_)) {
            push(Mode::slashy, 0);
        } else {
            plain(c);
        }
    }

    void plain(char c) {
        Frame& top = stack_.back();
        if (c == '{') {
            ++top.braces;
        } else if (c == '}' && stack_.size() > 1 && top.braces == 0) {
            pop(0); // the end of a `${...}`: back into its string
            return;
        } else if (c == '}') {
            --top.braces;
        }
        if (is_ident_char(c)) {
            if (!is_ident_char(last_)) {
                word_.clear();
            }
            word_.push_back(c);
        } else {
            word_.clear();
        }
        last_ = c;
    }

    void quoted(char c, std::string_view close, bool interpolates) {
        if (c == '\\') {
            escape();
        } else if (starts(close)) {
            pop(close.size() - 1);
        } else if (interpolates && starts("${")) {
            interpolation();
        }
    }

    void slashy(char c) {
        if (c == '\\' && at(pos_ + 1) == '/') {
            ++pos_;
        } else if (c == '/') {
            pop(0);
        } else if (starts("${")) {
            interpolation();
        }
    }

    void dollar_slashy() {
        if (starts("$$") || starts("$/")) {
            ++pos_;
        } else if (starts("/$")) {
            pop(1);
        } else if (starts("${")) {
            interpolation();
        }
    }

    void interpolation() {
        push(Mode::code, 1);
        last_ = '{';
        word_.clear();
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::vector<Frame> stack_;
    std::vector<LineShape> shapes_;
    bool line_starts_in_code_ = true;
    char last_ = '\0';
    std::string word_;
};

std::size_t leading_blanks(std::string_view line) {
    std::size_t n = 0;
    while (n < line.size() && line[n] == ' ') {
        ++n;
    }
    return n;
}

std::string_view rtrim(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    for (;;) {
        const std::size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) {
            lines.push_back(text.substr(start));
            return lines;
        }
        lines.push_back(text.substr(start, nl - start));
        start = nl + 1;
    }
}

} // namespace

std::vector<LineShape> line_shapes(std::string_view text) {
    Lexer lexer(text);
    if (!lexer.run()) {
        return {};
    }
    return lexer.take();
}

std::string reindent(std::string_view text, int shift) {
    const std::vector<LineShape> shapes = line_shapes(text);
    const std::vector<std::string_view> lines = split_lines(text);
    if (shapes.size() != lines.size()) {
        return std::string(text);
    }
    // A negative shift must find enough leading spaces on every non-blank code line.
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const std::string_view line = rtrim(lines[i]);
        if (shift < 0 && shapes[i].starts_in_code && !line.empty() &&
            leading_blanks(line) < static_cast<std::size_t>(-shift)) {
            return std::string(text);
        }
    }
    std::string out;
    out.reserve(text.size() + 64);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        if (shapes[i].ends_in_code) {
            line = rtrim(line);
        }
        if (i > 0 && shapes[i].starts_in_code && !rtrim(line).empty()) {
            if (shift > 0) {
                out.append(static_cast<std::size_t>(shift), ' ');
            } else {
                line.remove_prefix(static_cast<std::size_t>(-shift));
            }
        }
        if (i > 0 && shapes[i].starts_in_code && rtrim(line).empty()) {
            line = {};
        }
        out.append(line);
        if (i + 1 < lines.size()) {
            out.push_back('\n');
        }
    }
    return out;
}

int column_of_line_start(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    std::size_t begin = offset;
    while (begin > 0 && text[begin - 1] != '\n') {
        --begin;
    }
    for (std::size_t i = begin; i < offset; ++i) {
        if (text[i] != ' ') {
            return -1;
        }
    }
    return static_cast<int>(offset - begin);
}

} // namespace ferry::compiler::detail
