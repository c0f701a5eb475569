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
    /// The build's evidence tag in its repository: present, absent, off (not kept for this
    /// registry), or empty when not known (--offline, an error).
    std::string evidence;
    /// A native build's base image as keyed: its platform manifest digest (`sha256:…`), which
    /// the run then builds on, so that the plan and the run use the same base.
    std::string base_digest;
};

/// The prefix of build evidence tags (ferry's cache notes in a repository, not versions).
inline constexpr std::string_view build_evidence_tag_prefix = "ferry-build-";
/// The tag a push leaves in the image's repository as evidence of build key `sha256:<hex>`:
/// `ferry-build-<hex>` (runtime/build_evidence.hpp writes and reads it).
[[nodiscard]] std::string build_evidence_tag(std::string_view key);

/// One Kubernetes object of a release that a helmUpgrade would change: what helm keeps as the
/// current revision's manifest (`helm get manifest`) against what the step's chart renders with
/// the step's values (`helm template`). Field paths only, never values: a Secret's data stays out.
struct ObjectChange {
    std::string api_version;
    std::string kind;
    std::string namespace_;
    std::string name;
    std::string change;              ///< added, changed, removed
    std::vector<std::string> fields; ///< changed: the paths that differ, sorted (at most 20)
    int more_fields = 0;             ///< changed paths beyond those listed
};

/// One helmUpgrade step prepared by the probe as its run will prepare it
/// (runtime/helm_request.hpp): the deploy key the run will compute, and the per-object diff.
struct DeployObservation {
    std::string step;             ///< the helmUpgrade step's id
    std::string params;           ///< the parameters prepared, as JSON text (the plan's must match)
    Known known = Known::unknown; ///< whether the deploy key is known
    std::string reason;           ///< unknown: why (an image built in this run, a missing chart)
    std::string key;              ///< the deploy key the run will compute
    std::string key_label;        ///< its label form, as ReleaseObservation::deploy_key holds it
    Known diff_known = Known::unknown;
    std::string diff_reason; ///< why the diff is unknown (--offline, helm template failed)
    std::vector<ObjectChange> objects; ///< added, changed and removed objects, in manifest order
    int unchanged_objects = 0;
    /// Images of this run whose digest is known only after their build: rendered with a
    /// placeholder digest, so their objects show as changed.
    std::vector<std::string> pending_images;
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
        std::string directory; ///< where the step runs (a Dockerfile is found from there)
    };
    std::vector<Build> builds;
    /// A helmUpgrade step to prepare: its id, target, parameters (JSON text), the directory it
    /// runs in (relative to `workspace` unless absolute), and the images of this run its
    /// `images:` name, each with the buildImage step that makes it and the reference it will
    /// carry (the first pushed tag, else the built reference).
    struct DeployImage {
        std::string name;
        std::string build_step;
        std::string reference;
    };
    struct Deploy {
        std::string step;
        std::string context;
        std::string namespace_;
        std::string params;
        std::string directory;
        std::vector<DeployImage> images;
    };
    std::vector<Deploy> deploys;
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
    std::vector<DeployObservation> deploys; ///< helmUpgrade steps: deploy keys and object diffs
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
    [[nodiscard]] const DeployObservation* deploy(std::string_view step) const;
};

} // namespace ferry::compiler
