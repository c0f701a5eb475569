// Jenkins' cron dialect, just enough to know how often a pollSCM trigger fires: each line is
// expanded into five bit sets, then two years of minutes are walked to find the smallest gap.
#include "runtime/watch_cron.hpp"

#include <array>
#include <bitset>
#include <charconv>
#include <cstdint>
#include <fmt/format.h>
#include <limits>
#include <openssl/evp.h>
#include <optional>
#include <sstream>
#include <vector>

namespace ferry::runtime {
namespace {

using Bits = std::bitset<64>;

struct FieldInfo {
    const char* name;
    int low;
    int high;
    int hash_high; ///< H never picks past this (Jenkins: day 28, weekday 6)
};
constexpr std::array<FieldInfo, 5> fields = {{{"minute", 0, 59, 59},
                                              {"hour", 0, 23, 23},
                                              {"day of month", 1, 31, 28},
                                              {"month", 1, 12, 12},
                                              {"day of week", 0, 7, 6}}};

// java.util.Random seeded from the MD5 of the job name, folded to 64 bits: the hash Jenkins'
// CronTab uses for `H`, so a spec fires here at the minutes it fires on Jenkins.
class JenkinsHash {
public:
    explicit JenkinsHash(std::string_view seed) {
        std::array<unsigned char, 16> digest{};
        unsigned int length = 0;
        EVP_Digest(seed.data(), seed.size(), digest.data(), &length, EVP_md5(), nullptr);
        for (std::size_t i = 8; i < digest.size(); ++i) {
            digest[i % 8] = static_cast<unsigned char>(digest[i % 8] ^ digest[i]);
        }
        std::uint64_t folded = 0;
        for (std::size_t i = 0; i < 8; ++i) {
            folded = (folded << 8) + digest[i];
        }
        state_ = (folded ^ multiplier) & mask;
    }
    int next(int bound) {
        if ((bound & -bound) == bound) {
            return static_cast<int>((static_cast<std::int64_t>(bound) * bits31()) >> 31);
        }
        while (true) {
            const int bits = bits31();
            const int value = bits % bound;
            if (static_cast<std::int64_t>(bits) - value + (bound - 1) <=
                std::numeric_limits<std::int32_t>::max()) {
                return value;
            }
        }
    }

private:
    static constexpr std::uint64_t multiplier = 0x5DEECE66DULL;
    static constexpr std::uint64_t mask = (1ULL << 48) - 1;
    int bits31() {
        state_ = (state_ * multiplier + 0xBULL) & mask;
        return static_cast<int>(state_ >> 17);
    }
    std::uint64_t state_ = 0;
};

std::optional<int> number(std::string_view text) {
    int value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty()) {
        return std::nullopt;
    }
    return value;
}

class FieldParser {
public:
    FieldParser(const FieldInfo& info, JenkinsHash& hash) : info_(info), hash_(hash) {}

    // One comma-separated field into bits, or an error.
    std::variant<Bits, std::string> parse(std::string_view text) {
        Bits bits;
        while (true) {
            const auto comma = text.find(',');
            auto part = parse_part(text.substr(0, comma));
            if (auto* error = std::get_if<std::string>(&part)) {
                return *error;
            }
            bits |= std::get<Bits>(part);
            if (comma == std::string_view::npos) {
                break;
            }
            text.remove_prefix(comma + 1);
        }
        return bits;
    }

private:
    std::string bad(std::string_view part, std::string_view why) const {
        return fmt::format("{} field '{}': {}", info_.name, part, why);
    }

    std::variant<Bits, std::string> parse_part(std::string_view part) {
        int step = 1;
        std::string_view range = part;
        if (const auto slash = part.find('/'); slash != std::string_view::npos) {
            const auto parsed = number(part.substr(slash + 1));
            if (!parsed || *parsed <= 0) {
                return bad(part, "the step after / must be a positive number");
            }
            step = *parsed;
            range = part.substr(0, slash);
        }
        int low = info_.low;
        int high = info_.high;
        const bool hashed = !range.empty() && range.front() == 'H';
        if (hashed) {
            high = info_.hash_high;
            range.remove_prefix(1);
            if (!range.empty()) {
                if (range.front() != '(' || range.back() != ')') {
                    return bad(part, "H takes a range in parentheses, as H(0-29)");
                }
                range = range.substr(1, range.size() - 2);
            }
        } else if (range == "*") {
            range = {};
        } else if (range.empty()) {
            return bad(part, "empty");
        }
        if (!range.empty()) {
            const auto dash = range.find('-');
            const auto a = number(range.substr(0, dash));
            const auto b = dash == std::string_view::npos ? a : number(range.substr(dash + 1));
            if (!a || !b) {
                return bad(part, "expected a number, a range a-b, * or H");
            }
            low = *a;
            high = dash == std::string_view::npos && part.find('/') != std::string_view::npos
                       ? info_.high
                       : *b;
        }
        if (low < info_.low || high > info_.high || low > high) {
            return bad(part, fmt::format("out of range {}-{}", info_.low, info_.high));
        }
        Bits bits;
        if (hashed) {
            if (step > high - low + 1) {
                return bad(part, "the step is larger than the range");
            }
            const int start = low + (step > 1 ? hash_.next(step) : hash_.next(high - low + 1));
            for (int i = start; i <= high; i += (step > 1 ? step : high + 1)) {
                bits.set(static_cast<std::size_t>(i));
            }
            return bits;
        }
        for (int i = low; i <= high; i += step) {
            bits.set(static_cast<std::size_t>(i));
        }
        return bits;
    }

