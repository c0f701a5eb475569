// fmt's guarantees on the corpus after layout mutations that real files show: no indentation,
// two-space indentation, a comment at the end of every code line, blank lines everywhere,
// trailing blanks. Strings and block comments are never touched by a mutation (the verbatim
// lexer tells where they are), so each mutated file is still a valid pipeline.

#include "compiler/format_verbatim.hpp"
#include "format_support.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <iostream>

namespace fs = std::filesystem;
using ferry::compiler::detail::LineShape;

namespace {

using Mutation = std::function<std::string(std::string_view line, const LineShape& shape)>;

std::string mutate(const std::string& text, const Mutation& change) {
    const std::vector<LineShape> shapes = ferry::compiler::detail::line_shapes(text);
    if (shapes.empty()) {
        return text;
    }
    std::string out;
    std::size_t start = 0;
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        const std::size_t nl = text.find('\n', start);
        const std::string_view line = std::string_view(text).substr(
            start, nl == std::string::npos ? std::string::npos : nl - start);
        out += change(line, shapes[i]);
        if (nl == std::string::npos) {
            break;
        }
        out += '\n';
        start = nl + 1;
    }
    return out;
}

std::string_view strip_indent(std::string_view line) {
    while (!line.empty() && line.front() == ' ') {
        line.remove_prefix(1);
    }
    return line;
}

bool in_code(const LineShape& s) {
    return s.starts_in_code && s.ends_in_code;
}

const std::vector<std::pair<std::string, Mutation>>& mutations() {
    static const std::vector<std::pair<std::string, Mutation>> all = {
        {"no indentation",
         [](std::string_view line, const LineShape& s) {
             return std::string(s.starts_in_code ? strip_indent(line) : line);
         }},
        {"two-space indentation",
         [](std::string_view line, const LineShape& s) {
             if (!s.starts_in_code) {
                 return std::string(line);
             }
             const std::string_view rest = strip_indent(line);
             return std::string((line.size() - rest.size()) / 2, ' ') + std::string(rest);
         }},
        {"a comment ending every code line",
         [](std::string_view line, const LineShape& s) {
             const bool open_comment = line.find("//") != std::string_view::npos ||
                                       line.find("/*") != std::string_view::npos;
             const bool continued = !line.empty() && line.back() == '\\';
             if (!in_code(s) || open_comment || continued || strip_indent(line).empty()) {
                 return std::string(line);
             }
             return std::string(line) + " // note";
         }},
        {"blank lines everywhere",
         [](std::string_view line, const LineShape& s) {
             return s.ends_in_code ? std::string(line) + "\n\n" : std::string(line);
         }},
        {"trailing blanks",
         [](std::string_view line, const LineShape& s) {
             return s.ends_in_code ? std::string(line) + "  \t" : std::string(line);
         }},
    };
    return all;
}

} // namespace

TEST_CASE("format.mutations: guarantees hold on re-laid-out corpus files") {
    const fs::path valid =
        fs::path(FERRY_SHARED_DIR) / "conformance" / "jenkins-declarative" / "valid";
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(valid)) {
        files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 280);

    for (const auto& [name, change] : mutations()) {
        int parsed = 0;
        int kept = 0;
        for (const fs::path& path : files) {
            const std::string text = mutate(ferry::test::read_text(path.string()), change);
            const ferry::test::FormatRun run = ferry::test::run_format(path.string(), text);
            if (!run.input_parsed) {
                continue; // the mutation made it invalid (rare): nothing to format
            }
            ++parsed;
            INFO(name << ": " << path.string() << "\ninput:\n"
                      << text << "\nformatted:\n"
                      << run.output);
            CHECK(run.ast_kept());
            CHECK(run.comments_kept());
            CHECK(run.idempotent());
            kept += run.ast_kept() && run.comments_kept() && run.idempotent() ? 1 : 0;
        }
        std::cout << "fmt mutation '" << name << "': " << parsed << " of " << files.size()
                  << " parsed, " << kept << " kept every guarantee\n";
        CHECK(parsed >= 270);
    }
}
