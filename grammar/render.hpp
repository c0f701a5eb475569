#pragma once
// Rendering diagnostics: text for people (with the source line and a caret), JSON, SARIF 2.1.0.

#include "grammar/diagnostic.hpp"
#include "grammar/source.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::grammar {

/// The diagnostics of one file, ready to render.
struct FileDiagnostics {
    std::shared_ptr<const SourceFile> source;
    std::vector<Diagnostic> diagnostics;
};

struct TextStyle {
    bool color = false;
};

/// `path:line:col: error[CODE]: message`, the source line, a caret under the span, notes and help.
[[nodiscard]] std::string render_text(const SourceFile& source, const Diagnostic& diagnostic,
                                      const TextStyle& style = {});

/// One JSON object with a `diagnostics` array (file, line, column, end_line, end_column,
/// severity, code, message, notes, fix).
[[nodiscard]] std::string render_json(const std::vector<FileDiagnostics>& files);

/// A SARIF 2.1.0 log with one run; `rules` describes every code that may appear.
[[nodiscard]] std::string render_sarif(const std::vector<FileDiagnostics>& files,
                                       const std::vector<CodeInfo>& rules,
                                       std::string_view tool_version);

} // namespace ferry::grammar
