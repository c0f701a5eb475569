#include "stdlib/drivers/basic_support.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fnmatch.h>
#include <system_error>

namespace ferry::stdlib::drivers::detail {

namespace {

const nlohmann::json* find_param(const runtime::StepContext& context, std::string_view name) {
    if (!context.params.is_object()) {
        return nullptr;
    }
    auto it = context.params.find(std::string(name));
    return it == context.params.end() || it->is_null() ? nullptr : &*it;
}

std::vector<std::string> split_patterns(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto comma = text.find(',', start);
        if (comma == std::string_view::npos) {
            comma = text.size();
        }
        auto piece = text.substr(start, comma - start);
        while (!piece.empty() && (piece.front() == ' ' || piece.front() == '\t')) {
            piece.remove_prefix(1);
        }
        while (!piece.empty() && (piece.back() == ' ' || piece.back() == '\t')) {
            piece.remove_suffix(1);
        }
        if (!piece.empty()) {
            std::string pattern(piece);
            std::replace(pattern.begin(), pattern.end(), '\\', '/');
            if (pattern.back() == '/') {
                pattern += "**"; // Ant: a directory means everything below it
            }
            out.push_back(std::move(pattern));
        }
        start = comma + 1;
    }
    return out;
}

std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string_view::npos) {
            slash = path.size();
        }
        if (slash > start) {
            out.push_back(path.substr(start, slash - start));
        }
        start = slash + 1;
    }
    return out;
}

bool match_segments(const std::vector<std::string_view>& pattern, std::size_t p,
                    const std::vector<std::string_view>& path, std::size_t s, int flags) {
    while (p < pattern.size()) {
        if (pattern[p] == "**") {
            for (std::size_t rest = s; rest <= path.size(); ++rest) {
                if (match_segments(pattern, p + 1, path, rest, flags)) {
                    return true;
                }
            }
            return false;
        }
        if (s >= path.size()) {
            return false;
        }
        const std::string glob(pattern[p]);
        const std::string name(path[s]);
        if (::fnmatch(glob.c_str(), name.c_str(), flags) != 0) {
            return false;
        }
        ++p;
        ++s;
    }
    return s == path.size();
}

// Ant's default excludes (DirectoryScanner.DEFAULTEXCLUDES), which Jenkins applies too.
const std::vector<std::string>& ant_default_excludes() {
    static const std::vector<std::string> patterns = {"**/*~",
                                                      "**/#*#",
                                                      "**/.#*",
                                                      "**/%*%",
                                                      "**/._*",
                                                      "**/CVS",
                                                      "**/CVS/**",
                                                      "**/.cvsignore",
                                                      "**/SCCS",
                                                      "**/SCCS/**",
                                                      "**/vssver.scc",
                                                      "**/.svn",
                                                      "**/.svn/**",
                                                      "**/.DS_Store",
                                                      "**/.git",
                                                      "**/.git/**",
                                                      "**/.gitattributes",
                                                      "**/.gitignore",
                                                      "**/.gitmodules",
                                                      "**/.hg",
                                                      "**/.hg/**",
                                                      "**/.hgignore",
                                                      "**/.hgsub",
                                                      "**/.hgsubstate",
                                                      "**/.hgtags",
                                                      "**/.bzr",
                                                      "**/.bzr/**",
                                                      "**/.bzrignore"};
    return patterns;
}

} // namespace

std::optional<std::string> string_param(const runtime::StepContext& context,
                                        std::string_view name) {
    const auto* value = find_param(context, name);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->is_string()) {
        return value->get<std::string>();
    }
    return value->dump();
}

bool bool_param(const runtime::StepContext& context, std::string_view name, bool fallback) {
    const auto* value = find_param(context, name);
    if (value == nullptr) {
        return fallback;
    }
    if (value->is_boolean()) {
        return value->get<bool>();
    }
    if (value->is_string()) {
        const auto& text = value->get_ref<const std::string&>();
        if (text == "true") {
            return true;
        }
        if (text == "false") {
            return false;
        }
    }
    return fallback;
}

