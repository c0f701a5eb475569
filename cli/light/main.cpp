// ferry: the command people type. `ferry check`, `ferry fmt` and `ferry explain` run here, in
// an executable that links only the front end and config loading, so checking a file on every
// save starts in a few milliseconds. Every other command (and `--help`, which lists them all)
// is handed to `ferry-engine` beside this executable with execv(): same PID, same arguments,
// same exit code, signals delivered as if ferry were one program.

#include "cli/commands.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;

bool is_authoring(std::string_view name) {
    for (const auto& command : ferry::cli::authoring_commands()) {
        if (command.name == name) {
            return true;
        }
    }
    return false;
}

/// Whether this invocation is one the light executable serves: an authoring command, `help`
/// of one, or `--version`.
bool served_here(int argc, char** argv) {
    if (argc < 2) {
        return false;
    }
    const std::string_view first = argv[1];
    if (first == "--version") {
        return argc == 2;
    }
    if (first == "help") {
        return argc == 3 && is_authoring(argv[2]);
    }
    return is_authoring(first);
}

/// `$FERRY_ENGINE`, else `ferry-engine` in this executable's directory.
fs::path engine_path() {
    if (const char* forced = std::getenv("FERRY_ENGINE"); forced != nullptr && *forced != '\0') {
        return forced;
    }
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return (ec ? fs::path(".") : self.parent_path()) / "ferry-engine";
}

} // namespace

int main(int argc, char** argv) {
    if (served_here(argc, argv)) {
        return ferry::cli::run_cli(ferry::cli::authoring_commands(), argc, argv);
    }
    const fs::path engine = engine_path();
    std::vector<char*> args(argv, argv + argc);
    args.push_back(nullptr);
    execv(engine.c_str(), args.data());
    std::fprintf(stderr,
                 "ferry: cannot start %s: %s\n"
                 "  it runs every command but check, fmt and explain, and is built and installed "
                 "beside `ferry` (cmake --build … builds both; FERRY_ENGINE overrides the path)\n",
                 engine.c_str(), std::strerror(errno));
    return 2;
}
