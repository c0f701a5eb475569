#pragma once
// Observations: what read-only probes saw of the world before planning (Terraform's refresh).
// The runtime gathers them (runtime/probe*.cpp); the planner only reads them, so plan() stays a
// pure function of (IR, environment, observations). Everything here is plain data and
// JSON-serialisable; a fingerprint over it lets `ferry run --plan` refuse a stale plan.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ferry::compiler {

/// A fact a probe may or may not have been able to learn.
enum class Known {
    yes,     ///< the probe answered
    unknown, ///< not probed (--offline) or the probe failed: see `reason`
};

/// The git checkout the pipeline runs from (libgit2).
struct GitObservation {
    Known known = Known::unknown;
    std::string reason;            ///< why unknown
    std::string commit;            ///< full SHA of HEAD
    std::string short_commit;      ///< 7 characters
    std::string branch;            ///< the branch name (`main`), empty when detached
    std::string branch_source;     ///< `git`, or the CI variable it came from (BRANCH_NAME, ...)
    std::vector<std::string> tags; ///< tags pointing at HEAD
    std::string remote_url;        ///< `origin`'s URL, credentials stripped
    std::string author_name;
    std::string author_email;
    std::string committer_name;
    std::string committer_email;
    std::string message; ///< the commit message's first line
    bool dirty = false;  ///< uncommitted changes in tracked files
    /// The commit of the last successful run of this pipeline and environment (from .ferry/),
    /// and the files changed between it and HEAD (for `when { changeset }`).
    std::optional<std::string> previous_successful_commit;
    std::optional<std::vector<std::string>> changed_files;
    std::vector<std::string> changelog; ///< messages of the commits since that run
    std::string changes_reason; ///< why changed_files is absent (no run recorded, commit gone)
};

/// One image tag in a registry: the digest it points at now.
struct TagObservation {
    std::string reference; ///< `server/repo:tag`
    Known known = Known::unknown;
    std::string reason;
    std::optional<std::string> digest; ///< empty when the tag does not exist
    std::string media_type;
};

/// One namespace in one cluster context.
struct NamespaceObservation {
    std::string context;
    std::string name;
    Known known = Known::unknown;
    std::string reason;
    bool exists = false;
};

/// One helm release in one namespace of one context.
struct ReleaseObservation {
    std::string context;
    std::string namespace_;
    std::string name;
    Known known = Known::unknown;
    std::string reason;
    std::optional<int> revision;           ///< empty when the release does not exist
    std::string status;                    ///< deployed, failed, pending-upgrade, ...
    std::string chart;                     ///< `name-version`
    std::optional<std::string> deploy_key; ///< ferry's deploy key recorded on the release
};

/// One kube context as its kubeconfig describes it (a local file read, done offline too).
struct ClusterObservation {
    std::string context;
    Known known = Known::unknown;
    std::string reason;
    std::string server; ///< the API server's URL
};

/// One buildImage step keyed by the probe the way its run will key it (runtime/build_cache.hpp),
/// and looked up in ferry's build index and image store.
struct BuildObservation {
    std::string step;      ///< the buildImage step's id
    std::string reference; ///< the image it builds, `server/repo:tag`
    std::string params;    ///< the parameters keyed, as JSON text (the plan's must match)
    Known known = Known::unknown;
    std::string reason; ///< unknown: why (--offline and a registry base, an unreadable file)
    std::string key;    ///< `sha256:…` of the build's canonical inputs
    bool hit = false;
    std::string explanation;           ///< hit: the key; miss: what changed, or "never built"
    std::optional<std::string> digest; ///< hit: the recorded image's manifest digest
};

/// Whether the user of a kube context may do one thing in a namespace (`kubectl auth can-i`).
struct PermissionObservation {
    std::string context;
    std::string namespace_; ///< empty for a cluster-scoped resource (namespaces)
    std::string verb;       ///< `patch`
    std::string resource;   ///< `deployments.apps`
    Known known = Known::unknown;
    std::string reason; ///< unknown: why
    bool allowed = false;
};

/// What the planner needs probed: derived from the IR and the environment by a pure function
/// (compiler/probe_requests), carried out by the runtime's read-only probes.
struct ProbeRequests {
    std::string workspace;         ///< the directory holding the pipeline file (git discovery)
    std::string pipeline;          ///< the pipeline's name (state in .ferry/ is kept per pipeline)
    std::string environment;       ///< the environment's name
    std::vector<std::string> tags; ///< full image references `server/repo:tag`
    struct Namespace {
        std::string context;
        std::string name;
    };
    std::vector<Namespace> namespaces;
    struct Release {
        std::string context;
        std::string namespace_;
        std::string name;
    };
    std::vector<Release> releases;
    /// The (context, namespace) of every helmUpgrade and kubectlApply step: the deploy
    /// preflight asks there what the deploy needs (runtime/probe_permissions.hpp).
    std::vector<Namespace> deploy_targets;
    /// A buildImage step to key: its id, image, parameters (JSON text) and context directory
    /// (relative to `workspace` unless absolute).
    struct Build {
        std::string step;
        std::string reference;
        std::string params;
        std::string context;
    };
    std::vector<Build> builds;
};

/// Everything probed before one plan.
struct Observations {
    int format_version = 1;
    bool offline = false;
    GitObservation git;
    std::vector<TagObservation> tags;
    std::vector<NamespaceObservation> namespaces;
    std::vector<ReleaseObservation> releases;
    std::vector<ClusterObservation> clusters; ///< the contexts steps target (planner: `server`)
    std::vector<BuildObservation> builds;     ///< buildImage steps keyed before the run
    /// The rights of each deploy target's user for the verbs a deploy needs (preflight).
    std::vector<PermissionObservation> permissions;
    /// The next build number ferry would use (CI's BUILD_NUMBER, else the counter in .ferry/).
    std::optional<long long> build_number;
    /// Environment variables of the process that matter to the plan (CI's, BUILD_NUMBER, ...).
    std::map<std::string, std::string> process_env;
    /// Problems that did not stop probing but should be shown: a damaged `.ferry/` state file, ...
    std::vector<std::string> warnings;

    [[nodiscard]] const TagObservation* tag(std::string_view reference) const;
    [[nodiscard]] const NamespaceObservation* namespace_in(std::string_view context,
                                                           std::string_view name) const;
    [[nodiscard]] const ReleaseObservation*
    release(std::string_view context, std::string_view namespace_, std::string_view name) const;
    [[nodiscard]] const BuildObservation* build(std::string_view step) const;
};

} // namespace ferry::compiler
