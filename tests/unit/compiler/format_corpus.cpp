// fmt's guarantees over every pipeline we have: the 280 valid files of the Jenkins conformance
// corpus and the chapter's Jenkinsfiles. Each must format idempotently, keep its syntax tree and
// keep every comment in order.

#include "format_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> corpus_files() {
    std::vector<fs::path> files;
    const fs::path shared(FERRY_SHARED_DIR);
    const fs::path valid = shared / "conformance" / "jenkins-declarative" / "valid";
    if (fs::is_directory(valid)) {
        for (const auto& entry : fs::directory_iterator(valid)) {
            if (entry.path().extension() == ".groovy") {
                files.push_back(entry.path());
            }
        }
    }
    const fs::path chapter = shared / "seed-kiamol-ch11";
    if (fs::is_directory(chapter)) {
        for (const auto& entry : fs::recursive_directory_iterator(chapter)) {
            if (entry.is_regular_file() &&
                entry.path().filename().string().starts_with("Jenkinsfile")) {
                files.push_back(entry.path());
            }
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

TEST_CASE("format.corpus: idempotent, same syntax tree, same comments") {
    const std::vector<fs::path> files = corpus_files();
    REQUIRE(files.size() >= 282);

    int parsed = 0;
    int idempotent = 0;
    int ast_kept = 0;
    int comments_kept = 0;
    std::size_t bytes = 0;
    std::chrono::steady_clock::duration elapsed{};
    for (const fs::path& path : files) {
        const std::string text = ferry::test::read_text(path.string());
        bytes += text.size();
        const auto start = std::chrono::steady_clock::now();
        const ferry::test::FormatRun run = ferry::test::run_format(path.string(), text);
        elapsed += std::chrono::steady_clock::now() - start;
        INFO(path.string());
        CHECK(run.input_parsed);
        if (!run.input_parsed) {
            continue;
        }
        ++parsed;
        INFO("formatted:\n" << run.output);
        CHECK(run.output_parsed);
        CHECK(run.dump_out == run.dump_in);
        CHECK(run.comments_out == run.comments_in);
        CHECK(run.second_output == run.output);
        CHECK((run.output.empty() || (run.output.back() == '\n' && !run.output.ends_with("\n\n"))));
        idempotent += run.idempotent() ? 1 : 0;
        ast_kept += run.ast_kept() ? 1 : 0;
        comments_kept += run.comments_kept() ? 1 : 0;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
    std::cout << "fmt corpus: " << files.size() << " files, " << parsed << " parsed, " << idempotent
              << " idempotent, " << ast_kept << " same AST, " << comments_kept << " same comments; "
              << bytes << " bytes parsed+formatted twice in " << ms << " ms\n";
}

TEST_CASE("format.corpus: a large pipeline formats in one linear pass") {
    // 250 stages of 5 steps with a trailing comment each (~80 KB). Timing is printed, not
    // asserted: the machines are shared.
    std::string text = "pipeline {\n    agent any\n    stages {\n";
    for (int i = 0; i < 250; ++i) {
        text += "        stage('s" + std::to_string(i) + "') {\n            steps {\n";
        for (int j = 0; j < 5; ++j) {
            text += "                sh \"echo " + std::to_string(j) + " ${env.BUILD_ID}\" // " +
                    std::to_string(j) + "\n";
        }
        text += "            }\n        }\n";
    }
    text += "    }\n}\n";
    const ferry::grammar::SourceFile file("big.groovy", text);
    const auto parse_start = std::chrono::steady_clock::now();
    const ferry::grammar::ParseResult parsed = ferry::grammar::parse(file);
    const auto format_start = std::chrono::steady_clock::now();
    REQUIRE(parsed.tree);
    const std::string out = ferry::compiler::format(file, *parsed.tree);
    const auto end = std::chrono::steady_clock::now();
    CHECK(out == text);
    const auto us = [](auto d) {
        return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    };
    std::cout << "fmt large pipeline: " << text.size() << " bytes; parse "
              << us(format_start - parse_start) << " us, format " << us(end - format_start)
              << " us\n";
}
