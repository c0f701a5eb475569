// The lexer behind fmt's verbatim text: which lines may be re-indented and trimmed.

#include "compiler/format_verbatim.hpp"

#include <catch2/catch.hpp>

using ferry::compiler::detail::column_of_line_start;
using ferry::compiler::detail::line_shapes;
using ferry::compiler::detail::reindent;

TEST_CASE("format.verbatim: code lines shift, string lines do not") {
    const std::string text = "if (x) {\n  sh '''\n  keep\n  '''\n  echo 1\n}";
    CHECK(reindent(text, 2) == "if (x) {\n    sh '''\n  keep\n  '''\n    echo 1\n  }");
    CHECK(reindent(text, 0) == text);
}

TEST_CASE("format.verbatim: a negative shift needs enough blanks everywhere") {
    CHECK(reindent("a {\n    b\n  }", -2) == "a {\n  b\n}");
    CHECK(reindent("a {\n b\n}", -2) == "a {\n b\n}");
}

TEST_CASE("format.verbatim: trailing blanks go only outside strings and block comments") {
    CHECK(reindent("a   \nb", 0) == "a\nb");
    CHECK(reindent("x = \"\"\"a   \nb\"\"\"", 0) == "x = \"\"\"a   \nb\"\"\"");
    CHECK(reindent("/* a   \n b */", 0) == "/* a   \n b */");
    CHECK(reindent("a // note   \nb", 0) == "a // note\nb");
}

TEST_CASE("format.verbatim: interpolations and nested strings") {
    const auto shapes = line_shapes("\"\"\"${ x.collect { \"}\" } }\n$y\"\"\"\nz");
    REQUIRE(shapes.size() == 3);
    CHECK(!shapes[0].ends_in_code);
    CHECK(!shapes[1].starts_in_code);
    CHECK(shapes[2].starts_in_code);
}

TEST_CASE("format.verbatim: slashy strings only where an operand is expected") {
    const auto regex = line_shapes("x =~ /a\nb/\nc");
    REQUIRE(regex.size() == 3);
    CHECK(!regex[1].starts_in_code);
    CHECK(regex[2].starts_in_code);
    const auto division = line_shapes("a = b / c\nd / e");
    REQUIRE(division.size() == 2);
    CHECK(division[1].starts_in_code);
    const auto dollar = line_shapes("x = $/a/\nb/$\ny");
    REQUIRE(dollar.size() == 3);
    CHECK(!dollar[1].starts_in_code);
    CHECK(dollar[2].starts_in_code);
    CHECK(line_shapes("x.matches(/.*-RC[0-9]+$/)\ny").size() == 2);
}

TEST_CASE("format.verbatim: unsure text is kept byte for byte") {
    CHECK(line_shapes("x = '''never closed\n").empty());
    CHECK(reindent("x = '''never closed\n  y", 4) == "x = '''never closed\n  y");
}

TEST_CASE("format.verbatim: escapes and line continuations") {
    const auto shapes = line_shapes("x = \"a\\\nb\"\ny = 'it\\'s'\nz");
    REQUIRE(shapes.size() == 4);
    CHECK(!shapes[1].starts_in_code);
    CHECK(shapes[2].starts_in_code);
    CHECK(shapes[3].starts_in_code);
}

TEST_CASE("format.verbatim: column of a line start") {
    CHECK(column_of_line_start("a\n    b", 6) == 4);
    CHECK(column_of_line_start("a\n  x b", 6) == -1);
}
