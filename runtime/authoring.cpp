#include "runtime/authoring.hpp"

#include "compiler/format.hpp"
#include "grammar/frontend.hpp"
#include "grammar/parser.hpp"
#include "runtime/config.hpp"
#include "runtime/files.hpp"

#include <fmt/format.h>

namespace ferry::runtime {

CheckedFile check_source(std::shared_ptr<const grammar::SourceFile> source,
                         const compiler::CheckOptions& options) {
    grammar::Frontend front = grammar::load(source);
    CheckedFile out{std::move(source), std::move(front.diagnostics)};
    if (front.parsed) {
        compiler::check(front.document, out.diagnostics, options);
    }
    out.diagnostics.sort_by_position();
    return out;
}

std::size_t CheckReport::error_count() const {
    std::size_t count = load_errors.size();
    for (const auto& file : files) {
        count += file.diagnostics.error_count();
    }
    return count;
}

std::size_t CheckReport::warning_count() const {
    std::size_t count = 0;
    for (const auto& file : files) {
        count += file.diagnostics.all().size() - file.diagnostics.error_count();
    }
    return count;
}

namespace {

bool is_config_name(const std::filesystem::path& path) {
    const std::string name = path.filename().string();
    return name == default_config_name || name.ends_with(".ferry.yaml");
}

// ferry.yaml is checked like a pipeline: its diagnostics, at file:line:col, in the same report.
CheckedFile check_config(const std::filesystem::path& path) {
    LoadedConfig loaded = load_config(path);
    auto source = loaded.source
                      ? loaded.source
                      : std::make_shared<const grammar::SourceFile>(path.string(), std::string());
    CheckedFile out{std::move(source), std::move(loaded.diagnostics)};
    if (loaded.config) {
        // Reads the named kubeconfigs (local files only) so a wrong context is caught here.
        check_cluster_contexts(*loaded.config, {}, out.diagnostics);
    }
    out.diagnostics.sort_by_position();
    return out;
}

} // namespace

CheckReport check_paths(const std::vector<std::filesystem::path>& paths,
                        const compiler::CheckOptions& options) {
    CheckReport report;
    std::vector<std::filesystem::path> inputs = paths;
    if (inputs.empty()) {
        if (auto found = default_pipeline(std::filesystem::current_path())) {
            inputs.push_back(found->filename());
            if (std::filesystem::is_regular_file(default_config_name)) {
                inputs.emplace_back(default_config_name);
            }
        } else {
            report.load_errors.push_back(
                "no pipeline file: found neither Ferryfile nor Jenkinsfile here; name one");
            return report;
        }
    }
    const Expansion expansion = expand_paths(inputs);
    for (const auto& missing : expansion.missing) {
        report.load_errors.push_back(
            fmt::format("{}: no such file or directory", missing.string()));
    }
    for (const auto& path : expansion.files) {
        if (is_config_name(path)) {
            report.files.push_back(check_config(path));
            continue;
        }
        LoadResult loaded = load_source(path);
        if (auto* error = std::get_if<std::string>(&loaded)) {
            report.load_errors.push_back(std::move(*error));
            continue;
        }
        report.files.push_back(
            check_source(std::get<std::shared_ptr<const grammar::SourceFile>>(loaded), options));
    }
    return report;
}

FormattedFile format_source(std::shared_ptr<const grammar::SourceFile> source) {
    FormattedFile out;
    out.source = source;
    grammar::ParseResult parsed = grammar::parse(*source);
    out.diagnostics = std::move(parsed.diagnostics);
    if (parsed.tree) {
        out.text = compiler::format(*source, *parsed.tree);
    }
    return out;
}

std::vector<grammar::CodeInfo> all_codes() {
    std::vector<grammar::CodeInfo> codes = grammar::grammar_codes();
    const auto& checks = compiler::check_codes();
    codes.insert(codes.end(), checks.begin(), checks.end());
    const auto& config = config_codes();
    codes.insert(codes.end(), config.begin(), config.end());
    return codes;
}

} // namespace ferry::runtime
