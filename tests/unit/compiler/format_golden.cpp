// Golden files for fmt: tests/golden/fmt/<name>.groovy formats to <name>.formatted exactly, the
// expected output is a fixed point, and both keep the input's syntax tree.
// Refresh the expected files with FERRY_GOLDEN_UPDATE=1 (then review the diff).

#include "format_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

TEST_CASE("format.golden: every pair under tests/golden/fmt") {
    const fs::path dir = fs::path(FERRY_SOURCE_DIR) / "tests" / "golden" / "fmt";
    std::vector<fs::path> inputs;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() == ".groovy") {
            inputs.push_back(entry.path());
        }
    }
    std::sort(inputs.begin(), inputs.end());
    REQUIRE(inputs.size() >= 10);
    const bool update = std::getenv("FERRY_GOLDEN_UPDATE") != nullptr;

    for (const fs::path& input : inputs) {
        fs::path expected_path = input;
        expected_path.replace_extension(".formatted");
        const ferry::test::FormatRun run =
            ferry::test::run_format(input.string(), ferry::test::read_text(input.string()));
        INFO(input.filename().string());
        REQUIRE(run.input_parsed);
        if (update) {
            std::ofstream(expected_path, std::ios::binary) << run.output;
        }
        CHECK(run.output == ferry::test::read_text(expected_path.string()));
        CHECK(run.output_parsed);
        CHECK(run.dump_out == run.dump_in);
        CHECK(run.comments_out == run.comments_in);
        CHECK(run.second_output == run.output);
    }
}
