// Groovy outside `pipeline {}` (top-level statements, method bodies): `(Type) value` casts and
// statement labels parse, and the parenthesised expressions they resemble keep their meaning.
#include "grammar/parser.hpp"
#include "grammar/syntax_dump.hpp"

#include <catch2/catch.hpp>

using namespace ferry::grammar;

namespace {

std::string dump_of(const std::string& text) {
    const SourceFile file("snippet.groovy", text);
    const auto result = parse(file);
    if (!result.tree) {
        return "error: " + result.diagnostics.all().front().message;
    }
    return syntax::dump(*result.tree);
}

std::string expr_of(const std::string& text) {
    auto e = parse_expression(text);
    return e ? syntax::dump(**e) : "no expression";
}

} // namespace

TEST_CASE("casts: (Type) value is a cast") {
    CHECK(dump_of("f = (String) y") == "(file\n  (assign = (ident f) (cast String (ident y))))\n");
    CHECK(expr_of("(int) x") == "(cast int (ident x))");
    CHECK(expr_of("(List<String>) y") == "(cast List<String> (ident y))");
    CHECK(expr_of("(String[]) y") == "(cast String[] (ident y))");
    CHECK(expr_of("(java.util.Map) y") == "(cast java.util.Map (ident y))");
    CHECK(expr_of("(Map) [a: 1]") == "(cast Map (map (named \"a\" (number 1))))");
    CHECK(expr_of("(String) 'x'") == "(cast String (string single \"x\"))");
    CHECK(expr_of("(String) (a + b)") == "(cast String (paren (binary + (ident a) (ident b))))");
    CHECK(expr_of("(int) -1") == "(cast int (unary pre - (number 1)))");
    CHECK(expr_of("(a) b") == "(cast a (ident b))");
}

TEST_CASE("casts: bind tighter than binary operators, nest, and follow prefix operators") {
    CHECK(expr_of("(int) x + 1") == "(binary + (cast int (ident x)) (number 1))");
    CHECK(expr_of("(int)(long) y.z()") ==
          "(cast int (cast long (call z (on . (ident y)) (args))))");
    CHECK(expr_of("-(int) y") == "(unary pre - (cast int (ident y)))");
    CHECK(expr_of("!(Boolean) y") == "(unary pre ! (cast Boolean (ident y)))");
    CHECK(dump_of("foo((String) y)") ==
          "(file\n  (expr (call foo (args (arg (cast String (ident y)))))))\n");
}

TEST_CASE("casts: parenthesised expressions that are not casts keep their meaning") {
    CHECK(expr_of("(a) - b") == "(binary - (paren (ident a)) (ident b))");
    CHECK(expr_of("(a) + b") == "(binary + (paren (ident a)) (ident b))");
    CHECK(expr_of("(a)[0]") == "(index (paren (ident a)) (number 0))");
    CHECK(expr_of("(a) (b)") == "(call call (on . (paren (ident a))) (args (arg (ident b))))");
    CHECK(expr_of("(a) in b") == "(binary in (paren (ident a)) (ident b))");
    CHECK(expr_of("(a) instanceof B") == "(binary instanceof (paren (ident a)) (ident B))");
    CHECK(expr_of("(a) ? b : c") == "(ternary (paren (ident a)) (ident b) (ident c))");
    CHECK(expr_of("(a)") == "(paren (ident a))");
    CHECK(expr_of("(a) != b") == "(binary != (paren (ident a)) (ident b))");
}

TEST_CASE("casts: in a method body, the body is parsed as statements") {
    CHECK(dump_of("def g() {\n  def n = (int) x\n  f = (String) y\n}\n") ==
          "(file\n  (method g \"def g()\" (block (opaque \"def n = (int) x\") (assign = (ident f) "
          "(cast String (ident y))))))\n");
}

TEST_CASE("labels: a labelled statement is kept as text") {
    CHECK(dump_of("outer: for (i in xs) { break outer }") ==
          "(file\n  (opaque \"outer: for (i in xs) { break outer }\"))\n");
    CHECK(dump_of("outer:\nwhile (true) { continue outer }\n") ==
          "(file\n  (opaque \"outer:\\nwhile (true) { continue outer }\"))\n");
    CHECK(dump_of("OUTER : for (;;) {}") == "(file\n  (opaque \"OUTER : for (;;) {}\"))\n");
    CHECK(dump_of("def g() {\n  outer: for (i in xs) { break outer }\n  return 1\n}\n") ==
          "(file\n  (method g \"def g()\" (block (opaque \"outer: for (i in xs) { break outer "
          "}\") (opaque \"return 1\"))))\n");
}

TEST_CASE("labels: what is not a label is unchanged") {
    CHECK(dump_of("sh script: 'x'") ==
          "(file\n  (expr (call sh (args (named \"script\" (string single \"x\"))))))\n");
    CHECK(dump_of("x = a ? b : c") ==
          "(file\n  (assign = (ident x) (ternary (ident a) (ident b) (ident c))))\n");
    CHECK(dump_of("a ?: b") == "(file\n  (expr (binary ?: (ident a) (ident b))))\n");
    CHECK(dump_of("for: x").rfind("error: ", 0) == 0); // a reserved word is no label
    CHECK(dump_of("a::b").rfind("error: ", 0) == 0);
}
