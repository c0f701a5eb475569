// Walking a build context: lstat each entry once, skip what .dockerignore excludes (a whole
// directory when no `!` line could bring something inside it back), keep the parents of what
// is kept.
#include "runtime/image_build_context.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::runtime {
namespace {

namespace fs = std::filesystem;

unsigned normalised_mode(ContextEntry::Type type, mode_t mode) {
    switch (type) {
    case ContextEntry::Type::directory:
        return 0755;
    case ContextEntry::Type::symlink:
        return 0777;
    case ContextEntry::Type::file:
        break;
    }
    return (mode & 0111) != 0 ? 0755u : 0644u;
}

struct Walker {
    const fs::path& root;
    const DockerIgnore& ignore;
    ContextListing out;
    std::set<std::string> kept_dirs; // directories with something kept below them

    void keep_parents(const std::string& path) {
        for (auto slash = path.find('/'); slash != std::string::npos;
             slash = path.find('/', slash + 1)) {
            kept_dirs.insert(path.substr(0, slash));
        }
    }

    bool add(const fs::path& full, const std::string& relative) {
        struct stat st {};
        if (::lstat(full.c_str(), &st) != 0) {
            out.error = fmt::format("cannot read {}: {}", full.string(), std::strerror(errno));
            return false;
        }
        ContextEntry entry;
        entry.path = relative;
        entry.source = full;
        entry.mtime_ns =
            static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
        entry.inode = st.st_ino;
        const bool excluded = ignore.excluded(relative);
        if (S_ISDIR(st.st_mode)) {
            entry.type = ContextEntry::Type::directory;
            entry.mode = normalised_mode(entry.type, st.st_mode);
            if (excluded && !ignore.has_exceptions()) {
                return true;
            }
            if (!excluded) {
                kept_dirs.insert(relative);
                keep_parents(relative);
                out.entries.push_back(entry);
            }
            return walk(full, relative + "/");
        }
        if (excluded) {
            return true;
        }
        if (S_ISLNK(st.st_mode)) {
            entry.type = ContextEntry::Type::symlink;
            std::error_code ec;
            entry.link_target = fs::read_symlink(full, ec).string();
            if (ec) {
                out.error = fmt::format("cannot read the link {}: {}", full.string(), ec.message());
                return false;
            }
        } else if (S_ISREG(st.st_mode)) {
            entry.type = ContextEntry::Type::file;
            entry.size = static_cast<std::uintmax_t>(st.st_size);
        } else {
            out.skipped.push_back(relative);
            return true;
        }
        entry.mode = normalised_mode(entry.type, st.st_mode);
        keep_parents(relative);
        out.entries.push_back(std::move(entry));
        return true;
    }

    bool walk(const fs::path& dir, const std::string& prefix) {
        std::error_code ec;
        std::vector<std::string> names;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            names.push_back(it->path().filename().string());
        }
        if (ec) {
            out.error = fmt::format("cannot list {}: {}", dir.string(), ec.message());
            return false;
        }
        std::sort(names.begin(), names.end());
        for (const auto& name : names) {
            if (!add(dir / name, prefix + name)) {
                return false;
            }
        }
        return true;
    }
};

} // namespace

ContextListing list_context(const fs::path& root, const DockerIgnore& ignore) {
    Walker walker{root, ignore, {}, {}};
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        walker.out.error = fmt::format("the build context {} is not a directory", root.string());
        return walker.out;
    }
    if (!walker.walk(root, "")) {
        walker.out.entries.clear();
        return walker.out;
    }
    // A directory excluded itself but holding an exception's file is kept as a parent.
    std::set<std::string> listed;
    for (const auto& entry : walker.out.entries) {
        if (entry.type == ContextEntry::Type::directory) {
            listed.insert(entry.path);
        }
    }
    for (const auto& dir : walker.kept_dirs) {
        if (listed.count(dir) == 0) {
            ContextEntry entry;
            entry.path = dir;
            entry.type = ContextEntry::Type::directory;
            entry.mode = 0755;
            entry.source = root / dir;
            walker.out.entries.push_back(std::move(entry));
        }
    }
    std::sort(walker.out.entries.begin(), walker.out.entries.end(),
              [](const ContextEntry& a, const ContextEntry& b) { return a.path < b.path; });
    return walker.out;
}

ContextListing list_context(const fs::path& root) {
    const auto file = root / ".dockerignore";
    std::error_code ec;
    if (!fs::exists(file, ec)) {
        return list_context(root, DockerIgnore{});
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    std::string error;
    const auto ignore = DockerIgnore::parse(text.str(), file.string(), error);
    if (!ignore) {
        ContextListing out;
        out.error = error;
        return out;
    }
    return list_context(root, *ignore);
}

} // namespace ferry::runtime
