#include "runtime/watch_policy.hpp"

#include <catch2/catch.hpp>
#include <thread>

namespace rt = ferry::runtime;

TEST_CASE("watch: globs match paths as includedRegions do", "[watch]") {
    CHECK(rt::glob_matches("ch11/bulletin-board/**", "ch11/bulletin-board/src/app.js"));
    CHECK(rt::glob_matches("ch11/bulletin-board/**", "ch11/bulletin-board/Dockerfile"));
    CHECK_FALSE(rt::glob_matches("ch11/bulletin-board/**", "ch11/other/app.js"));
    CHECK_FALSE(rt::glob_matches("ch11/bulletin-board/**", "docs/ch11/bulletin-board/x"));
    CHECK(rt::glob_matches("src/*.js", "src/app.js"));
    CHECK_FALSE(rt::glob_matches("src/*.js", "src/lib/app.js"));
    CHECK(rt::glob_matches("src/**/*.js", "src/app.js"));
    CHECK(rt::glob_matches("src/**/*.js", "src/a/b/app.js"));
    CHECK(rt::glob_matches("**/package.json", "package.json"));
    CHECK(rt::glob_matches("**/package.json", "app/package.json"));
    CHECK(rt::glob_matches("*.md", "docs/guide/intro.md")); // no slash: any directory
    CHECK_FALSE(rt::glob_matches("*.md", "docs/guide/intro.mdx"));
    CHECK(rt::glob_matches("app/", "app/server.js"));
    CHECK(rt::glob_matches("./app/**", "app/server.js"));
    CHECK(rt::glob_matches("file?.txt", "file1.txt"));
    CHECK_FALSE(rt::glob_matches("file?.txt", "file12.txt"));
    CHECK(rt::glob_matches("v[0-9].txt", "v7.txt"));
    CHECK_FALSE(rt::glob_matches("v[!0-9].txt", "v7.txt"));
    CHECK(rt::glob_matches("v[!0-9].txt", "vx.txt"));
    CHECK(rt::glob_matches("odd[name", "odd[name"));
    CHECK_FALSE(rt::glob_matches("", "x"));
}

TEST_CASE("watch: the path filter says which file and glob decided", "[watch]") {
    const std::vector<std::string> changed = {"README.md", "app/server.js"};
    auto decision = rt::filter_paths({"docs/**", "app/**"}, changed);
    CHECK(decision.build);
    CHECK(decision.matched_file == "app/server.js");
    CHECK(decision.matched_glob == "app/**");
    CHECK_FALSE(rt::filter_paths({"docs/**"}, changed).build);
    CHECK_FALSE(rt::filter_paths({"docs/**"}, {}).build);
    CHECK(rt::filter_paths({}, changed).build);
    CHECK(rt::filter_paths({}, {}).build);
}

TEST_CASE("watch: commits queued during a run coalesce to the newest", "[watch]") {
    rt::CoalescingQueue queue;
    CHECK_FALSE(queue.take());
    auto first = queue.offer({"aaa", "main"});
    CHECK(first.queued);
    CHECK_FALSE(first.replaced);
    auto again = queue.offer({"aaa", "main"});
    CHECK_FALSE(again.queued);
    auto second = queue.offer({"bbb", "main"});
    CHECK(second.queued);
    CHECK(second.replaced == "aaa");
    CHECK(queue.waiting() == "bbb");
    const auto taken = queue.take();
    REQUIRE(taken);
    CHECK(taken->sha == "bbb");
    CHECK_FALSE(queue.take());
    CHECK_FALSE(queue.waiting());
}

TEST_CASE("watch: the queue is safe between a poller and a runner", "[watch]") {
    rt::CoalescingQueue queue;
    std::thread poller([&] {
        for (int i = 0; i < 1000; ++i) {
            (void)queue.offer({std::to_string(i), "main"});
        }
    });
    int taken = 0;
    for (int i = 0; i < 1000; ++i) {
        taken += queue.take().has_value() ? 1 : 0;
    }
    poller.join();
    const auto last = queue.take();
    CHECK((last ? last->sha == "999" : taken > 0));
}
