#include "grammar/render.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ferry::grammar {
namespace {

constexpr std::string_view bold = "\x1b[1m";
constexpr std::string_view red = "\x1b[1;31m";
constexpr std::string_view yellow = "\x1b[1;33m";
constexpr std::string_view cyan = "\x1b[1;36m";
constexpr std::string_view blue = "\x1b[1;34m";
constexpr std::string_view reset = "\x1b[0m";

std::string paint(std::string_view text, std::string_view color, const TextStyle& style) {
    if (!style.color) {
        return std::string(text);
    }
    return fmt::format("{}{}{}", color, text, reset);
}

std::string_view severity_color(Severity severity) {
    switch (severity) {
    case Severity::error:
        return red;
    case Severity::warning:
        return yellow;
    case Severity::note:
        return cyan;
    }
    return red;
}

// Tabs in the source line are shown as four spaces so the caret lines up.
std::string expand_tabs(std::string_view line) {
    std::string out;
    out.reserve(line.size());
    for (char c : line) {
        if (c == '\t') {
            out.append("    ");
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::size_t display_width(std::string_view prefix) {
    std::size_t width = 0;
    for (char c : prefix) {
        if (c == '\t') {
            width += 4;
        } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++width; // count UTF-8 lead bytes only
        }
    }
    return width;
}

// The source line with every redacted byte shown as '*'.
std::string visible_line(const SourceFile& source, std::uint32_t line_number,
                         const std::vector<Span>& redact) {
    const std::string_view text = source.line_text(line_number);
    if (text.data() == nullptr || redact.empty()) {
        return std::string(text);
    }
    std::string line(text);
    const auto line_begin = static_cast<std::uint32_t>(text.data() - source.text().data());
    for (const Span hidden : redact) {
        for (std::uint32_t at = hidden.begin; at < hidden.end; ++at) {
            if (at >= line_begin && at - line_begin < line.size()) {
                line[at - line_begin] = '*';
            }
        }
    }
    return line;
}

void append_snippet(std::string& out, const SourceFile& source, Span span,
                    const std::vector<Span>& redact, const TextStyle& style) {
    const Position start = source.position(span.begin);
    const std::string line_storage = visible_line(source, start.line, redact);
    const std::string_view line = line_storage;
    const std::string number = std::to_string(start.line);
    const std::string gutter(number.size(), ' ');
    const std::size_t column = std::min<std::size_t>(start.column - 1, line.size());
    const std::size_t span_on_line =
        std::min<std::size_t>(span.size(), line.size() > column ? line.size() - column : 0);
    const std::size_t caret_at = display_width(line.substr(0, column));
    const std::size_t caret_len =
        std::max<std::size_t>(1, display_width(line.substr(column, span_on_line)));

    out += fmt::format("{} {}\n", gutter, paint("|", blue, style));
    out += fmt::format("{} {} {}\n", paint(number, blue, style), paint("|", blue, style),
                       expand_tabs(line));
    std::string marker(caret_len, '~');
    marker.front() = '^'; // (not "^" + string: g++ 12 warns falsely, -Wrestrict)
    out += fmt::format("{} {} {}{}\n", gutter, paint("|", blue, style), std::string(caret_at, ' '),
                       paint(marker, red, style));
}

nlohmann::json position_json(const SourceFile& source, Span span) {
    const Position begin = source.position(span.begin);
    const Position end = source.position(span.end);
    return {{"line", begin.line},
            {"column", begin.column},
            {"end_line", end.line},
            {"end_column", end.column}};
}

std::string_view sarif_level(Severity severity) {
    switch (severity) {
    case Severity::error:
        return "error";
    case Severity::warning:
        return "warning";
    case Severity::note:
        return "note";
    }
    return "error";
}

} // namespace

std::string render_text(const SourceFile& source, const Diagnostic& diagnostic,
                        const TextStyle& style) {
    const Position at = source.position(diagnostic.span.begin);
    const std::string_view severity = to_string(diagnostic.severity);
    std::string out =
        fmt::format("{}: {}: {}\n",
                    paint(fmt::format("{}:{}:{}", source.path(), at.line, at.column), bold, style),
                    paint(fmt::format("{}[{}]", severity, diagnostic.code),
                          severity_color(diagnostic.severity), style),
                    paint(diagnostic.message, bold, style));
    append_snippet(out, source, diagnostic.span, diagnostic.redact, style);
    for (const auto& note : diagnostic.notes) {
        if (note.span) {
            const Position where = source.position(note.span->begin);
            out += fmt::format("{}: {} ({}:{}:{})\n", paint("note", cyan, style), note.message,
                               source.path(), where.line, where.column);
        } else {
            out += fmt::format("{}: {}\n", paint("note", cyan, style), note.message);
        }
    }
    if (diagnostic.fix) {
        out += fmt::format("{}: replace `{}` with `{}`\n", paint("help", cyan, style),
                           source.slice(diagnostic.span), *diagnostic.fix);
    }
    return out;
}

std::string render_json(const std::vector<FileDiagnostics>& files) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& file : files) {
        for (const auto& d : file.diagnostics) {
            nlohmann::json entry = position_json(*file.source, d.span);
            entry["file"] = file.source->path();
            entry["severity"] = to_string(d.severity);
            entry["code"] = d.code;
            entry["message"] = d.message;
            nlohmann::json notes = nlohmann::json::array();
            for (const auto& note : d.notes) {
                nlohmann::json n = {{"message", note.message}};
                if (note.span) {
                    n.update(position_json(*file.source, *note.span));
                }
                notes.push_back(std::move(n));
            }
            entry["notes"] = std::move(notes);
            entry["fix"] = d.fix ? nlohmann::json(*d.fix) : nlohmann::json(nullptr);
            list.push_back(std::move(entry));
        }
    }
    std::size_t errors = 0;
    std::size_t warnings = 0;
    for (const auto& file : files) {
        for (const auto& d : file.diagnostics) {
            errors += d.severity == Severity::error ? 1 : 0;
            warnings += d.severity == Severity::warning ? 1 : 0;
        }
    }
    nlohmann::json root = {{"files", files.size()},
                           {"errors", errors},
                           {"warnings", warnings},
                           {"diagnostics", std::move(list)}};
    return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string render_sarif(const std::vector<FileDiagnostics>& files,
                         const std::vector<CodeInfo>& rules, std::string_view tool_version) {
    nlohmann::json rule_list = nlohmann::json::array();
    for (const auto& rule : rules) {
        rule_list.push_back({{"id", rule.code},
                             {"name", rule.name},
                             {"shortDescription", {{"text", rule.summary}}},
                             {"defaultConfiguration", {{"level", sarif_level(rule.severity)}}}});
    }
    auto rule_index = [&rules](std::string_view code) -> long {
        const auto it = std::find_if(rules.begin(), rules.end(),
                                     [code](const CodeInfo& r) { return r.code == code; });
        return it == rules.end() ? -1 : static_cast<long>(it - rules.begin());
    };
    nlohmann::json results = nlohmann::json::array();
    for (const auto& file : files) {
        for (const auto& d : file.diagnostics) {
            const Position begin = file.source->position(d.span.begin);
            const Position end = file.source->position(d.span.end);
            nlohmann::json region = {{"startLine", begin.line},
                                     {"startColumn", begin.column},
                                     {"endLine", end.line},
                                     {"endColumn", std::max(end.column, begin.column)}};
            nlohmann::json result = {
                {"ruleId", d.code},
                {"level", sarif_level(d.severity)},
                {"message", {{"text", d.message}}},
                {"locations",
                 {{{"physicalLocation",
                    {{"artifactLocation", {{"uri", file.source->path()}}}, {"region", region}}}}}}};
            if (const long index = rule_index(d.code); index >= 0) {
                result["ruleIndex"] = index;
            }
            results.push_back(std::move(result));
        }
    }
    nlohmann::json log = {
        {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
        {"version", "2.1.0"},
        {"runs",
         {{{"tool",
            {{"driver", {{"name", "ferry"}, {"version", tool_version}, {"rules", rule_list}}}}},
           {"results", results}}}}};
    return log.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace ferry::grammar
