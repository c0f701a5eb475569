#pragma once
// Source text, byte spans and their line/column positions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::grammar {

/// A half-open byte range [begin, end) into one SourceFile's text.
struct Span {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;

    [[nodiscard]] std::uint32_t size() const { return end - begin; }
    [[nodiscard]] bool empty() const { return begin == end; }
    friend bool operator==(const Span&, const Span&) = default;
};

/// A 1-based line and column (columns count bytes, like gcc and clang).
struct Position {
    std::uint32_t line = 1;
    std::uint32_t column = 1;
};

/// One pipeline file held in memory: its display path and its text.
class SourceFile {
public:
    SourceFile(std::string path, std::string text);

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] const std::string& text() const { return text_; }
    [[nodiscard]] std::string_view slice(Span span) const;
    [[nodiscard]] Position position(std::uint32_t offset) const;
    /// The text of the 1-based line, without its line terminator.
    [[nodiscard]] std::string_view line_text(std::uint32_t line) const;
    [[nodiscard]] std::uint32_t line_count() const {
        return static_cast<std::uint32_t>(line_starts_.size());
    }

private:
    std::string path_;
    std::string text_;
    std::vector<std::uint32_t> line_starts_;
};

} // namespace ferry::grammar
