// Compensators for what deploys change in a cluster: helm releases, namespaces, pull secrets
// and the deploy key ConfigMap. Each looks at the world first, so that running it twice is safe.
#include "runtime/compensate_detail.hpp"
#include "runtime/deploy_cluster.hpp"

#include <chrono>
#include <fmt/format.h>

namespace ferry::runtime::detail {
namespace {

nlohmann::json parse_or_null(const std::string& text) {
    return nlohmann::json::parse(text, nullptr, false);
}

// What makes two revisions of a release the same deployment: the manifest helm rendered and
// the values it was given.
std::optional<std::string> revision_content(const KubeTools& kube, const std::string& ns,
                                            const std::string& release, int revision,
                                            std::string& error) {
    const auto rev = std::to_string(revision);
    const auto manifest =
        kube.helm({"get", "manifest", release, "--namespace", ns, "--revision", rev});
    const auto values = kube.helm(
        {"get", "values", release, "--namespace", ns, "--revision", rev, "--output", "json"});
    if (!manifest.ok() || !values.ok()) {
        error = tool_failure(fmt::format("helm get {} --revision {}", release, rev),
                             manifest.ok() ? values : manifest);
        return std::nullopt;
    }
    return manifest.out + "\n---values---\n" + values.out;
}

bool same_content(const KubeTools& kube, const std::string& ns, const std::string& release, int a,
                  int b) {
    std::string error;
    const auto first = revision_content(kube, ns, release, a, error);
    const auto second = revision_content(kube, ns, release, b, error);
    return first && second && *first == *second;
}

Compensation uninstall(const KubeTools& kube, const nlohmann::json& effect, const std::string& ns,
                       const std::string& release, const ReleaseState& current) {
    if (!current.exists) {
        return outcome(effect, true, "absent, as before the run");
    }
    const auto run = kube.helm({"uninstall", release, "--namespace", ns});
    if (run.ok() || (run.started && run.err.find("not found") != std::string::npos)) {
        return outcome(effect, true,
                       fmt::format("uninstalled (revision {} removed; the release did not exist "
                                   "before the run)",
                                   current.revision));
    }
    return outcome(effect, false,
                   tool_failure(fmt::format("helm uninstall {} ({})", release, kube.where()), run));
}

// Why a namespace is still there, from its conditions (finalizers, content left over).
std::string terminating_reason(const nlohmann::json& object) {
    const auto conditions = object.value("status", nlohmann::json::object())
                                .value("conditions", nlohmann::json::array());
    for (const auto& c : conditions) {
        if (text_of(c, "status") == "True" && !text_of(c, "message").empty()) {
            return fmt::format(": {} ({})", text_of(c, "message"), text_of(c, "type"));
        }
    }
    return {};
}

} // namespace

Compensation compensate_release(CompensationState& state, const nlohmann::json& effect) {
    const auto ns = text_of(effect, "namespace");
    const auto release = text_of(effect, "release");
    std::string error;
    const auto kube = state.kube_for(effect, true, error);
    if (!kube) {
        return outcome(effect, false, error);
    }
    const auto current = read_release(*kube, ns, release);
    if (!current.error.empty()) {
        return outcome(effect, false, current.error);
    }
    const auto& before = effect.value("before", nlohmann::json());
    if (before.is_string() && before.get<std::string>() == "absent") {
        return uninstall(*kube, effect, ns, release, current);
    }
    const int revision = before.is_object() ? before.value("revision", 0) : 0;
    if (revision <= 0) {
        return outcome(effect, false, "the journal record holds no previous revision");
    }
    if (!current.exists) {
        return outcome(effect, false,
                       fmt::format("the release no longer exists in {}, so revision {} cannot be "
                                   "rolled back to; deploy it again",
                                   kube->where(), revision));
    }
    if (current.revision == revision) {
        return outcome(effect, true, fmt::format("already at revision {}", revision));
    }
    if (current.status == "deployed" &&
        same_content(*kube, ns, release, current.revision, revision)) {
        return outcome(effect, true,
                       fmt::format("revision {} already has revision {}'s manifest and values "
                                   "(helm's own rollback restored it)",
                                   current.revision, revision));
    }
    const auto run = kube->helm({"rollback", release, std::to_string(revision), "--namespace", ns});
    if (!run.ok()) {
        return outcome(
            effect, false,
            tool_failure(fmt::format("helm rollback {} {} ({})", release, revision, kube->where()),
                         run));
    }
    const auto after = read_release(*kube, ns, release);
    return outcome(effect, true,
                   fmt::format("rolled back to revision {} (now revision {}, {})", revision,
                               after.revision, after.status.empty() ? "?" : after.status));
}

Compensation compensate_namespace(CompensationState& state, const nlohmann::json& effect) {
    const auto ns = text_of(effect, "namespace");
    const auto done = effect.value("done", nlohmann::json::object());
    if (done.is_object() && done.value("existed", false)) {
        return outcome(effect, true,
                       "another client created it at the same time: not the run's to delete");
    }
    std::string error;
    const auto kube = state.kube_for(effect, false, error);
    if (!kube) {
        return outcome(effect, false, error);
    }
    const auto what = fmt::format("namespace {} ({})", ns, kube->where());
    auto get = kube->kubectl({"get", "namespace", ns, "-o", "json"});
    if (is_not_found(get)) {
        return outcome(effect, true, "gone, as before the run");
    }
    if (!get.ok()) {
        return outcome(effect, false, tool_failure("kubectl get " + what, get));
    }
    const auto del = kube->kubectl({"delete", "namespace", ns, "--wait=false"});
    if (!del.ok() && !is_not_found(del)) {
        return outcome(effect, false, tool_failure("kubectl delete " + what, del));
    }
    const auto deadline = std::chrono::steady_clock::now() + state.context().namespace_wait;
    while (true) {
        get = kube->kubectl({"get", "namespace", ns, "-o", "json"});
        if (is_not_found(get)) {
            return outcome(effect, true, "deleted (the run created it)");
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            break;
        }
        state.pause();
    }
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(state.context().namespace_wait).count();
    return outcome(effect, false,
                   fmt::format("deleted, but still terminating after {}s{}; Kubernetes removes it "
                               "when its finalizers are done: run `ferry recover` to check again",
                               seconds,
                               get.ok() ? terminating_reason(parse_or_null(get.out)) : ""));
}

Compensation compensate_secret(CompensationState& state, const nlohmann::json& effect) {
    const auto ns = text_of(effect, "namespace");
    const auto name = text_of(effect, "name");
    std::string error;
    const auto kube = state.kube_for(effect, false, error);
    if (!kube) {
        return outcome(effect, false, error);
    }
    const auto what = fmt::format("secret {}/{} ({})", ns, name, kube->where());
    const auto before = effect.value("before", nlohmann::json::object());
    if (!before.is_object() || !before.value("existed", false)) {
        if (auto failed = delete_created(*kube, "secret", name, ns, what); !failed.empty()) {
            return outcome(effect, false, failed);
        }
        return outcome(effect, true, "deleted (the run created it)");
    }
    const auto plain = state.open_sealed(before.value("previous", nlohmann::json()), error);
    if (!plain) {
        return outcome(effect, false, error);
    }
    const auto previous = parse_or_null(*plain);
    if (!previous.is_object()) {
        return outcome(effect, false, "the unsealed previous content is not a JSON object");
    }
    const auto get = kube->kubectl({"get", "secret", name, "-n", ns, "-o", "json"});
    if (get.ok()) {
        const auto current = parse_or_null(get.out);
        const auto meta = current.is_object() ? current.value("metadata", nlohmann::json::object())
                                              : nlohmann::json::object();
        if (current.is_object() && current.value("type", nlohmann::json()) == previous["type"] &&
            current.value("data", nlohmann::json::object()) == previous["data"] &&
            meta.value("labels", nlohmann::json::object()) == previous["labels"]) {
            return outcome(effect, true, "already holds its previous content");
        }
    }
    nlohmann::json object{
        {"apiVersion", "v1"},
        {"kind", "Secret"},
        {"metadata",
         {{"name", name},
          {"namespace", ns},
          {"labels", previous.value("labels", nlohmann::json::object())},
          {"annotations", previous.value("annotations", nlohmann::json::object())}}},
        {"type", previous.value("type", nlohmann::json())},
        {"data", previous.value("data", nlohmann::json::object())}};
    if (auto failed = put_back(*kube, std::move(object), what); !failed.empty()) {
        return outcome(effect, false, failed);
    }
    return outcome(effect, true, "previous content put back (unsealed from the journal)");
}

Compensation compensate_configmap(CompensationState& state, const nlohmann::json& effect) {
    const auto ns = text_of(effect, "namespace");
    const auto name = text_of(effect, "name");
    std::string error;
    const auto kube = state.kube_for(effect, false, error);
    if (!kube) {
        return outcome(effect, false, error);
    }
    const auto what = fmt::format("configmap {}/{} ({})", ns, name, kube->where());
    const auto before = effect.value("before", nlohmann::json::object());
    if (!before.is_object() || !before.value("existed", false)) {
        if (auto failed = delete_created(*kube, "configmap", name, ns, what); !failed.empty()) {
            return outcome(effect, false, failed);
        }
        return outcome(effect, true, "deleted (the run created it)");
    }
    nlohmann::json object{{"apiVersion", "v1"},
                          {"kind", "ConfigMap"},
                          {"metadata", {{"name", name}, {"namespace", ns}}}};
    const auto get = kube->kubectl({"get", "configmap", name, "-n", ns, "-o", "json"});
    if (get.ok()) {
        if (auto current = parse_or_null(get.out); current.is_object()) {
            object = std::move(current);
        }
    }
    object["data"] = before.value("previous", nlohmann::json::object());
    if (auto failed = put_back(*kube, std::move(object), what); !failed.empty()) {
        return outcome(effect, false, failed);
    }
    return outcome(effect, true, "previous data put back");
}

std::string delete_created(const KubeTools& kube, const std::string& resource,
                           const std::string& name, const std::string& ns,
                           const std::string& what) {
    const auto del =
        kube.kubectl({"delete", resource, name, "-n", ns, "--ignore-not-found", "--timeout=60s"});
    return del.ok() || is_not_found(del) ? std::string()
                                         : tool_failure("kubectl delete " + what, del);
}

std::string put_back(const KubeTools& kube, nlohmann::json object, const std::string& what) {
    object.erase("status");
    if (auto meta = object.find("metadata"); meta != object.end() && meta->is_object()) {
        // Server-owned fields: the object is put back as content, not as that exact version.
        for (const char* field :
             {"resourceVersion", "uid", "creationTimestamp", "generation", "selfLink",
              "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds"}) {
            meta->erase(field);
        }
    }
    const auto text = object.dump();
    const auto replaced = kube.kubectl({"replace", "-f", "-", "-o", "name"}, text);
    if (replaced.ok()) {
        return {};
    }
    if (!is_not_found(replaced)) {
        return tool_failure("kubectl replace " + what, replaced);
    }
    const auto created = kube.kubectl({"create", "-f", "-", "-o", "name"}, text);
    return created.ok() ? std::string() : tool_failure("kubectl create " + what, created);
}

std::string kubectl_resource(const std::string& api_version, const std::string& kind) {
    const auto slash = api_version.find('/');
    if (slash == std::string::npos) {
        return kind;
    }
    return fmt::format("{}.{}.{}", kind, api_version.substr(slash + 1),
                       api_version.substr(0, slash));
}

} // namespace ferry::runtime::detail
