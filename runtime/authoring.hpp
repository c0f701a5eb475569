#pragma once
// The authoring commands as library calls: check and format pipeline files.
// This is part of ferry's embedding API: text or paths in, values carrying diagnostics out.

#include "compiler/check.hpp"
#include "grammar/diagnostic.hpp"
#include "grammar/source.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ferry::runtime {

struct CheckedFile {
    std::shared_ptr<const grammar::SourceFile> source;
    grammar::Diagnostics diagnostics;
};

/// Parses, builds the model and checks one file already in memory. Does no I/O.
[[nodiscard]] CheckedFile check_source(std::shared_ptr<const grammar::SourceFile> source,
                                       const compiler::CheckOptions& options = {});

struct CheckReport {
    std::vector<CheckedFile> files;
    std::vector<std::string> load_errors; ///< files that could not be read, with the reason
    [[nodiscard]] std::size_t error_count() const;
    [[nodiscard]] std::size_t warning_count() const;
};

/// Checks files and directories (see expand_paths); an empty list means the default pipeline.
[[nodiscard]] CheckReport check_paths(const std::vector<std::filesystem::path>& paths,
                                      const compiler::CheckOptions& options = {});

struct FormattedFile {
    std::shared_ptr<const grammar::SourceFile> source;
    std::optional<std::string> text; ///< empty when the file does not parse
    grammar::Diagnostics diagnostics;
    [[nodiscard]] bool changed() const { return text && *text != source->text(); }
};

/// Formats one file already in memory. Does no I/O.
[[nodiscard]] FormattedFile format_source(std::shared_ptr<const grammar::SourceFile> source);

/// Every code ferry's authoring commands can report, for docs, SARIF and `ferry explain`.
[[nodiscard]] std::vector<grammar::CodeInfo> all_codes();

} // namespace ferry::runtime
