#pragma once
// The standard library's drivers: one per leaf step kind the executor can run.

#include "runtime/driver.hpp"

namespace ferry::stdlib::drivers {

/// Every built-in driver, by step kind.
[[nodiscard]] runtime::DriverTable builtin_drivers();

} // namespace ferry::stdlib::drivers
