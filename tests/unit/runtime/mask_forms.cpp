// Masking: the value, its base64 (padded or not, per line) and URL-encoded forms.
#include "runtime/mask.hpp"

#include <catch2/catch.hpp>

using namespace ferry::runtime;

TEST_CASE("a secret and its encoded forms are masked", "[mask]") {
    Masker masker;
    CHECK(masker.empty());
    masker.add(Secret("p@ss word!"));
    CHECK_FALSE(masker.empty());
    CHECK(masker.mask("pw=p@ss word! ok") == "pw=**** ok");
    CHECK(masker.mask(detail::base64_encode("p@ss word!")) == "****");
    CHECK(masker.mask("u:p%40ss%20word%21@host") == "u:****@host");
    CHECK(masker.mask("nothing here") == "nothing here");
}

TEST_CASE("base64 without padding and each line of a multi-line value", "[mask]") {
    Masker masker;
    masker.add(Secret("line-one\nline-two\n"));
    std::string encoded = detail::base64_encode("abcd-secret"); // padded: "…=="
    masker.add(Secret("abcd-secret"));
    while (encoded.back() == '=') {
        encoded.pop_back();
    }
    CHECK(masker.mask("token " + encoded + " end") == "token **** end");
    CHECK(masker.mask("+ cat key\nline-one") == "+ cat key\n****");
    CHECK(masker.mask("x line-two y") == "x **** y");
    CHECK(masker.mask(detail::base64_encode("line-two")) == "****");
}

TEST_CASE("longest forms first; short values are not masked", "[mask]") {
    Masker masker;
    masker.add(Secret("ab"));
    masker.add(Secret("abc"));
    masker.add(Secret("abcdef"));
    CHECK(masker.mask("abcdefabc ab") == "******** ab");
    Masker empty;
    empty.add(Secret(""));
    CHECK(empty.empty());
}
