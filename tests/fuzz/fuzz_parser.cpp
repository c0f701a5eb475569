// libFuzzer target: any bytes through parse() and parse_expression() must end in a tree or one
// diagnostic; never a crash, a sanitizer report or a stack overflow. A tree must also dump.
#include "grammar/parser.hpp"
#include "grammar/syntax_dump.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    const ferry::grammar::SourceFile file("fuzz.groovy", text);
    const auto result = ferry::grammar::parse(file);
    if (result.tree) {
        (void)ferry::grammar::syntax::dump(*result.tree);
    } else if (result.diagnostics.error_count() != 1) {
        std::abort(); // a failed parse reports exactly one syntax error
    }
    if (auto expr = ferry::grammar::parse_expression(text, 7)) {
        (void)ferry::grammar::syntax::dump(**expr);
    }
    return 0;
}
