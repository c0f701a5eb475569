// `--junit FILE`: the run as a JUnit XML report, written when the run is over. One testsuite;
// one testcase per leaf stage (a stage with no stage nested under it: parallel branches and
// matrix cells count, their parent does not). FAILURE and ABORTED stages carry <failure> with
// the failing step's message and the last lines of its log; UNSTABLE ones too, with
// type="UNSTABLE" (JUnit has no "unstable", and a CI that reads the file should flag the stage);
// skipped stages <skipped message="why"/>. docs/cli.md documents the mapping.
#include "runtime/files.hpp"
#include "runtime/report_stages.hpp"

#include <fmt/format.h>
#include <set>
#include <unistd.h>

namespace ferry::runtime {
namespace {

using detail::StageEntry;

// Length of the UTF-8 sequence starting at `text[i]`, or 0 when it is not well formed.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = lead < 0x80           ? 1
                               : (lead >> 5) == 0x6  ? 2
                               : (lead >> 4) == 0xE  ? 3
                               : (lead >> 3) == 0x1E ? 4
                                                     : 0;
    if (length == 0 || i + length > text.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
            return 0;
        }
    }
    return length;
}

// Text made fit for XML 1.0: markup escaped, characters XML forbids (most controls, broken
// UTF-8) replaced by U+FFFD. In attributes, whitespace is kept as character references.
std::string xml_escape(std::string_view text, bool attribute) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        const auto length = utf8_length(text, i);
        if (length == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        if (length > 1) {
            out.append(text.substr(i, length));
            i += length;
            continue;
        }
        ++i;
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += attribute ? "&quot;" : "\"";
            break;
        case '\n':
            out += attribute ? "&#10;" : "\n";
            break;
        case '\r':
            out += "&#13;";
            break;
        case '\t':
            out += attribute ? "&#9;" : "\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                out += "\xEF\xBF\xBD";
            } else {
                out += c;
            }
        }
    }
    return out;
}

std::string seconds(std::chrono::milliseconds duration) {
    const long long ms = std::max<long long>(0, duration.count());
    return fmt::format("{}.{:03}", ms / 1000, ms % 1000);
}

std::string hostname() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
        return "localhost";
    }
    return name;
}

struct Case {
    std::string name;
    std::string time;
    std::string body; ///< <failure>/<skipped>, or empty
    bool failed = false;
    bool skipped = false;
};

std::string failure_text(const StageEntry& stage) {
    std::string text;
    if (!stage.failure_where.empty()) {
        text += stage.failure_where + ": ";
    }
    text += stage.failure_message.empty() ? stage.result : stage.failure_message;
    text += "\n";
    if (!stage.failure_tail.empty()) {
        text += fmt::format("--- the last {} lines of the output of {} ({}) ---\n",
                            stage.failure_tail.size(), stage.failing_step, stage.failure_kind);
        for (const auto& line : stage.failure_tail) {
            text += line + "\n";
        }
    }
    return text;
}

Case case_of(const StageEntry& stage) {
    Case c;
    c.name = stage.name;
    c.time = seconds(stage.duration);
    if (stage.state == StageEntry::State::skipped ||
        (stage.state == StageEntry::State::finished && stage.result == "NOT_BUILT")) {
        c.skipped = true;
        c.body = fmt::format(
            "<skipped message=\"{}\"/>",
            xml_escape(stage.skip_reason.empty() ? "not built" : stage.skip_reason, true));
        return c;
    }
    std::string type = stage.result;
    std::string message = stage.failure_message;
    if (stage.state == StageEntry::State::running) {
        type = "ABORTED";
        message = "the stage did not finish: the run ended before it did";
    } else if (stage.result == "SUCCESS") {
        return c;
    }
    c.failed = true;
    c.body = fmt::format("<failure message=\"{}\" type=\"{}\">{}</failure>",
                         xml_escape(message.empty() ? type : message, true), type,
                         xml_escape(failure_text(stage), false));
    return c;
}

class JunitReporter final : public Reporter {
public:
    JunitReporter(std::filesystem::path path, std::string suite)
        : path_(std::move(path)), suite_(std::move(suite)) {}

    void report(const Event& event) override {
        book_.observe(event);
        if (event.type == "run.started") {
            started_ = event.time;
        } else if (event.type == "run.finished") {
            duration_ = event.duration;
        } else if (event.type == "step.finished" && event.stage.empty() &&
                   event.result != "SUCCESS" && !post_failure_) {
            StageEntry post; // the pipeline's own post steps belong to no stage
            post.id = "post";
            post.name = "pipeline post";
            post.state = StageEntry::State::finished;
            post.result = event.result;
            post.duration = event.duration;
            post.failing_step = event.step;
            post.failure_kind = event.kind;
            post.failure_message = event.message;
            post.failure_where = detail::where(event);
            post_failure_ = std::move(post);
        }
    }

    std::string finish() override { return write_atomically(path_, render()); }

private:
    std::vector<Case> cases() const {
        std::vector<Case> out;
        std::set<std::string> seen;
        for (const auto& stage : book_.stages()) {
            if (book_.has_children(stage.id)) {
                continue;
            }
            auto c = case_of(stage);
            if (!seen.insert(c.name).second) {
                c.name = stage.id; // two leaves of one name (matrix cells): the id tells apart
                seen.insert(c.name);
            }
            out.push_back(std::move(c));
        }
        if (post_failure_) {
            out.push_back(case_of(*post_failure_));
        }
        return out;
    }

    std::string render() const {
        const auto all = cases();
        std::size_t failures = 0;
        std::size_t skipped = 0;
        for (const auto& c : all) {
            failures += c.failed ? 1 : 0;
            skipped += c.skipped ? 1 : 0;
        }
        const auto suite = xml_escape(suite_.empty() ? "ferry" : suite_, true);
        const auto counts =
            fmt::format(R"(tests="{}" failures="{}" errors="0" skipped="{}" time="{}")", all.size(),
                        failures, skipped, seconds(duration_));
        // Ant's schema wants the timestamp without a zone; it is UTC.
        const auto stamp = rfc3339_ms(started_).substr(0, 19);
        std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
        xml += fmt::format("<testsuites name=\"{}\" {}>\n", suite, counts);
        xml += fmt::format("  <testsuite name=\"{}\" {} timestamp=\"{}\" hostname=\"{}\" id=\"0\" "
                           "package=\"{}\">\n",
                           suite, counts, stamp, xml_escape(hostname(), true), suite);
        for (const auto& c : all) {
            const auto head = fmt::format("    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
                                          xml_escape(c.name, true), suite, c.time);
            xml += c.body.empty() ? head + "/>\n"
                                  : fmt::format("{}>\n      {}\n    </testcase>\n", head, c.body);
        }
        xml += "  </testsuite>\n</testsuites>\n";
        return xml;
    }

    std::filesystem::path path_;
    std::string suite_;
    detail::StageBook book_;
    std::chrono::system_clock::time_point started_ = std::chrono::system_clock::now();
    std::chrono::milliseconds duration_{0};
    std::optional<StageEntry> post_failure_;
};

} // namespace

std::unique_ptr<Reporter> make_junit_reporter(const std::filesystem::path& path,
                                              std::string suite_name) {
    return std::make_unique<JunitReporter>(path, std::move(suite_name));
}

} // namespace ferry::runtime
