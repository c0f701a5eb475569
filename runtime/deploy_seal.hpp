#pragma once
// What a deploy replaces may be secret (a pull secret's previous content, a Secret manifest).
// The journal keeps it sealed: AES-256-GCM under a 32-byte key kept outside the journal, in a
// 0600 file of ferry's cache directory, so a journal copied elsewhere reveals nothing and
// `ferry recover` on the same machine can restore it.

#include <array>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::runtime {

struct SealKey {
    std::array<unsigned char, 32> bytes{};
    std::string id; ///< first 16 hex digits of the key's sha256: names the key, reveals nothing
};

/// `$XDG_CACHE_HOME/ferry/journal.key`, else `$HOME/.cache/ferry/journal.key`.
[[nodiscard]] std::filesystem::path
default_seal_key_path(const std::function<std::optional<std::string>(const std::string&)>& getenv);

/// Reads the key file, creating it (0600, random bytes) when absent. nullopt with `error`.
[[nodiscard]] std::optional<SealKey> load_or_create_seal_key(const std::filesystem::path& path,
                                                             std::string& error);

/// `{"alg":"AES-256-GCM","key":id,"nonce":b64,"ciphertext":b64,"tag":b64}`.
[[nodiscard]] nlohmann::json seal(const SealKey& key, std::string_view plaintext);

/// The plaintext of a sealed value; nullopt with `error` (wrong key, tampered, malformed).
[[nodiscard]] std::optional<std::string> unseal(const SealKey& key, const nlohmann::json& sealed,
                                                std::string& error);

} // namespace ferry::runtime
