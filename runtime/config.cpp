#include "runtime/config.hpp"

#include "runtime/config_reader.hpp"
#include "runtime/files.hpp"

#include <cstdlib>
#include <fmt/format.h>

namespace ferry::runtime {
namespace {

namespace c = ferry::compiler;

void read_version(detail::ConfigReader& reader, const detail::Entry& entry,
                  c::EnvironmentConfig& config) {
    if (entry.value.IsScalar() && entry.value.Scalar() == "1") {
        config.version = 1;
        return;
    }
    reader.error("E0611", entry.value_span,
                 fmt::format("unsupported ferry.yaml version '{}': this ferry reads version 1",
                             entry.value.IsScalar()
                                 ? entry.value.Scalar()
                                 : std::string(detail::ConfigReader::kind_name(entry.value))));
}

void read_document(detail::ConfigReader& reader, const YAML::Node& root,
                   c::EnvironmentConfig& config) {
    if (root.IsNull()) {
        return; // an empty ferry.yaml declares nothing
    }
    const grammar::Span root_span = reader.span(root);
    if (!reader.expect_map(root, root_span,
                           "a map at the top of ferry.yaml (registries, clusters, environments, "
                           "credentials)")) {
        return;
    }
    const auto sections = reader.entries(
        root, {"version", "registries", "clusters", "environments", "credentials"}, "ferry.yaml");
    for (const auto& section : sections) {
        if (section.key == "version") {
            read_version(reader, section, config);
        } else if (section.key == "registries") {
            detail::read_registries(reader, section, config);
        } else if (section.key == "clusters") {
            detail::read_clusters(reader, section, config);
        } else if (section.key == "environments") {
            detail::read_environments(reader, section, config);
        } else {
            detail::read_credentials(reader, section, config);
        }
    }
}

} // namespace

LoadedConfig parse_config(std::shared_ptr<const grammar::SourceFile> source,
                          const ConfigPaths& paths) {
    LoadedConfig result;
    result.source = source;
    detail::ConfigReader reader(*source, result.diagnostics, paths);
    c::EnvironmentConfig config;
    config.path = source->path();
    try {
        const YAML::Node root = YAML::Load(source->text());
        read_document(reader, root, config);
    } catch (const YAML::Exception& e) {
        // yaml-cpp reports syntax errors (and nothing else here) by exception, with a mark.
        result.diagnostics.error("E0601", reader.span_at(e.mark),
                                 fmt::format("invalid YAML: {}", e.msg));
        return result;
    }
    detail::check_references(config, result.diagnostics);
    result.diagnostics.sort_by_position();
    if (!result.diagnostics.has_errors()) {
        result.config = std::move(config);
    }
    return result;
}

LoadedConfig load_config(const std::filesystem::path& path) {
    LoadResult loaded = load_source(path);
    if (auto* message = std::get_if<std::string>(&loaded)) {
        LoadedConfig result;
        result.diagnostics.error("E0610", {}, *message);
        return result;
    }
    ConfigPaths paths;
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(path, ec);
    paths.base_dir = (ec ? path : absolute).parent_path();
    if (const char* home = std::getenv("HOME"); home && *home) {
        paths.home = home;
    }
    paths.getenv = [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
    };
    return parse_config(std::get<std::shared_ptr<const grammar::SourceFile>>(std::move(loaded)),
                        paths);
}

const std::vector<grammar::CodeInfo>& config_codes() {
    static const std::vector<grammar::CodeInfo> codes = {
#define FERRY_CODE(code, severity, name, summary)                                                  \
    {#code, grammar::Severity::severity, name, summary},
#include "runtime/codes.def"
#undef FERRY_CODE
    };
    return codes;
}

} // namespace ferry::runtime
