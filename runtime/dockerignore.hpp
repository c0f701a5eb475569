#pragma once
// `.dockerignore` with Docker's semantics: one pattern a line, `#` comments, blank lines
// ignored; a pattern is cleaned like a path (`./a//b/` is `a/b`, a leading `/` dropped); `*`
// and `?` stay inside one path segment, `**` spans any number of segments, `[a-z]` / `[^a]`
// classes and `\` escapes work as in Go's filepath.Match; a path is excluded when a pattern
// matches it or one of its parent directories; `!pattern` re-includes; the last matching line
// wins.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

class DockerIgnore {
public:
    struct Pattern {
        std::string text;       ///< cleaned, `/`-separated, no leading `/`
        bool exception = false; ///< written with a leading `!`
        std::size_t line = 0;
    };

    DockerIgnore() = default;

    /// Parses `.dockerignore` text; nullopt and `error` (naming `origin` and the line) when a
    /// pattern is malformed (an unclosed `[`, a trailing `\`).
    [[nodiscard]] static std::optional<DockerIgnore>
    parse(std::string_view text, std::string_view origin, std::string& error);

    /// Whether `path` (relative to the context, `/`-separated) is left out of the image.
    [[nodiscard]] bool excluded(std::string_view path) const;
    /// Whether any `!` line exists: an excluded directory must then still be walked.
    [[nodiscard]] bool has_exceptions() const;
    [[nodiscard]] const std::vector<Pattern>& patterns() const { return patterns_; }

private:
    std::vector<Pattern> patterns_;
};

/// Go's filepath.Clean on a `/`-separated path (`""` and `.` clean to `.`).
[[nodiscard]] std::string clean_path(std::string_view path);

/// Whether `pattern` (Docker's .dockerignore dialect, see above) matches all of `path`.
[[nodiscard]] bool dockerignore_match(std::string_view pattern, std::string_view path);

} // namespace ferry::runtime
