// The safe evaluator: each operator and method, deferred values, and errors outside the subset.
#include "plan_support.hpp"

using namespace ferry::compiler;

namespace {

Scope scope() {
    Scope s;
    s.env["NAME"] = {Binding::Kind::value, EvalValue::of(std::string("Main "))};
    s.env["N"] = {Binding::Kind::value, EvalValue::of(std::string("7"))};
    s.env["TOKEN"] = {Binding::Kind::secret, {}};
    s.env["WORKSPACE"] = {Binding::Kind::runtime, {}};
    static std::map<std::string, Binding, std::less<>> params = {
        {"GO", {Binding::Kind::value, EvalValue::of(true)}},
        {"COUNT", {Binding::Kind::value, EvalValue::of(3LL)}}};
    s.params = &params;
    return s;
}

Evaluated eval(const std::string& text) {
    auto e = ferry::grammar::parse_expression(text);
    REQUIRE(e.has_value());
    return evaluate(**e, scope());
}

std::string text_of(const std::string& expr) {
    auto r = eval(expr);
    INFO(expr << (r.error ? ": " + r.error->message : ""));
    REQUIRE(r.known());
    return to_text(*r.value);
}

} // namespace

TEST_CASE("literals, variables, env and params", "[evaluate]") {
    CHECK(text_of("'a'") == "a");
    CHECK(text_of("NAME") == "Main ");
    CHECK(text_of("env.NAME") == "Main ");
    CHECK(text_of("env['NAME']") == "Main ");
    CHECK(text_of("env.UNSET") == "null");
    CHECK(text_of("params.GO") == "true");
    CHECK(text_of("params.COUNT + 1") == "4");
    CHECK(text_of("\"x-${NAME.trim()}-${params.COUNT}\"") == "x-Main-3");
}

TEST_CASE("operators", "[evaluate]") {
    CHECK(text_of("1 + 2 * 3") == "7");
    CHECK(text_of("'a' + 1") == "a1");
    CHECK(text_of("7 - 2") == "5");
    CHECK(text_of("7 / 2") == "3.5");
    CHECK(text_of("7 % 4") == "3");
    CHECK(text_of("1 == 1.0") == "true");
    CHECK(text_of("'1' == 1") == "false");
    CHECK(text_of("'b' > 'a'") == "true");
    CHECK(text_of("2 <= 1") == "false");
    CHECK(text_of("!params.GO") == "false");
    CHECK(text_of("params.GO && N == '7'") == "true");
    CHECK(text_of("false || ''") == "false");
    CHECK(text_of("'release-1.2' =~ /\\d+/") == "true");
    CHECK(text_of("'release-1.2' ==~ /\\d+/") == "false");
    CHECK(text_of("params.GO ? 'yes' : 'no'") == "yes");
    CHECK(text_of("env.UNSET ?: 'fallback'") == "fallback");
    CHECK(text_of("'b' in ['a', 'b']") == "true");
    CHECK(text_of("-3 + 1") == "-2");
}

TEST_CASE("string methods", "[evaluate]") {
    CHECK(text_of("NAME.trim().toLowerCase()") == "main");
    CHECK(text_of("NAME.toUpperCase()") == "MAIN ");
    CHECK(text_of("NAME.startsWith('Ma')") == "true");
    CHECK(text_of("NAME.endsWith('n ')") == "true");
    CHECK(text_of("NAME.contains('ai')") == "true");
    CHECK(text_of("'a.b.c'.replace('.', '/')") == "a/b/c");
    CHECK(text_of("'a,b,,'.split(',')") == "[a, b]");
    CHECK(text_of("NAME.size()") == "5");
    CHECK(text_of("NAME.length()") == "5");
    CHECK(text_of("''.isEmpty()") == "true");
    CHECK(text_of("N.toInteger() + 1") == "8");
    CHECK(text_of("'TRUE'.toBoolean()") == "true");
    CHECK(text_of("'v1.2'.matches('v[0-9.]+')") == "true");
    CHECK(text_of("'abcdef'.substring(1, 3)") == "bc");
}

TEST_CASE("secrets and run-time values defer; they are never values", "[evaluate]") {
    auto r = eval("\"Bearer ${TOKEN}\"");
    CHECK_FALSE(r.value);
    CHECK(r.secret);
    CHECK(r.deferred == std::vector<std::string>{"TOKEN"});
    auto w = eval("WORKSPACE + '/bin'");
    CHECK_FALSE(w.value);
    CHECK_FALSE(w.secret);
    // A known side decides && and || without the deferred one.
    CHECK(text_of("false && WORKSPACE") == "false");
    CHECK(text_of("WORKSPACE || true") == "true");
}

TEST_CASE("anything outside the subset is an error at its span", "[evaluate]") {
    for (const char* text :
         {"new Date()", "currentBuild.result", "foo()", "NAME.execute()", "[a: 1]", "x = 1"}) {
        auto e = ferry::grammar::parse_expression(text);
        if (!e) {
            continue;
        }
        auto r = evaluate(**e, scope());
        INFO(text);
        REQUIRE(r.error);
        CHECK(r.error->code == "E0706");
    }
    auto undefined = eval("\"${NOPE}\"");
    REQUIRE(undefined.error);
    CHECK(undefined.error->code == "E0708");
    CHECK(undefined.error->span.begin == 3);
    auto param = eval("params.NOPE");
    REQUIRE(param.error);
    CHECK(param.error->code == "E0709");
}

TEST_CASE("expression bodies: one expression or return of one", "[evaluate]") {
    CHECK(parse_expression_body("  params.GO  ", 0).expr);
    CHECK(parse_expression_body("\n return params.GO == true\n", 0).expr);
    CHECK_FALSE(parse_expression_body("def x = 1\nreturn x", 0).expr);
}
