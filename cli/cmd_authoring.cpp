// `ferry check`, `ferry fmt` and `ferry explain`: the authoring commands.

#include "cli/cmd_authoring.hpp"

#include "cli/version.hpp"
#include "compiler/textdiff.hpp"
#include "grammar/render.hpp"
#include "runtime/authoring.hpp"
#include "runtime/files.hpp"

#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <unistd.h>

namespace ferry::cli {
namespace {

namespace fs = std::filesystem;

bool use_color(bool no_color) {
    return !no_color && std::getenv("NO_COLOR") == nullptr && isatty(fileno(stderr)) != 0;
}

std::string plural(std::size_t n, std::string_view word) {
    return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::vector<fs::path> to_paths(const std::vector<std::string>& args) {
    return {args.begin(), args.end()};
}

} // namespace

Runner setup_check(CLI::App& app) {
    struct Options {
        std::vector<std::string> paths;
        std::string format = "text";
        bool no_color = false;
        bool quiet = false;
        bool no_warnings = false;
    };
    auto opts = std::make_shared<Options>();
    app.add_option("paths", opts->paths,
                   "Pipeline files or directories (default: Ferryfile, else Jenkinsfile)");
    app.add_option("--format", opts->format, "Output: text (stderr), json or sarif (stdout)")
        ->check(CLI::IsMember({"text", "json", "sarif"}));
    app.add_flag("--no-color", opts->no_color, "Never colour the output (also: NO_COLOR)");
    app.add_flag("-q,--quiet", opts->quiet, "Print diagnostics only, no summary line");
    app.add_flag("--no-warnings", opts->no_warnings, "Report errors only");
    return [opts] {
        compiler::CheckOptions options;
        options.warn_unsupported = !opts->no_warnings;
        runtime::CheckReport report = runtime::check_paths(to_paths(opts->paths), options);
        for (const auto& error : report.load_errors) {
            fmt::print(stderr, "ferry check: {}\n", error);
        }
        std::vector<grammar::FileDiagnostics> files;
        for (auto& file : report.files) {
            std::vector<grammar::Diagnostic> shown;
            for (const auto& d : file.diagnostics.all()) {
                if (!opts->no_warnings || d.severity == grammar::Severity::error) {
                    shown.push_back(d);
                }
            }
            files.push_back({file.source, std::move(shown)});
        }
        if (opts->format == "json") {
            std::fputs(grammar::render_json(files).c_str(), stdout);
        } else if (opts->format == "sarif") {
            std::fputs(grammar::render_sarif(files, runtime::all_codes(), version).c_str(), stdout);
        } else {
            const grammar::TextStyle style{use_color(opts->no_color)};
            for (const auto& file : files) {
                for (const auto& d : file.diagnostics) {
                    std::fputs(grammar::render_text(*file.source, d, style).c_str(), stderr);
                }
            }
            if (!opts->quiet) {
                const std::size_t errors = report.error_count() - report.load_errors.size();
                fmt::print(stderr, "ferry check: {}, {} in {}\n", plural(errors, "error"),
                           plural(report.warning_count(), "warning"),
                           plural(report.files.size(), "file"));
            }
        }
        if (!report.load_errors.empty()) {
            return 2;
        }
        return report.error_count() > 0 ? 1 : 0;
    };
}

Runner setup_fmt(CLI::App& app) {
    struct Options {
        std::vector<std::string> paths;
        bool check = false;
        bool write = false;
    };
    auto opts = std::make_shared<Options>();
    app.add_option("paths", opts->paths,
                   "Pipeline files or directories (default: Ferryfile, else Jenkinsfile)");
    app.add_flag("--check", opts->check,
                 "Change nothing; print a diff and exit 1 if a file is not formatted");
    app.add_flag("--write,-w", opts->write, "Rewrite unformatted files in place");
    app.footer("Without --check or --write, the formatted text is printed to stdout.");
    return [opts] {
        if (opts->check && opts->write) {
            fmt::print(stderr, "ferry fmt: --check and --write exclude each other\n");
            return 2;
        }
        std::vector<fs::path> inputs = to_paths(opts->paths);
        if (inputs.empty()) {
            if (auto found = runtime::default_pipeline(fs::current_path())) {
                inputs.push_back(found->filename());
            } else {
                fmt::print(stderr, "ferry fmt: no pipeline file: found neither Ferryfile nor "
                                   "Jenkinsfile here; name one\n");
                return 2;
            }
        }
        const runtime::Expansion expansion = runtime::expand_paths(inputs);
        int status = 0;
        for (const auto& missing : expansion.missing) {
            fmt::print(stderr, "ferry fmt: {}: no such file or directory\n", missing.string());
            status = 2;
        }
        const grammar::TextStyle style{use_color(false)};
        for (const auto& path : expansion.files) {
            runtime::LoadResult loaded = runtime::load_source(path);
            if (auto* error = std::get_if<std::string>(&loaded)) {
                fmt::print(stderr, "ferry fmt: {}\n", *error);
                status = 2;
                continue;
            }
            auto result = runtime::format_source(
                std::get<std::shared_ptr<const grammar::SourceFile>>(loaded));
            if (!result.text) {
                for (const auto& d : result.diagnostics.all()) {
                    std::fputs(grammar::render_text(*result.source, d, style).c_str(), stderr);
                }
                status = std::max(status, 1);
                continue;
            }
            if (opts->check) {
                if (result.changed()) {
                    const std::string name = path.string();
                    std::fputs(compiler::unified_diff(result.source->text(), *result.text,
                                                      "a/" + name, "b/" + name)
                                   .c_str(),
                               stdout);
                    status = std::max(status, 1);
                }
            } else if (opts->write) {
                if (result.changed()) {
                    if (auto error = runtime::write_atomically(path, *result.text);
                        !error.empty()) {
                        fmt::print(stderr, "ferry fmt: {}\n", error);
                        status = 2;
                        continue;
                    }
                    fmt::print("{}\n", path.string());
                }
            } else {
                std::fputs(result.text->c_str(), stdout);
            }
        }
        return status;
    };
}

Runner setup_explain(CLI::App& app) {
    auto code = std::make_shared<std::string>();
    app.add_option("code", *code, "A diagnostic code such as E0201 (omit to list them all)");
    return [code] {
        const auto codes = runtime::all_codes();
        if (code->empty()) {
            for (const auto& info : codes) {
                fmt::print("{}  {:<8} {:<40} {}\n", info.code, grammar::to_string(info.severity),
                           info.name, info.summary);
            }
            return 0;
        }
        for (const auto& info : codes) {
            if (info.code == *code || info.name == *code) {
                fmt::print("{} ({}, {}): {}\nSee docs/diagnostics.md#{} for examples.\n", info.code,
                           info.name, grammar::to_string(info.severity), info.summary, info.code);
                return 0;
            }
        }
        fmt::print(stderr, "ferry explain: no diagnostic code \"{}\"\n", *code);
        return 2;
    };
}

} // namespace ferry::cli
