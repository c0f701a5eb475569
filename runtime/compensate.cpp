// The compensator table, its shared state, and rolling back one run's journal.
#include "runtime/compensate.hpp"

#include "runtime/cluster_probe.hpp"
#include "runtime/compensate_detail.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <map>
#include <thread>
#include <unistd.h>

extern char** environ; // NOLINT: POSIX; the tools get ferry's whole environment

namespace ferry::runtime {
namespace detail {
namespace {

std::vector<std::pair<std::string, std::string>> process_environment() {
    std::vector<std::pair<std::string, std::string>> out;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string_view entry(*e);
        const auto eq = entry.find('=');
        if (eq != std::string_view::npos && eq > 0) {
            out.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
        }
    }
    return out;
}

} // namespace

CompensationState::CompensationState(CompensationContext context) : context_(std::move(context)) {
    if (context_.shell == nullptr) {
        own_shell_ = std::make_unique<ProcessDeployShell>(process_environment(),
                                                          std::filesystem::current_path(), cancel_);
        context_.shell = own_shell_.get();
    }
}

std::optional<std::string> CompensationState::env(const std::string& name) const {
    if (context_.getenv) {
        return context_.getenv(name);
    }
    const char* value = std::getenv(name.c_str());
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
}

std::optional<KubeTools> CompensationState::kube_for(const nlohmann::json& effect, bool needs_helm,
                                                     std::string& error) {
    const auto cluster = effect.value("cluster", nlohmann::json::object());
    ClusterTarget target{text_of(cluster, "kubeconfig"), text_of(cluster, "context")};
    if (target.kubeconfig.empty() || target.context.empty()) {
        error = "the journal record names no cluster (kubeconfig and context)";
        return std::nullopt;
    }
    ClusterProbeOptions options;
    options.getenv = [this](const std::string& name) { return env(name); };
    const auto kubectl = find_tool("kubectl", "KUBECTL", options);
    if (!kubectl.path) {
        error = kubectl.error;
        return std::nullopt;
    }
    std::filesystem::path helm;
    if (needs_helm) {
        const auto found = find_tool("helm", "HELM", options);
        if (!found.path) {
            error = found.error;
            return std::nullopt;
        }
        helm = *found.path;
    }
    return KubeTools(*context_.shell, std::move(target), *kubectl.path, std::move(helm));
}

std::optional<SealKey> CompensationState::seal_key(std::string& error) {
    const std::lock_guard lock(key_mutex_);
    if (!key_) {
        const auto getenv = [this](const std::string& name) { return env(name); };
        key_ = load_or_create_seal_key(default_seal_key_path(getenv), error);
    }
    return key_;
}

std::optional<std::string> CompensationState::open_sealed(const nlohmann::json& sealed,
                                                          std::string& error) {
    const auto key = seal_key(error);
    if (!key) {
        error = "the journal key cannot be read: " + error;
        return std::nullopt;
    }
    const auto wanted = sealed.is_object() ? text_of(sealed, "key") : std::string();
    if (!wanted.empty() && wanted != key->id) {
        const auto getenv = [this](const std::string& name) { return env(name); };
        error = fmt::format("the previous content is sealed under journal key {}, but {} is key "
                            "{}: copy the key file of the machine that ran the deploy there",
                            wanted, default_seal_key_path(getenv).string(), key->id);
        return std::nullopt;
    }
    auto plain = unseal(*key, sealed, error);
    if (!plain) {
        error = "the previous content cannot be unsealed: " + error;
    }
    return plain;
}

void CompensationState::pause() const {
    std::this_thread::sleep_for(context_.poll_interval);
}

std::string text_of(const nlohmann::json& object, const char* name) {
    if (!object.is_object()) {
        return {};
    }
    const auto it = object.find(name);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Compensation outcome(const nlohmann::json& effect, bool restored, std::string detail) {
    return {text_of(effect, "effect_id"), text_of(effect, "kind"), text_of(effect, "target"),
            restored, std::move(detail)};
}

} // namespace detail

CompensatorTable make_compensators(CompensationContext context) {
    auto state = std::make_shared<detail::CompensationState>(std::move(context));
    using Fn = Compensation (*)(detail::CompensationState&, const nlohmann::json&);
    const std::map<std::string, Fn> kinds = {
        {"release", detail::compensate_release},     {"namespace", detail::compensate_namespace},
        {"secret", detail::compensate_secret},       {"configmap", detail::compensate_configmap},
        {"manifests", detail::compensate_manifests}, {"tag", detail::compensate_tag},
    };
    CompensatorTable table;
    for (const auto& [kind, fn] : kinds) {
        table[kind] = [state, fn = fn](const nlohmann::json& effect) { return fn(*state, effect); };
    }
    return table;
}

JournalRead with_effect_outcomes(JournalRead journal) {
    std::map<std::string, nlohmann::json> done;
    for (const auto& record : journal.records) {
        if (detail::text_of(record, "type") == "effect.done") {
            done[detail::text_of(record, "effect_id")] = record;
        }
    }
    // Tags one push moved together point at one manifest; the tag compensator must know which
    // of the tags sharing it the same rollback moves back anyway (runtime/compensate.hpp).
    std::vector<const nlohmann::json*> tags;
    for (const auto& record : journal.records) {
        if (detail::text_of(record, "type") == "effect" &&
            detail::text_of(record, "kind") == "tag") {
            tags.push_back(&record);
        }
    }
    std::vector<nlohmann::json> updated = journal.records;
    for (std::size_t i = 0; i < updated.size(); ++i) {
        auto& record = updated[i];
        if (detail::text_of(record, "type") != "effect") {
            continue;
        }
        if (const auto it = done.find(detail::text_of(record, "effect_id")); it != done.end()) {
            record["done"] = it->second;
        }
        if (detail::text_of(record, "kind") != "tag") {
            continue;
        }
        auto siblings = nlohmann::json::array();
        for (const auto* other : tags) {
            if (other != &journal.records[i] &&
                detail::text_of(*other, "server") == detail::text_of(record, "server") &&
                detail::text_of(*other, "repository") == detail::text_of(record, "repository")) {
                siblings.push_back({{"tag", detail::text_of(*other, "tag")},
                                    {"before", detail::text_of(*other, "before")}});
            }
        }
        record["journal_tags"] = std::move(siblings);
    }
    journal.records = std::move(updated);
    return journal;
}

RollbackReport roll_back_run(RunRecord& record, const CompensatorTable& compensators,
                             const RollbackObserver& observer) {
    auto journal = read_journal(record.dir());
    if (!journal.error.empty()) {
        RollbackReport report;
        report.compensations.push_back({"", "journal", record.dir().string(), false,
                                        "cannot read the journal: " + journal.error});
        if (observer.compensated) {
            observer.compensated(report.compensations.back());
        }
        return report;
    }
    return roll_back(with_effect_outcomes(std::move(journal)), compensators, record, observer);
}

RollbackReport finish_failed_run(RunServices& services, RunRecord& record,
                                 const RollbackObserver& observer) {
    if (const auto journal = read_journal(record.dir());
        journal.error.empty() && journal_effects(journal).empty()) {
        return {}; // the run changed nothing (an unreadable journal is reported by roll_back_run)
    }
    CompensationContext context;
    context.config = services.config;
    context.environment = services.environment;
    context.credential_sources = services.credential_sources;
    context.getenv = services.getenv;
    return roll_back_run(record, make_compensators(std::move(context)), observer);
}

std::string commit_run(RunRecord& record) {
    return record.append({{"type", "commit"}});
}

std::string format_compensation(const Compensation& c) {
    return fmt::format("{:<13} {} {}: {}", c.restored ? "restored" : "NOT RESTORED", c.kind,
                       c.target, c.detail);
}

std::string format_rollback_summary(const RollbackReport& report) {
    const auto total = report.compensations.size();
    if (total == 0) {
        return "nothing to undo";
    }
    if (report.complete()) {
        return fmt::format("rollback complete: {} effect{} undone", total, total == 1 ? "" : "s");
    }
    const auto restored = std::count_if(report.compensations.begin(), report.compensations.end(),
                                        [](const Compensation& c) { return c.restored; });
    return fmt::format("rollback incomplete: {} of {} effects undone; fix what is said above and "
                       "run `ferry recover`",
                       restored, total);
}

std::string format_rollback_report(const RollbackReport& report) {
    std::string out;
    for (const auto& c : report.compensations) {
        out += "  " + format_compensation(c) + "\n";
    }
    return out + format_rollback_summary(report) + "\n";
}

} // namespace ferry::runtime
