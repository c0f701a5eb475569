// Namespace and pull secret ensuring, release reading and failure diagnosis, journaled.
#include "runtime/deploy_cluster.hpp"

#include "runtime/deploy_diagnose.hpp"
#include "runtime/deploy_key.hpp"

#include <array>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <openssl/rand.h>

namespace ferry::runtime {
namespace {

using ojson = nlohmann::ordered_json;

nlohmann::json parse_or_null(const std::string& text) {
    return nlohmann::json::parse(text, nullptr, false);
}

std::string json_text(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

std::optional<std::string> DeployJournal::begin(std::string_view kind, std::string_view name,
                                                ojson fields, std::string& error) {
    // Unique in the run even when the step runs again (retry, a second run segment).
    std::array<unsigned char, 4> nonce{};
    RAND_bytes(nonce.data(), static_cast<int>(nonce.size()));
    const auto id = fmt::format("{}/{}-{:02x}", step_, ++next_, fmt::join(nonce, ""));
    ojson record{{"type", "effect"}, {"effect_id", id},
                 {"kind", kind},     {"target", fmt::format("{}/{}", cluster_.context, name)},
                 {"step", step_},    {"cluster", cluster_json()}};
    for (auto& [key, value] : fields.items()) {
        record[key] = value;
    }
    if (record_ == nullptr) {
        error = "no run record to journal into: ferry does not change a cluster without one";
        return std::nullopt;
    }
    if (auto failed = record_->append(std::move(record)); !failed.empty()) {
        error = "cannot write the journal: " + failed;
        return std::nullopt;
    }
    return id;
}

std::string DeployJournal::done(const std::string& id, ojson fields) {
    ojson record{{"type", "effect.done"}, {"effect_id", id}};
    for (auto& [key, value] : fields.items()) {
        record[key] = value;
    }
    return record_ == nullptr ? std::string() : record_->append(std::move(record));
}

ojson DeployJournal::cluster_json() const {
    return {{"kubeconfig", cluster_.kubeconfig.string()}, {"context", cluster_.context}};
}

std::string ensure_namespace(const KubeTools& kube, DeployJournal& journal, const std::string& ns,
                             bool may_create) {
    const auto get = kube.kubectl({"get", "namespace", ns, "-o", "name"});
    if (get.ok()) {
        return {};
    }
    if (!is_not_found(get)) {
        return tool_failure(fmt::format("kubectl get namespace {} ({})", ns, kube.where()), get);
    }
    if (!may_create) {
        return fmt::format("namespace {} does not exist in {}, and the environment may not "
                           "create it (createNamespace: true allows it)",
                           ns, kube.where());
    }
    std::string error;
    const auto id = journal.begin("namespace", ns,
                                  {{"namespace", ns}, {"before", {{"existed", false}}}}, error);
    if (!id) {
        return error;
    }
    const auto made = kube.kubectl({"create", "namespace", ns});
    if (!made.ok()) {
        if (made.err.find("AlreadyExists") != std::string::npos) {
            // Another client created it between our get and create: it is not ours to remove.
            return journal.done(*id, {{"existed", true}});
        }
        return tool_failure(fmt::format("kubectl create namespace {} ({})", ns, kube.where()),
                            made);
    }
    return journal.done(*id, {{"created", true}});
}

std::string ensure_pull_secret(const KubeTools& kube, DeployJournal& journal, const std::string& ns,
                               const std::string& name, const Secret& document,
                               const SealKey& key) {
    constexpr std::string_view type = "kubernetes.io/dockerconfigjson";
    const Secret encoded(detail::base64_encode(document.reveal()));
    const auto get = kube.kubectl({"get", "secret", name, "-n", ns, "-o", "json"});
    const auto what = fmt::format("secret {}/{} ({})", ns, name, kube.where());
    ojson before = ojson::object();
    if (get.ok()) {
        const auto current = parse_or_null(get.out);
        if (!current.is_object()) {
            return fmt::format("kubectl get {}: the answer is not JSON", what);
        }
        const auto data = current.value("data", nlohmann::json::object());
        if (json_text(current, "type") == type && data.is_object() &&
            json_text(data, ".dockerconfigjson") == encoded.reveal()) {
            return {}; // already what it should be: no effect
        }
        if (json_text(current, "type") != type) {
            return fmt::format("{} exists with type '{}', not {}: ferry will not replace it "
                               "(the type of a secret cannot change); delete it or name "
                               "another pullSecret",
                               what, json_text(current, "type"), type);
        }
        const auto meta = current.value("metadata", nlohmann::json::object());
        nlohmann::json previous{
            {"type", json_text(current, "type")},
            {"data", data},
            {"labels", meta.value("labels", nlohmann::json::object())},
            {"annotations", meta.value("annotations", nlohmann::json::object())}};
        before["existed"] = true;
        before["resourceVersion"] = json_text(meta, "resourceVersion");
        before["previous"] = seal(key, previous.dump());
    } else if (is_not_found(get)) {
        before["existed"] = false;
    } else {
        return tool_failure("kubectl get " + what, get);
    }
    std::string error;
    const auto id = journal.begin("secret", ns + "/" + name,
                                  {{"namespace", ns}, {"name", name}, {"before", before}}, error);
    if (!id) {
        return error;
    }
    const nlohmann::json manifest{{"apiVersion", "v1"},
                                  {"kind", "Secret"},
                                  {"metadata",
                                   {{"name", name},
                                    {"namespace", ns},
                                    {"labels", {{"app.kubernetes.io/managed-by", "ferry"}}}}},
                                  {"type", type},
                                  {"data", {{".dockerconfigjson", encoded.reveal()}}}};
    const auto applied = kube.kubectl({"apply", "--server-side", "--field-manager", "ferry",
                                       "--force-conflicts", "-f", "-", "-o", "name"},
                                      manifest.dump());
    if (!applied.ok()) {
        return tool_failure("kubectl apply " + what, applied);
    }
    return journal.done(*id);
}

ReleaseState read_release(const KubeTools& kube, const std::string& ns,
                          const std::string& release) {
    ReleaseState state;
    const auto history =
        kube.helm({"history", release, "--namespace", ns, "--max", "1", "--output", "json"});
    if (!history.ok()) {
        if (history.started && history.err.find("release: not found") != std::string::npos) {
            return state;
        }
        state.error = tool_failure(
            fmt::format("helm history {} -n {} ({})", release, ns, kube.where()), history);
        return state;
    }
    const auto list = parse_or_null(history.out);
    if (!list.is_array() || list.empty() || !list.back().is_object()) {
        state.error =
            fmt::format("helm history {} -n {}: the answer is not a JSON list", release, ns);
        return state;
    }
    const auto& last = list.back();
    state.exists = true;
    state.revision = last.value("revision", 0);
    state.status = json_text(last, "status");
    state.chart = json_text(last, "chart");
    // Helm keeps release labels on its storage object (a Secret by default, a ConfigMap with
    // HELM_DRIVER=configmap); `helm get metadata` of helm 3 does not show them.
    // The key counts only on the revision ferry's upgrade made (deploy_revision_label): helm
    // carries labels over to the revisions of other people's upgrades and rollbacks.
    const auto this_revision = std::to_string(state.revision);
    for (const char* kind : {"secret", "configmap"}) {
        const auto labels = kube.kubectl(
            {"get", kind, "-n", ns, "-l",
             fmt::format("owner=helm,name={},version={}", release, state.revision), "-o",
             "jsonpath={.items[0].metadata.labels.ferry\\.dev/deploy-key} "
             "{.items[0].metadata.labels.ferry\\.dev/revision}"});
        const auto text = labels.out.substr(0, labels.out.find_last_not_of("\r\n ") + 1);
        if (labels.ok() && !text.empty()) {
            const auto space = text.find(' ');
            if (space != std::string::npos && text.substr(space + 1) == this_revision) {
                state.deploy_key = text.substr(0, space);
            }
            return state;
        }
    }
    // Helm before 3.13 has no release labels: ferry keeps the key in a ConfigMap then.
    const auto kept = kube.kubectl({"get", "configmap", "ferry-deploy-" + release, "-n", ns, "-o",
                                    "jsonpath={.data.deployKey} {.data.revision}"});
    const auto text = kept.out.substr(0, kept.out.find_last_not_of("\r\n ") + 1);
    if (const auto space = text.find(' ');
        kept.ok() && space != std::string::npos && text.substr(space + 1) == this_revision) {
        state.deploy_key = deploy_key_label_value(text.substr(0, space));
    }
    return state;
}

std::vector<std::string> diagnose_pods(const KubeTools& kube, const std::string& ns,
                                       const std::string& selector) {
    const auto pods = kube.kubectl({"get", "pods", "-n", ns, "-l", selector, "-o", "json"});
    if (!pods.ok()) {
        return {tool_failure("kubectl get pods -l " + selector, pods)};
    }
    const auto pod_list = parse_or_null(pods.out);
    nlohmann::json events{{"items", nlohmann::json::array()}};
    if (pod_list.is_object() && pod_list.contains("items") && pod_list["items"].is_array()) {
        for (const auto& pod : pod_list["items"]) {
            const auto name = pod.value("metadata", nlohmann::json::object()).value("name", "");
            const auto got = kube.kubectl({"get", "events", "-n", ns, "--field-selector",
                                           "involvedObject.name=" + name, "-o", "json"});
            const auto list = parse_or_null(got.out);
            if (got.ok() && list.is_object() && list.contains("items")) {
                for (const auto& e : list["items"]) {
                    events["items"].push_back(e);
                }
            }
        }
    }
    return pod_problems(pod_list, events);
}

} // namespace ferry::runtime
