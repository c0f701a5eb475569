// `sh` and `pwsh`, as Jenkins' durable-task plugin runs them: the script is written to a file
// in a temporary directory beside the workspace (`<workspace>@tmp/durable-…`) and run with
// `/bin/sh -xe` (or by its own `#!` line), in the step's directory and environment.

#include "stdlib/drivers/basic_support.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <stdlib.h>
#include <sys/stat.h>

namespace ferry::stdlib::drivers::detail {

namespace {

/// A `durable-XXXXXX` directory removed when the step ends.
class ScriptDir {
public:
    explicit ScriptDir(const runtime::StepContext& context) {
        const auto& base_dir =
            context.services.workspace.empty() ? context.cwd : context.services.workspace;
        std::filesystem::path tmp = base_dir.string() + "@tmp";
        std::error_code error;
        std::filesystem::create_directories(tmp, error);
        std::string pattern = (tmp / "durable-XXXXXX").string();
        if (::mkdtemp(pattern.data()) != nullptr) {
            path_ = pattern;
        } else {
            error_ = fmt::format("cannot create a directory under {} for the script: {}",
                                 tmp.string(), std::strerror(errno));
        }
    }
    ScriptDir(const ScriptDir&) = delete;
    ScriptDir& operator=(const ScriptDir&) = delete;
    ~ScriptDir() {
        std::error_code error;
        if (!path_.empty()) {
            std::filesystem::remove_all(path_, error);
        }
    }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] const std::string& error() const { return error_; }

private:
    std::filesystem::path path_;
    std::string error_;
};

struct Interpreter {
    std::string name;      ///< for messages: `sh`, `pwsh`
    std::string file_name; ///< the script file: `script.sh`
    /// The command that runs the script file.
    std::function<std::vector<std::string>(const std::string& script_path, bool shebang)> command;
};

std::string read_whole(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

runtime::StepOutcome outcome_of(const runtime::ProcessResult& result, bool return_status,
                                nlohmann::json stdout_value) {
    switch (result.end) {
    case runtime::ProcessEnd::failed_to_start:
        return failure(result.error);
    case runtime::ProcessEnd::cancelled:
        return {runtime::BuildResult::aborted, result.error, nullptr};
    case runtime::ProcessEnd::exited:
    case runtime::ProcessEnd::signalled:
        break;
    }
    // A shell reports a death by signal N as 128 + N, and so does Jenkins.
    const int status =
        result.end == runtime::ProcessEnd::exited ? result.exit_code : 128 + result.signal;
    if (return_status) {
        return succeeded(status);
    }
    if (status != 0) {
        return failure(fmt::format("script returned exit code {}", status));
    }
    return succeeded(std::move(stdout_value));
}

runtime::StepOutcome run_script(runtime::StepContext& context, const Interpreter& interpreter) {
    const auto script = string_param(context, "script");
    if (!script) {
        return missing_param(context, "script");
    }
    const bool return_stdout = bool_param(context, "returnStdout", false);
    const bool return_status = bool_param(context, "returnStatus", false);
    if (return_stdout && return_status) {
        return failure("You may not select both returnStdout and returnStatus.");
    }
    const ScriptDir dir(context);
    if (dir.path().empty()) {
        return failure(dir.error());
    }
    const auto script_path = dir.path() / interpreter.file_name;
    {
        std::ofstream out(script_path, std::ios::binary);
        out << *script;
        if (!out) {
            return failure("cannot write the script to " + script_path.string());
        }
    }
    const bool shebang = script->rfind("#!", 0) == 0;
    if (shebang) {
        ::chmod(script_path.c_str(), 0700);
    }
    auto command = interpreter.command(script_path.string(), shebang);
    const auto output_path = dir.path() / "output.txt";
    if (return_stdout) {
        // Standard output goes to a file, byte for byte (its trailing newline included, as
        // Jenkins returns it); standard error still reaches the log.
        command.insert(command.begin(), {"/bin/sh", "-c", "out=$1; shift; exec \"$@\" > \"$out\"",
                                         "sh", output_path.string()});
    }
    runtime::ProcessSpec spec;
    spec.program = command.front();
    spec.args.assign(command.begin() + 1, command.end());
    spec.cwd = context.cwd;
    spec.env = context.env;
    std::string last_trace; // `sh -x` echoes each command as `+ cmd` on stderr
    const auto result = run_process(
        spec,
        [&](runtime::OutputStream stream, std::string_view line) {
            if (stream == runtime::OutputStream::err && line.rfind("+ ", 0) == 0) {
                last_trace = line.substr(2);
            }
            context.log(stream, line);
        },
        context.cancel);
    nlohmann::json value = nullptr;
    if (return_stdout) {
        value = read_whole(output_path);
    }
    auto outcome = outcome_of(result, return_status, std::move(value));
    if (outcome.result == runtime::BuildResult::failure && !last_trace.empty()) {
        // Name the command that failed, not only its status (the executor masks messages).
        outcome.message += fmt::format(" (the failing command: {})", last_trace);
    }
    return outcome;
}

} // namespace

void register_shell_steps(runtime::DriverTable& table) {
    table["sh"] = [](runtime::StepContext& context) {
        static const Interpreter sh{"sh", "script.sh", [](const std::string& path, bool shebang) {
                                        return shebang ? std::vector<std::string>{path}
                                                       : std::vector<std::string>{"/bin/sh", "-xe",
                                                                                  path};
                                    }};
        return run_script(context, sh);
    };
    table["pwsh"] = [](runtime::StepContext& context) {
        // The PowerShell plugin stops at the first error, like `sh -e`.
        static const Interpreter pwsh{
            "pwsh", "script.ps1", [](const std::string& path, bool /*shebang*/) {
                std::string quoted;
                for (char c : path) {
                    quoted += c == '\'' ? std::string("''") : std::string(1, c);
                }
                return std::vector<std::string>{"pwsh", "-NoProfile", "-NonInteractive", "-Command",
                                                "$ErrorActionPreference='Stop'; & '" + quoted +
                                                    "'; exit $LASTEXITCODE"};
            }};
        return run_script(context, pwsh);
    };
}

} // namespace ferry::stdlib::drivers::detail
