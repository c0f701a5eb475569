// echo, error, unstable and sleep: the steps that only talk, stop or wait.

#include "stdlib/drivers/basic_support.hpp"

#include <fmt/format.h>

namespace ferry::stdlib::drivers::detail {

namespace {

using std::chrono::milliseconds;

/// `time` in `unit` (Jenkins' TimeUnit names) as milliseconds; nullopt for an unknown unit.
std::optional<milliseconds> duration_of(long long time, std::string_view unit) {
    using namespace std::chrono;
    if (unit == "NANOSECONDS") {
        return duration_cast<milliseconds>(nanoseconds(time));
    }
    if (unit == "MICROSECONDS") {
        return duration_cast<milliseconds>(microseconds(time));
    }
    if (unit == "MILLISECONDS") {
        return milliseconds(time);
    }
    if (unit == "SECONDS") {
        return seconds(time);
    }
    if (unit == "MINUTES") {
        return minutes(time);
    }
    if (unit == "HOURS") {
        return hours(time);
    }
    if (unit == "DAYS") {
        return hours(24 * time);
    }
    return std::nullopt;
}

/// `1 min 30 sec`, `250 ms`: how Jenkins prints a span of time.
std::string span_text(milliseconds span) {
    const long long ms = span.count();
    if (ms < 1000) {
        return fmt::format("{} ms", ms);
    }
    const long long total = ms / 1000;
    const long long hours = total / 3600;
    const long long minutes = total / 60 % 60;
    const long long seconds = total % 60;
    if (hours > 0) {
        return fmt::format("{} hr {} min", hours, minutes);
    }
    if (minutes > 0) {
        return fmt::format("{} min {} sec", minutes, seconds);
    }
    return fmt::format("{} sec", seconds);
}

runtime::StepOutcome echo_step(runtime::StepContext& context) {
    log_lines(context, string_param(context, "message").value_or(""));
    return succeeded();
}

runtime::StepOutcome error_step(runtime::StepContext& context) {
    return failure(string_param(context, "message").value_or(""));
}

runtime::StepOutcome unstable_step(runtime::StepContext& context) {
    const auto message = string_param(context, "message").value_or("");
    log_lines(context, "WARNING: " + message, runtime::OutputStream::err);
    return {runtime::BuildResult::unstable, message, nullptr};
}

runtime::StepOutcome sleep_step(runtime::StepContext& context) {
    const auto time = int_param(context, "time");
    if (!time) {
        return missing_param(context, "time");
    }
    const auto unit = string_param(context, "unit").value_or("SECONDS");
    const auto span = duration_of(*time, unit);
    if (!span) {
        return failure(fmt::format("sleep: unknown unit '{}' (expected NANOSECONDS, "
                                   "MICROSECONDS, MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS)",
                                   unit));
    }
    context.log(runtime::OutputStream::out, "Sleeping for " + span_text(*span));
    if (!context.cancel.sleep_for(std::max(*span, milliseconds(0)))) {
        return {runtime::BuildResult::aborted, context.cancel.message(), nullptr};
    }
    return succeeded();
}

} // namespace

void register_flow_steps(runtime::DriverTable& table) {
    table["echo"] = echo_step;
    table["error"] = error_step;
    table["unstable"] = unstable_step;
    table["sleep"] = sleep_step;
}

} // namespace ferry::stdlib::drivers::detail
