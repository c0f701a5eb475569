#pragma once
// The planner: plan(IR, environment, observations) → Plan, a pure function (no I/O). The Plan is
// what `ferry plan` prints and saves and what `ferry run --plan` executes: the stage tree, every
// step in execution order with its evaluated parameters, target, image, cache status and the
// effects it will have on the world. Secrets never enter it: a credential is "(secret)" and its id.
// The JSON form is documented field by field in docs/plan.md.

#include "compiler/environment.hpp"
#include "compiler/ir.hpp"
#include "compiler/observations.hpp"
#include "grammar/diagnostic.hpp"

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ferry::compiler {

/// The plan JSON format this ferry writes and reads.
inline constexpr int plan_format_version = 1;

struct PlanOptions {
    std::string environment;                                     ///< `--env NAME`
    std::vector<std::pair<std::string, std::string>> parameters; ///< `-p NAME=VALUE`, in order
    std::string job_name; ///< JOB_NAME: the pipeline's name (its directory's name by default)
};

/// What a step will do, as Terraform says it.
enum class Action {
    create, ///< `+` brings something new into the world (an image, a tag, a release, a namespace)
    update, ///< `~` changes something that exists (a tag moved, a release upgraded)
    run,    ///< `>` runs a command whose changes ferry does not track (sh, …)
    noop,   ///< ` ` changes nothing (echo, a block step's own frame)
    skip,   ///< `-` will not run (its stage's when is false)
};

[[nodiscard]] std::string_view to_string(Action action);
[[nodiscard]] char symbol(Action action);
[[nodiscard]] std::optional<Action> action_from_string(std::string_view text);

struct PlanTarget {
    std::string context;
    std::string server;
    std::string namespace_;
    std::string registry;
};

struct PlanCache {
    std::string status; ///< hit, miss, unknown, uncacheable
    std::string key;
    std::string reason;
    /// buildImage with a registry base, probed: the base's manifest digest the key was computed
    /// with. The run builds on exactly that image (it does not ask the base's tag again).
    std::string base = {};
};

struct PlanEffect {
    std::string kind; ///< tag, release, namespace, pull-secret, manifests
    std::string target;
    std::string before;
    std::string after;
};

struct PlanWhen {
    std::string result = "true"; ///< true, false, unknown
    std::string reason;
};

struct PlanStep {
    std::string id;
    std::string stage;      ///< the stage's id; empty for the pipeline's post steps
    std::string stage_name; ///< for people
    std::string kind;
    std::string parent; ///< the enclosing block step's id, if any
    std::string branch; ///< the legacy `parallel` step's branch this step belongs to, if any
    std::string post;   ///< the post condition this step runs under, if any
    std::string file;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    Action action = Action::noop;
    nlohmann::ordered_json params = nlohmann::ordered_json::object();
    nlohmann::ordered_json defaults = nlohmann::ordered_json::object();
    PlanWhen when;
    PlanTarget target;
    std::optional<std::string> image;
    PlanCache cache;
    std::vector<PlanEffect> effects;
    std::vector<std::string> may_affect; ///< the signature's effect kinds
    std::string summary;                 ///< one line for the text plan
};

struct Plan {
    int format_version = plan_format_version;
    std::string pipeline; ///< the pipeline file as given
    std::string job;
    std::string environment;
    std::string description;
    PlanTarget target; ///< the environment's defaults
    std::optional<long long> build_number;
    struct Git {
        bool known = false;
        std::string reason;
        std::string commit;
        std::string branch;
    } git;
    nlohmann::ordered_json parameters = nlohmann::ordered_json::object();
    nlohmann::ordered_json variables = nlohmann::ordered_json::array(); ///< pipeline-level env
    nlohmann::ordered_json stages = nlohmann::ordered_json::object();   ///< the stage tree
    std::vector<PlanStep> steps; ///< every step, flat, in execution order
    nlohmann::ordered_json observations = nlohmann::ordered_json::object();
    std::string observations_fingerprint;

    /// Whether running this plan would change anything (creates, updates or runs a step).
    [[nodiscard]] bool has_changes() const;
};

struct PlanResult {
    Plan plan;
    grammar::Diagnostics diagnostics;        ///< in the pipeline file
    grammar::Diagnostics config_diagnostics; ///< in ferry.yaml
    [[nodiscard]] bool ok() const {
        return !diagnostics.has_errors() && !config_diagnostics.has_errors();
    }
};

/// Plans `pipeline` against environment `options.environment` of `config`. Pure.
[[nodiscard]] PlanResult plan(const ir::Pipeline& pipeline, const EnvironmentConfig& config,
                              const Observations& observations, const PlanOptions& options);

/// What the probes must look at for this pipeline in this environment. Pure.
[[nodiscard]] ProbeRequests probe_requests(const ir::Pipeline& pipeline,
                                           const EnvironmentConfig& config,
                                           const PlanOptions& options);

/// The observations as canonical JSON (sorted keys), and the sha256 of that text.
[[nodiscard]] nlohmann::json observations_json(const Observations& observations);
[[nodiscard]] std::string observations_fingerprint(const Observations& observations);

/// The plan as JSON (docs/plan.md), and back. from_json reports what it cannot read.
[[nodiscard]] nlohmann::ordered_json to_json(const Plan& plan);
/// The same text as `to_json(plan).dump(indent)`, written straight from the Plan (fast: what
/// `ferry plan` prints and saves). Ill-formed UTF-8 in a string becomes U+FFFD where dump throws.
[[nodiscard]] std::string to_json_text(const Plan& plan, int indent = 2);
/// The same text handed to `write` in pieces of up to 64 KiB as it is written, never held whole:
/// what `ferry plan --format json` streams to stdout.
void write_json_text(const Plan& plan, const std::function<void(std::string_view)>& write,
                     int indent = 2);
[[nodiscard]] std::optional<Plan> plan_from_json(const nlohmann::json& json, std::string& error);

struct TextOptions {
    bool color = false;
};

/// The plan for people, one line per step, like Terraform's.
[[nodiscard]] std::string render_text(const Plan& plan, const TextOptions& options = {});

/// A full image reference for `name` in `registry`: a bare name is prefixed with the registry's
/// `server/prefix/`, a reference that names a registry host is used as written; `:latest` when
/// the name has neither tag nor digest.
[[nodiscard]] std::string resolve_image(std::string_view name, const Registry* registry);

/// Whether `reference` names a mutable image: no digest, and no tag or `latest`.
[[nodiscard]] bool is_mutable_reference(std::string_view reference);

} // namespace ferry::compiler
