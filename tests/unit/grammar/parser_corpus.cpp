// The Jenkins conformance corpus through the parser: every valid file parses, every invalid one
// parses too unless Groovy itself rejects it (manifest error_stage "groovy"), and then the
// message carries Groovy's wording.
#include "grammar/parser.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace ferry::grammar;
namespace fs = std::filesystem;

namespace {

const fs::path corpus = fs::path(FERRY_SHARED_DIR) / "conformance" / "jenkins-declarative";

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Expectation {
    std::string stage;
    std::string error;
};

/// manifest.tsv: file -> (error_stage, expected_error).
std::map<std::string, Expectation> manifest() {
    std::map<std::string, Expectation> rows;
    std::istringstream lines(read(corpus / "manifest.tsv"));
    std::string line;
    std::getline(lines, line); // header
    while (std::getline(lines, line)) {
        std::vector<std::string> cols;
        std::size_t start = 0;
        for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos;
             start = tab + 1) {
            cols.push_back(line.substr(start, tab - start));
        }
        cols.push_back(line.substr(start));
        if (cols.size() > 6) {
            rows[cols[0]] = Expectation{cols[6], cols[4]};
        }
    }
    return rows;
}

std::string first_message(const ParseResult& r) {
    return r.diagnostics.empty() ? std::string() : r.diagnostics.all().front().message;
}

} // namespace

TEST_CASE("corpus: every valid file parses") {
    std::size_t parsed = 0;
    for (const auto& entry : fs::directory_iterator(corpus / "valid")) {
        const SourceFile file(entry.path().string(), read(entry.path()));
        const auto result = parse(file);
        INFO(entry.path().filename().string() << ": " << first_message(result));
        CHECK(result.tree.has_value());
        parsed += result.tree ? 1 : 0;
    }
    CHECK(parsed == 280);
}

TEST_CASE("corpus: invalid files parse unless Groovy rejects them, then with its wording") {
    const auto rows = manifest();
    std::size_t parsed = 0;
    std::size_t rejected = 0;
    for (const auto& entry : fs::directory_iterator(corpus / "invalid")) {
        const std::string key = "invalid/" + entry.path().filename().string();
        const SourceFile file(entry.path().string(), read(entry.path()));
        const auto result = parse(file);
        const auto row = rows.find(key);
        REQUIRE(row != rows.end());
        INFO(key << ": " << first_message(result));
        if (row->second.stage == "groovy") {
            CHECK_FALSE(result.tree.has_value());
            CHECK(first_message(result).find(row->second.error) != std::string::npos);
            rejected += result.tree ? 0 : 1;
        } else {
            CHECK(result.tree.has_value());
            parsed += result.tree ? 1 : 0;
        }
    }
    CHECK(parsed == 136);
    CHECK(rejected == 5);
}

TEST_CASE("corpus: the chapter's Jenkinsfiles parse") {
    const fs::path seed = fs::path(FERRY_SHARED_DIR) / "seed-kiamol-ch11";
    std::size_t count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(seed)) {
        if (entry.is_regular_file() &&
            entry.path().filename().string().rfind("Jenkinsfile", 0) == 0) {
            const SourceFile file(entry.path().string(), read(entry.path()));
            const auto result = parse(file);
            INFO(entry.path().string() << ": " << first_message(result));
            CHECK(result.tree.has_value());
            ++count;
        }
    }
    CHECK(count >= 2);
}
