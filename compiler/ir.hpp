#pragma once
// The IR: a pipeline lowered from the declarative model into a tree of stages and typed steps.
//
// lower() normalises what was written (named parameters bound through the stdlib signatures,
// matrix cells expanded, post conditions in Jenkins' order, credentials recognised) but decides
// nothing that depends on an environment: values that need evaluating keep their expression,
// and plan() evaluates them against (environment, observations). The IR points into the
// Document's syntax tree, so the Document must outlive it; the Plan does not.

#include "grammar/diagnostic.hpp"
#include "grammar/model.hpp"
#include "grammar/source.hpp"
#include "stdlib/signature.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ferry::compiler::ir {

using grammar::Span;

/// A value as written. Literals are typed here; everything else (`"${X}"`, `env.A + 'b'`,
/// `params.FLAG`) keeps its expression for the planner's safe evaluator.
struct Value {
    enum class Kind { null, string, boolean, integer, number, list, map, call, expression };
    Kind kind = Kind::null;
    Span span;
    std::string text; ///< string: the text; number: as written; call: the callee's name
    bool boolean = false;
    long long integer = 0;
    double number = 0;
    std::vector<Value> items;                           ///< list
    std::vector<std::pair<std::string, Value>> entries; ///< map, call (named arguments)
    const grammar::syntax::Expr* expr = nullptr;        ///< expression
};

/// One named parameter of a step, option or condition. Unnamed single values are bound to the
/// signature's single parameter; further unnamed values get `_1`, `_2`, … in order.
struct Param {
    std::string name;
    Value value;
};

/// A signature default the call did not set: shown as a default, never filled in silently.
struct Default {
    std::string name;
    std::string groovy; ///< the default as Groovy source, e.g. `'.'` or `true`
};

struct Step;

/// A branch of the legacy `parallel(a: {…}, b: {…})` step.
struct StepBranch {
    std::string name;
    Span span;
    std::vector<Step> steps;
};

struct Step {
    std::string id;   ///< stable: `<stage id>/<index>[.<index>…]`, 1-based
    std::string kind; ///< the step's name (`sh`, `helmUpgrade`, `dir`, …)
    Span span;
    Span name_span;
    std::vector<Param> params;
    std::vector<Default> defaults;
    const stdlib::Signature* signature = nullptr; ///< null: a name nobody here defines
    std::vector<Step> body;                       ///< block steps (`dir`, `withEnv`, `retry`, …)
    std::vector<StepBranch> branches;             ///< the legacy `parallel` step
    bool fail_fast = false;                       ///< the legacy `parallel` step
    bool is_script = false;                       ///< `script {}`: a Groovy island
    Span script_span;

    [[nodiscard]] const Param* param(std::string_view name) const;
};

/// `KEY = value` or `KEY = credentials('id')` in an `environment {}` block, or a matrix axis value.
struct EnvEntry {
    std::string name;
    Span span;
    Value value;
    std::optional<std::string> credential; ///< `credentials('id')`: the id
    Span credential_span;
    bool axis = false; ///< a matrix cell's axis value
};

/// An option (`timeout(time: 5, unit: 'MINUTES')`), trigger or input parameter, normalised.
struct Option {
    std::string name;
    Span span;
    std::vector<Param> params;
};

/// One `when` condition, as a tree (`allOf`, `anyOf`, `not` hold children).
struct Condition {
    std::string kind;
    Span span;
    std::vector<Param> params;
    std::vector<Condition> children;
    std::optional<std::string> expression_text; ///< `expression { … }`: the verbatim body
    Span expression_span;
};

struct When {
    Span span;
    std::vector<Condition> conditions; ///< all must hold
    bool before_agent = false;
    bool before_input = false;
    bool before_options = false;
};

struct Input {
    Span span;
    std::string message;
    std::string id;
    std::string ok;
    std::string submitter;
    std::string submitter_parameter;
    std::vector<Option> parameters;
};

/// A post condition with its steps; a stage's list is in Jenkins' fixed run order.
struct PostBlock {
    std::string condition;
    Span span;
    std::vector<Step> steps;
};

/// The order Jenkins runs post conditions in, whatever order they were written in.
[[nodiscard]] const std::vector<std::string_view>& post_order();

enum class StageKind { steps, sequential, parallel, matrix };

[[nodiscard]] std::string_view to_string(StageKind kind);

struct Stage {
    std::string id; ///< stable: the stage names from the top, joined by `/`
    std::string name;
    Span span;
    Span name_span;
    std::string agent; ///< the agent's kind (`any`, `docker`, …); empty: inherited
    std::optional<When> when;
    std::vector<EnvEntry> environment; ///< this stage's own entries, in the order written
    std::vector<Option> options;
    std::optional<Input> input;
    std::vector<PostBlock> post;
    StageKind kind = StageKind::steps;
    std::vector<Step> steps;     ///< StageKind::steps
    std::vector<Stage> children; ///< sequential stages, parallel branches or matrix cells
    bool fail_fast = false;      ///< parallel / matrix
    /// A matrix cell: its axis values, in axis order (also in `environment`, marked `axis`).
    std::vector<std::pair<std::string, std::string>> axis_values;
};

/// A `parameters {}` entry.
struct Parameter {
    std::string name;
    std::string type; ///< the parameter type's name: string, booleanParam, choice, …
    Span span;
    std::optional<Value> default_value;
    std::vector<std::string> choices; ///< choice: the allowed values, the first is the default
    std::string description;
    bool secret = false; ///< password parameters
};

struct Pipeline {
    std::shared_ptr<const grammar::SourceFile> source;
    Span span;
    std::string agent;
    std::vector<EnvEntry> environment;
    std::vector<Option> options;
    std::vector<Parameter> parameters;
    std::vector<Option> triggers;
    std::vector<Stage> stages;
    std::vector<PostBlock> post;
};

/// Lowers a checked model to IR. Reports what cannot be lowered (a matrix axis value that is
/// not a literal) into `out`; returns nothing when the document has no pipeline.
[[nodiscard]] std::optional<Pipeline> lower(const grammar::model::Document& document,
                                            grammar::Diagnostics& out);

/// Calls `visit(stage)` for every stage, parents before children, in execution order.
void for_each_stage(const Pipeline& pipeline, const std::function<void(const Stage&)>& visit);

/// The stage and step graph as Graphviz DOT (`ferry graph`).
[[nodiscard]] std::string to_dot(const Pipeline& pipeline);

} // namespace ferry::compiler::ir
