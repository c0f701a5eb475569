// docs/steps.md is the catalogue rendered; this test fails when the two drift apart, and
// rewrites the file when FERRY_UPDATE_DOCS=1 is set.

#include "stdlib/reference.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

TEST_CASE("docs/steps.md is the rendered catalogue", "[stdlib]") {
    const std::string path = std::string(FERRY_SOURCE_DIR) + "/docs/steps.md";
    const std::string rendered = ferry::stdlib::markdown_reference();
    const char* update = std::getenv("FERRY_UPDATE_DOCS");
    if (update != nullptr && std::string(update) == "1") {
        std::ofstream(path, std::ios::binary) << rendered;
    }
    std::ifstream file(path, std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    INFO("refresh with: FERRY_UPDATE_DOCS=1 ferry_unit_stdlib");
    CHECK(text.str() == rendered);
    CHECK(rendered.find("### `sh`") != std::string::npos);
    CHECK(rendered.find("### `buildImage`") != std::string::npos);
}
