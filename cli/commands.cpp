#include "cli/commands.hpp"

#include "cli/cmd_plan.hpp"

namespace ferry::cli {

namespace {

/// The commands only the engine runs: they reach registries, clusters, git and processes.
const std::vector<Command> engine_commands = {
    {"plan", "Show what a run would do in an environment, step by step, changing nothing",
     setup_plan},
    {"graph", "Print the pipeline's stage and step graph as Graphviz DOT", setup_graph},
};

} // namespace

const std::vector<Command>& commands() {
    static const std::vector<Command> table = [] {
        std::vector<Command> all = authoring_commands();
        all.insert(all.end(), engine_commands.begin(), engine_commands.end());
        return all;
    }();
    return table;
}

} // namespace ferry::cli
