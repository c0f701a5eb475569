// The console. On a terminal: a live block at the bottom, one line per running stage with its
// elapsed time and current step, redrawn in place (ANSI), while step output, failures and
// finished stages scroll above it. Elsewhere: plain `[Stage] step: line` lines that a log file
// or a pipe keeps. Both end with a summary: the result, the duration and every stage's result.
#include "runtime/report_stages.hpp"

#include <algorithm>
#include <condition_variable>
#include <fmt/format.h>
#include <mutex>
#include <sys/ioctl.h>
#include <thread>
#include <unistd.h>

namespace ferry::runtime {
namespace {

using detail::format_duration;
using detail::stage_label;
using detail::StageEntry;

namespace ansi {
constexpr const char* reset = "\x1b[0m";
constexpr const char* bold = "\x1b[1m";
constexpr const char* dim = "\x1b[2m";
constexpr const char* red = "\x1b[31m";
constexpr const char* green = "\x1b[32m";
constexpr const char* yellow = "\x1b[33m";
constexpr const char* cyan = "\x1b[36m";
} // namespace ansi

const char* result_color(std::string_view result) {
    if (result == "SUCCESS") {
        return ansi::green;
    }
    if (result == "UNSTABLE") {
        return ansi::yellow;
    }
    if (result == "FAILURE") {
        return ansi::red;
    }
    return ansi::dim; // ABORTED, NOT_BUILT, skipped
}

// Cuts `text` to `columns` characters (UTF-8 aware), so a block line never wraps and the
// cursor arithmetic of the redraw stays right. Escape sequences must not be in `text`.
std::string fit(const std::string& text, std::size_t columns) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (count == columns) {
                return text.substr(0, i);
            }
            ++count;
        }
    }
    return text;
}

std::size_t depth_of(const std::string& stage_id) {
    return static_cast<std::size_t>(std::count(stage_id.begin(), stage_id.end(), '/'));
}

class ConsoleReporter final : public Reporter {
public:
    ConsoleReporter(std::FILE* out, const ConsoleOptions& options) : out_(out), options_(options) {
        if (options_.terminal) {
            ticker_ = std::thread([this] { tick(); });
        }
    }
    ConsoleReporter(const ConsoleReporter&) = delete;
    ConsoleReporter& operator=(const ConsoleReporter&) = delete;
    ~ConsoleReporter() override { stop_ticker(); }

    void report(const Event& event) override {
        const std::lock_guard lock(mutex_);
        book_.observe(event);
        finished_run_ = finished_run_ || event.type == "run.finished";
        std::string lines = lines_for(event);
        if (options_.terminal) {
            redraw(lines);
        } else if (!lines.empty()) {
            std::fputs(lines.c_str(), out_);
            std::fflush(out_);
        }
    }

    std::string finish() override {
        stop_ticker();
        const std::lock_guard lock(mutex_);
        if (options_.terminal) {
            erase_block();
        }
        std::fflush(out_);
        return {};
    }

private:
    // --- what an event prints (above the live block, or as plain lines) ---------------------

    std::string paint(const char* color, std::string_view text) const {
        return options_.color ? fmt::format("{}{}{}", color, text, ansi::reset) : std::string(text);
    }

    std::string prefix(const Event& event) const {
        std::string p;
        if (options_.timestamps) {
            p = rfc3339_ms(event.time) + " ";
        }
        return p + paint(ansi::dim, fmt::format("[{}]", stage_label(event))) + " ";
    }

    std::string failure_line(const Event& event, const char* severity, const char* color) const {
        const auto place = detail::where(event);
        const auto what = event.kind.empty() ? std::string() : event.kind + ": ";
        const auto text =
            fmt::format("{}{}: {}{}", place.empty() ? "" : place + ": ", paint(color, severity),
                        what, event.message.empty() ? event.result : event.message);
        return prefix(event) + text + "\n";
    }

