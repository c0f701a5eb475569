// Pure helpers of the registry client: image references, media types, auth challenges, upload
// locations and ranges.
#include "runtime/registry_client.hpp"
#include "runtime/secret.hpp"

#include <algorithm>
#include <cctype>

namespace ferry::runtime {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Docker's rule: the first component names a registry when it looks like a host.
bool looks_like_host(std::string_view component) {
    return component.find_first_of(".:") != std::string_view::npos || component == "localhost" ||
           (component.size() > 1 && component.front() == '[');
}

bool valid_repository(std::string_view repo) {
    if (repo.empty() || repo.front() == '/' || repo.back() == '/') {
        return false;
    }
    return std::all_of(repo.begin(), repo.end(), [](unsigned char c) {
        return std::islower(c) != 0 || std::isdigit(c) != 0 || c == '.' || c == '_' || c == '-' ||
               c == '/';
    });
}

void skip_spaces(std::string_view text, std::size_t& i) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
        ++i;
    }
}

// A token or a quoted string (with backslash escapes) at `i`.
std::string read_value(std::string_view text, std::size_t& i) {
    std::string out;
    if (i < text.size() && text[i] == '"') {
        for (++i; i < text.size() && text[i] != '"'; ++i) {
            if (text[i] == '\\' && i + 1 < text.size()) {
                ++i;
            }
            out += text[i];
        }
        if (i < text.size()) {
            ++i; // closing quote
        }
        return out;
    }
    while (i < text.size() && text[i] != ',' && text[i] != ' ' && text[i] != '\t') {
        out += text[i++];
    }
    return out;
}

} // namespace

std::string ImageReference::str() const {
    std::string out = server + "/" + repository;
    if (!tag.empty() && !implicit_tag) {
        out += ":" + tag;
    }
    if (!digest.empty()) {
        out += "@" + digest;
    }
    return out;
}

std::optional<ImageReference> parse_image_reference(std::string_view text) {
    if (text.empty() || text.find_first_of(" \t\n") != std::string_view::npos) {
        return std::nullopt;
    }
    ImageReference ref;
    if (const auto at = text.find('@'); at != std::string_view::npos) {
        ref.digest = std::string(text.substr(at + 1));
        text = text.substr(0, at);
        if (ref.digest.find(':') == std::string::npos) {
            return std::nullopt;
        }
    }
    const auto last_slash = text.rfind('/');
    const auto colon = text.rfind(':');
    if (colon != std::string_view::npos &&
        (last_slash == std::string_view::npos || colon > last_slash)) {
        ref.tag = std::string(text.substr(colon + 1));
        text = text.substr(0, colon);
        if (ref.tag.empty()) {
            return std::nullopt;
        }
    }
    const auto first_slash = text.find('/');
    if (first_slash != std::string_view::npos && looks_like_host(text.substr(0, first_slash))) {
        ref.server = compiler::normalize_registry_server(text.substr(0, first_slash));
        ref.repository = std::string(text.substr(first_slash + 1));
    } else {
        ref.server = "docker.io";
        ref.repository = std::string(text);
    }
    if (ref.server == "docker.io" && ref.repository.find('/') == std::string::npos) {
        ref.repository = "library/" + ref.repository;
    }
    if (!valid_repository(ref.repository)) {
        return std::nullopt;
    }
    if (ref.tag.empty() && ref.digest.empty()) {
        ref.tag = "latest";
        ref.implicit_tag = true;
    }
    return ref;
}

const std::vector<std::string>& manifest_media_types() {
    static const std::vector<std::string> types = {
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    };
    return types;
}

std::string AuthChallenge::param(std::string_view name) const {
    const auto it =
        std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == name; });
    return it == params.end() ? std::string() : it->second;
}

std::optional<AuthChallenge> parse_auth_challenge(std::string_view header) {
    std::size_t i = 0;
    skip_spaces(header, i);
    const auto scheme_end = header.find_first_of(" \t", i);
    AuthChallenge challenge;
    challenge.scheme = lower(header.substr(i, scheme_end - i));
    if (challenge.scheme.empty()) {
        return std::nullopt;
    }
    if (scheme_end == std::string_view::npos) {
        return challenge;
    }
    i = scheme_end;
    while (i < header.size()) {
        skip_spaces(header, i);
        const auto eq = header.find('=', i);
        if (eq == std::string_view::npos) {
            break;
        }
        std::string name = lower(header.substr(i, eq - i));
        name.erase(std::remove_if(name.begin(), name.end(),
                                  [](unsigned char c) { return std::isspace(c) != 0; }),
                   name.end());
        i = eq + 1;
        skip_spaces(header, i);
        std::string value = read_value(header, i);
        challenge.params.emplace_back(std::move(name), std::move(value));
        skip_spaces(header, i);
        if (i < header.size() && header[i] == ',') {
            ++i;
        }
    }
    return challenge;
}

std::string resolve_location(std::string_view base_url, std::string_view location) {
    if (location.rfind("http://", 0) == 0 || location.rfind("https://", 0) == 0) {
        return std::string(location);
    }
    const auto scheme_end = base_url.find("://");
    const auto authority_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
    const auto path_start = std::min(base_url.find('/', authority_start), base_url.size());
    if (!location.empty() && location.front() == '/') {
        return std::string(base_url.substr(0, path_start)) + std::string(location);
    }
    auto path = base_url.substr(0, std::min(base_url.find('?', path_start), base_url.size()));
    const auto slash = path.rfind('/');
    const auto directory = slash == std::string_view::npos || slash < path_start
                               ? std::string(path) + "/"
                               : std::string(path.substr(0, slash + 1));
    return directory + std::string(location);
}

std::optional<std::uint64_t> parse_upload_range(std::string_view header) {
    while (!header.empty() && header.front() == ' ') {
        header.remove_prefix(1);
    }
    if (header.rfind("bytes=", 0) == 0) {
        header.remove_prefix(6);
    }
    const auto dash = header.find('-');
    if (dash == std::string_view::npos || header.substr(0, dash) != "0") {
        return std::nullopt;
    }
    const auto last = header.substr(dash + 1);
    if (last.empty() || !std::all_of(last.begin(), last.end(),
                                     [](unsigned char c) { return std::isdigit(c) != 0; })) {
        return std::nullopt;
    }
    const auto value = std::stoull(std::string(last));
    // distribution answers `0-0` for an empty upload; one byte held is indistinguishable and
    // resuming from 0 then only costs one byte's resend.
    return value == 0 ? 0 : value + 1;
}

std::string content_range(std::uint64_t offset, std::uint64_t length) {
    return std::to_string(offset) + "-" + std::to_string(offset + length - (length > 0 ? 1 : 0));
}

std::string with_query(std::string_view url, std::string_view key, std::string_view value) {
    std::string out(url);
    if (out.find('?') == std::string::npos) {
        out += '?';
    } else if (out.back() != '?' && out.back() != '&') {
        out += '&';
    }
    return out + std::string(key) + "=" + detail::url_encode(value);
}

std::string push_scope(std::string_view repository, std::string_view source) {
    std::string scope = "repository:" + std::string(repository) + ":pull,push";
    if (!source.empty() && source != repository) {
        scope += " repository:" + std::string(source) + ":pull";
    }
    return scope;
}

} // namespace ferry::runtime
