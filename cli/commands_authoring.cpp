#include "cli/cmd_authoring.hpp"
#include "cli/commands.hpp"

namespace ferry::cli {

const std::vector<Command>& authoring_commands() {
    static const std::vector<Command> table = {
        {"check", "Check pipeline files and report every problem with its file, line and column",
         setup_check},
        {"fmt", "Format pipeline files in ferry's canonical layout", setup_fmt},
        {"explain", "Explain a diagnostic code", setup_explain},
    };
    return table;
}

} // namespace ferry::cli
