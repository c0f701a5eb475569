// ferry-engine: every ferry command. The light `ferry` executable (cli/light/) runs the
// authoring commands itself and hands everything else to this one.

#include "cli/commands.hpp"

int main(int argc, char** argv) {
    return ferry::cli::run_cli(ferry::cli::commands(), argc, argv);
}
