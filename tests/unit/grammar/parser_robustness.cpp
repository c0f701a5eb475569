// Bad input never crashes the parser: it parses or stops with one clear diagnostic.
#include "grammar/parser.hpp"
#include "grammar/peg_grammar.hpp"
#include "grammar/syntax_dump.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <tao/pegtl/contrib/analyze.hpp>

using namespace ferry::grammar;

namespace {

ParseResult parse_text(std::string text) {
    const SourceFile file("robust.groovy", std::move(text));
    return parse(file);
}

std::string code_of(const ParseResult& r) {
    return r.diagnostics.empty() ? std::string("none") : r.diagnostics.all().front().code;
}

std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (std::size_t i = 0; i < n; ++i) {
        out += s;
    }
    return out;
}

} // namespace

TEST_CASE("robustness: the grammar has no rule that loops without consuming") {
    CHECK(tao::pegtl::analyze<peg::file>(-1) == 0);
    CHECK(tao::pegtl::analyze<peg::expression_text>(-1) == 0);
}

TEST_CASE("robustness: an empty file is an empty tree") {
    const auto r = parse_text("");
    REQUIRE(r.tree);
    CHECK(r.tree->stmts.empty());
    CHECK(parse_text("\n\n  // only a comment\n").tree);
    CHECK(parse_text("\xEF\xBB\xBF").tree);
}

TEST_CASE("robustness: binary garbage is not text") {
    std::mt19937 rng(42);
    std::string garbage(4096, '\0');
    for (auto& c : garbage) {
        c = static_cast<char>(rng() & 0xFF);
    }
    const auto r = parse_text(garbage);
    CHECK_FALSE(r.tree);
    CHECK(code_of(r) == "E0106");
    CHECK(code_of(parse_text("sh 'a\xC3'")) == "E0106");
    CHECK(code_of(parse_text("sh 'caf\xC3\xA9'")) == "none");
}

TEST_CASE("robustness: printable garbage stops with one diagnostic") {
    std::mt19937 rng(7);
    const std::string alphabet = "{}()[]'\"/$\\*+-=:;,.?!<>&|ab1 \n\t#@~%^";
    for (int round = 0; round < 300; ++round) {
        std::string text(static_cast<std::size_t>(rng() % 200), ' ');
        for (auto& c : text) {
            c = alphabet[rng() % alphabet.size()];
        }
        const auto r = parse_text(text);
        CHECK((r.tree.has_value() || r.diagnostics.error_count() == 1));
    }
}

TEST_CASE("robustness: a 10 MB pipeline parses") {
    std::string text = "pipeline {\n  agent any\n  stages {\n";
    const std::string stage =
        "    stage('s') {\n      steps {\n        sh \"echo ${env.X} $Y\"\n        echo 'x'\n"
        "      }\n    }\n";
    while (text.size() < 10u * 1024 * 1024) {
        text += stage;
    }
    text += "  }\n}\n";
    const auto r = parse_text(text);
    REQUIRE(r.tree);
    CHECK(r.tree->stmts.size() == 1);
}

TEST_CASE("robustness: 10,000 nested brackets stop at the nesting limit") {
    CHECK(code_of(parse_text(repeat("{", 10000) + repeat("}", 10000))) == "E0105");
    CHECK(code_of(parse_text("x = " + repeat("(", 10000) + "1" + repeat(")", 10000))) == "E0105");
    CHECK(code_of(parse_text("x = " + repeat("[", 10000) + "1" + repeat("]", 10000))) == "E0105");
    CHECK(code_of(parse_text("x = " + repeat("\"${", 10000) + "1" + repeat("}\"", 10000))) ==
          "E0105");
    CHECK(code_of(parse_text("script {" + repeat("(", 10000) + repeat(")", 10000) + "}")) ==
          "E0105");
    CHECK(code_of(parse_text(repeat("if (x) ", 10000) + "y()")) == "E0105");
    CHECK(code_of(parse_text("x = " + repeat("a ? ", 10000) + "b" + repeat(" : c", 10000))) ==
          "E0105");
    // Below the limit it parses.
    CHECK(parse_text(repeat("{", 200) + repeat("}", 200)).tree);
    CHECK(parse_text("x = " + repeat("(", 250) + "1" + repeat(")", 250)).tree);
}

TEST_CASE("robustness: long operator chains never overflow the stack") {
    CHECK(code_of(parse_text("x = " + repeat("a + ", 100000) + "a")) == "E0105");
    CHECK(code_of(parse_text("x = " + repeat("!", 100000) + "a")) == "E0105");
    CHECK(code_of(parse_text("x = a" + repeat(".b", 100000))) == "E0105");
    const auto ok = parse_text("x = " + repeat("a + ", 1000) + "a");
    REQUIRE(ok.tree);
    CHECK(!syntax::dump(*ok.tree).empty());
}

TEST_CASE("robustness: unterminated things at the end of the file") {
    CHECK(code_of(parse_text("sh 'abc")) == "E0101");
    CHECK(code_of(parse_text("sh \"abc")) == "E0101");
    CHECK(code_of(parse_text("sh '''abc")) == "E0101");
    CHECK(code_of(parse_text("sh \"\"\"abc ${x}")) == "E0101");
    CHECK(code_of(parse_text("x = /abc")) == "E0101");
    CHECK(code_of(parse_text("x = $/abc")) == "E0101");
    CHECK(code_of(parse_text("script { sh 'abc }")) == "E0101");
    CHECK(code_of(parse_text("sh 'a' /* abc")) == "E0102");
    CHECK(code_of(parse_text("pipeline {")) == "E0103");
    CHECK(code_of(parse_text("sh(")) == "E0103");
    CHECK(code_of(parse_text("x = [1,")) == "E0103");
    CHECK(code_of(parse_text("x = \"${a")) == "E0103");
    const auto r = parse_text("\n\nsh \"abc");
    REQUIRE(!r.diagnostics.empty());
    CHECK(r.diagnostics.all().front().span.begin == 5); // at the opening quote
}
