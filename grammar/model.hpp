#pragma once
// The declarative AST: `pipeline {}` and its sections, as the Jenkins plugin's model sees them.
//
// Built from the syntax tree by build_model() (grammar/model_builder.cpp), which reports the
// plugin's "parse" stage errors (unknown sections, non-block sections, bad agent shapes, ...).
// Rules that need the whole model or the stdlib catalogue live in compiler/ (the "validate"
// stage). Every node carries its span; values point back into the syntax tree, which the
// Document owns, so the model stays valid as long as its Document lives.

#include "grammar/diagnostic.hpp"
#include "grammar/source.hpp"
#include "grammar/syntax.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ferry::grammar::model {

/// An argument of a declarative call. Unnamed when `name` is empty.
struct Argument {
    std::optional<std::string> name;
    Span name_span;
    const syntax::Expr* value = nullptr; ///< never null
};

/// A method call in a declarative position: a step, an option, a trigger, a parameter type,
/// a tool, a `when` condition. `args` are in source order.
struct Invocation {
    std::string name;
    Span span;      ///< the whole call, closure included
    Span name_span; ///< the method name
    std::vector<Argument> args;
    const syntax::Expr* call = nullptr; ///< the syntax node of the call
    bool has_block = false;             ///< a trailing closure was given
    bool map_argument = false;          ///< the only argument is a map literal (`foo([a: 1])`)

    [[nodiscard]] bool all_named() const;
    [[nodiscard]] bool any_named() const;
    [[nodiscard]] const Argument* named(std::string_view key) const;
};

struct Steps;

/// One step. Block steps (`dir('x') { ... }`, `timeout(5) { ... }`) hold their body in `body`.
/// `script { ... }` has `is_script` and its verbatim Groovy in `script_text`.
/// The legacy `parallel(a: { ... }, b: { ... }, failFast: true)` step holds `branches`.
struct Step {
    Invocation call;
    std::unique_ptr<Steps> body; ///< block steps only
    bool is_script = false;
    std::string script_text;
    Span script_span; ///< the text between the braces of `script {}`

    struct Branch {
        std::string name;
        Span name_span;
        std::unique_ptr<Steps> steps;
    };
    std::vector<Branch> branches; ///< legacy `parallel(...)` only
    std::optional<bool> branches_fail_fast;
};

struct Steps {
    Span span;
    std::vector<Step> steps;
};

/// `agent any`, `agent none`, `agent { label 'x' }`, `agent { docker { image 'y'; args '-v' } }`.
struct AgentOption {
    std::string name;
    Span span;
    const syntax::Expr* value = nullptr; ///< a single value (`label 'x'`), or null
    std::vector<AgentOption> nested;     ///< a block of options (`docker { ... }`)
    bool has_block = false;
};

struct Agent {
    Span span;
    std::string type; ///< any, none, label, node, docker, dockerfile, kubernetes, or a custom type
    Span type_span;
    const syntax::Expr* value = nullptr; ///< `label 'x'`, `docker 'img'`, `dockerfile true`
    std::vector<AgentOption> options;    ///< `docker { image '...'; args '...' }`
    bool has_block = false;              ///< options given as a block
    bool bare = false;                   ///< `agent any` / `agent none` written without a block
};

/// `KEY = value` in `environment {}`. `credentials('id')` values are recognised.
struct EnvVar {
    std::string name; ///< as written (validity is a validate-stage rule)
    Span span;
    Span name_span;
    const syntax::Expr* value = nullptr;
    std::optional<std::string> credentials_id; ///< `KEY = credentials('id')`
};

struct Environment {
    Span span;
    std::vector<EnvVar> vars;
};

/// `options {}`, `parameters {}`, `triggers {}`: lists of invocations.
struct InvocationList {
    Span span;
    std::vector<Invocation> items;
};

struct Tool {
    std::string type;
    Span span;
    Span type_span;
    const syntax::Expr* value = nullptr;
};

struct Tools {
    Span span;
    std::vector<Tool> tools;
};

struct Library {
    Span span;
    const syntax::Expr* value = nullptr; ///< `lib('name@version')`: the argument
};

struct Libraries {
    Span span;
    std::vector<Library> libraries;
};

