// .dockerignore patterns, matched directly (no regex): a small backtracking glob whose `*` and
// `?` never cross a `/`, and whose `**` does, as Docker's pattern matcher behaves.
#include "runtime/dockerignore.hpp"

#include <fmt/format.h>

namespace ferry::runtime {
namespace {

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n\v\f");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(" \t\r\n\v\f");
    return s.substr(first, last - first + 1);
}

// Where the class starting at `p[i] == '['` ends (the index of its `]`), or npos.
std::size_t class_end(std::string_view p, std::size_t i) {
    std::size_t j = i + 1;
    if (j < p.size() && p[j] == '^') {
        ++j;
    }
    if (j < p.size() && p[j] == ']') {
        ++j; // a `]` first in the class is literal
    }
    for (; j < p.size(); ++j) {
        if (p[j] == '\\') {
            ++j;
        } else if (p[j] == ']') {
            return j;
        }
    }
    return std::string_view::npos;
}

// Whether `c` is in the class `p[open..close]`.
bool class_matches(std::string_view p, std::size_t open, std::size_t close, char c) {
    std::size_t j = open + 1;
    bool negated = false;
    if (p[j] == '^') {
        negated = true;
        ++j;
    }
    bool found = false;
    bool first = true;
    while (j < close || (first && j == close)) {
        first = false;
        char low = p[j];
        if (low == '\\' && j + 1 < close) {
            low = p[++j];
        }
        char high = low;
        if (j + 2 < close && p[j + 1] == '-') {
            high = p[j + 2];
            if (high == '\\' && j + 3 < close) {
                high = p[++j + 2];
            }
            j += 2;
        }
        if (low <= c && c <= high) {
            found = true;
        }
        ++j;
    }
    return found != negated && c != '/';
}

bool match_from(std::string_view p, std::size_t i, std::string_view s, std::size_t k) {
    while (i < p.size()) {
        const char c = p[i];
        if (c == '*' && i + 1 < p.size() && p[i + 1] == '*') {
            std::size_t next = i + 2;
            while (next < p.size() && p[next] == '*') {
                ++next;
            }
            if (next < p.size() && p[next] == '/') {
                // `**/`: nothing, or any run of whole segments
                if (match_from(p, next + 1, s, k)) {
                    return true;
                }
                for (std::size_t j = k; j < s.size(); ++j) {
                    if (s[j] == '/' && match_from(p, next + 1, s, j + 1)) {
                        return true;
                    }
                }
                return false;
            }
            for (std::size_t j = k; j <= s.size(); ++j) {
                if (match_from(p, next, s, j)) {
                    return true;
                }
            }
            return false;
        }
        if (c == '*') {
            for (std::size_t j = k;; ++j) {
                if (match_from(p, i + 1, s, j)) {
                    return true;
                }
                if (j >= s.size() || s[j] == '/') {
                    return false;
                }
            }
        }
        if (k >= s.size()) {
            return false;
        }
        if (c == '?') {
            if (s[k] == '/') {
                return false;
            }
        } else if (c == '[') {
            const auto close = class_end(p, i);
            if (close == std::string_view::npos || !class_matches(p, i, close, s[k])) {
                return false;
            }
            i = close;
        } else if (c == '\\' && i + 1 < p.size()) {
            if (p[++i] != s[k]) {
                return false;
            }
        } else if (c != s[k]) {
            return false;
        }
        ++i;
        ++k;
    }
    return k == s.size();
}

std::string validate(std::string_view p) {
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '\\') {
            if (i + 1 == p.size()) {
                return "a trailing \\ escapes nothing";
            }
            ++i;
        } else if (p[i] == '[') {
            const auto close = class_end(p, i);
            if (close == std::string_view::npos) {
                return "a [ is never closed";
            }
            i = close;
        }
    }
    return {};
}

} // namespace

std::string clean_path(std::string_view path) {
    const bool rooted = !path.empty() && path.front() == '/';
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        const auto part = path.substr(start, end - start);
        if (part == "..") {
            if (!parts.empty() && parts.back() != "..") {
                parts.pop_back();
            } else if (!rooted) {
                parts.push_back(part);
            }
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        start = end + 1;
    }
    std::string out = rooted ? "/" : "";
    for (std::size_t i = 0; i < parts.size(); ++i) {
        out += (i == 0 ? "" : "/");
        out += parts[i];
    }
    return out.empty() ? "." : out;
}

bool dockerignore_match(std::string_view pattern, std::string_view path) {
    return match_from(pattern, 0, path, 0);
}

std::optional<DockerIgnore> DockerIgnore::parse(std::string_view text, std::string_view origin,
                                                std::string& error) {
    DockerIgnore out;
    std::size_t line_number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        ++line_number;
        auto line = trim(text.substr(start, end - start));
        start = end + 1;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        Pattern pattern;
        pattern.line = line_number;
        if (line.front() == '!') {
            pattern.exception = true;
            line = trim(line.substr(1));
        }
        pattern.text = clean_path(line);
        if (pattern.text.size() > 1 && pattern.text.front() == '/') {
            pattern.text.erase(0, 1);
        }
        if (auto problem = validate(pattern.text); !problem.empty()) {
            error = fmt::format("{}:{}: bad pattern `{}`: {}", origin, line_number, line, problem);
            return std::nullopt;
        }
        out.patterns_.push_back(std::move(pattern));
    }
    return out;
}

bool DockerIgnore::excluded(std::string_view path) const {
    bool matched = false;
    for (const auto& pattern : patterns_) {
        // An exclusion only matters while not excluded, an exception only once excluded.
        if (pattern.exception != matched) {
            continue;
        }
        bool match = dockerignore_match(pattern.text, path);
        for (auto slash = path.find('/'); !match && slash != std::string_view::npos;
             slash = path.find('/', slash + 1)) {
            match = dockerignore_match(pattern.text, path.substr(0, slash));
        }
        if (match) {
            matched = !pattern.exception;
        }
    }
    return matched;
}

bool DockerIgnore::has_exceptions() const {
    for (const auto& pattern : patterns_) {
        if (pattern.exception) {
            return true;
        }
    }
    return false;
}

} // namespace ferry::runtime
