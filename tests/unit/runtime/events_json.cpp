// Events as data: Jenkins' result order, the NDJSON form, the fan-out, CI detection.
#include "runtime/events.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <thread>

using namespace ferry::runtime;

namespace {

std::chrono::system_clock::time_point at_ms(long long ms) {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

class Counting final : public Reporter {
public:
    explicit Counting(int& count) : count_(count) {}
    void report(const Event&) override { ++count_; }
    std::string finish() override { return "done " + std::to_string(count_); }

private:
    int& count_;
};

} // namespace

TEST_CASE("results combine as hudson.model.Result does", "[events]") {
    // Ordinals: SUCCESS 0 < UNSTABLE 1 < FAILURE 2 < NOT_BUILT 3 < ABORTED 4.
    const BuildResult order[] = {BuildResult::success, BuildResult::unstable, BuildResult::failure,
                                 BuildResult::not_built, BuildResult::aborted};
    for (std::size_t a = 0; a < 5; ++a) {
        for (std::size_t b = 0; b < 5; ++b) {
            CHECK(worse(order[a], order[b]) == order[std::max(a, b)]);
        }
    }
    CHECK(to_string(BuildResult::success) == "SUCCESS");
    CHECK(to_string(BuildResult::not_built) == "NOT_BUILT");
    CHECK(to_string(BuildResult::aborted) == "ABORTED");
    for (const auto r : order) {
        CHECK(build_result_from_string(to_string(r)) == r);
    }
    CHECK_FALSE(build_result_from_string("success"));
    CHECK_FALSE(build_result_from_string(""));
}

TEST_CASE("times are RFC 3339 UTC with milliseconds", "[events]") {
    CHECK(rfc3339_ms(at_ms(0)) == "1970-01-01T00:00:00.000Z");
    CHECK(rfc3339_ms(at_ms(1714564800123)) == "2024-05-01T12:00:00.123Z");
    CHECK(rfc3339_ms(at_ms(-1)) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("an event's JSON has type and time first, then only the fields that are set",
          "[events]") {
    Event e;
    e.type = "step.finished";
    e.time = at_ms(1714564800123);
    e.stage = "Build";
    e.stage_name = "Build";
    e.step = "Build/1";
    e.kind = "sh";
    e.file = "Jenkinsfile";
    e.line = 12;
    e.column = 17;
    e.result = "FAILURE";
    e.message = "script returned exit code 2";
    e.duration = std::chrono::milliseconds(1500);
    e.data["attempt"] = 2;
    const auto j = to_json(e);
    CHECK(j.dump() ==
          R"({"type":"step.finished","time":"2024-05-01T12:00:00.123Z","stage":"Build",)"
          R"("stage_name":"Build","step":"Build/1","kind":"sh","file":"Jenkinsfile","line":12,)"
          R"("column":17,"result":"FAILURE","message":"script returned exit code 2",)"
          R"("duration_ms":1500,"data":{"attempt":2}})");

    Event log;
    log.type = "log";
    log.time = at_ms(0);
    log.stream = "out";
    log.message = "hello";
    CHECK(to_json(log).dump() ==
          R"({"type":"log","time":"1970-01-01T00:00:00.000Z","stream":"out","message":"hello"})");
}

TEST_CASE("Reporters fans out to every reporter, from many threads, and joins finish errors",
          "[events]") {
    int first = 0;
    int second = 0;
    Reporters reporters;
    reporters.add(std::make_unique<Counting>(first));
    reporters.add(std::make_unique<Counting>(second));
    reporters.add(nullptr); // ignored
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 250; ++i) {
                Event e;
                e.type = "log";
                reporters.report(e);
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    CHECK(first == 1000);
    CHECK(second == 1000);
    CHECK(reporters.finish() == "done 1000\ndone 1000");
}

TEST_CASE("the CI system is told by its variables", "[events]") {
    const auto with = [](std::map<std::string, std::string> vars) {
        return detect_ci([vars](const std::string& name) -> std::optional<std::string> {
            const auto it = vars.find(name);
            return it == vars.end() ? std::nullopt : std::optional(it->second);
        });
    };
    CHECK(with({}) == CiSystem::none);
    CHECK(with({{"GITHUB_ACTIONS", "true"}}) == CiSystem::github_actions);
    CHECK(with({{"GITHUB_ACTIONS", "false"}}) == CiSystem::none);
    CHECK(with({{"GITLAB_CI", "true"}}) == CiSystem::gitlab_ci);
    CHECK(with({{"JENKINS_URL", "http://ci/"}}) == CiSystem::jenkins);
    CHECK(with({{"BUILD_URL", "http://ci/job/x/1/"}}) == CiSystem::jenkins);
    CHECK(with({{"JENKINS_URL", ""}}) == CiSystem::none);
}
