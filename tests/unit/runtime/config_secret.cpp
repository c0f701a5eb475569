// A Secret cannot be formatted: no stream operator, no fmt formatter, no conversion.
#include "runtime/secret.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>
#include <ostream>
#include <sstream>
#include <string>
#include <type_traits>

namespace {

using ferry::runtime::Secret;

template <typename T>
concept Streamable = requires(std::ostream& os, const T& value) {
    os << value;
};

static_assert(!fmt::is_formattable<Secret>::value, "fmt must not format a Secret");
static_assert(!Streamable<Secret>, "a Secret must not be streamed");
static_assert(!std::is_convertible_v<Secret, std::string>);
static_assert(!std::is_convertible_v<Secret, std::string_view>);
static_assert(!std::is_convertible_v<std::string, Secret>, "construction is explicit");
static_assert(!std::is_convertible_v<Secret, bool>);

} // namespace

TEST_CASE("a secret reveals its value only when asked", "[config][secret]") {
    const Secret secret("p@ss word/1");
    CHECK(secret.reveal() == "p@ss word/1");
    CHECK(secret.size() == 11);
    CHECK_FALSE(secret.empty());
    CHECK(Secret().empty());
    CHECK(Secret::placeholder == "(secret)");
}

TEST_CASE("masked forms cover the value, its base64 and URL-encoded forms", "[config][secret]") {
    const Secret secret("p@ss word/1");
    const auto forms = secret.masked_forms();
    REQUIRE(forms.size() == 3);
    CHECK(forms[0] == "p@ss word/1");
    CHECK(forms[1] == "cEBzcyB3b3JkLzE=");
    CHECK(forms[2] == "p%40ss%20word%2F1");
    CHECK(Secret("plain").masked_forms().size() == 2); // URL-encoding changes nothing
    CHECK(Secret().masked_forms().empty());
}

TEST_CASE("base64 round trips", "[config][secret]") {
    using ferry::runtime::detail::base64_decode;
    using ferry::runtime::detail::base64_encode;
    for (const std::string text : {"", "a", "ab", "abc", "abcd", "user:pa:ss", "\xff\x00\x10"}) {
        std::string decoded;
        REQUIRE(base64_decode(base64_encode(text), decoded));
        CHECK(decoded == text);
    }
    std::string out;
    CHECK(base64_decode("dXNlcjpwYXNz", out));
    CHECK(out == "user:pass");
    CHECK(base64_decode("-_8", out)); // URL-safe alphabet, no padding
    CHECK_FALSE(base64_decode("not base64!", out));
    CHECK_FALSE(base64_decode("a", out));
}

TEST_CASE("copies and moves keep the value, assignment replaces it", "[config][secret]") {
    Secret a("one");
    Secret b = a;
    CHECK(b.reveal() == "one");
    Secret c = std::move(a);
    CHECK(c.reveal() == "one");
    b = Secret("two");
    CHECK(b.reveal() == "two");
    CHECK(b != c);
}
