#pragma once
// Helpers for the probe tests: a temporary directory removed at the end, files, shell commands.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace ferry::testing {

/// A fresh directory under the system's temp dir, removed with everything in it.
class TempDir {
public:
    explicit TempDir(const std::string& tag = "probe") {
        std::string pattern =
            (std::filesystem::temp_directory_path() / ("ferry-" + tag + "-XXXXXX")).string();
        path_ = ::mkdtemp(pattern.data());
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
        return path_ / name;
    }

private:
    std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

/// Runs a shell command in `dir`, quietly; its exit status.
inline int sh(const std::filesystem::path& dir, const std::string& command) {
    const std::string full = "cd '" + dir.string() + "' && ( " + command + " ) >/dev/null 2>&1";
    return std::system(full.c_str());
}

/// Output of a shell command in `dir`, trailing newline dropped.
inline std::string sh_out(const std::filesystem::path& dir, const std::string& command) {
    const std::string full = "cd '" + dir.string() + "' && " + command;
    std::string out;
    if (FILE* p = ::popen(full.c_str(), "r")) {
        char buf[4096];
        std::size_t n = 0;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) {
            out.append(buf, n);
        }
        ::pclose(p);
    }
    while (!out.empty() && out.back() == '\n') {
        out.pop_back();
    }
    return out;
}

} // namespace ferry::testing
