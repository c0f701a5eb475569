// `ferry plan` and `ferry graph`: load and check the pipeline, load ferry.yaml, lower to IR,
// probe what the plan needs (read-only), plan, print.
#include "cli/cmd_plan.hpp"

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

struct Loaded {
    std::shared_ptr<const grammar::SourceFile> source;
    grammar::Frontend frontend;
    std::optional<compiler::ir::Pipeline> ir;
};

void print(const grammar::SourceFile& file, const grammar::Diagnostics& diagnostics, bool color) {
    for (const auto& d : diagnostics.all()) {
        std::fputs(grammar::render_text(file, d, grammar::TextStyle{color}).c_str(), stderr);
    }
}

/// Loads, checks and lowers the pipeline; prints what stops it. Exit code on failure.
std::optional<int> load_pipeline(const std::string& file, const char* command, bool color,
                                 Loaded& out) {
    fs::path path = file;
    if (path.empty()) {
        auto found = runtime::default_pipeline(fs::current_path());
        if (!found) {
            fmt::print(stderr,
                       "ferry {}: no pipeline file: found neither Ferryfile nor "
                       "Jenkinsfile here; name one with -f\n",
                       command);
            return 2;
        }
        path = found->filename();
    }
    auto loaded = runtime::load_source(path);
    if (auto* error = std::get_if<std::string>(&loaded)) {
        fmt::print(stderr, "ferry {}: {}\n", command, *error);
        return 2;
    }
    out.source = std::get<std::shared_ptr<const grammar::SourceFile>>(loaded);
    out.frontend = grammar::load(out.source);
    if (out.frontend.parsed) {
        compiler::check(out.frontend.document, out.frontend.diagnostics, {false});
    }
    if (out.frontend.diagnostics.has_errors() || !out.frontend.document.pipeline) {
        grammar::Diagnostics errors;
        for (const auto& d : out.frontend.diagnostics.all()) {
            if (d.severity == grammar::Severity::error) {
                errors.add(d);
            }
        }
        print(*out.source, errors, color);
        if (!out.frontend.document.pipeline && errors.empty()) {
            fmt::print(stderr, "ferry {}: {} holds no pipeline {{}}\n", command,
                       out.source->path());
        }
        return 1;
    }
    grammar::Diagnostics lowering;
    out.ir = compiler::ir::lower(out.frontend.document, lowering);
    if (lowering.has_errors()) {
        print(*out.source, lowering, color);
        return 1;
    }
    return std::nullopt;
}

bool use_color(bool no_color) {
    return !no_color && std::getenv("NO_COLOR") == nullptr && isatty(fileno(stderr)) != 0;
}

/// The API server of the environment's context, read from its kubeconfig (a local file).
void observe_cluster(const compiler::EnvironmentConfig& config, const compiler::Environment& env,
                     compiler::Observations& obs) {
    const auto* cluster = config.find_cluster(env.cluster.value);
    if (cluster == nullptr) {
        return;
    }
    for (const auto& c : obs.clusters) {
        if (c.context == cluster->context.value) {
            return; // the probe saw it already
        }
    }
    compiler::ClusterObservation seen;
    seen.context = cluster->context.value;
    auto kubeconfig = runtime::load_kubeconfig(cluster->kubeconfig);
    if (!kubeconfig.config) {
        seen.reason = kubeconfig.error;
    } else if (auto selected = runtime::select_context(*kubeconfig.config, seen.context);
               selected.target) {
        seen.known = compiler::Known::yes;
        seen.server = selected.target->cluster.server;
    } else {
        seen.reason = selected.error;
    }
    obs.clusters.push_back(std::move(seen));
}

} // namespace

Runner setup_plan(CLI::App& app) {
    struct Options {
        std::string file;
        std::string env;
        std::string config;
        std::vector<std::string> params;
        bool offline = false;
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
    app.add_option("--format", o->format, "Output: text or json")
        ->check(CLI::IsMember({"text", "json"}));
    app.add_option("--out", o->out, "Also save the plan as JSON, for `ferry run --plan`");
    app.add_flag("--detailed-exitcode", o->detailed_exitcode,
                 "Exit 0 when nothing would change, 2 when something would, 1 on error");
    app.add_flag("--no-color", o->no_color, "Never colour the output (also: NO_COLOR)");
    return [o]() -> int {
        const bool color = use_color(o->no_color);
        Loaded pipeline;
        if (auto failed = load_pipeline(o->file, "plan", color, pipeline)) {
            return *failed;
        }
        const fs::path pipeline_dir = fs::absolute(pipeline.source->path()).parent_path();
        fs::path config_path = o->config;
        if (config_path.empty()) {
            config_path =
                fs::path(pipeline.source->path()).parent_path() / runtime::default_config_name;
            if (!fs::exists(config_path)) {
                config_path = fs::path(runtime::default_config_name);
            }
        }
        auto loaded = runtime::load_config(config_path);
        if (!loaded.ok()) {
            if (loaded.source) {
                print(*loaded.source, loaded.diagnostics, color);
            } else {
                for (const auto& d : loaded.diagnostics.all()) {
                    fmt::print(stderr, "ferry plan: {}\n", d.message);
                }
            }
            return 1;
        }
        const auto& config = *loaded.config;
        compiler::PlanOptions options;
        options.environment = o->env;
        options.job_name = pipeline_dir.filename().string();
        for (const auto& p : o->params) {
            const auto eq = p.find('=');
            if (eq == std::string::npos || eq == 0) {
                fmt::print(stderr, "ferry plan: -p {}: expected NAME=VALUE\n", p);
                return 2;
            }
            options.parameters.emplace_back(p.substr(0, eq), p.substr(eq + 1));
        }
        compiler::Observations observations;
        if (const auto* env = config.find_environment(o->env)) {
            grammar::Diagnostics contexts;
            if (!o->offline) {
                runtime::check_cluster_contexts(config, {env->cluster.value}, contexts);
            }
            if (contexts.has_errors()) {
                print(*loaded.source, contexts, color);
                return 1;
            }
            const auto requests = compiler::probe_requests(*pipeline.ir, config, options);
            runtime::ProbeOptions probe_options;
            probe_options.offline = o->offline;
            probe_options.config = &config;
            observations = runtime::probe(requests, *env, probe_options);
            observe_cluster(config, *env, observations);
        }
        auto result = compiler::plan(*pipeline.ir, config, observations, options);
        print(*pipeline.source, result.diagnostics, color);
        print(*loaded.source, result.config_diagnostics, color);
        if (!result.ok()) {
            fmt::print(stderr, "ferry plan: no plan: {} error(s)\n",
                       result.diagnostics.error_count() + result.config_diagnostics.error_count());
            return 1;
        }
        const auto json = compiler::to_json(result.plan);
        if (!o->out.empty()) {
            if (auto error = runtime::write_atomically(o->out, json.dump(2) + "\n");
                !error.empty()) {
                fmt::print(stderr, "ferry plan: {}\n", error);
                return 1;
            }
        }
        if (o->format == "json") {
            std::fputs((json.dump(2) + "\n").c_str(), stdout);
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
