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

/// The authoring commands (check, fmt, explain): the ones the light `ferry` executable runs
/// itself, without loading the network and process libraries the others need.
[[nodiscard]] const std::vector<Command>& authoring_commands();

/// Builds the CLI11 app for `table`, parses argv and runs the chosen command; `help COMMAND`,
/// `--help` and `--version` included. Returns the exit code.
[[nodiscard]] int run_cli(const std::vector<Command>& table, int argc, char** argv);

} // namespace ferry::cli
