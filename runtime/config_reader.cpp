#include "runtime/config_reader.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace ferry::runtime::detail {
namespace {

bool plain_scalar(const YAML::Node& node) {
    return node.Tag() == "?";
}

bool looks_boolean(std::string_view text) {
    return text == "true" || text == "false";
}

bool looks_number(std::string_view text) {
    if (text.empty()) {
        return false;
    }
    std::size_t i = text[0] == '-' || text[0] == '+' ? 1 : 0;
    bool digits = false;
    bool dot = false;
    for (; i < text.size(); ++i) {
        if (text[i] >= '0' && text[i] <= '9') {
            digits = true;
        } else if (text[i] == '.' && !dot) {
            dot = true;
        } else {
            return false;
        }
    }
    return digits;
}

// The length of a quoted scalar starting at `at`, quotes included, or 1 when unterminated.
std::uint32_t quoted_length(std::string_view text, std::size_t at) {
    const char quote = text[at];
    for (std::size_t i = at + 1; i < text.size(); ++i) {
        if (text[i] == '\n') {
            break;
        }
        if (quote == '"' && text[i] == '\\') {
            ++i;
        } else if (text[i] == quote) {
            if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
                ++i;
                continue;
            }
            return static_cast<std::uint32_t>(i + 1 - at);
        }
    }
    return 1;
}

} // namespace

grammar::Span ConfigReader::span_at(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.line < 0) {
        return {};
    }
    const auto line = static_cast<std::uint32_t>(mark.line) + 1;
    if (line > source_.line_count()) {
        const auto end = static_cast<std::uint32_t>(source_.text().size());
        return {end, end};
    }
    const std::string_view text = source_.line_text(line);
    const auto line_start = static_cast<std::uint32_t>(text.data() - source_.text().data());
    const auto column = std::min(static_cast<std::uint32_t>(std::max(mark.column, 0)),
                                 static_cast<std::uint32_t>(text.size()));
    const std::uint32_t begin = line_start + column;
    return {begin, std::min(begin + 1, line_start + static_cast<std::uint32_t>(text.size()))};
}

grammar::Span ConfigReader::span(const YAML::Node& node, grammar::Span fallback) const {
    if (!node.IsDefined() || node.Mark().is_null()) {
        return fallback;
    }
    grammar::Span span = span_at(node.Mark());
    if (!node.IsScalar()) {
        return span;
    }
    const std::string_view text = source_.text();
    if (span.begin >= text.size()) {
        return span;
    }
    const char first = text[span.begin];
    if (first == '"' || first == '\'') {
        span.end = span.begin + quoted_length(text, span.begin);
    } else if (const std::string& value = node.Scalar();
               !value.empty() && text.substr(span.begin, value.size()) == value) {
        span.end = span.begin + static_cast<std::uint32_t>(value.size());
    }
    return span;
}

std::string_view ConfigReader::kind_name(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Map:
        return "a map";
    case YAML::NodeType::Sequence:
        return "a list";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        return "nothing";
    case YAML::NodeType::Scalar:
        break;
    }
    if (plain_scalar(node) && looks_boolean(node.Scalar())) {
        return "a boolean";
    }
    if (plain_scalar(node) && looks_number(node.Scalar())) {
        return "a number";
    }
    return "a string";
}

grammar::Diagnostic& ConfigReader::error(std::string_view code, grammar::Span span,
                                         std::string message) {
    return out_.error(std::string(code), span, std::move(message));
}

bool ConfigReader::expect_map(const YAML::Node& node, grammar::Span span, std::string_view what) {
    if (node.IsMap()) {
        return true;
    }
    error("E0603", span, fmt::format("expected {}, got {}", what, kind_name(node)));
    return false;
}

std::vector<Entry> ConfigReader::entries(const YAML::Node& map,
                                         const std::vector<std::string_view>& known,
                                         std::string_view where) {
    std::vector<Entry> result;
    for (const auto& pair : map) {
        Entry entry{pair.first.Scalar(), span(pair.first), pair.second, {}};
        entry.value_span = span(pair.second, {entry.key_span.end, entry.key_span.end});
        if (!pair.first.IsScalar()) {
            error("E0603", entry.key_span,
                  fmt::format("expected a key (a string) in {}, got {}", where,
                              kind_name(pair.first)));
            continue;
        }
        if (const Entry* earlier = find_entry(result, entry.key)) {
            auto& d = error("E0609", entry.key_span,
                            fmt::format("duplicate key '{}' in {}", entry.key, where));
            d.notes.push_back({"first given here", earlier->key_span});
            continue;
        }
        if (!known.empty() && std::find(known.begin(), known.end(), entry.key) == known.end()) {
            auto& d = error("E0602", entry.key_span,
                            fmt::format("unknown key '{}' in {}", entry.key, where));
            suggest(d, entry.key, known);
            continue;
        }
        result.push_back(std::move(entry));
    }
    return result;
}

