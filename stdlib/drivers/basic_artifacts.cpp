// archiveArtifacts (and the old `archive`) keep files of the workspace in the run record;
// stash and unstash carry files from one point of the run to another, through the record.

#include "stdlib/drivers/basic_support.hpp"

#include <fmt/format.h>
#include <fstream>

namespace ferry::stdlib::drivers::detail {

namespace {

/// Archived copies are masked like output: a secret a step wrote into a file does not reach
/// the run record (the workspace's file is left as it is).
std::string mask_archived(const runtime::StepContext& context,
                          const std::vector<std::string>& files) {
    if (context.services.masker == nullptr || context.services.masker->empty()) {
        return {};
    }
    for (const auto& file : files) {
        const auto path = context.services.record->artifacts_dir() / file;
        std::ifstream in(path, std::ios::binary);
        const std::string content{std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>()};
        in.close();
        const std::string masked = context.services.masker->mask(content);
        if (masked == content) {
            continue;
        }
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << masked;
        if (!out.flush()) {
            return fmt::format("{}: cannot mask the archived copy of {}", context.step.kind, file);
        }
    }
    return {};
}

runtime::StepOutcome archive_files(runtime::StepContext& context, const FilePatterns& patterns,
                                   bool allow_empty) {
    if (context.services.record == nullptr) {
        return failure(
            fmt::format("{}: this run has no run record to archive into", context.step.kind));
    }
    context.log(runtime::OutputStream::out, "Archiving artifacts");
    const auto files = find_files(context.cwd, patterns);
    if (files.empty()) {
        // Jenkins' ArtifactArchiver wording.
        const auto message = fmt::format(
            "No artifacts found that match the file pattern \"{}\". Configuration error?",
            patterns.includes);
        if (allow_empty) {
            context.log(runtime::OutputStream::out, message);
            return succeeded(nlohmann::json::array());
        }
        context.log(runtime::OutputStream::err,
                    fmt::format("‘{}’ doesn’t match anything", patterns.includes));
        return failure(message);
    }
    const auto error = copy_files(context.cwd, files, context.services.record->artifacts_dir());
    if (!error.empty()) {
        return failure(error);
    }
    if (const auto masked = mask_archived(context, files); !masked.empty()) {
        return failure(masked);
    }
    return succeeded(files);
}

runtime::StepOutcome archive_artifacts_step(runtime::StepContext& context) {
    FilePatterns patterns;
    if (auto artifacts = string_param(context, "artifacts")) {
        patterns.includes = *artifacts;
    } else {
        return missing_param(context, "artifacts");
    }
    patterns.excludes = string_param(context, "excludes").value_or("");
    patterns.default_excludes = bool_param(context, "defaultExcludes", true);
    patterns.case_sensitive = bool_param(context, "caseSensitive", true);
    return archive_files(context, patterns, bool_param(context, "allowEmptyArchive", false));
}

runtime::StepOutcome archive_step(runtime::StepContext& context) {
    FilePatterns patterns;
    if (auto includes = string_param(context, "includes")) {
        patterns.includes = *includes;
    } else {
        return missing_param(context, "includes");
    }
    patterns.excludes = string_param(context, "excludes").value_or("");
    return archive_files(context, patterns, false);
}

std::optional<std::filesystem::path> stash_dir(const runtime::StepContext& context,
                                               const std::string& name) {
    if (context.services.record == nullptr) {
        return std::nullopt;
    }
    // Names are free text: keep them to one path segment.
    std::string segment;
    for (unsigned char c : name) {
        segment += std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.'
                       ? std::string(1, static_cast<char>(c))
                       : fmt::format("%{:02X}", c);
    }
    return context.services.record->dir() / "stashes" / segment;
}

runtime::StepOutcome stash_step(runtime::StepContext& context) {
    const auto name = string_param(context, "name");
    if (!name) {
        return missing_param(context, "name");
    }
    const auto dir = stash_dir(context, *name);
    if (!dir) {
        return failure("stash: this run has no run record to keep the stash in");
    }
    FilePatterns patterns;
    patterns.includes = string_param(context, "includes").value_or("**");
    if (patterns.includes.empty()) {
        patterns.includes = "**";
    }
    patterns.excludes = string_param(context, "excludes").value_or("");
    patterns.default_excludes = bool_param(context, "useDefaultExcludes", true);
    const auto files = find_files(context.cwd, patterns);
    if (files.empty() && !bool_param(context, "allowEmpty", false)) {
        return failure(fmt::format("No files included in stash ‘{}’", *name));
    }
    std::error_code error;
    std::filesystem::remove_all(*dir, error);
    std::filesystem::create_directories(*dir, error);
    if (auto copy_error = copy_files(context.cwd, files, *dir); !copy_error.empty()) {
        return failure(copy_error);
    }
    context.log(runtime::OutputStream::out, fmt::format("Stashed {} file(s)", files.size()));
    return succeeded();
}

runtime::StepOutcome unstash_step(runtime::StepContext& context) {
    const auto name = string_param(context, "name");
    if (!name) {
        return missing_param(context, "name");
    }
    const auto dir = stash_dir(context, *name);
    std::error_code error;
    if (!dir || !std::filesystem::is_directory(*dir, error)) {
        return failure(fmt::format("No such saved stash ‘{}’", *name));
    }
    FilePatterns all;
    all.includes = "**";
    all.default_excludes = false;
    const auto files = find_files(*dir, all);
    if (auto copy_error = copy_files(*dir, files, context.cwd); !copy_error.empty()) {
        return failure(copy_error);
    }
    return succeeded();
}

} // namespace

void register_artifact_steps(runtime::DriverTable& table) {
    table["archiveArtifacts"] = archive_artifacts_step;
    table["archive"] = archive_step;
    table["stash"] = stash_step;
    table["unstash"] = unstash_step;
}

} // namespace ferry::stdlib::drivers::detail
