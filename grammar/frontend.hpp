#pragma once
// The grammar layer's entry point: text to syntax tree to declarative model, with diagnostics.

#include "grammar/diagnostic.hpp"
#include "grammar/model.hpp"
#include "grammar/source.hpp"

#include <memory>

namespace ferry::grammar {

struct Frontend {
    model::Document document;
    Diagnostics diagnostics;
    bool parsed = false; ///< false when a syntax error stopped the parse
};

/// Parses `source` and builds its declarative model; structural errors accumulate.
[[nodiscard]] Frontend load(std::shared_ptr<const SourceFile> source);

} // namespace ferry::grammar
