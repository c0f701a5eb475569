#pragma once
#include "cli/commands.hpp"

namespace ferry::cli {
Runner setup_check(CLI::App& app);
Runner setup_fmt(CLI::App& app);
Runner setup_explain(CLI::App& app);
} // namespace ferry::cli
