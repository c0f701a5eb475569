#pragma once
// A line-based unified diff, for `ferry fmt --check`. Written here because none of the
// project's libraries offers one; it only needs to be right and readable, not minimal on
// huge inputs (beyond a size bound the changed middle is shown as one replacement).

#include <string>
#include <string_view>

namespace ferry::compiler {

/// `diff -u` style output between `before` and `after`; empty when they are equal.
[[nodiscard]] std::string unified_diff(std::string_view before, std::string_view after,
                                       std::string_view before_name, std::string_view after_name,
                                       int context = 3);

} // namespace ferry::compiler
