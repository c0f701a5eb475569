#pragma once
// `ferry plan` and `ferry graph`: compile a pipeline to IR and plan it against an environment.

#include "cli/commands.hpp"

namespace ferry::cli {

Runner setup_plan(CLI::App& app);
Runner setup_graph(CLI::App& app);

} // namespace ferry::cli
