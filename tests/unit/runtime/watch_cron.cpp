#include "runtime/watch_cron.hpp"

#include <catch2/catch.hpp>

namespace rt = ferry::runtime;
using std::chrono::seconds;

namespace {
seconds interval(std::string_view spec, std::string_view job = "kiamol") {
    const auto result = rt::poll_interval_from_cron(spec, job);
    if (const auto* error = std::get_if<std::string>(&result)) {
        FAIL(*error);
    }
    return std::get<seconds>(result);
}
std::string error(std::string_view spec) {
    const auto result = rt::poll_interval_from_cron(spec, "kiamol");
    REQUIRE(std::holds_alternative<std::string>(result));
    return std::get<std::string>(result);
}
} // namespace

TEST_CASE("watch: a pollSCM spec gives the smallest gap between its firings", "[watch]") {
    CHECK(interval("* * * * *") == seconds(60));
    CHECK(interval("H/5 * * * *") == seconds(300));
    CHECK(interval("*/15 * * * *") == seconds(900));
    CHECK(interval("H * * * *") == seconds(3600));
    CHECK(interval("@hourly") == seconds(3600));
    CHECK(interval("@daily") == seconds(86400));
    CHECK(interval("H H * * 1-5") == seconds(86400));
    CHECK(interval("0,30 9-17 * * *") == seconds(1800));
    CHECK(interval("0 0 1 * *") == seconds(28LL * 86400)); // February
    CHECK(interval("# nightly\nH 2 * * *\n\nH/10 8-9 * * *") == seconds(600));
}

TEST_CASE("watch: H is hashed from the job name, stable for one name", "[watch]") {
    // H/7 in minutes fires at h, h+7, …; the gap over the hour depends on h, the hash.
    const auto a = interval("H/7 * * * *", "kiamol");
    CHECK(a == interval("H/7 * * * *", "kiamol"));
    CHECK(a <= seconds(7 * 60));
    CHECK(a >= seconds(60));
    // H(0-29)/10 stays in the first half hour: gaps 10 minutes, then the hour wraps.
    CHECK(interval("H(0-29)/10 * * * *") == seconds(600));
}

TEST_CASE("watch: bad pollSCM specs name the line and field", "[watch]") {
    CHECK(error("* * * *").find("expected 5 fields") != std::string::npos);
    CHECK(error("61 * * * *").find("minute field '61'") != std::string::npos);
    CHECK(error("* * * * *\n*/0 * * * *").find("line 2") != std::string::npos);
    CHECK(error("H[0-5] * * * *").find("H takes a range") != std::string::npos);
    CHECK(error("# only a comment").find("no schedule") != std::string::npos);
    CHECK(error("0 0 30 2 *").find("never fires") != std::string::npos);
}
