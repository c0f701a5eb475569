// The unit tests' main: Catch2's, run with ferry's cache directory ($XDG_CACHE_HOME, read by
// runtime/image_store.hpp's cache_root) in a directory of the run's own, removed at the end, so
// that nothing a test remembers (a registry's auth note, a build index) lands in the user's
// cache or carries over from one run of the tests to the next.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

int main(int argc, char* argv[]) {
    namespace fs = std::filesystem;
    const auto cache =
        fs::temp_directory_path() / ("ferry-unit-cache-" + std::to_string(::getpid()));
    ::setenv("XDG_CACHE_HOME", cache.c_str(), 1);
    const int result = Catch::Session().run(argc, argv);
    std::error_code ec;
    fs::remove_all(cache, ec);
    return result;
}
