// fmt's guarantees on small inputs with comments, breaks and forms in unusual places: each must
// parse again to the same tree with the same comments, and format to a fixed point.

#include "format_support.hpp"

#include <catch2/catch.hpp>
#include <iterator>

namespace {

const char* const edge_cases[] = {
    "",
    "// only a comment",
    "/* only a block comment */\n",
    "#!groovy",
    "#!groovy\n// after the shebang\n",
    "stage('a') /* between */ {\n    echo 'x'\n}\n",
    "foo(/* empty */)\n",
    "x = [1, /* two */ 2]\n",
    "x = /* value */ 5\n",
    "parallel a: { echo 'a' }, b: { x -> echo x }\n",
    "c { a /* p */ -> echo a }\n",
    "foo()\n    .bar()\n    // between links\n    .baz()\n",
    "x = foo()\n  .bar()\n",
    "y = a ?\n  b :\n  c\n",
    "z = a ? b\n  : c\n",
    "m = [\"${k}\": 1, (k2): 2, 3: 'three', 'q k': 4, $class: 'X']\n",
    "i++\n--j\nk = - -1\nl = !(a && b)\n",
    "d = new Date()\ne = x as String\n",
    "g = a[0]\nh = a?[0]\n",
    "empty = { -> }\nalso = {}\n",
    "def call() {\n  pipeline {\n    agent any\n  }\n}\n",
    "void helper(String s) { echo s }\n",
    "if (a) { b() } else { c() }\n",
    "try {\n  x()\n} catch (e) {\n  // ignored\n}\n",
    "echo 'a'; (b).c()\n",
    "echo 'a'; [1, 2].each { println it }\n",
    "foo 'a', {\n    echo 'b'\n}\n",
    "sh(\n    // the script\n    script: 'x'\n)\n",
    "environment {\n  A = 'a' + // why\n      'b'\n}\n",
    "steps {\n    script {\n        // inside script\n        def x = 1\n    } // after "
    "script\n}\n",
    "a(); b(); ; c()\n",
    "pipeline { agent any; stages { stage('x') { steps { echo 'y' } } } }\n",
    "echo \"${ [1, 2, 3].collect { \"${it}\" }.join(',') }\"\n",
    "x = '''a\n  b''' + \"\"\"c\n  ${d}\"\"\"\n",
    "r = ~/re/\ns = x ==~ /a\\/b/\n",
    "t = $/a$$b/$\n",
    "when {\n    expression {\n        return env.X == 'y'\n    }\n}\n",
    "foo(a: 1,\n    b: 2) {\n    bar()\n}\n",
    "list = [\n    'a', // first\n    'b'\n]\n",
    "/* lead */ /* two */ echo 'x' /* t1 */ /* t2 */ // t3\n",
    "a()\n\n\n// c1\n\n\n// c2\nb()\n",
    "block {\n\n    // first\n\n    a()\n\n    // last\n\n}\n",
    "x = 1 +\n    2 +\n    3\n",
    "@Library('a') _\n@Library(['b', 'c']) import foo.Bar\n",
    "properties([\n    parameters([\n        string(name: 'A')\n    ])\n])\n",
    "node {\n  checkout scm\n  def v = sh(script: 'x', returnStdout: true).trim()\n}\n",
    "x = a.&b\ny = a*.b\nz = a?.b\n",
    "retry(3) { sh 'x' } // trailing\n",
};

} // namespace

TEST_CASE("format.edges: guarantees hold on unusual inputs") {
    int parsed = 0;
    for (const char* text : edge_cases) {
        const ferry::test::FormatRun run = ferry::test::run_format("edge.groovy", text);
        if (!run.input_parsed) {
            continue; // not every snippet is Groovy our parser takes; those have nothing to format
        }
        ++parsed;
        INFO("input:\n"
             << text << "\nformatted:\n"
             << run.output << "\nagain:\n"
             << run.second_output << "\ndump in:\n"
             << run.dump_in << "\ndump out:\n"
             << run.dump_out);
        CHECK(run.output_parsed);
        CHECK(run.dump_out == run.dump_in);
        CHECK(run.comments_out == run.comments_in);
        CHECK(run.second_output == run.output);
    }
    CHECK(parsed == static_cast<int>(std::size(edge_cases)));
}
