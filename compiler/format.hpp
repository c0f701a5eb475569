#pragma once
// The formatter: one canonical layout for pipeline files. Comments and string styles are kept,
// and the syntax tree of the output equals the syntax tree of the input.

#include "grammar/source.hpp"
#include "grammar/syntax.hpp"

#include <string>

namespace ferry::compiler {

struct FormatOptions {
    int indent = 4;
};

/// Prints `tree` (parsed from `source`) in canonical layout.
[[nodiscard]] std::string format(const grammar::SourceFile& source,
                                 const grammar::syntax::Tree& tree,
                                 const FormatOptions& options = {});

} // namespace ferry::compiler
