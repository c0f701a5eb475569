#pragma once
// Shared by fmt's tests: format a text and check the formatter's guarantees on the result.

#include "compiler/format.hpp"
#include "grammar/parser.hpp"
#include "grammar/syntax_dump.hpp"

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace ferry::test {

inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The comments of a parsed file, in order; line comments without trailing blanks (fmt trims).
inline std::vector<std::string> comment_texts(const grammar::SourceFile& file,
                                              const grammar::syntax::Tree& tree) {
    std::vector<std::string> texts;
    for (const auto& c : tree.comments) {
        std::string text(file.slice(c.span));
        while (!c.block && !text.empty() && (text.back() == ' ' || text.back() == '\t')) {
            text.pop_back();
        }
        texts.push_back(std::move(text));
    }
    return texts;
}

/// One file through fmt twice, with everything the guarantees compare.
struct FormatRun {
    bool input_parsed = false;
    bool output_parsed = false;
    std::string output;        ///< format(input)
    std::string second_output; ///< format(output)
    std::string dump_in, dump_out;
    std::vector<std::string> comments_in, comments_out;

    [[nodiscard]] bool idempotent() const { return output_parsed && second_output == output; }
    [[nodiscard]] bool ast_kept() const { return output_parsed && dump_in == dump_out; }
    [[nodiscard]] bool comments_kept() const {
        return output_parsed && comments_in == comments_out;
    }
};

inline FormatRun run_format(const std::string& path, std::string text) {
    FormatRun run;
    const grammar::SourceFile input(path, std::move(text));
    const grammar::ParseResult parsed = grammar::parse(input);
    if (!parsed.tree) {
        return run;
    }
    run.input_parsed = true;
    run.output = compiler::format(input, *parsed.tree);
    run.dump_in = grammar::syntax::dump(*parsed.tree);
    run.comments_in = comment_texts(input, *parsed.tree);

    const grammar::SourceFile output(path, run.output);
    const grammar::ParseResult reparsed = grammar::parse(output);
    if (!reparsed.tree) {
        return run;
    }
    run.output_parsed = true;
    run.dump_out = grammar::syntax::dump(*reparsed.tree);
    run.comments_out = comment_texts(output, *reparsed.tree);
    run.second_output = compiler::format(output, *reparsed.tree);
    return run;
}

/// format(text), or nothing when `text` does not parse.
inline std::optional<std::string> formatted(const std::string& text) {
    const grammar::SourceFile input("test.groovy", text);
    const grammar::ParseResult parsed = grammar::parse(input);
    if (!parsed.tree) {
        return std::nullopt;
    }
    return compiler::format(input, *parsed.tree);
}

} // namespace ferry::test
