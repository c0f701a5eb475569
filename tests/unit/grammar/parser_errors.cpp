// Each syntax diagnostic code: its golden input triggers exactly it, once.
#include "grammar/diagnostic.hpp"
#include "grammar/parser.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace ferry::grammar;
namespace fs = std::filesystem;

namespace {

ParseResult parse_text(std::string text) {
    const SourceFile file("errors.groovy", std::move(text));
    return parse(file);
}

std::string message_of(const ParseResult& r) {
    return r.diagnostics.empty() ? std::string() : r.diagnostics.all().front().message;
}

} // namespace

TEST_CASE("errors: every E01 golden input reports its own code") {
    const fs::path dir = fs::path(FERRY_SOURCE_DIR) / "tests" / "golden" / "check";
    std::size_t seen = 0;
    for (const auto& info : grammar_codes()) {
        if (info.code.substr(0, 3) != "E01") {
            continue;
        }
        const fs::path input =
            dir / (std::string(info.code) + "-" + std::string(info.name) + ".groovy");
        INFO(input.string());
        REQUIRE(fs::exists(input));
        std::ifstream in(input, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        const auto r = parse_text(ss.str());
        CHECK_FALSE(r.tree);
        REQUIRE(r.diagnostics.all().size() == 1);
        CHECK(r.diagnostics.all().front().code == info.code);
        ++seen;
    }
    CHECK(seen == 15);
}

TEST_CASE("errors: Groovy's own wording for what Groovy rejects") {
    CHECK(message_of(parse_text("timeout(time: 1, time: 2) { }")) ==
          "Duplicate named parameter 'time' found");
    CHECK(message_of(parse_text("123_ABC = 'x'"))
              .find("expecting token in range: '0'..'9', found 'A'") != std::string::npos);
    CHECK(message_of(parse_text("\"heyLook\" = 'x'")) ==
          "[heyLook] is a constant expression, but it should be a variable expression");
    CHECK(message_of(parse_text("hey-look = 'x'")) ==
          "(hey - look) is a binary expression, but it should be a variable expression");
}

TEST_CASE("errors: spans point where the problem is") {
    const auto unclosed = parse_text("pipeline {\n  stages {\n    stage('a') {\n  }\n}\n");
    REQUIRE(unclosed.diagnostics.all().size() == 1);
    CHECK(unclosed.diagnostics.all().front().span.begin == 9); // pipeline's '{'
    const auto stray = parse_text("sh 'a'\n}\n");
    CHECK(stray.diagnostics.all().front().code == "E0104");
    CHECK(stray.diagnostics.all().front().span.begin == 7);
    const auto args = parse_text("foo(a b)");
    CHECK(args.diagnostics.all().front().span.begin == 6);
    CHECK(message_of(args) == "unexpected 'b': expected ',' or ')'");
}
