#include "runtime/transaction.hpp"

#include "runtime/run_record_format.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>

namespace ferry::runtime {

namespace {

std::string text_field(const nlohmann::json& record, const char* name) {
    const auto it = record.find(name);
    return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string type_of(const nlohmann::json& record) {
    return record.is_object() ? text_field(record, "type") : std::string();
}

/// Effects already compensated (restored) by an earlier, possibly interrupted, rollback.
std::set<std::string> compensated_ids(const JournalRead& journal) {
    std::set<std::string> ids;
    for (const auto& record : journal.records) {
        if (type_of(record) == "compensated") {
            ids.insert(text_field(record, "effect_id"));
        }
    }
    return ids;
}

// Whether a journal's bytes may hold an `effect` record. ferry writes the type as the plain
// word; a journal edited by hand might spell it with JSON escapes, so one holding a backslash
// is read in full too. An unreadable journal is read in full, so its error is reported.
bool may_hold_effects(const std::filesystem::path& run_dir) {
    std::ifstream in(run_dir / detail::journal_file, std::ios::binary);
    if (!in) {
        return true;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const auto bytes = std::move(text).str();
    return bytes.find("effect") != std::string::npos || bytes.find('\\') != std::string::npos;
}

} // namespace

JournalState journal_state(const JournalRead& journal) {
    bool effects = false;
    bool committed = false;
    bool rolled_back = false;
    for (const auto& record : journal.records) {
        const std::string type = type_of(record);
        if (type == "effect") {
            effects = true;
            // An effect after a finished rollback (a later `ferry rollback` of the same run
            // does not add effects, so this is a new transaction segment) reopens the journal.
            rolled_back = false;
            committed = false;
        } else if (type == "commit") {
            committed = true;
        } else if (type == "rollback.finished") {
            // A rollback that could not restore everything leaves the journal unfinished:
            // `ferry recover` tries again, and no new run starts over it.
            rolled_back = record.value("complete", false);
        } else if (type == "rollback.started") {
            rolled_back = false;
        }
    }
    if (rolled_back) {
        return JournalState::rolled_back;
    }
    if (committed) {
        return JournalState::committed;
    }
    return effects ? JournalState::unfinished : JournalState::clean;
}

std::vector<nlohmann::json> journal_effects(const JournalRead& journal) {
    std::vector<nlohmann::json> effects;
    for (const auto& record : journal.records) {
        if (type_of(record) == "effect") {
            effects.push_back(record);
        }
    }
    return effects;
}

bool RollbackReport::complete() const {
    for (const auto& c : compensations) {
        if (!c.restored) {
            return false;
        }
    }
    return true;
}

nlohmann::ordered_json RollbackReport::to_json() const {
    auto items = nlohmann::ordered_json::array();
    for (const auto& c : compensations) {
        items.push_back({{"effect_id", c.effect_id},
                         {"kind", c.kind},
                         {"target", c.target},
                         {"restored", c.restored},
                         {"detail", c.detail}});
    }
    return {{"complete", complete()}, {"compensations", std::move(items)}};
}

RollbackReport roll_back(const JournalRead& journal, const CompensatorTable& compensators,
                         RunRecord& record, const RollbackObserver& observer) {
    RollbackReport report;
    const auto done = compensated_ids(journal);
    const auto effects = journal_effects(journal);
    (void)record.append({{"type", "rollback.started"}, {"effects", effects.size()}});
    if (observer.started) {
        const auto left = std::count_if(effects.begin(), effects.end(), [&](const auto& effect) {
            return done.count(text_field(effect, "effect_id")) == 0;
        });
        observer.started(static_cast<std::size_t>(left));
    }
    for (auto it = effects.rbegin(); it != effects.rend(); ++it) {
        const auto& effect = *it;
        Compensation outcome;
        outcome.effect_id = text_field(effect, "effect_id");
        outcome.kind = text_field(effect, "kind");
        outcome.target = text_field(effect, "target");
        if (done.count(outcome.effect_id) != 0) {
            continue; // restored by an earlier rollback of this journal
        }
        if (const auto c = compensators.find(outcome.kind); c == compensators.end()) {
            outcome.detail =
                fmt::format("ferry does not know how to undo a '{}' effect", outcome.kind);
        } else {
            Compensation result = c->second(effect);
            outcome.restored = result.restored;
            outcome.detail = std::move(result.detail);
        }
        nlohmann::ordered_json entry = {
            {"type", outcome.restored ? "compensated" : "compensation.failed"},
            {"effect_id", outcome.effect_id},
            {"kind", outcome.kind},
            {"target", outcome.target},
            {"detail", outcome.detail}};
        if (auto error = record.append(std::move(entry)); !error.empty()) {
            outcome.restored = false;
            outcome.detail += fmt::format(" (and the journal could not record it: {})", error);
        }
        if (observer.compensated) {
            observer.compensated(outcome);
        }
        report.compensations.push_back(std::move(outcome));
    }
    (void)record.append({{"type", "rollback.finished"}, {"complete", report.complete()}});
    return report;
}

std::vector<RunSummary> unfinished_runs(const std::filesystem::path& state_dir,
                                        std::string_view environment) {
    // Every `ferry run` asks this over all the runs kept: each journal is read as bytes and
    // parsed only when it may hold an effect, since one without is never unfinished.
    std::vector<RunSummary> out;
    for (const auto& run : list_run_dirs(state_dir, "")) {
        if (!may_hold_effects(run.dir)) {
            continue;
        }
        const auto journal = read_journal(run.dir);
        if (journal.header && (environment.empty() || journal.header->environment == environment) &&
            journal_state(journal) == JournalState::unfinished) {
            out.push_back(summarise_run(run));
        }
    }
    std::reverse(out.begin(), out.end());
    return out;
}

} // namespace ferry::runtime
