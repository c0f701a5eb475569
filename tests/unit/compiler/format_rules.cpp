// fmt's layout rules, one at a time. Each case also checks that formatting the result again
// changes nothing.

#include "format_support.hpp"

#include <catch2/catch.hpp>

namespace {

std::string fmt(const std::string& text) {
    const std::optional<std::string> once = ferry::test::formatted(text);
    REQUIRE(once);
    const std::optional<std::string> twice = ferry::test::formatted(*once);
    REQUIRE(twice);
    CHECK(*twice == *once);
    return *once;
}

} // namespace

TEST_CASE("format.rules: four spaces a block level, braces on the call's line") {
    CHECK(fmt("pipeline {\n  agent any\n  stages {\n   stage('a') {\n steps { sh 'x' }\n}\n}\n}") ==
          "pipeline {\n    agent any\n    stages {\n        stage('a') {\n            steps {\n"
          "                sh 'x'\n            }\n        }\n    }\n}\n");
}

TEST_CASE("format.rules: an empty block stays on one line") {
    CHECK(fmt("post {\n  always {\n\n  }\n}\n") == "post {\n    always {}\n}\n");
}

TEST_CASE("format.rules: spaces after commas and colons, around operators and =") {
    CHECK(fmt("foo(a:1,b:[1,2],c:[x:'y'])\n") == "foo(a: 1, b: [1, 2], c: [x: 'y'])\n");
    CHECK(fmt("x=a+b*c\n") == "x = a + b * c\n");
    CHECK(fmt("y = a&&!b||c\n") == "y = a && !b || c\n");
    CHECK(fmt("z = c?1:2\n") == "z = c ? 1 : 2\n");
    CHECK(fmt("r = 1..5\n") == "r = 1..5\n");
    CHECK(fmt("e = [:]\nl = []\n") == "e = [:]\nl = []\n");
}

TEST_CASE("format.rules: parentheses and command syntax are kept") {
    CHECK(fmt("sh 'a'\nsh('b')\nsh  script:'c',returnStdout:true\n") ==
          "sh 'a'\nsh('b')\nsh script: 'c', returnStdout: true\n");
    CHECK(fmt("buildDiscarder logRotator(numToKeepStr:'5')\n") ==
          "buildDiscarder logRotator(numToKeepStr: '5')\n");
}

TEST_CASE("format.rules: strings keep their style and their bytes") {
    const std::string text = "echo 'a\\'b'\necho \"x ${y} $z \\$w\"\nsh '''\n  two  \n'''\n"
                             "sh \"\"\"\n  ${a}\n\"\"\"\necho(/re\\/x/)\necho($/d$$/$)\n";
    CHECK(fmt(text) == text);
}

TEST_CASE("format.rules: script bodies are printed as written") {
    const std::string text = "script {\n      if (a) {\n   b()\n      }\n}\n";
    CHECK(fmt(text) == text);
}

TEST_CASE("format.rules: semicolons go where a line break ends the statement") {
    CHECK(fmt("echo 'a'; echo 'b';\nsh 'c';;\n") == "echo 'a'\necho 'b'\nsh 'c'\n");
}

TEST_CASE("format.rules: blank lines collapse and leave block edges") {
    CHECK(fmt("\n\na()\n\n\n\nb()\nc {\n\n  d()\n\n}\n\n\n") == "a()\n\nb()\nc {\n    d()\n}\n");
}

TEST_CASE("format.rules: trailing blanks go and the file ends with one newline") {
    CHECK(fmt("a()   \nb()\t") == "a()\nb()\n");
    CHECK(fmt("") == "");
}

TEST_CASE("format.rules: the shebang stays on line 1") {
    CHECK(fmt("#!groovy\npipeline {\n}\n") == "#!groovy\npipeline {}\n");
    CHECK(fmt("#!/usr/bin/env groovy\n\n\na()\n") == "#!/usr/bin/env groovy\n\na()\n");
}

TEST_CASE("format.rules: comments stay where they were") {
    CHECK(fmt("a() // after a\n// before b\nb()\n") == "a() // after a\n// before b\nb()\n");
    CHECK(fmt("c { // on the brace line\n  d()\n  // before the brace\n}\n") ==
          "c { // on the brace line\n    d()\n    // before the brace\n}\n");
    CHECK(fmt("/* one */ e()\n") == "/* one */\ne()\n");
    CHECK(fmt("c {\n  // only a comment\n}\n") == "c {\n    // only a comment\n}\n");
}

TEST_CASE("format.rules: a comment inside an argument list keeps the statement as written") {
    const std::string text = "c {\n  sh(script: 'x', // why\n     returnStatus: true)\n}\n";
    CHECK(fmt(text) == "c {\n    sh(script: 'x', // why\n       returnStatus: true)\n}\n");
}

TEST_CASE("format.rules: argument lists the user broke stay broken, one item a line") {
    CHECK(fmt("string(name: 'A',\n  defaultValue: 'x')\n") ==
          "string(\n    name: 'A',\n    defaultValue: 'x'\n)\n");
    CHECK(fmt("x = [\n1, 2]\n") == "x = [\n    1,\n    2\n]\n");
    CHECK(fmt("sh script: 'a',\n returnStdout: true\n") ==
          "sh script: 'a',\n    returnStdout: true\n");
    CHECK(fmt("v = 'a' +\n'b'\n") == "v = 'a' +\n    'b'\n");
}

TEST_CASE("format.rules: closures as arguments") {
    CHECK(fmt("parallel(a: { echo 'a' }, b: { x ->\necho x })\n") ==
          "parallel(a: {\n    echo 'a'\n}, b: { x ->\n    echo x\n})\n");
}
