// What a run record makes durable, and when: nothing until the first effect (a journal without
// one is never unfinished, so a run that changes nothing makes no fsync); the first effect syncs
// the journal with the run's directory and its parent, so the header and every earlier record
// are durable with it; after that every record but progress is synced. A crash test cannot see
// a missing fsync (SIGKILL keeps the page cache), so the calls themselves are counted here:
// this executable defines fsync, which the runtime's calls then reach before libc's.
#include "runtime/run_record.hpp"
#include "unit/runtime/probe_support.hpp"

#include <catch2/catch.hpp>
#include <mutex>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::mutex synced_mutex;
std::vector<fs::path> synced; // what each fsync was given, in order

fs::path path_of(int fd) {
    std::error_code ec;
    return fs::read_symlink("/proc/self/fd/" + std::to_string(fd), ec);
}

std::vector<fs::path> take_synced() {
    const std::lock_guard lock(synced_mutex);
    return std::exchange(synced, {});
}

} // namespace

extern "C" int fsync(int fd) {
    {
        const std::lock_guard lock(synced_mutex);
        synced.push_back(path_of(fd));
    }
    return static_cast<int>(::syscall(SYS_fsync, fd));
}

TEST_CASE("a run record is synced from its first effect on, never before", "[run_record]") {
    using namespace ferry::runtime;
    const ferry::testing::TempDir dir("durable");
    const auto state = fs::canonical(dir.path()) / ".ferry";
    RunHeader header;
    header.pipeline = "shop";
    header.environment = "test";
    header.number = 1;
    std::string error;
    (void)take_synced();
    auto record = RunRecord::create(state, header, error);
    REQUIRE(record);
    const auto journal = record->dir() / "journal.ndjson";

    CHECK(record->append({{"type", "run.started"}}).empty());    // progress
    CHECK(record->append({{"type", "input.approved"}}).empty()); // not progress, before any effect
    CHECK(take_synced().empty());

    SECTION("a run without effects makes no fsync, its result included") {
        CHECK(record->append({{"type", "run.finished"}}).empty());
        RunResultRecord result;
        CHECK(record->write_result(result).empty());
        CHECK(take_synced().empty());
    }
    SECTION("the first effect syncs the journal and the directories that make it findable") {
        CHECK(record->append({{"type", "effect"}, {"id", "e1"}}).empty());
        const auto first = take_synced();
        CHECK(first == std::vector<fs::path>{journal, record->dir(), record->dir().parent_path()});
        CHECK(record->append({{"type", "step.finished"}}).empty()); // progress: not synced
        CHECK(take_synced().empty());
        CHECK(record->append({{"type", "commit"}}).empty());
        CHECK(take_synced() == std::vector<fs::path>{journal});
        RunResultRecord result;
        CHECK(record->write_result(result).empty());
        CHECK(take_synced() == std::vector<fs::path>{record->dir()});

        SECTION("a journal opened again (ferry recover) knows it holds an effect") {
            record.reset();
            auto opened = RunRecord::open(state / "runs" / "shop" / "1", error);
            REQUIRE(opened);
            CHECK(opened->append({{"type", "rollback.started"}}).empty());
            const auto again = take_synced();
            REQUIRE_FALSE(again.empty());
            CHECK(again.front() == journal);
        }
    }
}
