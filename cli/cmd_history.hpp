#pragma once
// `ferry history` and `ferry logs`: read the run records under `.ferry/runs/`.

#include "cli/commands.hpp"

namespace ferry::cli {

Runner setup_history(CLI::App& app);
Runner setup_logs(CLI::App& app);

} // namespace ferry::cli
