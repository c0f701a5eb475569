#pragma once
// Signatures of the names a pipeline may use: steps, options, triggers, parameter types, tools,
// agent types and `when` conditions. The compiler reads them; the runtime's drivers implement
// the steps. Signatures depend on nothing but the standard library.

#include <optional>
#include <string_view>
#include <vector>

namespace ferry::stdlib {

/// The kind of value a parameter takes. Names follow what Jenkins prints in its messages.
enum class Type {
    string,      ///< "class java.lang.String"
    boolean,     ///< "boolean"
    integer,     ///< "int"
    number,      ///< "double" (any number)
    list,        ///< a list literal (or, for some parameters, a comma/newline separated string)
    map,         ///< a map literal
    closure,     ///< a block
    describable, ///< a nested call such as `logRotator(...)`, or a map (`[$class: ...]`, `[k: v]`)
    any,         ///< anything
};

/// How Jenkins names a type in "Expecting \"<type>\" for parameter ..." messages.
[[nodiscard]] std::string_view jenkins_type_name(Type type);

struct Param {
    std::string_view name;
    Type type = Type::any;
    bool required = false;
    std::string_view default_value; ///< as Groovy source, empty when none
    std::string_view doc;
    std::vector<std::string_view> choices; ///< allowed values when the set is closed
    bool choices_ignore_case = false;      ///< choices match in any case (`comparator: 'regexp'`)
    std::optional<long long> min;          ///< integer range, when Jenkins checks one
    std::optional<long long> max;
    std::string_view range_message; ///< Jenkins' message when the range is violated
    /// For `describable` values and for lists of them: the group their calls come from
    /// (`buildDiscarder(logRotator(...))` → "buildDiscarderStrategy"; see Signature::group and
    /// describables()). "parameter" means the Kind::parameter signatures (`input`'s parameters).
    std::string_view of;
};

enum class Kind {
    step,
    option, ///< job properties, declarative options and wrappers, inside `options {}`
    trigger,
    parameter, ///< parameter types inside `parameters {}`
    tool,      ///< tool types inside `tools {}`
    agent,     ///< agent types
    condition, ///< `when` conditions
    /// A nested call used as a parameter value, not a statement: `logRotator(...)` inside
    /// `buildDiscarder`, the bindings of `withCredentials`, `[$class: 'GitSCM', ...]`.
    describable,
};

[[nodiscard]] std::string_view to_string(Kind kind);

/// What ferry does with a name it knows.
enum class Support {
    runs,       ///< ferry executes it
    ignored,    ///< accepted and has no effect under ferry (e.g. `timestamps()`); check warns
    unsupported ///< valid in Jenkins, but ferry cannot run it; check warns, plan fails at its span
};

/// Where an option may stand.
enum class OptionScope {
    none,           ///< not an option
    pipeline,       ///< job properties and pipeline-only declarative options
    pipeline_stage, ///< declarative options allowed in both
    wrapper,        ///< a block step used as an option (pipeline and stage): the catalogue
                    ///< holds an option copy of the step, without its block
};

/// An effect a step may have on the world, for planning and rollback.
enum class Effect { none, process, filesystem, network, registry, cluster, git };

[[nodiscard]] std::string_view to_string(Support support);
[[nodiscard]] std::string_view to_string(OptionScope scope);
[[nodiscard]] std::string_view to_string(Effect effect);
[[nodiscard]] std::string_view to_string(Type type);

struct Signature {
    Kind kind = Kind::step;
    std::string_view name;
    std::vector<Param> params;
    bool takes_block = false;    ///< a block step / wrapper (`dir('x') { }`)
    bool requires_block = false; ///< the block must be given (`dir`, `withEnv`)
    OptionScope option_scope = OptionScope::none;
    Support support = Support::runs;
    std::string_view plugin; ///< the Jenkins plugin that provides it ("core", "ferry", ...)
    std::string_view doc;    ///< one line
    std::vector<Effect> effects;
    bool cacheable = false;
    /// For steps called with one unnamed value: the parameter it binds to (`sh 'ls'` → script).
    std::string_view single_param;
    /// Positional arguments Jenkins accepts without names, in order (`cron('H * * * *')`).
    std::vector<std::string_view> positional;
    /// For describables: the family a parameter's `of` names ("binding", "scm", ...).
    std::string_view group;
    /// Jenkins' class name (simple name) for the legacy `[$class: 'Name', ...]` form, when known.
    std::string_view java_class;
    /// When not empty, the name is known but rejected where its kind stands, with this message
    /// (`stage` and `properties` steps; `parameters` and `triggers` job properties inside
    /// `options`). The `parallel` step carries one too: it applies everywhere except as the only
    /// statement of a `steps` block. Rejected names are left out of names().
    std::string_view rejected;
    /// A lone `true` is accepted in place of arguments (`agent { dockerfile true }`).
    bool accepts_true = false;
    /// ferry's runtime implements it today. `support` says what ferry will do once the driver
    /// exists; `ferry check` reads `support` only, never this.
    bool implemented = false;

    [[nodiscard]] const Param* param(std::string_view param_name) const;
    [[nodiscard]] std::vector<std::string_view> param_names() const;
};

/// Adds the symbols only the Jenkins plugin's test suite registers (a test agent type, test
/// triggers) to the catalogue. Off by default; the conformance run emulates that harness.
void use_test_harness_symbols(bool on);

/// The catalogue: every name ferry knows, of every kind.
[[nodiscard]] const std::vector<Signature>& catalogue();

/// The signature of `name` of `kind`, or null. Describables are unique per group only: for
/// them this returns the first group's; prefer find_describable().
[[nodiscard]] const Signature* find(Kind kind, std::string_view name);

/// The describable `name` of `group` (`find_describable("binding", "string")`), or null.
[[nodiscard]] const Signature* find_describable(std::string_view group, std::string_view name);

/// Every name of `kind`, sorted (for "did you mean" and for "Valid ... types:" lists).
/// Rejected names (Signature::rejected) are left out.
[[nodiscard]] std::vector<std::string_view> names(Kind kind);

/// The option names valid inside `options {}` at pipeline level or at stage level, sorted.
/// At stage level only `pipeline_stage` options and wrappers qualify.
[[nodiscard]] std::vector<std::string_view> option_names(bool stage_level);

/// The describables of `group` (e.g. "binding"), sorted by name.
[[nodiscard]] std::vector<const Signature*> describables(std::string_view group);

/// The signature whose Jenkins class is `java_class` (a simple name such as "GitSCM", or a
/// fully qualified one, whose last segment is used), or null. Steps and describables only.
[[nodiscard]] const Signature* find_class(std::string_view java_class);

} // namespace ferry::stdlib
