// kubectl and helm calls with an explicit kubeconfig and context, through run_process.
#include "runtime/deploy_shell.hpp"

#include "runtime/process.hpp"

#include <fmt/format.h>

namespace ferry::runtime {
namespace {

std::string first_error_line(std::string_view text) {
    // kubectl and helm put the useful line first ("Error: …"); keep one, bounded.
    const auto start = text.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) {
        return {};
    }
    text = text.substr(start);
    return std::string(text.substr(0, std::min<std::size_t>(text.find('\n'), 400)));
}

} // namespace

ToolRun ProcessDeployShell::run(const std::filesystem::path& program,
                                const std::vector<std::string>& args,
                                const std::optional<std::string>& input) {
    ProcessSpec spec;
    spec.program = program;
    spec.args = args;
    spec.cwd = cwd_;
    spec.env = env_;
    spec.stdin_data = input;
    ToolRun run;
    const auto sink = [&run](OutputStream stream, std::string_view line) {
        auto& into = stream == OutputStream::out ? run.out : run.err;
        into.append(line);
        into.push_back('\n');
    };
    const ProcessResult result = run_process(spec, sink, cancel_);
    switch (result.end) {
    case ProcessEnd::exited:
        run.started = true;
        run.exit_code = result.exit_code;
        break;
    case ProcessEnd::signalled:
        run.started = true;
        run.exit_code = 128 + result.signal;
        break;
    case ProcessEnd::cancelled:
        run.started = true;
        run.cancelled = true;
        break;
    case ProcessEnd::failed_to_start:
        run.error = result.error;
        break;
    }
    return run;
}

ToolRun CapturedDeployShell::run(const std::filesystem::path& program,
                                 const std::vector<std::string>& args,
                                 const std::optional<std::string>& input) {
    ToolRun run;
    if (input) {
        run.error = "a probe gives no tool any input";
        return run;
    }
    auto p = run_captured(program, args, timeout_);
    run.started = p.started;
    run.exit_code = p.exit_code;
    run.out = std::move(p.out);
    run.err = std::move(p.err);
    run.error = std::move(p.error);
    if (p.timed_out) {
        run.cancelled = true;
        run.error = fmt::format("no answer within {} s", timeout_.count() / 1000);
    }
    return run;
}

ToolRun KubeTools::kubectl(std::vector<std::string> args,
                           const std::optional<std::string>& input) const {
    std::vector<std::string> full{"--kubeconfig", target_.kubeconfig.string(), "--context",
                                  target_.context};
    full.insert(full.end(), std::make_move_iterator(args.begin()),
                std::make_move_iterator(args.end()));
    return shell_.run(kubectl_, full, input);
}

ToolRun KubeTools::helm(std::vector<std::string> args) const {
    std::vector<std::string> full{"--kubeconfig", target_.kubeconfig.string(), "--kube-context",
                                  target_.context};
    full.insert(full.end(), std::make_move_iterator(args.begin()),
                std::make_move_iterator(args.end()));
    return shell_.run(helm_, full, std::nullopt);
}

std::string KubeTools::where() const {
    return fmt::format("context {} of {}", target_.context, target_.kubeconfig.string());
}

std::string tool_failure(std::string_view what, const ToolRun& run) {
    if (!run.started) {
        return fmt::format("{} could not be started: {}", what, run.error);
    }
    if (run.cancelled) {
        return run.error.empty() ? fmt::format("{} was cancelled", what)
                                 : fmt::format("{}: {}", what, run.error);
    }
    const auto line = first_error_line(run.err.empty() ? run.out : run.err);
    return fmt::format("{} failed (exit code {}){}{}", what, run.exit_code,
                       line.empty() ? "" : ": ", line);
}

bool is_not_found(const ToolRun& run) {
    return run.started && !run.cancelled && run.exit_code != 0 &&
           (run.err.find("NotFound") != std::string::npos ||
            run.err.find("not found") != std::string::npos);
}

} // namespace ferry::runtime
