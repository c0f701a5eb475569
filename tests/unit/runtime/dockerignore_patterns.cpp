#include "runtime/dockerignore.hpp"

#include <catch2/catch.hpp>

using ferry::runtime::clean_path;
using ferry::runtime::DockerIgnore;
using ferry::runtime::dockerignore_match;

namespace {

DockerIgnore parse(std::string_view text) {
    std::string error;
    auto out = DockerIgnore::parse(text, ".dockerignore", error);
    REQUIRE(out);
    return *out;
}

} // namespace

TEST_CASE("dockerignore: glob segments as Go's filepath.Match", "[dockerignore]") {
    struct Row {
        const char* pattern;
        const char* path;
        bool match;
    };
    const Row rows[] = {
        {"*.md", "README.md", true},
        {"*.md", "docs/README.md", false},
        {"*/*.md", "docs/a.md", true},
        {"**/*.md", "docs/a/b.md", true},
        {"**/*.md", "a.md", true},
        {"docs/**", "docs/a/b", true},
        {"a?c", "abc", true},
        {"a?c", "a/c", false},
        {"[a-c]x", "bx", true},
        {"[^a-c]x", "bx", false},
        {"[^a-c]x", "dx", true},
        {"\\*x", "*x", true},
        {"\\*x", "ax", false},
        {"a/**/b", "a/b", true},
        {"a/**/b", "a/x/y/b", true},
        {"a/**/b", "a/xb", false},
        {"node_modules", "node_modules", true},
    };
    for (const auto& row : rows) {
        INFO(row.pattern << " ~ " << row.path);
        CHECK(dockerignore_match(row.pattern, row.path) == row.match);
    }
}

TEST_CASE("dockerignore: cleaning, comments, parents, exceptions", "[dockerignore]") {
    CHECK(clean_path("./a//b/") == "a/b");
    CHECK(clean_path("/a/../b") == "/b");
    CHECK(clean_path("") == ".");
    const auto ignore = parse("# comment\n\n/node_modules\n*.log\n!keep.log\ndist/\n"
                              "secret/*\n!secret/public.txt\n");
    CHECK(ignore.excluded("node_modules"));
    CHECK(ignore.excluded("node_modules/x/y.js")); // a parent matched
    CHECK(ignore.excluded("debug.log"));
    CHECK_FALSE(ignore.excluded("keep.log"));
    CHECK_FALSE(ignore.excluded("sub/debug.log")); // `*` stays in the top segment
    CHECK(ignore.excluded("dist/app.js"));
    CHECK(ignore.excluded("secret/key"));
    CHECK_FALSE(ignore.excluded("secret/public.txt"));
    CHECK_FALSE(ignore.excluded("src/app.js"));
    CHECK(ignore.has_exceptions());
}

TEST_CASE("dockerignore: the last matching line wins", "[dockerignore]") {
    const auto ignore = parse("*.txt\n!important.txt\nimportant.txt\n");
    CHECK(ignore.excluded("important.txt"));
    const auto again = parse("**\n!src\n");
    CHECK(again.excluded("Dockerfile"));
    CHECK_FALSE(again.excluded("src/a.c"));
}

TEST_CASE("dockerignore: malformed patterns name the line", "[dockerignore]") {
    std::string error;
    CHECK_FALSE(DockerIgnore::parse("ok\n[abc\n", "ctx/.dockerignore", error));
    CHECK(error.find("ctx/.dockerignore:2") != std::string::npos);
}
