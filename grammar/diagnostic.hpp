#pragma once
// Diagnostics are values: a stable code, a severity, a span, a message, notes and an optional fix.

#include "grammar/source.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::grammar {

enum class Severity { error, warning, note };

[[nodiscard]] std::string_view to_string(Severity severity);

/// A secondary message, optionally pointing at its own span.
struct Note {
    std::string message;
    std::optional<Span> span;
};

struct Diagnostic {
    std::string code; ///< stable, documented in docs/diagnostics.md, e.g. "E0201"
    Severity severity = Severity::error;
    Span span;
    std::string message;
    std::vector<Note> notes;
    std::optional<std::string> fix; ///< replacement text for `span` (machine-applicable)
    std::vector<Span> redact;       ///< source bytes never to show (a secret written inline)
};

/// The diagnostics of one file, in the order they were reported.
class Diagnostics {
public:
    Diagnostic& add(Diagnostic diagnostic);
    Diagnostic& error(std::string code, Span span, std::string message);
    Diagnostic& warning(std::string code, Span span, std::string message);

    [[nodiscard]] const std::vector<Diagnostic>& all() const { return items_; }
    [[nodiscard]] std::size_t error_count() const;
    [[nodiscard]] bool has_errors() const { return error_count() > 0; }
    [[nodiscard]] bool empty() const { return items_.empty(); }
    void append(const Diagnostics& other);
    /// Orders by position, keeping report order among equal positions.
    void sort_by_position();

private:
    std::vector<Diagnostic> items_;
};

/// What one diagnostic code means; every code ferry emits has one entry.
struct CodeInfo {
    std::string_view code;
    Severity severity;
    std::string_view name;    ///< short kebab-case name
    std::string_view summary; ///< one sentence for docs and `ferry explain`
};

/// The codes reported by the grammar layer (syntax and declarative structure).
[[nodiscard]] const std::vector<CodeInfo>& grammar_codes();

/// Edit distance (Damerau-Levenshtein, optimal string alignment), for "did you mean".
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `name`, if it is close enough to be a plausible typo.
[[nodiscard]] std::optional<std::string_view>
closest_match(std::string_view name, const std::vector<std::string_view>& candidates);

} // namespace ferry::grammar
