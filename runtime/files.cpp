#include "runtime/files.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

namespace ferry::runtime {
namespace fs = std::filesystem;

namespace {

bool is_pipeline_name(const fs::path& path) {
    const std::string name = path.filename().string();
    const std::string ext = path.extension().string();
    return name == "Ferryfile" || name == "Jenkinsfile" || name.rfind("Jenkinsfile.", 0) == 0 ||
           name.rfind("Ferryfile.", 0) == 0 || ext == ".jenkinsfile" || ext == ".Jenkinsfile" ||
           ext == ".groovy" || ext == ".ferry" || name == "ferry.yaml" ||
           name.ends_with(".ferry.yaml");
}

bool is_skipped_directory(const fs::path& path) {
    const std::string name = path.filename().string();
    return (!name.empty() && name[0] == '.') || name == "node_modules" ||
           name.rfind("build", 0) == 0;
}

} // namespace

LoadResult load_source(const fs::path& path) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
        return fmt::format("{}: no such file", path.string());
    }
    if (fs::is_directory(status)) {
        return fmt::format("{}: is a directory, not a pipeline file", path.string());
    }
    const auto size = fs::file_size(path, ec);
    if (ec) {
        return fmt::format("{}: cannot read its size: {}", path.string(), ec.message());
    }
    if (size > max_pipeline_bytes) {
        return fmt::format("{}: {} bytes is larger than the {} MiB a pipeline file may have",
                           path.string(), size, max_pipeline_bytes / (1024 * 1024));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno));
    }
    std::string text;
    text.resize(static_cast<std::size_t>(size));
    in.read(text.data(), static_cast<std::streamsize>(size));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad()) {
        return fmt::format("{}: read failed: {}", path.string(), std::strerror(errno));
    }
    return std::make_shared<const grammar::SourceFile>(path.string(), std::move(text));
}

std::optional<fs::path> default_pipeline(const fs::path& dir) {
    for (const char* name : {"Ferryfile", "Jenkinsfile"}) {
        std::error_code ec;
        if (fs::is_regular_file(dir / name, ec)) {
            return dir / name;
        }
    }
    return std::nullopt;
}

Expansion expand_paths(const std::vector<fs::path>& paths) {
    Expansion out;
    for (const auto& path : paths) {
        std::error_code ec;
        if (!fs::exists(path, ec)) {
            out.missing.push_back(path);
            continue;
        }
        if (!fs::is_directory(path, ec)) {
            out.files.push_back(path);
            continue;
        }
        std::vector<fs::path> found;
        fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied,
                                            ec);
        for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_directory(ec) && is_skipped_directory(it->path())) {
                it.disable_recursion_pending();
                continue;
            }
            if (it->is_regular_file(ec) && is_pipeline_name(it->path())) {
                found.push_back(it->path());
            }
        }
        std::sort(found.begin(), found.end());
        out.files.insert(out.files.end(), found.begin(), found.end());
    }
    return out;
}

std::string write_atomically(const fs::path& path, const std::string& content) {
    fs::path temp = path;
    temp += ".ferry-tmp";
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) {
            return fmt::format("{}: cannot write: {}", temp.string(), std::strerror(errno));
        }
        out << content;
        out.flush();
        if (!out) {
            return fmt::format("{}: write failed: {}", temp.string(), std::strerror(errno));
        }
    }
    std::error_code ec;
    const auto perms = fs::status(path, ec).permissions();
    if (!ec) {
        fs::permissions(temp, perms, ec);
    }
    fs::rename(temp, path, ec);
    if (ec) {
        fs::remove(temp, ec);
        return fmt::format("{}: cannot replace: {}", path.string(), ec.message());
    }
    return {};
}

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

} // namespace

std::string path_segment(std::string_view name) {
    if (name.empty()) {
        return "_";
    }
    std::string out;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0 || c == '_' || c == '-' || (c == '.' && !out.empty())) {
            out += c;
        } else {
            out += fmt::format("%{:02X}", u);
        }
    }
    return out;
}

std::string from_path_segment(std::string_view segment) {
    std::string out;
    for (std::size_t i = 0; i < segment.size(); ++i) {
        if (segment[i] == '%' && i + 2 < segment.size()) {
            const int high = hex_value(segment[i + 1]);
            const int low = hex_value(segment[i + 2]);
            if (high >= 0 && low >= 0) {
                out += static_cast<char>(high * 16 + low);
                i += 2;
                continue;
            }
        }
        out += segment[i];
    }
    return out;
}

} // namespace ferry::runtime
