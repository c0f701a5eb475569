#include "cli/commands.hpp"

#include "cli/cmd_authoring.hpp"
#include "cli/cmd_plan.hpp"

namespace ferry::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"check", "Check pipeline files and report every problem with its file, line and column",
         setup_check},
        {"fmt", "Format pipeline files in ferry's canonical layout", setup_fmt},
        {"explain", "Explain a diagnostic code", setup_explain},
        {"plan", "Show what a run would do in an environment, step by step, changing nothing",
         setup_plan},
        {"graph", "Print the pipeline's stage and step graph as Graphviz DOT", setup_graph},
    };
    return table;
}

} // namespace ferry::cli
