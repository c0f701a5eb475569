// Incremental sha256 over OpenSSL's EVP interface.
#include "runtime/image_build_hash.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <openssl/evp.h>
#include <vector>

namespace ferry::runtime {

struct Sha256Stream::Impl {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    Impl() { EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr); }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256Stream::Sha256Stream() : impl_(std::make_unique<Impl>()) {}
Sha256Stream::Sha256Stream(Sha256Stream&&) noexcept = default;
Sha256Stream& Sha256Stream::operator=(Sha256Stream&&) noexcept = default;
Sha256Stream::~Sha256Stream() = default;

void Sha256Stream::update(std::string_view bytes) {
    EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size());
}

std::string Sha256Stream::digest() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int len = 0;
    EVP_DigestFinal_ex(impl_->ctx, out.data(), &len);
    std::string hex = "sha256:";
    for (unsigned int i = 0; i < len; ++i) {
        hex += fmt::format("{:02x}", out[i]);
    }
    return hex;
}

std::optional<std::string> file_sha256(const std::filesystem::path& path, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = fmt::format("cannot read {}: {}", path.string(), std::strerror(errno));
        return std::nullopt;
    }
    Sha256Stream hash;
    std::vector<char> buffer(64 * 1024);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto got = in.gcount();
        if (got > 0) {
            hash.update({buffer.data(), static_cast<std::size_t>(got)});
        }
    }
    if (in.bad()) {
        error = fmt::format("error reading {}", path.string());
        return std::nullopt;
    }
    return hash.digest();
}

std::string_view digest_hex(std::string_view digest) {
    const auto colon = digest.find(':');
    return colon == std::string_view::npos ? digest : digest.substr(colon + 1);
}

} // namespace ferry::runtime
