#include "compiler/textdiff.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

namespace ferry::compiler {
namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, end - start + 1));
        start = end + 1;
    }
    return lines;
}

enum class Op { keep, remove, add };
struct Edit {
    Op op;
    std::string_view line;
    std::size_t old_line; // 0-based index in before (for keep/remove)
    std::size_t new_line; // 0-based index in after (for keep/add)
};

constexpr std::size_t max_table_cells = 16u * 1024u * 1024u;

// Longest-common-subsequence edit script of the middle part, or a plain replacement when the
// table would be too large.
void diff_middle(const std::vector<std::string_view>& a, std::size_t a0, std::size_t a1,
                 const std::vector<std::string_view>& b, std::size_t b0, std::size_t b1,
                 std::vector<Edit>& out) {
    const std::size_t n = a1 - a0;
    const std::size_t m = b1 - b0;
    if (n == 0 || m == 0 || (n + 1) * (m + 1) > max_table_cells) {
        for (std::size_t i = a0; i < a1; ++i) {
            out.push_back({Op::remove, a[i], i, b0});
        }
        for (std::size_t j = b0; j < b1; ++j) {
            out.push_back({Op::add, b[j], a1, j});
        }
        return;
    }
    std::vector<std::uint32_t> table((n + 1) * (m + 1), 0);
    auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& {
        return table[i * (m + 1) + j];
    };
    for (std::size_t i = n; i-- > 0;) {
        for (std::size_t j = m; j-- > 0;) {
            at(i, j) = a[a0 + i] == b[b0 + j] ? at(i + 1, j + 1) + 1
                                              : std::max(at(i + 1, j), at(i, j + 1));
        }
    }
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[a0 + i] == b[b0 + j]) {
            out.push_back({Op::keep, a[a0 + i], a0 + i, b0 + j});
            ++i;
            ++j;
        } else if (j < m && (i == n || at(i, j + 1) >= at(i + 1, j))) {
            out.push_back({Op::add, b[b0 + j], a0 + i, b0 + j});
            ++j;
        } else {
            out.push_back({Op::remove, a[a0 + i], a0 + i, b0 + j});
            ++i;
        }
    }
}

std::string show(std::string_view line) {
    std::string text(line);
    if (text.empty() || text.back() != '\n') {
        text += "\n\\ No newline at end of file\n";
    }
    return text;
}

} // namespace

std::string unified_diff(std::string_view before, std::string_view after,
                         std::string_view before_name, std::string_view after_name, int context) {
    if (before == after) {
        return {};
    }
    const auto a = split_lines(before);
    const auto b = split_lines(after);
    std::size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
        ++prefix;
    }
    std::size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
        ++suffix;
    }
    std::vector<Edit> edits;
    for (std::size_t i = 0; i < prefix; ++i) {
        edits.push_back({Op::keep, a[i], i, i});
    }
    diff_middle(a, prefix, a.size() - suffix, b, prefix, b.size() - suffix, edits);
    for (std::size_t k = suffix; k > 0; --k) {
        edits.push_back({Op::keep, a[a.size() - k], a.size() - k, b.size() - k});
    }

    std::string out = fmt::format("--- {}\n+++ {}\n", before_name, after_name);
    const auto ctx = static_cast<std::size_t>(std::max(context, 0));
    std::size_t k = 0;
    while (k < edits.size()) {
        if (edits[k].op == Op::keep) {
            ++k;
            continue;
        }
        // A hunk: back up `ctx` kept lines, then extend while changes are within 2*ctx.
        std::size_t begin = k >= ctx ? k - ctx : 0;
        while (begin < k && edits[begin].op != Op::keep) {
            ++begin;
        }
        std::size_t end = k;
        std::size_t last_change = k;
        while (end < edits.size()) {
            if (edits[end].op != Op::keep) {
                last_change = end;
            } else if (end - last_change > 2 * ctx) {
                break;
            }
            ++end;
        }
        end = std::min(edits.size(), last_change + ctx + 1);
        std::size_t old_count = 0;
        std::size_t new_count = 0;
        for (std::size_t e = begin; e < end; ++e) {
            old_count += edits[e].op != Op::add ? 1 : 0;
            new_count += edits[e].op != Op::remove ? 1 : 0;
        }
        const std::size_t old_start = old_count ? edits[begin].old_line + 1 : edits[begin].old_line;
        const std::size_t new_start = new_count ? edits[begin].new_line + 1 : edits[begin].new_line;
        out += fmt::format("@@ -{},{} +{},{} @@\n", old_start, old_count, new_start, new_count);
        for (std::size_t e = begin; e < end; ++e) {
            const char mark = edits[e].op == Op::keep ? ' ' : edits[e].op == Op::add ? '+' : '-';
            out += mark;
            out += show(edits[e].line);
        }
        k = end;
    }
    return out;
}

} // namespace ferry::compiler
