// plan(): walks the IR's stage tree in execution order, deciding `when`, evaluating values and
// describing every step against the environment and the observations.
#include "compiler/plan_detail.hpp"
#include "compiler/resolve.hpp"

#include <fmt/format.h>

namespace ferry::compiler {

std::string_view to_string(Action action) {
    switch (action) {
    case Action::create:
        return "create";
    case Action::update:
        return "update";
    case Action::run:
        return "run";
    case Action::noop:
        return "no-op";
    case Action::skip:
        return "skip";
    }
    return "no-op";
}

char symbol(Action action) {
    switch (action) {
    case Action::create:
        return '+';
    case Action::update:
        return '~';
    case Action::run:
        return '>';
    case Action::noop:
        return ' ';
    case Action::skip:
        return '-';
    }
    return ' ';
}

std::optional<Action> action_from_string(std::string_view text) {
    for (Action a : {Action::create, Action::update, Action::run, Action::noop, Action::skip}) {
        if (to_string(a) == text) {
            return a;
        }
    }
    return std::nullopt;
}

bool Plan::has_changes() const {
    return std::any_of(steps.begin(), steps.end(), [](const PlanStep& s) {
        return s.action == Action::create || s.action == Action::update || s.action == Action::run;
    });
}

namespace detail {
namespace {

std::size_t count_steps(const std::vector<ir::Step>& steps) {
    std::size_t n = steps.size();
    for (const auto& step : steps) {
        n += count_steps(step.body);
        for (const auto& branch : step.branches) {
            n += count_steps(branch.steps);
        }
    }
    return n;
}

std::size_t count_post_steps(const std::vector<ir::PostBlock>& post) {
    std::size_t n = 0;
    for (const auto& block : post) {
        n += count_steps(block.steps);
    }
    return n;
}

std::size_t count_steps(const std::vector<ir::Stage>& stages) {
    std::size_t n = 0;
    for (const auto& stage : stages) {
        n += count_steps(stage.steps) + count_post_steps(stage.post) + count_steps(stage.children);
    }
    return n;
}

} // namespace

std::pair<std::uint32_t, std::uint32_t> line_column(const grammar::SourceFile& file,
                                                    grammar::Span span) {
    const auto p = file.position(span.begin);
    return {p.line, p.column};
}

Planner::Planner(const ir::Pipeline& pipeline_, const EnvironmentConfig& config_,
                 const Environment& env_, const Observations& obs_, const PlanOptions& options_,
                 PlanResult& result_)
    : pipeline(pipeline_), config(config_), env(env_), obs(obs_), options(options_),
      result(result_) {
    registry = env.registry ? config.find_registry(env.registry->value) : nullptr;
    cluster = config.find_cluster(env.cluster.value);
    target.context = cluster != nullptr ? cluster->context.value : std::string();
    target.namespace_ = env.namespace_name.value;
    if (registry != nullptr) {
        target.registry =
            registry->prefix.empty() ? registry->server : registry->server + "/" + registry->prefix;
    }
    const auto it =
        std::find_if(obs.clusters.begin(), obs.clusters.end(),
                     [&](const ClusterObservation& c) { return c.context == target.context; });
    target.server = it != obs.clusters.end() && it->known == Known::yes ? it->server : "unknown";
}

Json Planner::step_ids(std::size_t first) const {
    Json ids = Json::array();
    auto& list = ids.get_ref<Json::array_t&>();
    list.reserve(result.plan.steps.size() - first);
    for (std::size_t i = first; i < result.plan.steps.size(); ++i) {
        list.emplace_back(result.plan.steps[i].id);
    }
    return ids;
}

Json Planner::options_json(const std::vector<ir::Option>& list, const Scope& scope, bool report) {
    Json out = Json::object();
    for (const auto& option : list) {
        Json params = Json::object();
        params.get_ref<Json::object_t&>().reserve(option.params.size());
        for (const auto& p : option.params) {
            params[p.name] = value_json(p.value, scope, report);
        }
        out[option.name] = std::move(params);
    }
    return out;
}

void Planner::plan_post(const std::vector<ir::PostBlock>& post, StepContext context, Json& out) {
    for (const auto& block : post) {
        StepContext c = context;
        c.post = block.condition;
        PlanWhen when;
        if (!context.skipped) {
            const bool certain = block.condition == "always" || block.condition == "cleanup";
            when = certain ? PlanWhen{"true", fmt::format("post {} always runs", block.condition)}
                           : PlanWhen{"unknown",
                                      fmt::format("post {}: runs if the build's result calls "
                                                  "for it, decided at run time",
                                                  block.condition)};
            c.when = &when;
        }
        const std::size_t first = result.plan.steps.size();
        plan_steps(block.steps, c);
        Json item = Json::object();
        add_member(item, "condition", block.condition);
        add_member(item, "steps", step_ids(first));
        out.push_back(std::move(item));
    }
}

Json Planner::plan_stage(const ir::Stage& stage, const Scope& parent, const PlanWhen* inherited) {
    Scope scope;
    scope.parent = &parent;
    scope.env["STAGE_NAME"] = Binding{Binding::Kind::value, EvalValue::of(stage.name)};
    const auto [line, column] = line_column(*pipeline.source, stage.name_span);
    // Members are appended, not looked up: a stage node has at most these twelve, each once.
    Json node = Json::object();
    node.get_ref<Json::object_t&>().reserve(12);
    add_member(node, "id", stage.id);
    add_member(node, "name", stage.name);
    add_member(node, "kind", ir::to_string(stage.kind));
    add_member(node, "line", line);
    add_member(node, "column", column);
    if (!stage.agent.empty()) {
        add_member(node, "agent", stage.agent);
    }
    if (!stage.axis_values.empty()) {
        Json axis = Json::object();
        for (const auto& [k, v] : stage.axis_values) {
            axis[k] = v;
        }
        node["axis"] = std::move(axis);
    }
    PlanWhen when = inherited != nullptr ? *inherited : PlanWhen{"true", "no when condition"};
    const bool parent_skipped = inherited != nullptr && inherited->result == "false";
    add_member(node, "environment", bind_environment(stage.environment, scope, !parent_skipped));
    if (!parent_skipped && stage.when) {
        WhenResult decided = decide_when(*stage.when, scope, obs.git);
        if (decided.error) {
            report(*decided.error, stage.name);
        }
        when = {std::string(to_string(decided.verdict)), decided.reason};
        if (inherited != nullptr && inherited->result == "unknown" && when.result == "true") {
            when = *inherited;
        }
        node["when"] = {{"result", when.result},
                        {"reason", when.reason},
                        {"beforeAgent", stage.when->before_agent},
                        {"beforeInput", stage.when->before_input},
                        {"beforeOptions", stage.when->before_options}};
        if (when.result == "unknown") {
            // The run decides it (compiler/resolve.hpp): it needs the conditions themselves.
            Json conditions = Json::array();
            for (const auto& c : stage.when->conditions) {
                conditions.push_back(condition_json(
                    c, [&](const ir::Value& v) { return value_json(v, scope, false); }));
            }
            node["when"]["conditions"] = std::move(conditions);
        }
    } else if (parent_skipped) {
        node["when"] = {{"result", "false"}, {"reason", when.reason}};
    }
    const bool skipped = when.result == "false";
    add_member(node, "options", options_json(stage.options, scope, !skipped));
    if (stage.input) {
        Json params = Json::array();
        for (const auto& p : stage.input->parameters) {
            params.push_back(
                {{"type", p.name}, {"params", options_json({p}, scope, false)[p.name]}});
        }
        node["input"] = {{"message", stage.input->message},
                         {"id", stage.input->id},
                         {"ok", stage.input->ok},
                         {"submitter", stage.input->submitter},
                         {"submitterParameter", stage.input->submitter_parameter},
                         {"parameters", std::move(params)}};
    }
    if (stage.kind == ir::StageKind::parallel || stage.kind == ir::StageKind::matrix) {
        node["failFast"] =
            stage.fail_fast ||
            std::any_of(pipeline.options.begin(), pipeline.options.end(),
                        [](const auto& o) { return o.name == "parallelsAlwaysFailFast"; });
    }
    StepContext context{&stage, stage.id, stage.name, &scope, &when, skipped, {}, {}, {}};
    if (stage.kind == ir::StageKind::steps) {
        const std::size_t first = result.plan.steps.size();
        plan_steps(stage.steps, context);
        add_member(node, "steps", step_ids(first));
    } else {
        Json children = Json::array();
        children.get_ref<Json::array_t&>().reserve(stage.children.size());
        PlanWhen child_when = when;
        if (skipped && !parent_skipped) {
            child_when.reason = fmt::format("stage '{}' is skipped: {}", stage.name, when.reason);
        }
        const bool pass = skipped || when.result == "unknown";
        for (const auto& child : stage.children) {
            children.push_back(plan_stage(child, scope, pass ? &child_when : nullptr));
        }
        add_member(node, "stages", std::move(children));
    }
    Json post = Json::array();
    plan_post(stage.post, context, post);
    add_member(node, "post", std::move(post));
    return node;
}

void Planner::run() {
    Plan& p = result.plan;
    p.pipeline = pipeline.source->path();
    p.job = options.job_name;
    p.environment = env.name;
    p.description = env.description;
    p.target = target;
    p.build_number = obs.build_number;
    p.git.known = obs.git.known == Known::yes;
    p.git.reason = obs.git.reason;
    p.git.commit = obs.git.commit;
    p.git.branch = obs.git.branch;
    // Every step is planned once: moving ~7,000 steps through twelve regrowths costs more.
    p.steps.reserve(count_steps(pipeline.stages) + count_post_steps(pipeline.post));

    bind_builtins(root);
    bind_parameters();
    root.params = &parameter_bindings;
    for (const auto& [name, binding] : parameter_bindings) {
        if (binding.kind == Binding::Kind::value) {
            p.parameters[name] = binding.value.kind == EvalValue::Kind::boolean
                                     ? Json(binding.value.boolean)
                                     : Json(to_text(binding.value));
        } else {
            p.parameters[name] = "(secret)";
        }
        // Jenkins exposes build parameters as environment variables too.
        Binding as_env = binding;
        if (binding.kind == Binding::Kind::value) {
            as_env.value = EvalValue::of(to_text(binding.value));
        }
        root.env.emplace(name, as_env);
    }
    for (const auto& [name, value] : env.variables) {
        root.env[name] = Binding{Binding::Kind::value, EvalValue::of(value)};
    }
    Scope pipeline_scope;
    pipeline_scope.parent = &root;
    p.variables = bind_environment(pipeline.environment, pipeline_scope, true);
    Json pipeline_options = options_json(pipeline.options, pipeline_scope, true);
    Json stages = Json::array();
    for (const auto& stage : pipeline.stages) {
        stages.push_back(plan_stage(stage, pipeline_scope, nullptr));
    }
    StepContext post_context{nullptr, {}, {}, &pipeline_scope, nullptr, false, {}, {}, {}};
    Json post = Json::array();
    plan_post(pipeline.post, post_context, post);
    // The stage tree's root is the pipeline's own frame (see docs/plan.md).
    Json frame = Json::object();
    frame["id"] = "";
    frame["name"] = "pipeline";
    frame["kind"] = "sequential";
    frame["agent"] = pipeline.agent;
    frame["options"] = std::move(pipeline_options);
    frame["stages"] = std::move(stages);
    frame["post"] = std::move(post);
    p.stages = std::move(frame);
    p.observations = observations_json(obs);
    p.observations_fingerprint = observations_fingerprint(obs);
}

} // namespace detail

PlanResult plan(const ir::Pipeline& pipeline, const EnvironmentConfig& config,
                const Observations& observations, const PlanOptions& options) {
    PlanResult result;
    const Environment* env = config.find_environment(options.environment);
    if (env == nullptr) {
        std::string names;
        for (const auto n : config.environment_names()) {
            names += fmt::format("{}{}", names.empty() ? "" : ", ", n);
        }
        auto& d = result.config_diagnostics.error(
            "E0701", {},
            fmt::format("no environment '{}' in {}; it declares: {}", options.environment,
                        config.path.filename().string(), names.empty() ? "(none)" : names));
        if (auto close = grammar::closest_match(options.environment, config.environment_names())) {
            d.notes.push_back({fmt::format("did you mean '{}'?", *close), std::nullopt});
        }
        return result;
    }
    detail::Planner planner(pipeline, config, *env, observations, options, result);
    planner.run();
    return result;
}

} // namespace ferry::compiler
