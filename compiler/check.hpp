#pragma once
// Semantic checks: the Jenkins plugin's validate stage, and parameters against stdlib signatures.

#include "grammar/diagnostic.hpp"
#include "grammar/model.hpp"

#include <vector>

namespace ferry::compiler {

struct CheckOptions {
    /// Warn about names Jenkins knows that ferry will not run (and about Groovy islands).
    bool warn_unsupported = true;
};

/// Checks a model, appending every problem found to `out` (errors accumulate).
void check(const grammar::model::Document& document, grammar::Diagnostics& out,
           const CheckOptions& options = {});

/// The codes reported by check(): E03xx validate rules, E04xx signatures, W05xx warnings.
[[nodiscard]] const std::vector<grammar::CodeInfo>& check_codes();

} // namespace ferry::compiler
