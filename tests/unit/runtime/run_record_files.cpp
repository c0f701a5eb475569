// Run records: creating, appending, step logs, results, listing, and reading damaged records.
#include "runtime/run_record.hpp"
#include "unit/runtime/probe_support.hpp"

#include <catch2/catch.hpp>
#include <thread>

using namespace ferry::runtime;
using ferry::testing::read_file;
using ferry::testing::TempDir;
using ferry::testing::write_file;
namespace fs = std::filesystem;

namespace {

RunHeader header_of(long long number, const std::string& pipeline = "shop") {
    RunHeader h;
    h.pipeline = pipeline;
    h.environment = "test";
    h.number = number;
    h.pipeline_file = "Jenkinsfile";
    h.commit = "0123456789abcdef";
    h.plan_fingerprint = "sha256:feed";
    return h;
}

std::unique_ptr<RunRecord> create(const fs::path& state, long long number,
                                  const std::string& pipeline = "shop") {
    std::string error;
    auto record = RunRecord::create(state, header_of(number, pipeline), error);
    REQUIRE(record);
    CHECK(error.empty());
    return record;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("a run record: header, appended records with seq and time, result", "[run_record]") {
    const TempDir dir("runs");
    const auto state = dir / ".ferry";
    auto record = create(state, 3);
    CHECK(record->dir() == state / "runs" / "shop" / "3");
    CHECK(record->header().commit == "0123456789abcdef");
    CHECK(record->append({{"type", "step.started"}, {"step", "Build/1"}}).empty());
    CHECK(record->append({{"step", "x"}}) == "a journal record needs a string `type`");
    CHECK(record->append({{"seq", 99}, {"type", "step.finished"}, {"result", "SUCCESS"}}).empty());
    const auto text = read_file(record->dir() / "journal.ndjson");
    CHECK(text.rfind(R"({"format":"ferry-run-journal","version":1,"pipeline":"shop",)", 0) == 0);
    const auto read = read_journal(record->dir());
    CHECK(read.error.empty());
    CHECK_FALSE(read.torn_tail);
    REQUIRE(read.header);
    CHECK(read.header->number == 3);
    CHECK(read.header->plan_fingerprint == "sha256:feed");
    REQUIRE(read.records.size() == 2);
    CHECK(read.records[0]["seq"] == 1);
    CHECK(read.records[1]["seq"] == 2);
    CHECK(read.records[1]["type"] == "step.finished");
    CHECK(read.records[0]["time"].get<std::string>().size() == 24);
    CHECK(fs::is_directory(record->artifacts_dir()));

    RunResultRecord result;
    result.result = BuildResult::unstable;
    result.exit_code = 3;
    result.started = "2024-05-01T12:00:00.000Z";
    result.duration_ms = 1234;
    result.stages.push_back({{"id", "Build"}, {"result", "UNSTABLE"}});
    CHECK(record->write_result(result).empty());
    std::string error;
    const auto back = read_result(record->dir(), error);
    REQUIRE(back);
    CHECK(error.empty());
    CHECK(back->result == BuildResult::unstable);
    CHECK(back->exit_code == 3);
    CHECK(back->duration_ms == 1234);
    CHECK(back->stages.size() == 1);
}

TEST_CASE("a run number is never reused", "[run_record]") {
    const TempDir dir("runs");
    auto first = create(dir / ".ferry", 1);
    std::string error;
    CHECK_FALSE(RunRecord::create(dir / ".ferry", header_of(1), error));
    CHECK(has(error, "a run record with this number exists already"));
}

TEST_CASE("appends from many threads are whole lines with distinct seq", "[run_record]") {
    const TempDir dir("runs");
    auto record = create(dir / ".ferry", 1);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                (void)record->append({{"type", "log"}, {"thread", t}, {"i", i}});
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    const auto read = read_journal(record->dir());
    CHECK(read.error.empty());
    REQUIRE(read.records.size() == 200);
    for (std::size_t i = 0; i < read.records.size(); ++i) {
        CHECK(read.records[i]["seq"] == i + 1);
    }
}

TEST_CASE("step logs: safe file names, lines in order, the tail", "[run_record]") {
    const TempDir dir("runs");
    auto record = create(dir / ".ferry", 1);
    auto& log = record->step_log("Deploy/post:always/1.2");
    CHECK(&log == &record->step_log("Deploy/post:always/1.2"));
    CHECK(log.path() == record->dir() / "steps" / "Deploy~post:always~1.2.log");
    CHECK(step_log_path("/r", "a%2Fb/~x").filename() == "a%252Fb~%7Ex.log");
    CHECK(step_log_path("/r", "../x").filename() == "%2E.~x.log");
    const auto long_name = step_log_path("/r", std::string(500, 'a')).filename().string();
    CHECK(long_name.size() < 255);
    CHECK(long_name != step_log_path("/r", std::string(501, 'a')).filename().string());
    CHECK(log.tail(5).empty());
    for (int i = 1; i <= 3000; ++i) {
        log.write_line(i % 2 == 0 ? "err" : "out", "line " + std::to_string(i));
    }
    const auto tail = log.tail(3);
    REQUIRE(tail.size() == 3);
    CHECK(tail[0] == "line 2998");
    CHECK(tail[2] == "line 3000");
    CHECK(log.tail(5000).size() == 3000);
    CHECK(log.tail(5000).front() == "line 1");
    const auto text = read_file(log.path());
    CHECK(text.rfind("line 1\nline 2\n", 0) == 0);
}

TEST_CASE("list_runs: newest first, every pipeline, odd directories ignored", "[run_record]") {
    const TempDir dir("runs");
    const auto state = dir / ".ferry";
    for (const long long n : {1, 2, 10}) {
        auto record = create(state, n);
        if (n != 10) {
            RunResultRecord result;
            result.result = n == 1 ? BuildResult::failure : BuildResult::success;
            CHECK(record->write_result(result).empty());
        }
    }
    auto other = create(state, 1, "other pipe/x");
    fs::create_directories(state / "runs" / "shop" / "notes");
    fs::create_directories(state / "runs" / "shop" / "007");
    write_file(state / "runs" / "shop" / "5", "a file, not a run");
    fs::create_directories(state / "runs" / "shop" / "4"); // no journal: damaged

    const auto runs = list_runs(state, "shop");
    REQUIRE(runs.size() == 4);
    CHECK(runs[0].number == 10);
    CHECK_FALSE(runs[0].result); // still going
    CHECK(runs[0].error.empty());
    CHECK(runs[1].number == 4);
    CHECK(has(runs[1].error, "no run journal"));
    CHECK(runs[2].number == 2);
    CHECK(runs[2].result->result == BuildResult::success);
    CHECK(runs[3].result->result == BuildResult::failure);
    CHECK(runs[3].header->environment == "test");

    const auto all = list_runs(state, "");
    CHECK(all.size() == 5);
    CHECK(all[0].pipeline == "other pipe/x");
    CHECK(list_runs(state, "none").empty());
    CHECK(list_runs(dir / "missing", "").empty());
}

TEST_CASE("a torn last journal line is flagged and ignored; open() cuts it off", "[run_record]") {
    const TempDir dir("runs");
    fs::path run_dir;
    {
        auto record = create(dir / ".ferry", 1);
        run_dir = record->dir();
        CHECK(record->append({{"type", "a"}}).empty());
    }
    const auto journal = run_dir / "journal.ndjson";
    write_file(journal, read_file(journal) + R"({"type":"b","seq":2,"ti)");
    auto read = read_journal(run_dir);
    CHECK(read.error.empty());
    CHECK(read.torn_tail);
    CHECK(read.records.size() == 1);

    std::string error;
    auto reopened = RunRecord::open(run_dir, error);
    REQUIRE(reopened);
    CHECK(reopened->append({{"type", "c"}}).empty());
    read = read_journal(run_dir);
    CHECK_FALSE(read.torn_tail);
    REQUIRE(read.records.size() == 2);
    CHECK(read.records[1]["type"] == "c");
    CHECK(read.records[1]["seq"] == 2);
}

TEST_CASE("damaged and future-version records are reported with their path, never thrown",
          "[run_record]") {
    const TempDir dir("runs");
    const auto run_dir = dir / "run";
    const auto journal = run_dir / "journal.ndjson";
    std::string error;

    write_file(journal, R"({"format":"ferry-run-journal","version":2,"number":1})"
                        "\n");
    auto read = read_journal(run_dir);
    CHECK_FALSE(read.header);
    CHECK(has(read.error, journal.string() + ": run journal format version 2 is not known"));
    CHECK_FALSE(RunRecord::open(run_dir, error));
    CHECK(has(error, "version 2"));

    write_file(journal, R"({"format":"ferry-run-journal","version":1,"number":1})"
                        "\n{\"type\":\"a\"}\nnot json at all\n{\"type\":\"b\"}\n");
    read = read_journal(run_dir);
    REQUIRE(read.header);
    CHECK(read.records.size() == 1);
    CHECK(has(read.error, journal.string() + ":3: damaged run journal"));

    for (const std::string& text : std::vector<std::string>{
             "", "garbage\n", "[1,2]\n",
             R"({"format":"other","version":1})"
             "\n",
             R"({"format":"ferry-run-journal","version":"1"})"
             "\n",
             R"({"format":"ferry-run-journal","version":1})"
             "\n",
             std::string("\0\0\0\n", 4), "{\"format\":\"ferry-run-journal\",\"vers"}) {
        write_file(journal, text);
        read = read_journal(run_dir);
        CHECK_FALSE(read.header);
        CHECK(has(read.error, journal.string()));
    }

    const auto result = run_dir / "result.json";
    CHECK_FALSE(read_result(run_dir, error));
    CHECK(has(error, "no result"));
    for (const std::string text :
         {"{", "[]", R"({"format":"ferry-run-result","version":9,"result":"SUCCESS"})",
          R"({"format":"ferry-run-result","version":1,"result":"GREAT","exit_code":0})",
          R"({"format":"ferry-run-result","version":1,"result":"SUCCESS"})"}) {
        write_file(result, text);
        error.clear();
        CHECK_FALSE(read_result(run_dir, error));
        CHECK(has(error, result.string()));
    }
    CHECK(has(error, "damaged run result"));
}