/// A `when` condition. `allOf`/`anyOf`/`not` hold `children`; `expression {}` holds its Groovy.
struct WhenCondition {
    Invocation call;
    std::vector<WhenCondition> children;
    std::optional<std::string> expression_text; ///< `expression { ... }`: the verbatim body
    Span expression_span;
};

struct When {
    Span span;
    std::vector<WhenCondition> conditions; ///< all must hold
    std::optional<bool> before_agent;
    std::optional<bool> before_input;
    std::optional<bool> before_options;
};

/// One field of `input {}` (message, id, ok, submitter, submitterParameter).
struct InputField {
    std::string name;
    Span span;
    const syntax::Expr* value = nullptr;
};

struct Input {
    Span span;
    std::vector<InputField> fields;
    std::optional<InvocationList> parameters;

    [[nodiscard]] const InputField* field(std::string_view name) const;
};

struct PostCondition {
    std::string name; ///< always, changed, fixed, regression, aborted, success, ...
    Span span;
    Span name_span;
    Steps steps;
};

struct Post {
    Span span;
    std::vector<PostCondition> conditions; ///< in source order (run order is Jenkins' fixed order)
};

/// An axis value or name as written: `literal` is false for GStrings and other expressions.
struct AxisValue {
    std::string text; ///< decoded literal, or the source text when not a literal
    Span span;
    bool literal = true;
};

/// `axis { name 'OS'; values 'linux', 'mac' }`; in `exclude {}` also `notValues`.
struct Axis {
    Span span;
    std::optional<AxisValue> name;
    std::vector<AxisValue> values;
    bool has_values = false;
    bool has_not_values = false;
};

struct Exclude {
    Span span;
    std::vector<Axis> axes;
};

struct Stages;

struct Matrix {
    Span span;
    std::optional<Span> axes_span; ///< set when `axes {}` was written (even empty)
    std::vector<Axis> axes;
    std::optional<Span> excludes_span;
    std::vector<Exclude> excludes;
    std::optional<Agent> agent;
    std::optional<When> when;
    std::optional<Post> post;
    std::optional<InvocationList> options;
    std::optional<Input> input;
    std::optional<Tools> tools;
    std::optional<Environment> environment;
    std::unique_ptr<Stages> stages;
};

struct Stage {
    std::string name;
    Span span;
    Span name_span;
    std::optional<Agent> agent;
    std::optional<When> when;
    std::optional<Environment> environment;
    std::optional<InvocationList> options;
    std::optional<Input> input;
    std::optional<Tools> tools;
    std::optional<Post> post;
    std::optional<bool> fail_fast;
    // The body kinds: exactly one is valid (a validate-stage rule), so all are kept.
    std::optional<Steps> steps;
    std::unique_ptr<Stages> stages;   ///< sequential nested stages
    std::unique_ptr<Stages> parallel; ///< `parallel { stage ... }`
    std::unique_ptr<Matrix> matrix;
};

struct Stages {
    Span span;
    std::vector<Stage> stages;
};

struct Pipeline {
    Span span;
    std::optional<Agent> agent;
    std::optional<Environment> environment;
    std::optional<InvocationList> options;
    std::optional<InvocationList> parameters;
    std::optional<InvocationList> triggers;
    std::optional<Tools> tools;
    std::optional<Libraries> libraries;
    std::unique_ptr<Stages> stages;
    std::optional<Post> post;
};

/// A Groovy island that ferry keeps as text: a `script {}` body or code outside `pipeline {}`.
struct GroovyIsland {
    enum class Kind { script, expression, outside };
    Kind kind = Kind::outside;
    Span span;
};

/// A parsed file: its source, its syntax tree, and the declarative model when there is one.
struct Document {
    std::shared_ptr<const SourceFile> source;
    std::shared_ptr<const syntax::Tree> tree;
    std::optional<Pipeline> pipeline; ///< empty when the file has no declarative pipeline
    std::vector<GroovyIsland> islands;
};

/// Builds the declarative model from a syntax tree, reporting structural errors into `out`.
/// Errors accumulate; the model holds everything that could be understood.
[[nodiscard]] Document build_model(std::shared_ptr<const SourceFile> source,
                                   std::shared_ptr<const syntax::Tree> tree, Diagnostics& out);

} // namespace ferry::grammar::model
