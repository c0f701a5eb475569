#pragma once
// `ferry rollback` (undo what recorded runs changed) and `ferry recover` (finish the rollback
// of interrupted runs), both under the environment's lock.

#include "cli/commands.hpp"

namespace ferry::cli {

Runner setup_rollback(CLI::App& app);
Runner setup_recover(CLI::App& app);

} // namespace ferry::cli
