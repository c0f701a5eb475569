// The parser's tree, seen through the canonical dump: one snippet per Groovy surface feature.
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

TEST_CASE("dump: calls with and without parentheses, closures and named arguments") {
    CHECK(dump_of("sh 'ls'\n") ==
          "(file\n  (expr (call sh (args (arg (string single \"ls\"))))))\n");
    CHECK(dump_of("sh('ls')") == dump_of("sh 'ls'"));
    CHECK(dump_of("stage('a') { echo \"hi\" }") ==
          "(file\n  (expr (call stage (args (arg (string single \"a\"))) (block (expr (call echo "
          "(args (arg (string double \"hi\")))))))))\n");
    CHECK(dump_of("sh script: 'x', returnStdout: true") ==
          "(file\n  (expr (call sh (args (named \"script\" (string single \"x\")) (named "
          "\"returnStdout\" (boolean true))))))\n");
    CHECK(dump_of("buildDiscarder logRotator(numToKeepStr: '5')") ==
          "(file\n  (expr (call buildDiscarder (args (arg (call logRotator (args (named "
          "\"numToKeepStr\" (string single \"5\")))))))))\n");
    CHECK(dump_of("agent any") == "(file\n  (expr (call agent (args (arg (ident any))))))\n");
    CHECK(dump_of("checkout([$class: 'GitSCM', branches: [[name: '*/main']]])") ==
          "(file\n  (expr (call checkout (args (arg (map (named \"$class\" (string single "
          "\"GitSCM\")) (named \"branches\" (list (arg (map (named \"name\" (string single "
          "\"*/main\"))))))))))))\n");
    CHECK(dump_of("x.each { a, b -> echo a }") ==
          "(file\n  (expr (call each (on . (ident x)) (args) (block (params a b) (expr (call echo "
          "(args (arg (ident a)))))))))\n");
}

TEST_CASE("dump: script and expression bodies stay verbatim") {
    CHECK(
        dump_of("script { def x = 1\n if (x) { y() } }") ==
        "(file\n  (expr (call script (args) (block-opaque \" def x = 1\\n if (x) { y() } \"))))\n");
    CHECK(dump_of("expression { return env.X == 'a' }") ==
          "(file\n  (expr (call expression (args) (block-opaque \" return env.X == 'a' \"))))\n");
}

TEST_CASE("dump: every string form, decoded") {
    CHECK(expr_of("'a\\'b\\u0041'") == "(string single \"a'bA\")");
    CHECK(expr_of("\"x $a.b ${c + 1} \\$d\"") ==
          "(gstring double \"x \" ($ (property . (ident a) b)) \" \" (${} (binary + (ident c) "
          "(number 1))) \" $d\")");
    CHECK(expr_of("'''a\n'b'''") == "(string triple-single \"a\\n'b\")");
    CHECK(expr_of("\"\"\"say \"hi\" ${x}\"\"\"") ==
          "(gstring triple-double \"say \\\"hi\\\" \" (${} (ident x)))");
    CHECK(expr_of("x =~ /.*-RC[0-9]+$/") ==
          "(binary =~ (ident x) (string slashy \".*-RC[0-9]+$\"))");
    CHECK(expr_of("$/a$$b$/c/$") == "(string dollar-slashy \"a$b/c\")");
    CHECK(expr_of("\"${\"${'deep'}\"}\"") ==
          "(gstring double (${} (gstring double (${} (string single \"deep\")))))");
    CHECK(expr_of("\"${[1, 2]}\"") ==
          "(gstring double (${} (list (arg (number 1)) (arg (number 2)))))");
}

TEST_CASE("dump: operators follow Groovy's precedence") {
    CHECK(expr_of("a || b && !c") ==
          "(binary || (ident a) (binary && (ident b) (unary pre ! (ident c))))");
    CHECK(expr_of("1 + 2 * 3 == 7") ==
          "(binary == (binary + (number 1) (binary * (number 2) (number 3))) (number 7))");
    CHECK(expr_of("a ?: b ? c : d") ==
          "(ternary (binary ?: (ident a) (ident b)) (ident c) (ident d))");
    CHECK(expr_of("env.X?.trim() as int") ==
          "(cast int (call trim (on ?. (property . (ident env) X)) (args)))");
    CHECK(expr_of("new Foo(1)[0]++") ==
          "(unary post ++ (index (new Foo (arg (number 1))) (number 0)))");
    CHECK(expr_of("1_000 + 0x1F + 10L + 1.5e3 + 1G") ==
          "(binary + (binary + (binary + (binary + (number 1_000) (number 0x1F)) (number 10L)) "
          "(number 1.5e3)) (number 1G))");
    CHECK(expr_of("[:]") == "(map)");
    CHECK(expr_of("${X}") == "(call $ (args) (block (expr (ident X))))");
}

TEST_CASE("dump: statements around the pipeline") {
    CHECK(dump_of("#!groovy\n@Library('x') _\nimport a.b.C\n") ==
          "(file (shebang)\n  (opaque \"@Library('x') _\")\n  (opaque \"import a.b.C\"))\n");
    CHECK(dump_of("def call() {\n  pipeline { agent any }\n}") ==
          "(file\n  (method call \"def call()\" (block (expr (call pipeline (args) (block (expr "
          "(call agent (args (arg (ident any)))))))))))\n");
    CHECK(dump_of("FOO = 'a' + \"b\"; BAR += 1") ==
          "(file\n  (assign = (ident FOO) (binary + (string single \"a\") (string double "
          "\"b\")))\n  (assign += (ident BAR) (number 1)))\n");
    CHECK(dump_of("1BAR = 'x'\n$DOLLAR = 'y'") ==
          "(file\n  (assign = (ident 1BAR) (string single \"x\"))\n  (assign = (ident $DOLLAR) "
          "(string single \"y\")))\n");
    CHECK(dump_of("foo()\n  .bar()") ==
          "(file\n  (expr (call bar (on . (call foo (args))) (args))))\n");
    CHECK(dump_of("x = a +\n  b") == dump_of("x = a + b"));
}

TEST_CASE("dump: comments and layout do not change the dump") {
    CHECK(dump_of("/* c */ sh 'x' // d\n") == dump_of("sh('x');"));
    const SourceFile file("c.groovy", "// a\nsh 'x' /* b */\nscript { // inside\n}\n");
    const auto result = parse(file);
    REQUIRE(result.tree);
    REQUIRE(result.tree->comments.size() == 2);
    CHECK(file.slice(result.tree->comments[0].span) == "// a");
    CHECK(result.tree->comments[1].block);
}
