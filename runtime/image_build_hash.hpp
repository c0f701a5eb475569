#pragma once
// Streaming sha256 for layers and context files: digests are computed while bytes pass, so no
// layer or file is ever held in memory. OpenSSL is included only by image_build_hash.cpp.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::runtime {

/// An incremental sha256; digest() gives `sha256:<hex>` and may be called once.
class Sha256Stream {
public:
    Sha256Stream();
    Sha256Stream(const Sha256Stream&) = delete;
    Sha256Stream& operator=(const Sha256Stream&) = delete;
    Sha256Stream(Sha256Stream&&) noexcept;
    Sha256Stream& operator=(Sha256Stream&&) noexcept;
    ~Sha256Stream();

    void update(std::string_view bytes);
    [[nodiscard]] std::string digest();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// `sha256:<hex>` of a file's content, read in 64 KiB pieces; nullopt and `error` on failure.
[[nodiscard]] std::optional<std::string> file_sha256(const std::filesystem::path& path,
                                                     std::string& error);

/// The hex part of `sha256:<hex>` (the text after the colon, or all of it).
[[nodiscard]] std::string_view digest_hex(std::string_view digest);

} // namespace ferry::runtime
