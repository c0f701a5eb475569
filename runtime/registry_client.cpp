// RegistryClient: ping, manifests and tags (blobs and uploads are in registry_client_blobs.cpp).
// Each request borrows an easy handle from the process's pool (registry_client_pool.cpp), whose
// connections stay open between requests and clients; tokens are cached per scope, and shared
// with the process's later clients of the same registry and credentials.
#include "runtime/registry_client_impl.hpp"

namespace ferry::runtime {

std::string content_digest(std::string_view bytes, std::string_view algorithm) {
    const EVP_MD* md = algorithm == "sha512" ? EVP_sha512() : EVP_sha256();
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), out, &len, md, nullptr);
    std::string hex;
    hex.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        hex += fmt::format("{:02x}", out[i]);
    }
    return fmt::format("{}:{}", algorithm == "sha512" ? "sha512" : "sha256", hex);
}

RegistryClient::RegistryClient(RegistryEndpoint endpoint)
    : impl_(std::make_unique<Impl>(std::move(endpoint))) {}
RegistryClient::RegistryClient(RegistryClient&&) noexcept = default;
RegistryClient& RegistryClient::operator=(RegistryClient&&) noexcept = default;
RegistryClient::~RegistryClient() = default;

RegistryResult RegistryClient::ping() {
    std::string auth_error;
    const auto r = impl_->call("GET", "/v2/", "", {}, auth_error);
    RegistryResult out;
    out.status = r.status;
    out.ok = auth_error.empty() && r.code == CURLE_OK && r.status == 200;
    if (!out.ok) {
        out.error = impl_->describe(r, "GET /v2/", auth_error);
    }
    return out;
}

ManifestResult RegistryClient::head_manifest(std::string_view repository,
                                             std::string_view reference) {
    auto head = impl_->manifest("HEAD", repository, reference);
    // A HEAD answer has no digest header at some registries, and never an error body: GET
    // then, for the digest or for the registry's own words about what went wrong.
    if ((head.ok && head.digest.empty()) || (!head.ok && !head.not_found && head.status >= 400)) {
        return impl_->manifest("GET", repository, reference);
    }
    return head;
}

ManifestResult RegistryClient::get_manifest(std::string_view repository,
                                            std::string_view reference) {
    // A manifest is its digest too: one this process read (verified) with these credentials is
    // not asked for again by digest (the plan's probe reads the base by tag, then the build
    // step reads it by the digest the plan pinned). A tag is always asked.
    auto& memory = registry_http::RegistryMemory::process();
    const auto key = [&](std::string_view digest) {
        return fmt::format("{}\n{}\nmanifest\n{}", impl_->identity, repository, digest);
    };
    if (reference.starts_with("sha256:")) {
        if (auto remembered = memory.manifest(key(reference))) {
            ManifestResult out;
            out.ok = true;
            out.status = 200;
            out.digest = std::string(reference);
            out.media_type = std::move(remembered->first);
            out.body = std::move(remembered->second);
            out.size = static_cast<long long>(out.body.size());
            return out;
        }
    }
    auto out = impl_->manifest("GET", repository, reference);
    if (out.ok && out.digest.starts_with("sha256:")) {
        memory.remember_manifest(key(out.digest), out.media_type, out.body);
    }
    return out;
}

TagsResult RegistryClient::list_tags(std::string_view repository) {
    TagsResult out;
    std::string path = fmt::format("/v2/{}/tags/list?n=1000", repository);
    const auto scope = fmt::format("repository:{}:pull", repository);
    for (int page = 0; page < 1000 && !path.empty(); ++page) {
        std::string auth_error;
        const auto r = impl_->call("GET", path, scope, {}, auth_error);
        out.status = r.status;
        if (!auth_error.empty() || r.code != CURLE_OK || r.status != 200) {
            out.not_found = auth_error.empty() && r.code == CURLE_OK && r.status == 404;
            out.error = impl_->describe(r, fmt::format("GET {}", path), auth_error);
            return out;
        }
        const auto j = nlohmann::json::parse(r.body, nullptr, false);
        if (!j.is_object()) {
            out.error =
                fmt::format("registry {}: GET {}: the answer is not JSON", impl_->ep.server, path);
            return out;
        }
        if (const auto it = j.find("tags"); it != j.end() && it->is_array()) {
            for (const auto& t : *it) {
                if (t.is_string()) {
                    out.tags.push_back(t.get<std::string>());
                }
            }
        }
        // Link: </v2/x/tags/list?n=1000&last=y>; rel="next"
        const auto link = r.header("link");
        const auto open = link.find('<');
        const auto close = link.find('>');
        path = link.find("rel=\"next\"") != std::string::npos && open != std::string::npos &&
                       close != std::string::npos
                   ? link.substr(open + 1, close - open - 1)
                   : std::string();
        if (const auto scheme = path.find("://"); scheme != std::string::npos) {
            path.erase(0, path.find('/', scheme + 3)); // keep only the path of an absolute URL
        }
    }
    out.ok = true;
    return out;
}

BlobResult RegistryClient::get_blob(std::string_view repository, std::string_view digest) {
    BlobResult out;
    // A blob is its digest: one read (and verified) by this process with these credentials
    // is not asked for again (the plan's probe reads the base's config, then the build).
    const auto remembered = fmt::format("{}\n{}\n{}", impl_->identity, repository, digest);
    if (auto body = registry_http::RegistryMemory::process().blob(remembered)) {
        out.status = 200;
        out.body = std::move(*body);
        out.ok = true;
        return out;
    }
    const auto path = fmt::format("/v2/{}/blobs/{}", repository, digest);
    const auto what = fmt::format("GET {}", path);
    std::string auth_error;
    const auto r =
        impl_->call("GET", path, fmt::format("repository:{}:pull", repository), {}, auth_error);
    out.status = r.status;
    if (!auth_error.empty() || r.code != CURLE_OK || r.status != 200) {
        out.not_found = auth_error.empty() && r.code == CURLE_OK && r.status == 404;
        out.error = impl_->describe(r, what, auth_error);
        return out;
    }
    const auto algorithm = digest.substr(0, digest.find(':'));
    if (const auto actual = content_digest(r.body, algorithm); actual != digest) {
        out.error = fmt::format("registry {}: {}: the content has digest {}", impl_->ep.server,
                                what, actual);
        return out;
    }
    out.body = r.body;
    out.ok = true;
    registry_http::RegistryMemory::process().remember_blob(remembered, out.body);
    return out;
}

} // namespace ferry::runtime
