#pragma once
// How often `ferry watch` polls when no --interval is given: from the pipeline's
// `triggers { pollSCM('…') }` spec, in Jenkins' cron dialect. Pure: no clock, no I/O.

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

namespace ferry::runtime {

/// The poll interval when neither --interval nor a pollSCM trigger gives one.
inline constexpr std::chrono::seconds default_poll_interval{60};

/// A poll interval derived from a spec, or an error naming the line and field.
using PollInterval = std::variant<std::chrono::seconds, std::string>;

/// The smallest gap between two consecutive times `spec` fires (Jenkins cron: five fields
/// `MINUTE HOUR DOM MONTH DOW` per line, `*`, `a-b`, `/step`, lists, `H` and `H(a-b)` hashed
/// from `job` as Jenkins does, `@hourly`/`@daily`/`@midnight`/`@weekly`/`@monthly`/`@yearly`/
/// `@annually`, `#` comments, several lines fire on their union). At least one second.
[[nodiscard]] PollInterval poll_interval_from_cron(std::string_view spec, std::string_view job);

} // namespace ferry::runtime