    std::string lines_for(const Event& event) {
        const auto& type = event.type;
        if (type == "run.started") {
            return fmt::format(
                "{} {} #{}{}\n", paint(ansi::bold, "Started"),
                event.data.value("pipeline", std::string("pipeline")),
                event.data.value("build", 0LL),
                event.data.contains("environment")
                    ? fmt::format(" in {}", event.data.value("environment", std::string()))
                    : std::string());
        }
        if (type == "run.finished") {
            return summary(event);
        }
        if (type == "log") {
            if (options_.quiet) {
                return {};
            }
            const auto kind = event.kind.empty() ? std::string() : event.kind + ": ";
            return prefix(event) + kind + event.message + "\n";
        }
        if (type == "stage.started") {
            return options_.terminal ? std::string() : prefix(event) + "started\n";
        }
        if (type == "stage.finished") {
            return prefix(event) + fmt::format("{} in {}\n",
                                               paint(result_color(event.result), event.result),
                                               format_duration(event.duration));
        }
        if (type == "stage.skipped" || type == "step.skipped") {
            return prefix(event) + paint(ansi::dim, "skipped") +
                   (event.message.empty() ? "" : ": " + event.message) + "\n";
        }
        if (type == "step.finished") {
            if (event.result == "FAILURE" || event.result == "ABORTED") {
                return failure_line(event, event.result == "FAILURE" ? "error" : "aborted",
                                    ansi::red);
            }
            if (event.result == "UNSTABLE") {
                return failure_line(event, "unstable", ansi::yellow);
            }
            return {};
        }
        if (type == "step.started") {
            return {};
        }
        if (type == "input.waiting") {
            return prefix(event) +
                   fmt::format("{} input '{}': {}\n", paint(ansi::cyan, "waiting for"),
                               event.data.value("id", std::string()), event.message);
        }
        if (type == "input.answered") {
            return prefix(event) +
                   fmt::format("input '{}' {}{}\n", event.data.value("id", std::string()),
                               event.data.value("approved", false) ? "approved" : "refused",
                               event.data.contains("by") ? " by " + event.data["by"].dump()
                                                         : std::string());
        }
        if (type == "rollback.started") {
            return fmt::format("{} {}\n", paint(ansi::bold, "Rolling back:"), event.message);
        }
        if (type == "effect.compensated" || type == "rollback.finished") {
            const bool ok = event.result != "FAILURE";
            return fmt::format("{}{}\n", type == "effect.compensated" ? "  " : "",
                               ok ? event.message : paint(ansi::red, event.message));
        }
        // Any other kind: its type and message, never dropped silently.
        return prefix(event) + type + (event.message.empty() ? "" : ": " + event.message) + "\n";
    }

    std::string summary(const Event& event) const {
        std::string text = "\n" + paint(ansi::bold, "Stages:") + "\n";
        for (const auto& stage : book_.stages()) {
            const std::string indent(2 + 2 * depth_of(stage.id), ' ');
            if (stage.state == StageEntry::State::skipped) {
                text +=
                    fmt::format("{}{} {}\n", indent, paint(ansi::dim, "skipped      "), stage.name);
                continue;
            }
            const auto result =
                stage.state == StageEntry::State::running ? std::string("RUNNING") : stage.result;
            text += fmt::format("{}{}{} {:>7} {}\n", indent, paint(result_color(result), result),
                                std::string(result.size() < 9 ? 9 - result.size() : 0, ' '),
                                format_duration(stage.duration), stage.name);
        }
        text += fmt::format("{} {} in {}\n", paint(ansi::bold, "Finished:"),
                            paint(result_color(event.result), event.result),
                            format_duration(event.duration));
        if (!event.message.empty() && event.result != "SUCCESS") {
            text += "  " + event.message + "\n";
        }
        return text;
    }

    // --- the live block (terminal only) -------------------------------------------------------

    std::size_t columns() const {
        winsize size{};
        if (::ioctl(fileno(out_), TIOCGWINSZ, &size) == 0 && size.ws_col > 10) {
            return size.ws_col - 1;
        }
        return 79;
    }

    std::vector<std::string> block() const {
        static constexpr const char* spinner[] = {"|", "/", "-", "\\"};
        const auto now = std::chrono::steady_clock::now();
        const auto frame = static_cast<std::size_t>(
            std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() /
            250 % 4);
        const auto width = columns();
        std::vector<std::string> lines;
        for (const auto& stage : book_.stages()) {
            if (stage.state != StageEntry::State::running || book_.has_children(stage.id)) {
                continue;
            }
            const auto elapsed =
                std::chrono::duration_cast<std::chrono::milliseconds>(now - stage.started_steady);
            const auto text = fit(fmt::format("{} {}  {}  {}", spinner[frame], stage.name,
                                              format_duration(elapsed), stage.current_step),
                                  width);
            lines.push_back(paint(ansi::cyan, text));
        }
        // A block taller than the screen cannot be redrawn in place: show what fits.
        constexpr std::size_t max_lines = 20;
        if (lines.size() > max_lines) {
            const auto hidden = lines.size() - max_lines + 1;
            lines.resize(max_lines - 1);
            lines.push_back(fmt::format("  … and {} more running", hidden));
        }
        return lines;
    }

    void erase_block() {
        if (drawn_ > 0) {
            std::fprintf(out_, "\x1b[%zuA\r\x1b[J", drawn_);
            drawn_ = 0;
        }
    }

    void redraw(const std::string& scrolled) {
        erase_block();
        std::fputs(scrolled.c_str(), out_);
        if (!finished_run_) {
            const auto lines = block();
            for (const auto& line : lines) {
                std::fputs(line.c_str(), out_);
                std::fputc('\n', out_);
            }
            drawn_ = lines.size();
        }
        std::fflush(out_);
    }

    void tick() {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            wake_.wait_for(lock, std::chrono::milliseconds(250));
            if (!stopping_ && drawn_ > 0) {
                redraw({});
            }
        }
    }

    void stop_ticker() {
        {
            const std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        if (ticker_.joinable()) {
            ticker_.join();
        }
    }

    std::FILE* out_;
    ConsoleOptions options_;
    detail::StageBook book_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::thread ticker_;
    bool stopping_ = false;
    bool finished_run_ = false;
    std::size_t drawn_ = 0;
};

} // namespace

std::unique_ptr<Reporter> make_console_reporter(std::FILE* stream, const ConsoleOptions& options) {
    return std::make_unique<ConsoleReporter>(stream, options);
}

} // namespace ferry::runtime
