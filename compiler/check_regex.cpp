// A syntax check of regular expressions as java.util.regex.Pattern reads them, for the
// patterns Jenkins compiles when it validates a pipeline (`when { changelog '...' }`).
// It finds the mistakes Pattern rejects in practice: quantifiers with nothing to repeat,
// braces that are not a quantifier, unbalanced groups and classes, reversed ranges, and a
// trailing backslash. Java-only constructs pass: anything it does not flag, ferry accepts.

#include "compiler/check_context.hpp"

#include <cctype>
#include <cstring>
#include <fmt/format.h>

namespace ferry::compiler::detail {

namespace {

class PatternScanner {
public:
    explicit PatternScanner(std::string_view pattern) : p_(pattern) {}

    std::optional<std::string> scan() {
        int depth = 0;
        bool can_repeat = false; // an atom precedes: a quantifier has something to repeat
        while (i_ < p_.size()) {
            const char c = p_[i_];
            if (c == '\\') {
                if (i_ + 1 >= p_.size()) {
                    return problem("Unexpected internal error", i_ + 1);
                }
                if (p_[i_ + 1] == 'Q') {
                    skip_quoted();
                } else {
                    i_ += 2;
                }
                can_repeat = true;
            } else if (c == '[') {
                if (auto error = skip_class()) {
                    return error;
                }
                can_repeat = true;
            } else if (c == '(') {
                ++depth;
                ++i_;
                skip_group_prefix();
                can_repeat = false;
            } else if (c == ')') {
                if (depth == 0) {
                    return problem("Unmatched closing ')'", i_ == 0 ? 0 : i_ - 1);
                }
                --depth;
                ++i_;
                can_repeat = true;
            } else if (c == '|') {
                ++i_;
                can_repeat = false;
            } else if (c == '*' || c == '+' || c == '?') {
                if (!can_repeat) {
                    return problem(fmt::format("Dangling meta character '{}'", c), i_);
                }
                ++i_;
                skip_quantifier_mode();
                can_repeat = false;
            } else if (c == '{') {
                if (!can_repeat || !skip_brace_quantifier()) {
                    return problem("Illegal repetition", i_);
                }
                skip_quantifier_mode();
                can_repeat = false;
            } else {
                ++i_;
                can_repeat = c != '^';
            }
        }
        if (depth > 0) {
            return problem("Unclosed group", p_.size());
        }
        return std::nullopt;
    }

private:
    std::string problem(std::string_view what, std::size_t index) const {
        return fmt::format("{} near index {}", what, index);
    }

    /// `\Q...\E`: literal text.
    void skip_quoted() {
        const auto end = p_.find("\\E", i_ + 2);
        i_ = end == std::string_view::npos ? p_.size() : end + 2;
    }

    /// `(?:`, `(?=`, `(?<name>`, `(?i)`, ...: the prefix is not an atom to repeat.
    void skip_group_prefix() {
        if (i_ >= p_.size() || p_[i_] != '?') {
            return;
        }
        ++i_;
        if (i_ < p_.size() && p_[i_] == '<' && i_ + 1 < p_.size() &&
            std::isalpha(static_cast<unsigned char>(p_[i_ + 1]))) {
            const auto close = p_.find('>', i_);
            i_ = close == std::string_view::npos ? p_.size() : close + 1;
            return;
        }
        while (i_ < p_.size() && p_[i_] != ')' && p_[i_] != ':' && !std::strchr("=!>", p_[i_])) {
            ++i_;
        }
        if (i_ < p_.size() && p_[i_] != ')') {
            ++i_;
        }
    }

    /// A lazy `?` or possessive `+` after a quantifier.
    void skip_quantifier_mode() {
        if (i_ < p_.size() && (p_[i_] == '?' || p_[i_] == '+')) {
            ++i_;
        }
    }

    /// `{n}`, `{n,}`, `{n,m}` with n <= m; false when the brace is anything else.
    bool skip_brace_quantifier() {
        std::size_t j = i_ + 1;
        const auto digits = [&](std::size_t& at, long long& value) {
            const std::size_t start = at;
            value = 0;
            while (at < p_.size() && std::isdigit(static_cast<unsigned char>(p_[at])) &&
                   at - start < 9) {
                value = value * 10 + (p_[at] - '0');
                ++at;
            }
            return at > start;
        };
        long long low = 0;
        long long high = 0;
        if (!digits(j, low)) {
            return false;
        }
        high = low;
        if (j < p_.size() && p_[j] == ',') {
            ++j;
            if (!digits(j, high)) {
                high = low;
            }
        }
        if (j >= p_.size() || p_[j] != '}' || high < low) {
            return false;
        }
        i_ = j + 1;
        return true;
    }

    /// `[...]`, with nested classes, escapes and ranges.
    std::optional<std::string> skip_class() {
        int depth = 0;
        ++i_;
        if (i_ < p_.size() && p_[i_] == '^') {
            ++i_;
        }
        bool first = true;
        char previous = 0;
        while (i_ < p_.size()) {
            const char c = p_[i_];
            if (c == '\\') {
                previous = i_ + 1 < p_.size() ? p_[i_ + 1] : 0;
                i_ += 2;
            } else if (c == '[') {
                ++depth;
                ++i_;
                previous = 0;
            } else if (c == ']' && !first) {
                ++i_;
                if (depth == 0) {
                    return std::nullopt;
                }
                --depth;
                previous = 0;
            } else if (c == '-' && previous != 0 && i_ + 1 < p_.size() && p_[i_ + 1] != ']' &&
                       p_[i_ + 1] != '[' && p_[i_ + 1] != '\\') {
                if (p_[i_ + 1] < previous) {
                    return problem("Illegal character range", i_ + 1);
                }
                i_ += 2;
                previous = 0;
            } else {
                previous = c;
                ++i_;
            }
            first = false;
        }
        return problem("Unclosed character class", p_.size() - 1);
    }

    std::string_view p_;
    std::size_t i_ = 0;
};

} // namespace

std::optional<std::string> java_regex_problem(std::string_view pattern) {
    return PatternScanner(pattern).scan();
}

} // namespace ferry::compiler::detail
