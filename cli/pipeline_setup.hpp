#pragma once
// What `ferry plan` and `ferry run` share: load and check the pipeline, load ferry.yaml, probe
// (read-only) and plan. Diagnostics are printed here; callers choose their exit codes.

#include "compiler/ir.hpp"
#include "compiler/plan.hpp"
#include "grammar/frontend.hpp"
#include "runtime/config.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ferry::cli {

/// A loaded pipeline: the IR points into `frontend`'s document, so keep them together.
struct LoadedPipeline {
    std::shared_ptr<const grammar::SourceFile> source;
    grammar::Frontend frontend;
    std::optional<compiler::ir::Pipeline> ir;
};

/// The options plan and run share.
struct PlanInputs {
    std::string file;
    std::string env;
    std::string config;
    std::vector<std::string> params;
    bool offline = false;
    /// --no-cache: every build builds (FERRY_NO_CACHE=1 for the probe and the steps).
    bool no_cache = false;
};

/// Everything a plan was computed from. Filled in place (the IR points into it).
struct Planned {
    LoadedPipeline pipeline;
    runtime::LoadedConfig config;
    compiler::Observations observations;
    compiler::PlanResult result;
};

/// Prints diagnostics of one file with the shared renderer.
void print(const grammar::SourceFile& file, const grammar::Diagnostics& diagnostics, bool color);

/// Whether stderr gets colour (not with --no-color, NO_COLOR or a non-terminal).
[[nodiscard]] bool use_color(bool no_color);

/// Loads, checks and lowers the pipeline; prints what stops it. Exit code on failure.
[[nodiscard]] std::optional<int> load_pipeline(const std::string& file, const char* command,
                                               bool color, LoadedPipeline& out);

/// Loads the pipeline and ferry.yaml, probes and plans. Prints every diagnostic; returns an
/// exit code (`input_error` for pipeline, config and plan errors, 2 for usage) when there is no
/// plan to use.
[[nodiscard]] std::optional<int> compute_plan(const PlanInputs& inputs, const char* command,
                                              bool color, int input_error, Planned& out);

} // namespace ferry::cli