std::optional<compiler::ConfigString> ConfigReader::string(const Entry& entry,
                                                           std::string_view where) {
    if (!entry.value.IsScalar() || entry.value.Scalar().empty()) {
        error("E0603", entry.value_span,
              fmt::format("expected a string for '{}' in {}, got {}", entry.key, where,
                          entry.value.IsScalar() ? "an empty string" : kind_name(entry.value)));
        return std::nullopt;
    }
    auto text = expand(entry.value.Scalar(), entry.value_span);
    if (!text) {
        return std::nullopt;
    }
    return compiler::ConfigString{std::move(*text), entry.value_span};
}

std::optional<std::string> ConfigReader::expand(const std::string& text, grammar::Span span) {
    if (text.find('$') == std::string::npos) {
        return text;
    }
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 3, "$${") == 0) {
            out += "${";
            i += 3;
            continue;
        }
        if (text.compare(i, 2, "${") != 0) {
            out += text[i++];
            continue;
        }
        const std::size_t close = text.find('}', i + 2);
        if (close == std::string::npos) {
            error("E0605", span,
                  fmt::format("unterminated '${{' in '{}': write ${{NAME}}, ${{NAME:-default}}, "
                              "or $${{ for a literal '${{'",
                              text));
            return std::nullopt;
        }
        const std::string inner = text.substr(i + 2, close - i - 2);
        const std::size_t dash = inner.find(":-");
        const std::string name = inner.substr(0, dash);
        const bool valid = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
        }) && std::isdigit(static_cast<unsigned char>(name[0])) == 0;
        if (!valid) {
            error("E0605", span,
                  fmt::format("invalid variable name '{}' in '${{{}}}'", name, inner));
            return std::nullopt;
        }
        std::optional<std::string> value;
        if (paths_.getenv) {
            value = paths_.getenv(name);
        }
        if (!value || (value->empty() && dash != std::string::npos)) {
            if (dash == std::string::npos) {
                error("E0615", span,
                      fmt::format("environment variable {} is not set (used as ${{{}}}); set it, "
                                  "or give a default: ${{{}:-value}}",
                                  name, name, name));
                return std::nullopt;
            }
            value = inner.substr(dash + 2);
        }
        out += *value;
        i = close + 1;
    }
    return out;
}

std::optional<bool> ConfigReader::boolean(const Entry& entry, std::string_view where) {
    if (entry.value.IsScalar() && plain_scalar(entry.value) &&
        looks_boolean(entry.value.Scalar())) {
        return entry.value.Scalar() == "true";
    }
    error("E0603", entry.value_span,
          fmt::format("expected a boolean (true or false) for '{}' in {}, got {}", entry.key, where,
                      kind_name(entry.value)));
    return std::nullopt;
}

std::optional<std::vector<compiler::ConfigString>>
ConfigReader::string_list(const Entry& entry, std::string_view where) {
    if (!entry.value.IsSequence()) {
        error("E0603", entry.value_span,
              fmt::format("expected a list of strings for '{}' in {}, got {}", entry.key, where,
                          kind_name(entry.value)));
        return std::nullopt;
    }
    std::vector<compiler::ConfigString> items;
    bool ok = true;
    for (const auto& item : entry.value) {
        const grammar::Span item_span = span(item, entry.value_span);
        if (!item.IsScalar() || item.Scalar().empty()) {
            error("E0603", item_span,
                  fmt::format("expected a string in '{}' of {}, got {}", entry.key, where,
                              item.IsScalar() ? "an empty string" : kind_name(item)));
            ok = false;
            continue;
        }
        if (auto text = expand(item.Scalar(), item_span)) {
            items.push_back({std::move(*text), item_span});
        } else {
            ok = false;
        }
    }
    return ok ? std::optional(std::move(items)) : std::nullopt;
}

std::filesystem::path ConfigReader::path(std::string_view written) const {
    std::filesystem::path result;
    if (!paths_.home.empty() && (written == "~" || written.substr(0, 2) == "~/")) {
        result = paths_.home / std::filesystem::path(written.size() > 2 ? written.substr(2) : "");
    } else {
        result = std::filesystem::path(written);
        if (result.is_relative() && !paths_.base_dir.empty()) {
            result = paths_.base_dir / result;
        }
    }
    return result.lexically_normal();
}

void ConfigReader::require(const std::vector<Entry>& entries,
                           const std::vector<std::string_view>& required, grammar::Span span,
                           std::string_view where) {
    for (const auto key : required) {
        if (!find_entry(entries, key)) {
            error("E0604", span, fmt::format("{} has no '{}'", where, key));
        }
    }
}

void suggest(grammar::Diagnostic& diagnostic, std::string_view name,
             const std::vector<std::string_view>& candidates) {
    if (const auto near = grammar::closest_match(name, candidates)) {
        diagnostic.notes.push_back({fmt::format(R"(did you mean "{}"?)", *near), std::nullopt});
        diagnostic.fix = std::string(*near);
    }
}

const Entry* find_entry(const std::vector<Entry>& entries, std::string_view key) {
    const auto it =
        std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.key == key; });
    return it == entries.end() ? nullptr : &*it;
}

} // namespace ferry::runtime::detail
