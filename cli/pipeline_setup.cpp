// What `ferry plan` and `ferry run` share: load and check the pipeline, load ferry.yaml, lower
// to IR, probe what the plan needs (read-only), plan.
#include "cli/pipeline_setup.hpp"

#include "compiler/check.hpp"
#include "grammar/render.hpp"
#include "runtime/files.hpp"
#include "runtime/kubeconfig.hpp"
#include "runtime/probe.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <unistd.h>

namespace ferry::cli {
namespace {

namespace fs = std::filesystem;

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

void print(const grammar::SourceFile& file, const grammar::Diagnostics& diagnostics, bool color) {
    for (const auto& d : diagnostics.all()) {
        std::fputs(grammar::render_text(file, d, grammar::TextStyle{color}).c_str(), stderr);
    }
}

bool use_color(bool no_color) {
    return !no_color && std::getenv("NO_COLOR") == nullptr && isatty(fileno(stderr)) != 0;
}

std::optional<int> load_pipeline(const std::string& file, const char* command, bool color,
                                 LoadedPipeline& out) {
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

std::optional<int> compute_plan(const PlanInputs& o, const char* command, bool color,
                                int input_error, Planned& out) {
    if (o.no_cache) {
        // Process-wide: the probe reads it (the plan says MISS, "caching is off"), and every
        // step of a run inherits it through the base environment (the build driver builds).
        ::setenv("FERRY_NO_CACHE", "1", 1);
    }
    if (auto failed = load_pipeline(o.file, command, color, out.pipeline)) {
        return *failed == 1 ? input_error : *failed;
    }
    const auto& pipeline = out.pipeline;
    const fs::path pipeline_dir = fs::absolute(pipeline.source->path()).parent_path();
    fs::path config_path = o.config;
    if (config_path.empty()) {
        config_path =
            fs::path(pipeline.source->path()).parent_path() / runtime::default_config_name;
        if (!fs::exists(config_path)) {
            config_path = fs::path(runtime::default_config_name);
        }
    }
    out.config = runtime::load_config(config_path);
    const auto& loaded = out.config;
    if (!loaded.ok()) {
        if (loaded.source) {
            print(*loaded.source, loaded.diagnostics, color);
        } else {
            for (const auto& d : loaded.diagnostics.all()) {
                fmt::print(stderr, "ferry {}: {}\n", command, d.message);
            }
        }
        return input_error;
    }
    const auto& config = *loaded.config;
    compiler::PlanOptions options;
    options.environment = o.env;
    options.job_name = pipeline_dir.filename().string();
    for (const auto& p : o.params) {
        const auto eq = p.find('=');
        if (eq == std::string::npos || eq == 0) {
            fmt::print(stderr, "ferry {}: -p {}: expected NAME=VALUE\n", command, p);
            return 2;
        }
        options.parameters.emplace_back(p.substr(0, eq), p.substr(eq + 1));
    }
    if (const auto* env = config.find_environment(o.env)) {
        grammar::Diagnostics contexts;
        if (!o.offline) {
            runtime::check_cluster_contexts(config, {env->cluster.value}, contexts);
        }
        if (contexts.has_errors()) {
            print(*loaded.source, contexts, color);
            return input_error;
        }
        const auto requests = compiler::probe_requests(*pipeline.ir, config, options);
        runtime::ProbeOptions probe_options;
        probe_options.offline = o.offline;
        probe_options.config = &config;
        out.observations = runtime::probe(requests, *env, probe_options);
        observe_cluster(config, *env, out.observations);
    }
    out.result = compiler::plan(*pipeline.ir, config, out.observations, options);
    print(*pipeline.source, out.result.diagnostics, color);
    print(*loaded.source, out.result.config_diagnostics, color);
    if (!out.result.ok()) {
        fmt::print(stderr, "ferry {}: no plan: {} error(s)\n", command,
                   out.result.diagnostics.error_count() +
                       out.result.config_diagnostics.error_count());
        return input_error;
    }
    return std::nullopt;
}

} // namespace ferry::cli
