#include "cli/commands.hpp"

#include "cli/cmd_history.hpp"
#include "cli/cmd_plan.hpp"
#include "cli/cmd_recover.hpp"
#include "cli/cmd_run.hpp"
#include "cli/cmd_watch.hpp"

namespace ferry::cli {

namespace {

/// The commands only the engine runs: they reach registries, clusters, git and processes.
const std::vector<Command> engine_commands = {
    {"plan", "Show what a run would do in an environment, step by step, changing nothing",
     setup_plan},
    {"graph", "Print the pipeline's stage and step graph as Graphviz DOT", setup_graph},
    {"run", "Run the pipeline in an environment, with Jenkins' semantics", setup_run},
    {"watch", "Poll a branch of a git remote and run the pipeline once per new commit",
     setup_watch},
    {"history", "List the recorded runs: number, result, start, duration, environment, commit",
     setup_history},
    {"logs", "Print the step logs of recorded run N (or of one step)", setup_logs},
    {"rollback", "Undo what the last run (or runs back to --to RUN) of an environment changed",
     setup_rollback},
    {"recover", "Finish the rollback of interrupted runs from their journals", setup_recover},
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
