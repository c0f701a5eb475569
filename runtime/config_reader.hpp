#pragma once
// Internal to ferry.yaml loading: typed reads of yaml-cpp nodes that report at the node's span.
// Only runtime/config*.cpp include this (it is the one place yaml-cpp meets the diagnostics).

#include "compiler/environment.hpp"
#include "grammar/diagnostic.hpp"
#include "grammar/source.hpp"
#include "runtime/config.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace ferry::runtime::detail {

/// One `key: value` of a map, with the spans of both.
struct Entry {
    std::string key;
    grammar::Span key_span;
    YAML::Node value;
    grammar::Span value_span;
};

class ConfigReader {
public:
    ConfigReader(const grammar::SourceFile& source, grammar::Diagnostics& out,
                 const ConfigPaths& paths)
        : source_(source), out_(out), paths_(paths) {}

    [[nodiscard]] grammar::Span span_at(const YAML::Mark& mark) const;
    /// The node's extent as written (a scalar's token), or its first character.
    [[nodiscard]] grammar::Span span(const YAML::Node& node, grammar::Span fallback = {}) const;
    /// "a map", "a list", "a string", "a boolean", "a number" or "nothing".
    [[nodiscard]] static std::string_view kind_name(const YAML::Node& node);

    grammar::Diagnostic& error(std::string_view code, grammar::Span span, std::string message);

    /// Reports `expected <what>, got <kind>` unless `node` is a map.
    bool expect_map(const YAML::Node& node, grammar::Span span, std::string_view what);

    /// The entries of a map, reporting duplicate keys and keys outside `known` (with a
    /// did-you-mean) in `where`. An empty `known` accepts any key (user-named entries).
    std::vector<Entry> entries(const YAML::Node& map, const std::vector<std::string_view>& known,
                               std::string_view where);

    std::optional<compiler::ConfigString> string(const Entry& entry, std::string_view where);
    /// `text` with `${NAME}` and `${NAME:-default}` replaced from the environment (`$${` is a
    /// literal `${`); reports E0615 for an unset name without default, E0605 when malformed.
    std::optional<std::string> expand(const std::string& text, grammar::Span span);
    std::optional<bool> boolean(const Entry& entry, std::string_view where);
    std::optional<std::vector<compiler::ConfigString>> string_list(const Entry& entry,
                                                                   std::string_view where);
    /// A path with `~` expanded and a relative path made absolute against the base dir.
    [[nodiscard]] std::filesystem::path path(std::string_view written) const;

    /// Reports E0604 for every key of `required` that `entries` lacks, at `span`.
    void require(const std::vector<Entry>& entries, const std::vector<std::string_view>& required,
                 grammar::Span span, std::string_view where);

    [[nodiscard]] const grammar::SourceFile& source() const { return source_; }
    [[nodiscard]] grammar::Diagnostics& diagnostics() { return out_; }

private:
    const grammar::SourceFile& source_;
    grammar::Diagnostics& out_;
    const ConfigPaths& paths_;
};

/// Adds `did you mean "x"?` (and the fix) when a candidate is close to `name`.
void suggest(grammar::Diagnostic& diagnostic, std::string_view name,
             const std::vector<std::string_view>& candidates);

/// Finds an entry by key.
[[nodiscard]] const Entry* find_entry(const std::vector<Entry>& entries, std::string_view key);

// The sections, each appending to `config` and reporting through `reader`.
void read_registries(ConfigReader& reader, const Entry& section,
                     compiler::EnvironmentConfig& config);
void read_clusters(ConfigReader& reader, const Entry& section, compiler::EnvironmentConfig& config);
void read_environments(ConfigReader& reader, const Entry& section,
                       compiler::EnvironmentConfig& config);
void read_credentials(ConfigReader& reader, const Entry& section,
                      compiler::EnvironmentConfig& config);

/// Cross-references: environments → clusters/registries/credentials, namespaces → allowed.
void check_references(const compiler::EnvironmentConfig& config, grammar::Diagnostics& out);

} // namespace ferry::runtime::detail
