// The run as a transaction: effects compensated newest first, idempotently, with the outcome
// recorded; journal states; unfinished runs found for `ferry recover`.
#include "runtime/transaction.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace ferry::runtime;

namespace {

struct TempState {
    fs::path dir = fs::temp_directory_path() /
                   ("ferry-tx-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
    TempState() { fs::create_directories(dir); }
    ~TempState() { fs::remove_all(dir); }
};

std::unique_ptr<RunRecord> new_run(const fs::path& state, long long number,
                                   const std::string& env = "test") {
    RunHeader header;
    header.pipeline = "web";
    header.environment = env;
    header.number = number;
    std::string error;
    auto record = RunRecord::create(state, header, error);
    INFO(error);
    REQUIRE(record);
    return record;
}

void effect(RunRecord& record, const std::string& id, const std::string& kind) {
    REQUIRE(record
                .append({{"type", "effect"},
                         {"effect_id", id},
                         {"kind", kind},
                         {"target", kind + " " + id},
                         {"before", "absent"}})
                .empty());
}

} // namespace

TEST_CASE("effects are compensated newest first and recorded", "[transaction]") {
    TempState state;
    auto record = new_run(state.dir, 1);
    effect(*record, "1", "namespace");
    effect(*record, "2", "release");
    effect(*record, "3", "tag");
    CHECK(journal_state(read_journal(record->dir())) == JournalState::unfinished);

    std::vector<std::string> order;
    CompensatorTable table;
    for (const char* kind : {"namespace", "release"}) {
        table[kind] = [&order](const nlohmann::json& e) {
            order.push_back(e["effect_id"].get<std::string>());
            return Compensation{{}, {}, {}, true, "restored"};
        };
    }
    const auto report = roll_back(read_journal(record->dir()), table, *record);
    CHECK(order == std::vector<std::string>{"2", "1"});
    REQUIRE(report.compensations.size() == 3);
    CHECK(report.compensations[0].effect_id == "3");
    CHECK_FALSE(report.compensations[0].restored); // no compensator for tags here
    CHECK(report.compensations[0].detail.find("'tag'") != std::string::npos);
    CHECK_FALSE(report.complete());
    CHECK(report.to_json()["complete"] == false);
    // Not everything restored: the journal stays unfinished, for `ferry recover`.
    CHECK(journal_state(read_journal(record->dir())) == JournalState::unfinished);
}

TEST_CASE("a second rollback skips what the first restored", "[transaction]") {
    TempState state;
    auto record = new_run(state.dir, 1);
    effect(*record, "1", "release");
    effect(*record, "2", "namespace");
    int calls = 0;
    bool namespace_works = false;
    CompensatorTable table;
    table["release"] = [&calls](const nlohmann::json&) {
        ++calls;
        return Compensation{{}, {}, {}, true, "rolled back"};
    };
    table["namespace"] = [&namespace_works](const nlohmann::json&) {
        return Compensation{{}, {}, {}, namespace_works, namespace_works ? "deleted" : "refused"};
    };
    CHECK_FALSE(roll_back(read_journal(record->dir()), table, *record).complete());
    CHECK(calls == 1);
    namespace_works = true;
    // The observer hears how many effects are left, then each outcome as it happens.
    std::vector<std::string> heard;
    RollbackObserver observer;
    observer.started = [&heard](std::size_t n) { heard.push_back("started " + std::to_string(n)); };
    observer.compensated = [&heard](const Compensation& c) {
        heard.push_back(c.kind + (c.restored ? " restored" : " not restored"));
    };
    const auto again = roll_back(read_journal(record->dir()), table, *record, observer);
    CHECK(heard == std::vector<std::string>{"started 1", "namespace restored"});
    CHECK(again.complete());
    CHECK(journal_state(read_journal(record->dir())) == JournalState::rolled_back);
    REQUIRE(again.compensations.size() == 1);
    CHECK(again.compensations[0].kind == "namespace");
    CHECK(calls == 1);
}

TEST_CASE("journal states and unfinished runs", "[transaction]") {
    TempState state;
    auto clean = new_run(state.dir, 1);
    CHECK(journal_state(read_journal(clean->dir())) == JournalState::clean);
    auto committed = new_run(state.dir, 2);
    effect(*committed, "1", "release");
    REQUIRE(committed->append({{"type", "commit"}}).empty());
    CHECK(journal_state(read_journal(committed->dir())) == JournalState::committed);
    auto crashed = new_run(state.dir, 3);
    effect(*crashed, "1", "release");
    auto other_env = new_run(state.dir, 4, "prod");
    effect(*other_env, "1", "release");

    const auto unfinished = unfinished_runs(state.dir, "test");
    REQUIRE(unfinished.size() == 1);
    CHECK(unfinished[0].number == 3);
    CHECK(unfinished_runs(state.dir, "").size() == 2);
}
