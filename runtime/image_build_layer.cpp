// Deterministic layers: libarchive's PAX-restricted tar writer, whose output callback hashes the
// tar (diff_id) and feeds ParallelGzip (runtime/image_build_gzip.hpp: fixed chunks deflated on
// every core, no time, no name), whose sink hashes the gzip (digest) and writes it to disk. Both
// digests come from one pass.
#include "runtime/image_build_layer.hpp"

#include "runtime/image_build_gzip.hpp"
#include "runtime/image_build_hash.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <memory>
#include <unistd.h>
#include <vector>

namespace ferry::runtime {
namespace {

namespace fs = std::filesystem;

struct ArchiveDeleter {
    void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
    void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;
using EntryPtr = std::unique_ptr<archive_entry, EntryDeleter>;

struct FileOut {
    int fd = -1;
    Sha256Stream hash;
    std::int64_t size = 0;
    std::string error;
};

bool write_compressed(FileOut& out, std::string_view bytes) {
    out.hash.update(bytes);
    std::size_t done = 0;
    while (done < bytes.size()) {
        const auto w = ::write(out.fd, bytes.data() + done, bytes.size() - done);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w < 0) {
            out.error = std::strerror(errno);
            return false;
        }
        done += static_cast<std::size_t>(w);
    }
    out.size += static_cast<std::int64_t>(bytes.size());
    return true;
}

struct TarOut {
    ParallelGzip* gzip = nullptr;
    Sha256Stream hash;
};

la_ssize_t write_tar(archive* /*a*/, void* user, const void* data, size_t n) {
    auto& out = *static_cast<TarOut*>(user);
    const std::string_view bytes(static_cast<const char*>(data), n);
    out.hash.update(bytes);
    try { // libarchive is C: nothing may unwind through it
        return out.gzip->write(bytes) ? static_cast<la_ssize_t>(n) : -1;
    } catch (...) {
        return -1;
    }
}

std::string archive_problem(archive* a) {
    const char* text = archive_error_string(a);
    return text == nullptr ? "unknown libarchive error" : text;
}

ArchivePtr open_tar(TarOut& out, std::string& error) {
    ArchivePtr a(archive_write_new());
    if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(a.get(), 0) != ARCHIVE_OK ||
        archive_write_open2(a.get(), &out, nullptr, write_tar, nullptr, nullptr) != ARCHIVE_OK) {
        error = archive_problem(a.get());
        return nullptr;
    }
    return a;
}

EntryPtr header_for(const std::string& name, const ContextEntry& entry, std::int64_t mtime) {
    EntryPtr e(archive_entry_new());
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_mtime(e.get(), static_cast<time_t>(mtime), 0);
    archive_entry_set_uid(e.get(), 0);
    archive_entry_set_gid(e.get(), 0);
    archive_entry_set_perm(e.get(), static_cast<mode_t>(entry.mode));
    switch (entry.type) {
    case ContextEntry::Type::directory:
        archive_entry_set_filetype(e.get(), AE_IFDIR);
        archive_entry_set_size(e.get(), 0);
        break;
    case ContextEntry::Type::symlink:
        archive_entry_set_filetype(e.get(), AE_IFLNK);
        archive_entry_set_symlink(e.get(), entry.link_target.c_str());
        archive_entry_set_size(e.get(), 0);
        break;
    case ContextEntry::Type::file:
        archive_entry_set_filetype(e.get(), AE_IFREG);
        archive_entry_set_size(e.get(), static_cast<la_int64_t>(entry.size));
        break;
    }
    return e;
}

// Streams one file's content into the tar; the file must still have its listed size.
std::string copy_content(archive* tar, const ContextEntry& entry) {
    const int fd = ::open(entry.source.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return fmt::format("cannot read {}: {}", entry.source.string(), std::strerror(errno));
    }
    std::vector<char> buffer(256 * 1024);
    std::uintmax_t total = 0;
    std::string error;
    while (error.empty()) {
        const auto n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            error = fmt::format("cannot read {}: {}", entry.source.string(), std::strerror(errno));
        } else if (n == 0) {
            break;
        } else {
            total += static_cast<std::uintmax_t>(n);
            if (total > entry.size) {
                break;
            }
            if (archive_write_data(tar, buffer.data(), static_cast<std::size_t>(n)) < 0) {
                error = archive_problem(tar);
            }
        }
    }
    ::close(fd);
    if (error.empty() && total != entry.size) {
        error = fmt::format("{} changed size while the layer was written", entry.source.string());
    }
    return error;
}

std::vector<std::pair<std::string, ContextEntry>>
layer_entries(const std::vector<ContextEntry>& entries, const std::string& prefix) {
    std::vector<std::pair<std::string, ContextEntry>> out;
    ContextEntry dir;
    dir.type = ContextEntry::Type::directory;
    dir.mode = 0755;
    for (auto slash = prefix.find('/'); !prefix.empty(); slash = prefix.find('/', slash + 1)) {
        out.emplace_back(prefix.substr(0, slash), dir);
        if (slash == std::string::npos) {
            break;
        }
    }
    for (const auto& entry : entries) {
        out.emplace_back(prefix.empty() ? entry.path : prefix + "/" + entry.path, entry);
    }
    return out;
}

std::string unique_name() {
    static std::atomic<unsigned> counter{0};
    return fmt::format("layer-{}-{}.tar.gz", ::getpid(), counter.fetch_add(1));
}

std::string write_all(const std::vector<ContextEntry>& entries, const LayerOptions& options,
                      FileOut& file, std::string& diff_id) {
    std::string error;
    ParallelGzip gzip([&file](std::string_view bytes) { return write_compressed(file, bytes); });
    TarOut tar_out;
    tar_out.gzip = &gzip;
    auto tar = open_tar(tar_out, error);
    if (!tar) {
        return error;
    }
    for (const auto& [name, entry] : layer_entries(entries, options.prefix)) {
        const auto header = header_for(name, entry, options.mtime);
        if (archive_write_header(tar.get(), header.get()) != ARCHIVE_OK) {
            return fmt::format("{}: {}", name, archive_problem(tar.get()));
        }
        if (entry.type == ContextEntry::Type::file && entry.size > 0) {
            if (auto problem = copy_content(tar.get(), entry); !problem.empty()) {
                return problem;
            }
        }
    }
    if (archive_write_close(tar.get()) != ARCHIVE_OK) {
        return !file.error.empty()    ? file.error
               : gzip.error().empty() ? archive_problem(tar.get())
                                      : gzip.error();
    }
    diff_id = tar_out.hash.digest();
    if (!gzip.finish()) {
        return file.error.empty() ? gzip.error() : file.error;
    }
    return {};
}

} // namespace

LayerResult write_layer(const std::vector<ContextEntry>& entries, const LayerOptions& options,
                        ImageStore& store) {
    LayerResult result;
    std::error_code ec;
    fs::create_directories(store.temp_dir(), ec);
    const auto temp = store.temp_dir() / unique_name();
    FileOut file;
    file.fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (file.fd < 0) {
        result.error = fmt::format("cannot create {}: {}", temp.string(), std::strerror(errno));
        return result;
    }
    result.error = write_all(entries, options, file, result.diff_id);
    const bool synced = ::fsync(file.fd) == 0;
    ::close(file.fd);
    if (result.error.empty() && !synced) {
        result.error = fmt::format("cannot sync {}", temp.string());
    }
    if (!result.error.empty()) {
        fs::remove(temp, ec);
        return result;
    }
    result.digest = file.hash.digest();
    result.size = file.size;
    result.error = store.adopt_blob(temp, result.digest);
    return result;
}

} // namespace ferry::runtime
