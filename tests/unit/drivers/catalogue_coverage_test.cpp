// Every step the catalogue says ferry runs has a driver here, or is a block step the executor
// runs itself.
#include "runtime/executor.hpp"
#include "stdlib/drivers/drivers.hpp"
#include "stdlib/signature.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace ferry;

TEST_CASE("every step the catalogue runs has a driver or is the executor's", "[catalogue]") {
    const auto drivers = stdlib::drivers::builtin_drivers();
    const auto& blocks = runtime::executor_block_steps();
    std::vector<std::string> missing;
    for (const auto& signature : stdlib::catalogue()) {
        if (signature.kind != stdlib::Kind::step || signature.support != stdlib::Support::runs ||
            !signature.rejected.empty()) {
            continue;
        }
        const std::string name(signature.name);
        const bool driven = drivers.count(name) > 0;
        const bool block = std::find(blocks.begin(), blocks.end(), name) != blocks.end();
        if (!driven && !block) {
            missing.push_back(name);
        }
    }
    INFO("steps marked runs without a driver: " << nlohmann::json(missing).dump());
    CHECK(missing.empty());
}
