#pragma once
// `ferry run`: execute a pipeline (or a saved plan) in an environment.

#include "cli/commands.hpp"

namespace ferry::cli {

Runner setup_run(CLI::App& app);

} // namespace ferry::cli
