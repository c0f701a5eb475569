// Deploy keys: chart digests, image values and the canonical hash over them.
#include "runtime/deploy_key.hpp"

#include "runtime/deploy_manifest.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <fstream>
#include <openssl/evp.h>
#include <sstream>

namespace ferry::runtime {
namespace {

class Sha256 {
public:
    Sha256() { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    ~Sha256() { EVP_MD_CTX_free(ctx_); }
    void update(std::string_view bytes) { EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()); }
    std::string hex() {
        std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx_, out.data(), &len);
        std::string text;
        for (unsigned int i = 0; i < len; ++i) {
            text += fmt::format("{:02x}", out[i]);
        }
        return text;
    }

private:
    EVP_MD_CTX* ctx_ = EVP_MD_CTX_new();
};

bool hash_file(const std::filesystem::path& path, Sha256& sha, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = fmt::format("cannot read {}", path.string());
        return false;
    }
    std::array<char, 1 << 16> buffer{};
    while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
        sha.update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
    }
    return true;
}

// Splits `repo@sha256:…` (optionally `repo:tag@sha256:…`) into the values of an image key.
bool pinned_by_digest(std::string_view reference, std::string& repo, std::string& tag,
                      std::string& digest) {
    const auto at = reference.find('@');
    if (at == std::string_view::npos) {
        return false;
    }
    digest = std::string(reference.substr(at + 1));
    repo = image_repository(reference);
    tag = image_tag(reference);
    return digest.starts_with("sha256:") || digest.starts_with("sha512:");
}

} // namespace

std::string sha256_hex(std::string_view bytes) {
    Sha256 sha;
    sha.update(bytes);
    return sha.hex();
}

std::optional<std::string> chart_digest(const std::filesystem::path& chart, std::string& error) {
    std::error_code ec;
    Sha256 sha;
    if (!std::filesystem::is_directory(chart, ec)) {
        if (!hash_file(chart, sha, error)) {
            return std::nullopt;
        }
        return "sha256:" + sha.hex();
    }
    std::vector<std::filesystem::path> files;
    for (auto it = std::filesystem::recursive_directory_iterator(chart, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec)) {
            files.push_back(it->path().lexically_relative(chart));
        }
    }
    if (ec) {
        error = fmt::format("cannot list chart directory {}: {}", chart.string(), ec.message());
        return std::nullopt;
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        // Length-prefixed so that no two trees hash the same by shifting bytes between parts.
        const auto name = file.generic_string();
        sha.update(fmt::format("{}:{}\n", name.size(), name));
        Sha256 content;
        if (!hash_file(chart / file, content, error)) {
            return std::nullopt;
        }
        sha.update(content.hex());
    }
    return "sha256:" + sha.hex();
}

ImageValues image_values(const nlohmann::json& images,
                         const std::map<std::string, RunImage, std::less<>>& run) {
    ImageValues out;
    if (images.is_null()) {
        return out;
    }
    if (!images.is_object()) {
        out.error = "images: must be a map from values keys to image names";
        return out;
    }
    for (const auto& [key, value] : images.items()) {
        if (!value.is_string()) {
            out.error = fmt::format("images: the value of '{}' must be an image name", key);
            return out;
        }
        const auto name = value.get<std::string>();
        std::string repo;
        std::string tag;
        std::string digest;
        if (const auto it = run.find(name); it != run.end() && !it->second.digest.empty()) {
            const auto& image = it->second;
            const auto& from = image.pushed.empty() ? image.reference : image.pushed.front();
            repo = image_repository(from);
            tag = image_tag(from);
            digest = image.digest;
        } else if (!pinned_by_digest(name, repo, tag, digest)) {
            out.error = fmt::format("images: '{}' (for {}) was not built or pushed earlier in this "
                                    "run, and is not pinned by digest (name@sha256:…)",
                                    name, key);
            return out;
        }
        out.set_strings.emplace_back(key + ".repository", repo);
        out.set_strings.emplace_back(key + ".tag", tag);
        out.set_strings.emplace_back(key + ".digest", digest);
        out.digests.push_back(digest);
    }
    return out;
}

std::string deploy_key(const DeployKeyInputs& inputs) {
    // An image's tag is only a name for its digest: a rerun pushes the same digest under a new
    // `${BUILD_NUMBER}` tag, and that must not make a new revision. Where a digest is given,
    // repository and digest say what runs; without one the tag is all there is and counts.
    const auto has_digest = [&inputs](std::string_view tag_value) {
        const auto digest_name =
            std::string(tag_value.substr(0, tag_value.size() - std::string_view(".tag").size())) +
            ".digest";
        return std::any_of(inputs.image_values.begin(), inputs.image_values.end(),
                           [&digest_name](const auto& entry) {
                               return entry.first == digest_name && !entry.second.empty();
                           });
    };
    std::vector<std::pair<std::string, std::string>> images;
    for (const auto& [name, value] : inputs.image_values) {
        if (!(name.ends_with(".tag") && has_digest(name))) {
            images.emplace_back(name, value);
        }
    }
    nlohmann::json canonical = {
        {"version", 1},
        {"release", inputs.release},
        {"namespace", inputs.namespace_},
        {"chart", inputs.chart_digest},
        {"values", inputs.values_file_digests},
        {"set", inputs.set},
        {"setString", inputs.set_string},
        {"images", images},
    };
    return sha256_hex(canonical.dump()); // nlohmann::json sorts object keys: canonical
}

std::string deploy_key_label_value(std::string_view key) {
    std::string value;
    for (const char c : key) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            value.push_back(c);
        }
        if (value.size() == 63) {
            break;
        }
    }
    return value;
}

std::string helm_set_value(const nlohmann::json& value) {
    const auto escape = [](const std::string& text) {
        std::string out;
        for (const char c : text) {
            if (c == ',' || c == '\\') {
                out.push_back('\\');
            }
            out.push_back(c);
        }
        return out;
    };
    if (value.is_string()) {
        return escape(value.get<std::string>());
    }
    if (value.is_array()) {
        std::string out = "{";
        for (std::size_t i = 0; i < value.size(); ++i) {
            out += (i == 0 ? "" : ",") + helm_set_value(value[i]);
        }
        return out + "}";
    }
    if (value.is_null()) {
        return "null";
    }
    return value.dump();
}

} // namespace ferry::runtime
