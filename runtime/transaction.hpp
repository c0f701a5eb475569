#pragma once
// A run as a transaction over its journal (runtime/run_record.hpp). Before a step changes the
// world it appends an `effect` record saying what it is about to replace; afterwards an
// `effect.done` record. A successful run appends `commit`. When a run fails, on
// `ferry rollback` and on `ferry recover`, every effect of the journal is compensated in reverse
// order by the compensator registered for its kind (helm release, image tag, namespace,
// secret, …), each outcome appended as `compensated` or `compensation.failed`, and finally
// `rollback.finished`. Compensations are idempotent and already-compensated effects are skipped,
// so an interrupted rollback can simply be run again.
//
// Effect record: {"type": "effect", "effect_id": "<unique in the run>", "kind": "release",
//                 "target": "<for people>", "before": {…}, …kind-specific fields…}

#include "runtime/run_record.hpp"

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

/// What undoing one effect did.
struct Compensation {
    std::string effect_id;
    std::string kind;
    std::string target;
    bool restored = false;
    std::string detail; ///< what was done ("rolled back to revision 3"), or why it could not be
};

/// Undoes one effect (the journal's `effect` record) and says what happened. Must be
/// idempotent: called again after a crash, it finds the world already restored and says so.
using Compensator = std::function<Compensation(const nlohmann::json& effect)>;
using CompensatorTable = std::map<std::string, Compensator, std::less<>>;

/// Where a journal stands.
enum class JournalState {
    clean,       ///< no effect recorded, or committed, or fully rolled back
    committed,   ///< the run succeeded and committed its effects
    rolled_back, ///< a rollback finished and restored everything
    unfinished,  ///< effects recorded, neither committed nor fully rolled back: `ferry recover`
};

[[nodiscard]] JournalState journal_state(const JournalRead& journal);

/// The effects of a journal, in the order they were recorded.
[[nodiscard]] std::vector<nlohmann::json> journal_effects(const JournalRead& journal);

struct RollbackReport {
    std::vector<Compensation> compensations; ///< in the order they ran (reverse of the effects)
    [[nodiscard]] bool complete() const;     ///< every effect restored
    [[nodiscard]] nlohmann::ordered_json to_json() const;
};

/// Told of a rollback as it goes (`ferry run` turns it into events). Either may be empty.
struct RollbackObserver {
    std::function<void(std::size_t effects)> started; ///< effects left to undo
    std::function<void(const Compensation&)> compensated;
};

/// Compensates, newest first, every effect of `journal` not compensated yet, appending the
/// outcomes to `record` (the same run's record, opened for append). An effect whose kind has no
/// compensator is reported as not restored. Appends `rollback.finished` at the end.
[[nodiscard]] RollbackReport roll_back(const JournalRead& journal,
                                       const CompensatorTable& compensators, RunRecord& record,
                                       const RollbackObserver& observer = {});

/// The runs of `state_dir` whose journals are unfinished, oldest first (what `ferry recover`
/// and the next `ferry run` of the environment must finish first).
[[nodiscard]] std::vector<RunSummary> unfinished_runs(const std::filesystem::path& state_dir,
                                                      std::string_view environment);

} // namespace ferry::runtime
