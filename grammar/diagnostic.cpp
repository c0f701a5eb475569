#include "grammar/diagnostic.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace ferry::grammar {

std::string_view to_string(Severity severity) {
    switch (severity) {
    case Severity::error:
        return "error";
    case Severity::warning:
        return "warning";
    case Severity::note:
        return "note";
    }
    return "error";
}

Diagnostic& Diagnostics::add(Diagnostic diagnostic) {
    items_.push_back(std::move(diagnostic));
    return items_.back();
}

Diagnostic& Diagnostics::error(std::string code, Span span, std::string message) {
    return add(Diagnostic{std::move(code), Severity::error, span, std::move(message), {}, {}, {}});
}

Diagnostic& Diagnostics::warning(std::string code, Span span, std::string message) {
    return add(
        Diagnostic{std::move(code), Severity::warning, span, std::move(message), {}, {}, {}});
}

std::size_t Diagnostics::error_count() const {
    return static_cast<std::size_t>(std::count_if(
        items_.begin(), items_.end(), [](const auto& d) { return d.severity == Severity::error; }));
}

void Diagnostics::append(const Diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

void Diagnostics::sort_by_position() {
    std::stable_sort(items_.begin(), items_.end(),
                     [](const auto& a, const auto& b) { return a.span.begin < b.span.begin; });
}

const std::vector<CodeInfo>& grammar_codes() {
    static const std::vector<CodeInfo> codes = {
#define FERRY_CODE(code, severity, name, summary) {#code, Severity::severity, name, summary},
#include "grammar/codes.def"
#undef FERRY_CODE
    };
    return codes;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    std::vector<std::size_t> prev2(m + 1);
    std::vector<std::size_t> prev(m + 1);
    std::vector<std::size_t> cur(m + 1);
    std::iota(prev.begin(), prev.end(), std::size_t{0});
    for (std::size_t i = 1; i <= n; ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                cur[j] = std::min(cur[j], prev2[j - 2] + 1);
            }
        }
        prev2.swap(prev);
        prev.swap(cur);
    }
    return prev[m];
}

std::optional<std::string_view> closest_match(std::string_view name,
                                              const std::vector<std::string_view>& candidates) {
    std::optional<std::string_view> best;
    std::size_t best_distance = 0;
    auto lower = [](std::string_view s) {
        std::string out(s);
        std::transform(out.begin(), out.end(), out.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return out;
    };
    const std::string needle = lower(name);
    for (const auto candidate : candidates) {
        const std::size_t distance = edit_distance(needle, lower(candidate));
        if (!best || distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    // Accept at most a third of the longer name as edits (at least one): a typo, not a stranger.
    if (best) {
        const std::size_t limit = std::max<std::size_t>(1, std::max(name.size(), best->size()) / 3);
        if (best_distance > limit) {
            return std::nullopt;
        }
    }
    return best;
}

} // namespace ferry::grammar