    const FieldInfo& info_;
    JenkinsHash& hash_;
};

struct Schedule {
    std::array<Bits, 5> bits;
    [[nodiscard]] bool day(unsigned month, unsigned day_of_month, unsigned weekday) const {
        // Jenkins requires both day fields to match (unlike Vixie cron); 7 is Sunday too.
        return bits[3].test(month) && bits[2].test(day_of_month) &&
               (bits[4].test(weekday) || (weekday == 0 && bits[4].test(7)));
    }
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

std::string expand_alias(std::string_view line) {
    if (line == "@hourly") {
        return "H * * * *";
    }
    if (line == "@daily" || line == "@midnight") {
        return line == "@daily" ? "H H * * *" : "H H(0-2) * * *";
    }
    if (line == "@weekly") {
        return "H H * * H";
    }
    if (line == "@monthly") {
        return "H H H * *";
    }
    if (line == "@yearly" || line == "@annually") {
        return "H H H H *";
    }
    return std::string(line);
}

std::variant<Schedule, std::string> parse_line(std::string_view line, JenkinsHash& hash) {
    std::istringstream in{expand_alias(line)};
    std::vector<std::string> words;
    for (std::string word; in >> word;) {
        words.push_back(word);
    }
    if (words.size() != 5) {
        return fmt::format("'{}': expected 5 fields (minute hour day-of-month month "
                           "day-of-week), found {}",
                           line, words.size());
    }
    Schedule schedule;
    for (std::size_t i = 0; i < 5; ++i) {
        FieldParser parser(fields[i], hash);
        auto bits = parser.parse(words[i]);
        if (auto* error = std::get_if<std::string>(&bits)) {
            return *error;
        }
        schedule.bits[i] = std::get<Bits>(bits);
    }
    return schedule;
}

// The smallest gap in minutes between firings over two years (a leap day included).
std::optional<long long> smallest_gap(const std::vector<Schedule>& schedules) {
    using namespace std::chrono;
    const sys_days start{year{2028} / January / 1};
    std::optional<long long> last;
    std::optional<long long> best;
    for (int d = 0; d < 2 * 366 + 1; ++d) {
        const sys_days day = start + days{d};
        const year_month_day ymd{day};
        const unsigned weekday = std::chrono::weekday{day}.c_encoding();
        for (const auto& s : schedules) {
            if (!s.day(unsigned{ymd.month()}, unsigned{ymd.day()}, weekday)) {
                continue;
            }
            for (unsigned h = 0; h < 24; ++h) {
                if (!s.bits[1].test(h)) {
                    continue;
                }
                for (unsigned m = 0; m < 60; ++m) {
                    if (!s.bits[0].test(m)) {
                        continue;
                    }
                    const long long minute = static_cast<long long>(d) * 1440 + h * 60 + m;
                    if (last && minute > *last && (!best || minute - *last < *best)) {
                        best = minute - *last;
                    }
                    if (!last || minute > *last) {
                        last = minute;
                    }
                }
            }
        }
    }
    return best;
}

} // namespace

PollInterval poll_interval_from_cron(std::string_view spec, std::string_view job) {
    JenkinsHash hash(job);
    std::vector<Schedule> schedules;
    std::size_t line_number = 0;
    while (!spec.empty() || line_number == 0) {
        ++line_number;
        const auto newline = spec.find('\n');
        std::string_view line = spec.substr(0, newline);
        spec = newline == std::string_view::npos ? std::string_view{} : spec.substr(newline + 1);
        if (const auto hash_mark = line.find('#'); hash_mark != std::string_view::npos) {
            line = line.substr(0, hash_mark);
        }
        line = trim(line);
        if (line.empty()) {
            continue;
        }
        auto parsed = parse_line(line, hash);
        if (auto* error = std::get_if<std::string>(&parsed)) {
            return fmt::format("line {}: {}", line_number, *error);
        }
        schedules.push_back(std::get<Schedule>(parsed));
    }
    if (schedules.empty()) {
        return std::string("the spec has no schedule line");
    }
    const auto gap = smallest_gap(schedules);
    if (!gap) {
        return std::string("the spec never fires twice in two years");
    }
    return std::chrono::seconds(std::max<long long>(1, *gap * 60));
}

} // namespace ferry::runtime
