// The console under a CI system: the plain lines of the console reporter, wrapped in the CI's
// own conventions. GitHub Actions gets a `::group::` per outermost running stage and `::error`
// / `::warning` annotations at the failing step's file and line; GitLab CI a collapsible
// section per stage; Jenkins (whose console already frames stages) the plain lines. Every
// output line carries a `[Stage]` prefix, so a step cannot print a workflow command of its own.
#include "runtime/report_stages.hpp"

#include <cctype>
#include <fmt/format.h>

namespace ferry::runtime {
namespace {

// GitHub's workflow-command escaping: data escapes %, CR, LF; properties also `:` and `,`.
std::string github_escape(std::string_view text, bool property) {
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '%':
            out += "%25";
            break;
        case '\r':
            out += "%0D";
            break;
        case '\n':
            out += "%0A";
            break;
        case ':':
            out += property ? "%3A" : ":";
            break;
        case ',':
            out += property ? "%2C" : ",";
            break;
        default:
            out += c;
        }
    }
    return out;
}

// GitLab section names: letters, digits, `_`, `.`, `-`.
std::string gitlab_section_name(std::size_t counter, std::string_view stage) {
    std::string name = fmt::format("ferry_{}_", counter);
    for (const char c : stage) {
        const auto u = static_cast<unsigned char>(c);
        name += std::isalnum(u) != 0 || c == '.' || c == '-' ? c : '_';
    }
    return name.substr(0, 100);
}

long long unix_time(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

class CiReporter final : public Reporter {
public:
    CiReporter(std::FILE* out, CiSystem ci)
        : out_(out), ci_(ci), plain_(make_console_reporter(out, ConsoleOptions{})) {}

    void report(const Event& event) override {
        if (event.type == "stage.started" && open_stage_.empty() && ci_ != CiSystem::jenkins &&
            ci_ != CiSystem::none) {
            open_group(event);
        }
        if (event.type == "run.finished" && !open_stage_.empty()) {
            close_group(event);
        }
        plain_->report(event);
        if (event.type == "step.finished" && ci_ == CiSystem::github_actions) {
            annotate(event);
        }
        if (event.type == "stage.finished" && event.stage == open_stage_) {
            close_group(event);
        }
        std::fflush(out_);
    }

    std::string finish() override { return plain_->finish(); }

private:
    void open_group(const Event& event) {
        open_stage_ = event.stage;
        const auto title = detail::stage_label(event);
        if (ci_ == CiSystem::github_actions) {
            std::fprintf(out_, "::group::%s\n", github_escape(title, false).c_str());
        } else {
            section_ = gitlab_section_name(++sections_, title);
            std::fprintf(out_, "\x1b[0Ksection_start:%lld:%s\r\x1b[0K%s\n", unix_time(event.time),
                         section_.c_str(), title.c_str());
        }
    }

    void close_group(const Event& event) {
        if (ci_ == CiSystem::github_actions) {
            std::fputs("::endgroup::\n", out_);
        } else {
            std::fprintf(out_, "\x1b[0Ksection_end:%lld:%s\r\x1b[0K\n", unix_time(event.time),
                         section_.c_str());
        }
        open_stage_.clear();
    }

    void annotate(const Event& event) {
        const char* command = nullptr;
        if (event.result == "FAILURE" || event.result == "ABORTED") {
            command = "error";
        } else if (event.result == "UNSTABLE") {
            command = "warning";
        } else {
            return;
        }
        std::string properties;
        if (!event.file.empty()) {
            properties = "file=" + github_escape(event.file, true);
            if (event.line != 0) {
                properties += fmt::format(",line={},col={}", event.line, event.column);
            }
            properties += ",";
        }
        properties += "title=" + github_escape(fmt::format("{} {} ({})", detail::stage_label(event),
                                                           event.kind, event.result),
                                               true);
        const auto message = event.message.empty() ? event.result : event.message;
        std::fprintf(out_, "::%s %s::%s\n", command, properties.c_str(),
                     github_escape(message, false).c_str());
    }

    std::FILE* out_;
    CiSystem ci_;
    std::unique_ptr<Reporter> plain_;
    std::string open_stage_;
    std::string section_;
    std::size_t sections_ = 0;
};

} // namespace

std::unique_ptr<Reporter> make_ci_reporter(std::FILE* stream, CiSystem ci) {
    return std::make_unique<CiReporter>(stream, ci);
}

} // namespace ferry::runtime
