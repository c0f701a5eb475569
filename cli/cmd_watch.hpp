#pragma once
// `ferry watch`: poll a branch of a git remote and run the pipeline once per new commit.

#include "cli/commands.hpp"

namespace ferry::cli {

Runner setup_watch(CLI::App& app);

} // namespace ferry::cli
