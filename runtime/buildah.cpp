// Running buildah: bud into a private vfs store, push to an OCI layout, import the blobs.
#include "runtime/buildah.hpp"

#include "runtime/docker_config.hpp"
#include "runtime/image_build.hpp"

#include <deque>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

namespace ferry::runtime {
namespace {

namespace fs = std::filesystem;

// A directory that is removed, with everything in it, when the guard goes.
class TempDir {
public:
    explicit TempDir(const fs::path& parent) {
        std::error_code ec;
        fs::create_directories(parent, ec);
        auto pattern = (parent / "ferry-XXXXXX").string();
        if (::mkdtemp(pattern.data()) != nullptr) {
            path_ = pattern; // mkdtemp makes it 0700
        }
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        if (!path_.empty()) {
            fs::remove_all(path_, ec);
        }
    }
    [[nodiscard]] const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::string write_private(const fs::path& path, const std::string& text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return fmt::format("cannot create {}", path.string());
    }
    const auto n = ::write(fd, text.data(), text.size());
    ::close(fd);
    return n == static_cast<ssize_t>(text.size()) ? std::string{}
                                                  : fmt::format("cannot write {}", path.string());
}

// Keeps the last lines of a command's output, for the error message.
struct Tail {
    std::deque<std::string> lines;
    void add(std::string_view line) {
        lines.emplace_back(line);
        if (lines.size() > 15) {
            lines.pop_front();
        }
    }
    [[nodiscard]] std::string text() const {
        std::string out;
        for (const auto& line : lines) {
            out += "\n  " + line;
        }
        return out;
    }
};

std::string run_buildah(const BuildahBuild& build, std::vector<std::string> args,
                        const Cancellation& cancel, const LineSink& log, std::string_view what) {
    ProcessSpec spec;
    spec.program = build.program;
    spec.args = std::move(args);
    spec.cwd = build.context;
    spec.env = build.env;
    Tail tail;
    const auto result = run_process(
        spec,
        [&](OutputStream stream, std::string_view line) {
            tail.add(line);
            if (log) {
                log(stream, line);
            }
        },
        cancel);
    switch (result.end) {
    case ProcessEnd::exited:
        return result.exit_code == 0 ? std::string{}
                                     : fmt::format("buildah {} failed (exit code {}):{}", what,
                                                   result.exit_code, tail.text());
    case ProcessEnd::signalled:
        return fmt::format("buildah {} was killed by signal {}:{}", what, result.signal,
                           tail.text());
    case ProcessEnd::cancelled:
        return fmt::format("buildah {} was cancelled", what);
    case ProcessEnd::failed_to_start:
        break;
    }
    return fmt::format("cannot run buildah ({}): install it (Debian: apt-get install buildah)",
                       result.error);
}

// A cert dir for buildah: the registry's CA and client certificate under docker's names.
std::string fill_cert_dir(const compiler::TlsSettings& tls, const fs::path& dir) {
    std::error_code ec;
    const auto copy = [&](const std::optional<fs::path>& from, const char* name) {
        if (from && !ec) {
            fs::copy_file(*from, dir / name, fs::copy_options::overwrite_existing, ec);
        }
    };
    copy(tls.ca, "ca.crt");
    copy(tls.client_cert, "client.cert");
    copy(tls.client_key, "client.key");
    return ec ? fmt::format("cannot prepare the registry's certificates: {}", ec.message())
              : std::string{};
}

} // namespace

std::vector<std::string> buildah_storage_args(const BuildahBuild& build) {
    return {"--root",           (build.storage / "root").string(),
            "--runroot",        (build.storage / "runroot").string(),
            "--storage-driver", "vfs"};
}

std::vector<std::string> buildah_bud_args(const BuildahBuild& build,
                                          const std::optional<fs::path>& authfile,
                                          const std::optional<fs::path>& cert_dir) {
    auto args = buildah_storage_args(build);
    // --pull=always: the FROM images are the ones the registry names now, the ones the build
    // key recorded by digest, never an older copy left in this workspace's storage.
    args.insert(args.end(), {"bud", "--isolation", "chroot", "--layers=false", "--pull=always",
                             "--file", build.dockerfile.string(), "--tag", build.reference});
    for (const auto& [name, value] : build.build_args) {
        args.push_back("--build-arg");
        args.push_back(name + "=" + value);
    }
    if (build.target) {
        args.push_back("--target");
        args.push_back(*build.target);
    }
    if (authfile) {
        args.push_back("--authfile");
        args.push_back(authfile->string());
    }
    if (build.tls.insecure) {
        args.emplace_back("--tls-verify=false");
    } else if (cert_dir) {
        args.push_back("--cert-dir");
        args.push_back(cert_dir->string());
    }
    args.push_back(build.context.string());
    return args;
}

BuildahResult build_with_buildah(const BuildahBuild& build, ImageStore& store,
                                 const Cancellation& cancel, const LineSink& log) {
    BuildahResult out;
    TempDir scratch(store.temp_dir());
    if (scratch.path().empty()) {
        out.error =
            fmt::format("cannot create a temporary directory in {}", store.temp_dir().string());
        return out;
    }
    std::optional<fs::path> authfile;
    if (build.auth) {
        authfile = scratch.path() / "auth.json";
        if (out.error =
                write_private(*authfile, dockerconfigjson(build.server, *build.auth).reveal());
            !out.error.empty()) {
            return out;
        }
    }
    std::optional<fs::path> cert_dir;
    if (build.tls.ca || build.tls.client_cert) {
        cert_dir = scratch.path() / "certs";
        std::error_code ec;
        fs::create_directories(*cert_dir, ec);
        if (out.error = fill_cert_dir(build.tls, *cert_dir); !out.error.empty()) {
            return out;
        }
    }
    out.error = run_buildah(build, buildah_bud_args(build, authfile, cert_dir), cancel, log, "bud");
    if (!out.error.empty()) {
        return out;
    }
    const auto layout = scratch.path() / "layout";
    auto push = buildah_storage_args(build);
    push.insert(push.end(),
                {"push", "--quiet", build.reference, fmt::format("oci:{}:ferry", layout.string())});
    out.error = run_buildah(build, push, cancel, log, "push (to an OCI layout)");
    if (!out.error.empty()) {
        return out;
    }
    auto digest = import_layout(store, layout, "ferry", out.error);
    if (digest) {
        out.manifest_digest = std::move(*digest);
    }
    return out;
}

std::optional<std::string>
buildah_version(const std::vector<std::pair<std::string, std::string>>& env,
                const Cancellation& cancel, const std::string& program) {
    ProcessSpec spec;
    spec.program = program;
    spec.args = {"--version"};
    spec.env = env;
    std::string first;
    const auto result = run_process(
        spec,
        [&](OutputStream stream, std::string_view line) {
            if (stream == OutputStream::out && first.empty()) {
                first = line;
            }
        },
        cancel);
    if (result.end != ProcessEnd::exited || result.exit_code != 0 || first.empty()) {
        return std::nullopt;
    }
    return first;
}

} // namespace ferry::runtime