std::optional<long long> int_param(const runtime::StepContext& context, std::string_view name) {
    const auto* value = find_param(context, name);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (value->is_number()) {
        return value->get<long long>();
    }
    if (value->is_string()) {
        try {
            std::size_t used = 0;
            const auto& text = value->get_ref<const std::string&>();
            const long long number = std::stoll(text, &used);
            if (used == text.size()) {
                return number;
            }
        } catch (const std::exception&) {
        }
    }
    return std::nullopt;
}

std::filesystem::path resolve(const runtime::StepContext& context, std::string_view path) {
    const std::filesystem::path given(path);
    return given.is_absolute() ? given : (context.cwd / given).lexically_normal();
}

std::optional<std::vector<std::string>> string_list_param(const nlohmann::json& params,
                                                          std::string_view name) {
    const auto it = params.find(name);
    if (it == params.end() || it->is_null()) {
        return std::nullopt;
    }
    std::vector<std::string> out;
    const auto add = [&out](const nlohmann::json& item) {
        out.push_back(item.is_string() ? item.get<std::string>() : item.dump());
    };
    if (it->is_array()) {
        for (const auto& item : *it) {
            add(item);
        }
    } else {
        add(*it);
    }
    return out;
}

const compiler::Registry* environment_registry(const runtime::RunServices& services) {
    if (services.config == nullptr || services.environment == nullptr ||
        !services.environment->registry) {
        return nullptr;
    }
    return services.config->find_registry(services.environment->registry->value);
}

runtime::StepOutcome failure(std::string message) {
    return {runtime::BuildResult::failure, std::move(message), nullptr};
}

runtime::StepOutcome succeeded(nlohmann::json value) {
    return {runtime::BuildResult::success, {}, std::move(value)};
}

runtime::StepOutcome missing_param(const runtime::StepContext& context, std::string_view name) {
    return failure(fmt::format("{}: missing required parameter '{}'", context.step.kind, name));
}

void log_lines(const runtime::StepContext& context, std::string_view text,
               runtime::OutputStream stream) {
    std::size_t start = 0;
    for (;;) {
        const auto newline = text.find('\n', start);
        if (newline == std::string_view::npos) {
            if (start < text.size() || start == 0) {
                context.log(stream, text.substr(start));
            }
            return;
        }
        context.log(stream, text.substr(start, newline - start));
        start = newline + 1;
    }
}

bool ant_match(std::string_view pattern, std::string_view path, bool case_sensitive) {
    const int flags = (case_sensitive ? 0 : FNM_CASEFOLD);
    return match_segments(segments(pattern), 0, segments(path), 0, flags);
}

std::vector<std::string> find_files(const std::filesystem::path& root,
                                    const FilePatterns& patterns) {
    const auto includes = split_patterns(patterns.includes);
    auto excludes = split_patterns(patterns.excludes);
    if (patterns.default_excludes) {
        excludes.insert(excludes.end(), ant_default_excludes().begin(),
                        ant_default_excludes().end());
    }
    std::vector<std::string> found;
    std::error_code error;
    std::filesystem::recursive_directory_iterator it(
        root, std::filesystem::directory_options::skip_permission_denied, error);
    for (; !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
        std::error_code status_error;
        if (!it->is_regular_file(status_error)) {
            continue;
        }
        const auto relative = it->path().lexically_relative(root).generic_string();
        auto matches = [&](const std::vector<std::string>& list) {
            return std::any_of(list.begin(), list.end(), [&](const std::string& pattern) {
                return ant_match(pattern, relative, patterns.case_sensitive);
            });
        };
        if (matches(includes) && !matches(excludes)) {
            found.push_back(relative);
        }
    }
    std::sort(found.begin(), found.end());
    return found;
}

std::string copy_files(const std::filesystem::path& from, const std::vector<std::string>& files,
                       const std::filesystem::path& to) {
    for (const auto& file : files) {
        std::error_code error;
        const auto target = to / file;
        std::filesystem::create_directories(target.parent_path(), error);
        if (!error) {
            std::filesystem::copy_file(from / file, target,
                                       std::filesystem::copy_options::overwrite_existing, error);
        }
        if (error) {
            return fmt::format("cannot copy {} to {}: {}", (from / file).string(), target.string(),
                               error.message());
        }
    }
    return {};
}

} // namespace ferry::stdlib::drivers::detail
