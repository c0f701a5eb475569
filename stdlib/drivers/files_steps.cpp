// The workspace file steps: writeFile, readFile, fileExists, deleteDir, pwd, isUnix, touch.
// Paths are relative to the step's directory (`dir` moves it), as in Jenkins.

#include "runtime/secret.hpp"
#include "stdlib/drivers/basic_support.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace ferry::stdlib::drivers::detail {

namespace {

bool is_base64(std::string_view encoding) {
    return encoding == "Base64";
}

bool is_utf8_like(std::string_view encoding) {
    std::string upper;
    for (char c : encoding) {
        upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return upper.empty() || upper == "UTF-8" || upper == "UTF8" || upper == "US-ASCII" ||
           upper == "ASCII";
}

std::string unsupported_encoding(std::string_view step, std::string_view encoding) {
    return fmt::format("{}: unsupported encoding '{}' (ferry reads and writes UTF-8 text, or "
                       "bytes with 'Base64')",
                       step, encoding);
}

runtime::StepOutcome write_file_step(runtime::StepContext& context) {
    const auto file = string_param(context, "file");
    if (!file) {
        return missing_param(context, "file");
    }
    const auto text = string_param(context, "text");
    if (!text) {
        return missing_param(context, "text");
    }
    const auto encoding = string_param(context, "encoding").value_or("");
    std::string bytes;
    if (is_base64(encoding)) {
        if (!runtime::detail::base64_decode(*text, bytes)) {
            return failure("writeFile: the text is not valid Base64");
        }
    } else if (is_utf8_like(encoding)) {
        bytes = *text;
    } else {
        return failure(unsupported_encoding("writeFile", encoding));
    }
    const auto path = resolve(context, *file);
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
    out.close();
    if (!out) {
        return failure(fmt::format("writeFile: cannot write {}", path.string()));
    }
    return succeeded();
}

runtime::StepOutcome read_file_step(runtime::StepContext& context) {
    const auto file = string_param(context, "file");
    if (!file) {
        return missing_param(context, "file");
    }
    const auto encoding = string_param(context, "encoding").value_or("");
    if (!is_base64(encoding) && !is_utf8_like(encoding)) {
        return failure(unsupported_encoding("readFile", encoding));
    }
    const auto path = resolve(context, *file);
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
        return failure(fmt::format("readFile: no such file: {}", path.string()));
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) {
        return failure(fmt::format("readFile: cannot read {}", path.string()));
    }
    if (is_base64(encoding)) {
        return succeeded(runtime::detail::base64_encode(bytes.str()));
    }
    return succeeded(bytes.str());
}

runtime::StepOutcome file_exists_step(runtime::StepContext& context) {
    const auto file = string_param(context, "file");
    if (!file) {
        return missing_param(context, "file");
    }
    std::error_code error;
    return succeeded(std::filesystem::exists(resolve(context, *file), error));
}

runtime::StepOutcome delete_dir_step(runtime::StepContext& context) {
    std::error_code error;
    std::filesystem::remove_all(context.cwd, error);
    if (error) {
        return failure(
            fmt::format("deleteDir: cannot delete {}: {}", context.cwd.string(), error.message()));
    }
    return succeeded();
}

runtime::StepOutcome pwd_step(runtime::StepContext& context) {
    if (!bool_param(context, "tmp", false)) {
        return succeeded(context.cwd.string());
    }
    // Jenkins' temporary directory of a workspace is its sibling `<dir>@tmp`.
    const std::filesystem::path tmp = context.cwd.string() + "@tmp";
    std::error_code error;
    std::filesystem::create_directories(tmp, error);
    return succeeded(tmp.string());
}

runtime::StepOutcome is_unix_step(runtime::StepContext& /*context*/) {
    return succeeded(true);
}

runtime::StepOutcome touch_step(runtime::StepContext& context) {
    const auto file = string_param(context, "file");
    if (!file) {
        return missing_param(context, "file");
    }
    const auto path = resolve(context, *file);
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (!std::filesystem::exists(path, error)) {
        std::ofstream(path, std::ios::binary | std::ios::app).close();
    }
    const auto timestamp = int_param(context, "timestamp");
    const auto when =
        timestamp ? std::chrono::system_clock::time_point(std::chrono::milliseconds(*timestamp))
                  : std::chrono::system_clock::now();
    const auto file_time = std::chrono::file_clock::from_sys(
        std::chrono::time_point_cast<std::chrono::system_clock::duration>(when));
    std::filesystem::last_write_time(path, file_time, error);
    if (error) {
        return failure(fmt::format("touch: cannot touch {}: {}", path.string(), error.message()));
    }
    return succeeded();
}

/// The cleanWs patterns: `[pattern: '…', type: 'INCLUDE'|'EXCLUDE']` maps or describables.
FilePatterns clean_patterns(const runtime::StepContext& context) {
    FilePatterns patterns;
    patterns.default_excludes = false;
    const auto list = context.params.is_object()
                          ? context.params.value("patterns", nlohmann::json::array())
                          : nlohmann::json::array();
    for (const auto& entry : list) {
        if (!entry.is_object() || !entry.contains("pattern") || !entry["pattern"].is_string()) {
            continue;
        }
        auto& target = entry.value("type", std::string("INCLUDE")) == "EXCLUDE" ? patterns.excludes
                                                                                : patterns.includes;
        target += (target.empty() ? "" : ",") + entry["pattern"].get<std::string>();
    }
    if (patterns.includes.empty()) {
        patterns.includes = "**";
    }
    return patterns;
}

runtime::StepOutcome clean_ws_step(runtime::StepContext& context) {
    const auto& workspace =
        context.services.workspace.empty() ? context.cwd : context.services.workspace;
    const auto state = context.services.state_dir.lexically_relative(workspace);
    const bool state_inside = !state.empty() && *state.begin() != "..";
    context.log(runtime::OutputStream::out, "[WS-CLEANUP] Deleting project workspace...");
    auto patterns = clean_patterns(context);
    if (state_inside) {
        // ferry's own state (this run's record among it) is not the pipeline's to delete.
        patterns.excludes += (patterns.excludes.empty() ? "" : ",") + state.generic_string() + "/";
    }
    std::string problem;
    for (const auto& file : find_files(workspace, patterns)) {
        std::error_code error;
        std::filesystem::remove(workspace / file, error);
        if (error && problem.empty()) {
            problem =
                fmt::format("cannot delete {}: {}", (workspace / file).string(), error.message());
        }
    }
    // Directories left empty go too, unless they hold what was kept.
    std::vector<std::filesystem::path> dirs;
    std::error_code error;
    for (std::filesystem::recursive_directory_iterator it(workspace, error), end;
         !error && it != end; it.increment(error)) {
        if (it->is_directory() && !it->is_symlink()) {
            dirs.push_back(it->path());
        }
    }
    std::sort(dirs.rbegin(), dirs.rend());
    for (const auto& dir : dirs) {
        std::error_code ignored;
        if (std::filesystem::is_empty(dir, ignored)) {
            std::filesystem::remove(dir, ignored);
        }
    }
    if (!problem.empty()) {
        if (bool_param(context, "notFailBuild", false)) {
            context.log(runtime::OutputStream::err, "[WS-CLEANUP] " + problem);
            return succeeded();
        }
        return failure("cleanWs: " + problem);
    }
    context.log(runtime::OutputStream::out, "[WS-CLEANUP] done");
    return succeeded();
}

} // namespace

void register_file_steps(runtime::DriverTable& table) {
    table["writeFile"] = write_file_step;
    table["readFile"] = read_file_step;
    table["fileExists"] = file_exists_step;
    table["deleteDir"] = delete_dir_step;
    table["pwd"] = pwd_step;
    table["isUnix"] = is_unix_step;
    table["touch"] = touch_step;
    table["cleanWs"] = clean_ws_step;
}

} // namespace ferry::stdlib::drivers::detail
