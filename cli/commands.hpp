#pragma once
// The table of ferry's commands. Each entry adds its subcommand and options to the app and
// returns the function that runs it. Exit codes: 0 fine, 1 errors found, 2 usage or input.

#include <CLI/CLI.hpp>
#include <functional>
#include <string_view>
#include <vector>

namespace ferry::cli {

using Runner = std::function<int()>;

struct Command {
    std::string_view name;
    std::string_view summary;
    std::function<Runner(CLI::App&)> setup;
};

/// Every command, in the order `ferry --help` lists them.
[[nodiscard]] const std::vector<Command>& commands();

} // namespace ferry::cli
