#pragma once
// Internal to plan*.cpp: the state of one plan() call.

#include "compiler/evaluate.hpp"
#include "compiler/plan.hpp"
#include "compiler/when.hpp"

#include <map>
#include <set>
#include <string>

namespace ferry::compiler::detail {

using Json = nlohmann::ordered_json;

/// Where the walk is: the stage, whether it runs, and the variables in scope. It views the IR and
/// the caller's when (both outlive the walk below it): copied for every block body, it copies no
/// text.
struct StepContext {
    const ir::Stage* stage = nullptr; ///< null for the pipeline's post
    std::string_view stage_id;
    std::string_view stage_name;
    const Scope* scope = nullptr;
    const PlanWhen* when = nullptr; ///< null: no when condition
    bool skipped = false;
    std::string_view parent; ///< enclosing block step
    std::string_view post;   ///< post condition
    std::string_view branch; ///< the legacy parallel step's branch
};

class Planner {
public:
    Planner(const ir::Pipeline& pipeline, const EnvironmentConfig& config, const Environment& env,
            const Observations& obs, const PlanOptions& options, PlanResult& result);

    void run();

    // plan_scope.cpp
    void bind_builtins(Scope& scope) const;
    void bind_parameters();
    /// Evaluates `entries` into `scope` and describes them as plan JSON.
    Json bind_environment(const std::vector<ir::EnvEntry>& entries, Scope& scope, bool report);

    // plan_values.cpp
    /// A step or option parameter as plan JSON; errors are reported when `report`.
    Json value_json(const ir::Value& value, const Scope& scope, bool report);
    void report(const EvalError& error, std::string_view stage_name);

    // plan_steps.cpp
    void plan_steps(const std::vector<ir::Step>& steps, const StepContext& context);
    void plan_step(const ir::Step& step, const StepContext& context);
    void describe_effects(const ir::Step& step, PlanStep& out, const StepContext& context);
    void prepare_namespace(const ir::Step& step, const std::string& ns, PlanStep& out);

    // plan_steps.cpp: the credential a `credentials('id')` or a binding names
    const Credential* credential(const std::string& id, grammar::Span span);

    const ir::Pipeline& pipeline;
    const EnvironmentConfig& config;
    const Environment& env;
    const Observations& obs;
    const PlanOptions& options;
    PlanResult& result;
    const Registry* registry = nullptr;
    const Cluster* cluster = nullptr;
    PlanTarget target;

    std::map<std::string, Binding, std::less<>> parameter_bindings;
    Scope root;
    std::set<std::string> prepared_namespaces;
    std::set<std::string> built_images; ///< names and references built by buildImage

private:
    Json plan_stage(const ir::Stage& stage, const Scope& parent, const PlanWhen* inherited);
    void plan_post(const std::vector<ir::PostBlock>& post, StepContext context, Json& out);
    Json options_json(const std::vector<ir::Option>& options, const Scope& scope, bool report);
    /// The ids of the steps planned since `first`, as a JSON array.
    [[nodiscard]] Json step_ids(std::size_t first) const;
};

/// Appends `key: value` to a JSON object without looking for `key`: for members written once.
template <class Value>
void add_member(Json& object, std::string_view key, Value&& value) {
    object.get_ref<Json::object_t&>().emplace_back(std::string(key),
                                                   Json(std::forward<Value>(value)));
}

/// Whether the first path component of an image reference names a registry host.
[[nodiscard]] bool names_registry(std::string_view name);

/// Position of a span as "line", "column".
std::pair<std::uint32_t, std::uint32_t> line_column(const grammar::SourceFile& file,
                                                    grammar::Span span);

} // namespace ferry::compiler::detail
