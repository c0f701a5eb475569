#pragma once
// The files of a build context that go into an image: walked once, `.dockerignore` applied,
// sorted by path (byte order) so a layer's bytes never depend on directory order. Modes are
// normalised (directories 0755, files 0755 when any execute bit is set else 0644, symlinks
// 0777) so a tree checked out under another umask builds the same layer.

#include "runtime/dockerignore.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ferry::runtime {

struct ContextEntry {
    enum class Type { file, directory, symlink };
    std::string path; ///< relative to the context, `/`-separated, never empty
    Type type = Type::file;
    unsigned mode = 0644;         ///< normalised permission bits
    std::uintmax_t size = 0;      ///< files only
    std::string link_target;      ///< symlinks only
    std::filesystem::path source; ///< where the bytes are on disk
    std::int64_t mtime_ns = 0;    ///< for the stat cache only, never in the layer
    std::uintmax_t inode = 0;     ///< for the stat cache only
};

struct ContextListing {
    std::vector<ContextEntry> entries; ///< sorted by path; parents before children
    std::vector<std::string> skipped;  ///< sockets, fifos, devices: not in the image
    std::string error;                 ///< names the path that could not be read
    [[nodiscard]] bool ok() const { return error.empty(); }
};

/// The context's entries. A `.dockerignore` at its root is honoured; a malformed one is an
/// error naming its line.
[[nodiscard]] ContextListing list_context(const std::filesystem::path& root);

/// The same, with the ignore rules given.
[[nodiscard]] ContextListing list_context(const std::filesystem::path& root,
                                          const DockerIgnore& ignore);

} // namespace ferry::runtime
