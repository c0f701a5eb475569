// `ferry plan` and `ferry graph`: load and check the pipeline, load ferry.yaml, lower to IR,
// probe what the plan needs (read-only), plan, print.
#include "cli/cmd_plan.hpp"

#include "cli/pipeline_setup.hpp"
#include "compiler/check.hpp"
#include "compiler/plan.hpp"
#include "grammar/frontend.hpp"
#include "grammar/render.hpp"
#include "runtime/config.hpp"
#include "runtime/files.hpp"
#include "runtime/kubeconfig.hpp"
#include "runtime/probe.hpp"

#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <unistd.h>

namespace ferry::cli {
namespace {

namespace fs = std::filesystem;

/// `ferry graph` loads the pipeline the way plan does.
using Loaded = LoadedPipeline;

} // namespace

Runner setup_plan(CLI::App& app) {
    struct Options {
        std::string file;
        std::string env;
        std::string config;
        std::vector<std::string> params;
        bool offline = false;
        bool no_cache = false;
        std::string format = "text";
        std::string out;
        bool detailed_exitcode = false;
        bool no_color = false;
    };
    auto o = std::make_shared<Options>();
    app.add_option("-f,--file", o->file,
                   "The pipeline file (default: Ferryfile, else Jenkinsfile)");
    app.add_option("--env", o->env, "The environment of ferry.yaml to plan against")->required();
    app.add_option("--config", o->config,
                   "ferry.yaml (default: beside the pipeline file, else in this directory)");
    app.add_option("-p,--param", o->params, "A parameter value, NAME=VALUE (repeatable)");
    app.add_flag("--offline", o->offline,
                 "Probe no registry or cluster: what they would tell is `unknown`");
    app.add_flag("--no-cache", o->no_cache,
                 "Plan as if no build were cached: every buildImage builds (FERRY_NO_CACHE=1)");
    app.add_option("--format", o->format, "Output: text or json")
        ->check(CLI::IsMember({"text", "json"}));
    app.add_option("--out", o->out, "Also save the plan as JSON, for `ferry run --plan`");
    app.add_flag("--detailed-exitcode", o->detailed_exitcode,
                 "Exit 0 when nothing would change, 2 when something would, 1 on error");
    app.add_flag("--no-color", o->no_color, "Never colour the output (also: NO_COLOR)");
    return [o]() -> int {
        const bool color = use_color(o->no_color);
        Planned planned;
        if (auto failed =
                compute_plan({o->file, o->env, o->config, o->params, o->offline, o->no_cache},
                             "plan", color, 1, planned)) {
            return *failed;
        }
        const auto& result = planned.result;
        // Written straight from the Plan: the same bytes as to_json().dump(2), ten times faster,
        // and invalid UTF-8 from the pipeline becomes U+FFFD instead of an exception.
        std::string json; // the whole text, when it is saved
        if (!o->out.empty()) {
            json = compiler::to_json_text(result.plan) + "\n";
            if (auto error = runtime::write_atomically(o->out, json); !error.empty()) {
                fmt::print(stderr, "ferry plan: {}\n", error);
                return 1;
            }
        }
        if (o->format == "json" && !json.empty()) {
            std::fwrite(json.data(), 1, json.size(), stdout);
        } else if (o->format == "json") { // streamed as it is written, never held whole
            compiler::write_json_text(result.plan, [](std::string_view piece) {
                std::fwrite(piece.data(), 1, piece.size(), stdout);
            });
            std::fputc('\n', stdout);
        } else {
            compiler::TextOptions text;
            text.color =
                !o->no_color && std::getenv("NO_COLOR") == nullptr && isatty(fileno(stdout)) != 0;
            std::fputs(compiler::render_text(result.plan, text).c_str(), stdout);
        }
        if (o->detailed_exitcode) {
            return result.plan.has_changes() ? 2 : 0;
        }
        return 0;
    };
}

Runner setup_graph(CLI::App& app) {
    struct Options {
        std::string file;
        std::string env;
    };
    auto o = std::make_shared<Options>();
    app.add_option("-f,--file", o->file,
                   "The pipeline file (default: Ferryfile, else Jenkinsfile)");
    app.add_option("--env", o->env,
                   "Accepted for symmetry with plan; the graph does not depend on it");
    return [o]() -> int {
        Loaded pipeline;
        if (auto failed = load_pipeline(o->file, "graph", use_color(false), pipeline)) {
            return *failed;
        }
        std::fputs(compiler::ir::to_dot(*pipeline.ir).c_str(), stdout);
        return 0;
    };
}

} // namespace ferry::cli
