// AES-256-GCM sealing through OpenSSL's EVP interface.
#include "runtime/deploy_seal.hpp"

#include "runtime/deploy_key.hpp"
#include "runtime/secret.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <memory>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::runtime {
namespace {

constexpr std::size_t nonce_size = 12;
constexpr std::size_t tag_size = 16;

struct CipherFree {
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using Cipher = std::unique_ptr<EVP_CIPHER_CTX, CipherFree>;

SealKey make_key(const unsigned char* bytes) {
    SealKey key;
    std::copy(bytes, bytes + key.bytes.size(), key.bytes.begin());
    key.id = sha256_hex(std::string_view(reinterpret_cast<const char*>(bytes), key.bytes.size()))
                 .substr(0, 16);
    return key;
}

const unsigned char* u8(const std::string& s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

} // namespace

std::filesystem::path
default_seal_key_path(const std::function<std::optional<std::string>(const std::string&)>& getenv) {
    if (auto xdg = getenv("XDG_CACHE_HOME"); xdg && !xdg->empty()) {
        return std::filesystem::path(*xdg) / "ferry" / "journal.key";
    }
    return std::filesystem::path(getenv("HOME").value_or("/tmp")) / ".cache" / "ferry" /
           "journal.key";
}

std::optional<SealKey> load_or_create_seal_key(const std::filesystem::path& path,
                                               std::string& error) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    std::array<unsigned char, 32> bytes{};
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
            error = "no random bytes for the journal key";
            return std::nullopt;
        }
        // O_EXCL: two runs creating the key at once must not each keep their own.
        fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            const bool written =
                ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
            const bool synced = ::fsync(fd) == 0;
            ::close(fd);
            if (!written || !synced) {
                error = fmt::format("cannot write the journal key {}", path.string());
                return std::nullopt;
            }
            return make_key(bytes.data());
        }
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            error = fmt::format("cannot create the journal key {}", path.string());
            return std::nullopt;
        }
    }
    const auto got = ::read(fd, bytes.data(), bytes.size());
    ::close(fd);
    if (got != static_cast<ssize_t>(bytes.size())) {
        error = fmt::format("the journal key {} is damaged (not 32 bytes)", path.string());
        return std::nullopt;
    }
    return make_key(bytes.data());
}

nlohmann::json seal(const SealKey& key, std::string_view plaintext) {
    std::string nonce(nonce_size, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), static_cast<int>(nonce.size()));
    std::string ciphertext(plaintext.size(), '\0');
    std::string tag(tag_size, '\0');
    Cipher ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr);
    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce_size), nullptr);
    EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.bytes.data(), u8(nonce));
    EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(ciphertext.data()), &len,
                      reinterpret_cast<const unsigned char*>(plaintext.data()),
                      static_cast<int>(plaintext.size()));
    std::array<unsigned char, 16> rest{};
    EVP_EncryptFinal_ex(ctx.get(), rest.data(), &len);
    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_size), tag.data());
    return {{"alg", "AES-256-GCM"},
            {"key", key.id},
            {"nonce", detail::base64_encode(nonce)},
            {"ciphertext", detail::base64_encode(ciphertext)},
            {"tag", detail::base64_encode(tag)}};
}

std::optional<std::string> unseal(const SealKey& key, const nlohmann::json& sealed,
                                  std::string& error) {
    if (!sealed.is_object() || sealed.value("alg", "") != "AES-256-GCM") {
        error = "not a sealed value (AES-256-GCM)";
        return std::nullopt;
    }
    if (sealed.value("key", "") != key.id) {
        error = fmt::format("sealed with key {}, not with this machine's journal key {}",
                            sealed.value("key", ""), key.id);
        return std::nullopt;
    }
    std::string nonce;
    std::string ciphertext;
    std::string tag;
    if (!detail::base64_decode(sealed.value("nonce", ""), nonce) ||
        !detail::base64_decode(sealed.value("ciphertext", ""), ciphertext) ||
        !detail::base64_decode(sealed.value("tag", ""), tag) || nonce.size() != nonce_size ||
        tag.size() != tag_size) {
        error = "the sealed value is malformed";
        return std::nullopt;
    }
    std::string plaintext(ciphertext.size(), '\0');
    Cipher ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr);
    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce_size), nullptr);
    EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.bytes.data(), u8(nonce));
    EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()), &len,
                      u8(ciphertext), static_cast<int>(ciphertext.size()));
    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size), tag.data());
    std::array<unsigned char, 16> rest{};
    if (EVP_DecryptFinal_ex(ctx.get(), rest.data(), &len) != 1) {
        error = "the sealed value does not authenticate (wrong key or tampered)";
        return std::nullopt;
    }
    return plaintext;
}

} // namespace ferry::runtime
