// The checks' value helpers: how Jenkins sees a literal, env identifiers, nearest names, and
// the Java-like regular expression scan.

#include "compiler/check_context.hpp"

#include <catch2/catch.hpp>

namespace {

using ferry::compiler::detail::Literal;
using ferry::grammar::syntax::Expr;
using ferry::grammar::syntax::ExprKind;

Expr make(ExprKind kind, std::string value) {
    Expr expr;
    expr.kind = kind;
    expr.value = std::move(value);
    return expr;
}

} // namespace

TEST_CASE("check values: literals get Groovy's classes", "[check]") {
    using ferry::compiler::detail::java_class;
    using ferry::compiler::detail::literal_of;

    const auto small = literal_of(make(ExprKind::number, "1_234"));
    REQUIRE(small);
    CHECK(small->kind == Literal::Kind::integer);
    CHECK(small->text == "1234");
    CHECK(java_class(small->kind) == "class java.lang.Integer");

    CHECK(literal_of(make(ExprKind::number, "10L"))->kind == Literal::Kind::long_);
    CHECK(literal_of(make(ExprKind::number, "3000000000"))->kind == Literal::Kind::long_);
    CHECK(literal_of(make(ExprKind::number, "0x1F"))->as_integer == 31);
    CHECK(literal_of(make(ExprKind::number, "1.5"))->text == "1.5");
    CHECK(literal_of(make(ExprKind::number, "99999999999999999999"))->kind ==
          Literal::Kind::big_integer);
    CHECK(literal_of(make(ExprKind::string, "x"))->kind == Literal::Kind::string);
    CHECK(literal_of(make(ExprKind::boolean, "true"))->text == "true");
    CHECK_FALSE(literal_of(make(ExprKind::ident, "env")));

    Expr negative = make(ExprKind::unary, "");
    negative.op = "-";
    negative.target = std::make_unique<Expr>(make(ExprKind::number, "1"));
    const auto minus_one = literal_of(negative);
    REQUIRE(minus_one);
    CHECK(minus_one->as_integer == -1);
    CHECK(minus_one->text == "-1");
}

TEST_CASE("check values: identifiers, lists and nearest names", "[check]") {
    using namespace ferry::compiler::detail;
    CHECK(valid_env_identifier("_UNDERSCORE"));
    CHECK(valid_env_identifier("A1"));
    CHECK_FALSE(valid_env_identifier(""));
    CHECK_FALSE(valid_env_identifier("1BAR"));
    CHECK_FALSE(valid_env_identifier("$DOLLAR"));
    CHECK_FALSE(valid_env_identifier("HY-PHEN"));
    CHECK(java_list({"a", "b"}) == "[a, b]");
    CHECK(java_list({}) == "[]");
    // Ties go to the first candidate, as in Jenkins' EditDistance.findNearest.
    CHECK(nearest("banana", {"name", "value", "ignoreCase"}) == "name");
    CHECK(nearest("x", {}) == std::nullopt);
}

TEST_CASE("check values: regular expressions as Java reads them", "[check]") {
    using ferry::compiler::detail::java_regex_problem;
    CHECK(java_regex_problem(R"({"user_id" : 24})") == "Illegal repetition near index 0");
    CHECK(java_regex_problem("*a") == "Dangling meta character '*' near index 0");
    CHECK(java_regex_problem("(abc") == "Unclosed group near index 4");
    CHECK(java_regex_problem("[ab") == "Unclosed character class near index 2");
    CHECK(java_regex_problem("[z-a]") == "Illegal character range near index 3");
    CHECK(java_regex_problem("abc)") == "Unmatched closing ')' near index 2");
    for (const char* ok : {".*\\[ci skip\\].*", "a{2,3}", "(?i).*skip.*", "^(?!foo).*$",
                           "(?<name>a+)b", "a*+", "[]a]", "[a-z&&[^e]]", "\\Q{x}\\E", "x{2}?"}) {
        INFO(ok);
        CHECK(java_regex_problem(ok) == std::nullopt);
    }
}
