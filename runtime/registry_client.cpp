// RegistryClient over libcurl (the only file that includes curl and OpenSSL). One easy handle
// per request keeps the client simple; tokens are cached per scope for the client's life.
#include "runtime/registry_client.hpp"

#include "runtime/secret.hpp"

#include <algorithm>
#include <cctype>
#include <curl/curl.h>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <thread>
#include <variant>

namespace ferry::runtime {
namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) {
        return {};
    }
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

struct HttpResponse {
    long status = 0;
    std::multimap<std::string, std::string> headers; ///< lower-cased names
    std::string body;
    CURLcode code = CURLE_OK;
    std::string curl_error;

    [[nodiscard]] std::string header(std::string_view name) const {
        const auto it = headers.find(std::string(name));
        return it == headers.end() ? std::string() : it->second;
    }
};

struct Request {
    std::string method = "GET"; ///< GET, HEAD or POST
    std::string url;
    std::vector<std::string> headers;
    std::string post_body;
    bool registry_tls = true; ///< verify with the registry's CA (false: the system's, e.g. a realm)
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto* response = static_cast<HttpResponse*>(user);
    const std::string_view line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) {
        response->headers.clear(); // a new response (after a redirect or 100-continue)
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
        response->headers.emplace(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
    }
    return size * n;
}

bool is_loopback(std::string_view host) {
    if (host.empty()) {
        return false;
    }
    if (const auto colon = host.rfind(':'); colon != std::string_view::npos &&
                                            host.find(']') == std::string_view::npos &&
                                            host.find(':') == colon) {
        host = host.substr(0, colon);
    } else if (host.front() == '[') {
        host = host.substr(1, host.find(']') - 1);
    }
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

bool is_retryable(const HttpResponse& r) {
    switch (r.code) {
    case CURLE_OK:
        return r.status == 429 || (r.status >= 500 && r.status <= 599);
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

std::string host_of(std::string_view url) {
    const auto start = url.find("://");
    const auto from = start == std::string_view::npos ? 0 : start + 3;
    const auto end = url.find_first_of("/?#", from);
    std::string authority(url.substr(from, end == std::string_view::npos ? end : end - from));
    if (const auto at = authority.rfind('@'); at != std::string::npos) {
        authority.erase(0, at + 1);
    }
    return authority;
}

// The `errors[].code: message` of a registry's error body, else a short excerpt of it.
std::string registry_says(const HttpResponse& r) {
    if (r.body.empty()) {
        return {};
    }
    const auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("errors") && j["errors"].is_array()) {
        std::vector<std::string> parts;
        for (const auto& e : j["errors"]) {
            if (!e.is_object()) {
                continue;
            }
            const auto code = e.value("code", std::string());
            const auto message = e.value("message", std::string());
            parts.push_back(code.empty() ? message
                                         : (message.empty() ? code : code + ": " + message));
        }
        if (!parts.empty()) {
            return fmt::format("{}", fmt::join(parts, "; "));
        }
    }
    if (j.is_object() && j.contains("details") && j["details"].is_string()) {
        return j["details"].get<std::string>();
    }
    std::string excerpt = r.body.substr(0, std::min<std::size_t>(r.body.find('\n'), 160));
    return trim(excerpt);
}

std::string status_text(long status) {
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return {};
    }
}

} // namespace

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

struct RegistryClient::Impl {
    RegistryEndpoint ep;
    std::string host;             ///< where the API lives (registry-1.docker.io for docker.io)
    std::string scheme = "https"; ///< http only for an insecure loopback registry without TLS
    bool basic_requested = false; ///< the registry challenged with Basic
    std::map<std::string, Secret> tokens; ///< bearer tokens by scope

    explicit Impl(RegistryEndpoint e) : ep(std::move(e)) {
        global_init();
        host = ep.server == "docker.io" ? "registry-1.docker.io" : ep.server;
    }

    [[nodiscard]] bool has_password() const {
        return ep.auth && !ep.auth->username.empty() && !ep.auth->password.empty();
    }

    [[nodiscard]] Secret basic_header() const {
        return Secret(
            "Authorization: Basic " +
            detail::base64_encode(ep.auth->username.reveal() + ":" + ep.auth->password.reveal()));
    }

    HttpResponse send_once(const Request& req) const {
        HttpResponse r;
        CURL* curl = curl_easy_init();
        if (curl == nullptr) {
            r.code = CURLE_FAILED_INIT;
            r.curl_error = "cannot initialise libcurl";
            return r;
        }
        char error[CURL_ERROR_SIZE] = {};
        curl_slist* headers = nullptr;
        for (const auto& h : req.headers) {
            headers = curl_slist_append(headers, h.c_str());
        }
        curl_easy_setopt(curl, CURLOPT_URL, req.url.c_str());
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_USERAGENT, "ferry");
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(ep.timeout.count()));
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(std::min<long long>(ep.timeout.count(), 10000)));
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r);
        if (req.method == "HEAD") {
            curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
        } else if (req.method == "POST") {
            curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req.post_body.c_str());
            curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.post_body.size()));
        }
        if (req.registry_tls) {
            if (ep.tls.ca) {
                curl_easy_setopt(curl, CURLOPT_CAINFO, ep.tls.ca->c_str());
            }
            if (ep.tls.client_cert) {
                curl_easy_setopt(curl, CURLOPT_SSLCERT, ep.tls.client_cert->c_str());
            }
            if (ep.tls.client_key) {
                curl_easy_setopt(curl, CURLOPT_SSLKEY, ep.tls.client_key->c_str());
            }
            if (ep.tls.insecure) {
                curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
                curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
            }
        }
        r.code = curl_easy_perform(curl);
        if (r.code == CURLE_OK) {
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
        } else {
            r.curl_error = error[0] != '\0' ? error : curl_easy_strerror(r.code);
        }
        curl_slist_free_all(headers);
        curl_easy_cleanup(curl);
        return r;
    }

    // One request with retries on 5xx, 429 and dropped connections, backing off each time.
    HttpResponse send(const Request& req) const {
        HttpResponse r;
        auto delay = ep.backoff;
        for (int attempt = 1;; ++attempt) {
            r = send_once(req);
            if (!is_retryable(r) || attempt >= std::max(1, ep.max_attempts)) {
                return r;
            }
            auto wait = delay;
            if (r.status == 429) {
                const auto after = r.header("retry-after");
                if (!after.empty() && std::all_of(after.begin(), after.end(), [](unsigned char ch) {
                        return std::isdigit(ch) != 0;
                    })) {
                    wait = std::max(
                        wait, std::chrono::milliseconds(std::min(std::stoll(after), 10LL) * 1000));
                }
            }
            std::this_thread::sleep_for(wait);
            delay *= 2;
        }
    }

    [[nodiscard]] std::string url(std::string_view path) const {
        return fmt::format("{}://{}{}", scheme, host, path);
    }

    // The authorisation header for `scope` as far as it is known before a challenge.
    [[nodiscard]] std::optional<Secret> known_authorization(const std::string& scope) const {
        if (const auto it = tokens.find(scope); it != tokens.end()) {
            return Secret("Authorization: Bearer " + it->second.reveal());
        }
        if (ep.auth && ep.auth->registry_token) {
            return Secret("Authorization: Bearer " + ep.auth->registry_token->reveal());
        }
        if (basic_requested && has_password()) {
            return basic_header();
        }
        return std::nullopt;
    }

    // Asks the challenge's realm for a bearer token; the token or an error message.
    std::variant<Secret, std::string> fetch_token(const AuthChallenge& challenge,
                                                  const std::string& scope) {
        const auto realm = challenge.param("realm");
        if (realm.empty()) {
            return fmt::format("registry {}: its Bearer challenge names no realm", ep.server);
        }
        Request req;
        req.registry_tls = lower(host_of(realm)) == lower(host);
        std::string query;
        const auto add = [&](std::string_view key, const std::string& value) {
            if (!value.empty()) {
                query += fmt::format("{}{}={}", query.empty() ? "" : "&", key,
                                     detail::url_encode(value));
            }
        };
        add("service", challenge.param("service"));
        const auto challenged_scope = challenge.param("scope");
        add("scope", challenged_scope.empty() ? scope : challenged_scope);
        if (ep.auth && ep.auth->identity_token) {
            // OAuth2 refresh-token grant, as docker does with an identity token.
            req.method = "POST";
            req.url = realm;
            req.headers.push_back("Content-Type: application/x-www-form-urlencoded");
            add("grant_type", "refresh_token");
            add("client_id", "ferry");
            add("refresh_token", ep.auth->identity_token->reveal());
            req.post_body = query;
        } else {
            req.url = query.empty()
                          ? realm
                          : fmt::format("{}{}{}", realm,
                                        realm.find('?') == std::string::npos ? "?" : "&", query);
            if (has_password()) {
                req.headers.push_back(basic_header().reveal());
            }
        }
        const auto r = send(req);
        const auto realm_shown = host_of(realm);
        if (r.code != CURLE_OK) {
            return fmt::format("registry {}: token service {}: {}", ep.server, realm_shown,
                               r.curl_error);
        }
        if (r.status != 200) {
            auto says = registry_says(r);
            return fmt::format("registry {}: token service {} answered {}{}{}", ep.server,
                               realm_shown, r.status, says.empty() ? "" : ": ", says);
        }
        const auto j = nlohmann::json::parse(r.body, nullptr, false);
        for (const char* key : {"token", "access_token"}) {
            if (j.is_object() && j.contains(key) && j[key].is_string()) {
                return Secret(j[key].get<std::string>());
            }
        }
        return fmt::format("registry {}: token service {} sent no token", ep.server, realm_shown);
    }

    // A request to the registry's API with authentication from its challenges. `auth_error` is
    // set when a token could not be obtained.
    HttpResponse call(std::string method, std::string path, const std::string& scope,
                      std::vector<std::string> headers, std::string& auth_error) {
        Request req;
        req.method = std::move(method);
        req.headers = std::move(headers);
        const auto authorised = [&]() {
            Request r = req;
            r.url = url(path);
            if (auto a = known_authorization(scope)) {
                r.headers.push_back(a->reveal());
            }
            return r;
        };
        auto r = send(authorised());
        if (r.code == CURLE_SSL_CONNECT_ERROR && ep.tls.insecure && scheme == "https" &&
            is_loopback(host)) {
            scheme = "http"; // an insecure loopback registry that does not speak TLS
            r = send(authorised());
        }
        if (r.code != CURLE_OK || r.status != 401) {
            return r;
        }
        const auto challenge = parse_auth_challenge(r.header("www-authenticate"));
        if (!challenge) {
            return r;
        }
        if (challenge->scheme == "basic") {
            if (!has_password() || basic_requested) {
                return r;
            }
            basic_requested = true;
        } else if (challenge->scheme == "bearer") {
            if (tokens.count(scope) != 0) {
                return r; // the token we had was refused
            }
            auto token = fetch_token(*challenge, scope);
            if (auto* error = std::get_if<std::string>(&token)) {
                auth_error = std::move(*error);
                return r;
            }
            tokens[scope] = std::get<Secret>(std::move(token));
        } else {
            return r;
        }
        return send(authorised());
    }

    // The error message for a failed call: the registry, the request, what it answered.
    [[nodiscard]] std::string describe(const HttpResponse& r, std::string_view what,
                                       const std::string& auth_error) const {
        if (!auth_error.empty()) {
            return auth_error;
        }
        if (r.code != CURLE_OK) {
            std::string hint;
            if (r.code == CURLE_PEER_FAILED_VERIFICATION || r.code == CURLE_SSL_CACERT_BADFILE ||
                r.code == CURLE_SSL_CONNECT_ERROR) {
                hint = " (set tls.ca of this registry in ferry.yaml to the CA that signed its "
                       "certificate)";
            }
            return fmt::format("registry {}: {}: {}{}", ep.server, what, r.curl_error, hint);
        }
        const auto says = registry_says(r);
        const auto text = status_text(r.status);
        std::string hint;
        if (r.status == 401 && !ep.auth) {
            hint = " (no credentials are configured for this registry)";
        } else if (r.status == 401) {
            hint = fmt::format(" (credentials from {} were refused)",
                               ep.auth->source.empty() ? "the configuration" : ep.auth->source);
        }
        return fmt::format("registry {}: {} answered {}{}{}{}{}", ep.server, what, r.status,
                           text.empty() ? "" : " ", text, says.empty() ? "" : ": " + says, hint);
    }

    std::vector<std::string> accept_headers() const {
        std::string accept = "Accept: ";
        for (const auto& t : manifest_media_types()) {
            accept += (accept.size() > 8 ? ", " : "") + t;
        }
        return {accept};
    }

    ManifestResult manifest(std::string method, std::string_view repository,
                            std::string_view reference) {
        ManifestResult out;
        const auto path = fmt::format("/v2/{}/manifests/{}", repository, reference);
        const auto what = fmt::format("{} {}", method, path);
        std::string auth_error;
        const auto r = call(method, path, fmt::format("repository:{}:pull", repository),
                            accept_headers(), auth_error);
        out.status = r.status;
        if (!auth_error.empty() || r.code != CURLE_OK || r.status != 200) {
            out.not_found = auth_error.empty() && r.code == CURLE_OK && r.status == 404;
            out.error = describe(r, what, auth_error);
            return out;
        }
        out.digest = r.header("docker-content-digest");
        out.media_type = r.header("content-type");
        if (const auto length = r.header("content-length"); !length.empty()) {
            out.size = std::atoll(length.c_str());
        }
        if (method == "GET") {
            out.body = r.body;
            out.size = static_cast<long long>(r.body.size());
            if (auto error = verify(out, reference); !error.empty()) {
                out.error = fmt::format("registry {}: {}: {}", ep.server, what, error);
                return out;
            }
        }
        out.ok = true;
        return out;
    }

    // Checks the body against Docker-Content-Digest and a digest reference; fills a missing one.
    static std::string verify(ManifestResult& m, std::string_view reference) {
        const auto algorithm = [](std::string_view d) {
            return std::string(d.substr(0, d.find(':')));
        };
        if (m.digest.empty()) {
            m.digest = content_digest(m.body);
        } else if (const auto a = algorithm(m.digest); a == "sha256" || a == "sha512") {
            if (const auto actual = content_digest(m.body, a); actual != m.digest) {
                return fmt::format("the manifest's content has digest {}, not the {} the "
                                   "registry announced in Docker-Content-Digest",
                                   actual, m.digest);
            }
        }
        if (reference.find(':') != std::string_view::npos) {
            const auto a = algorithm(reference);
            if (content_digest(m.body, a) != reference) {
                return fmt::format("the manifest's content does not match the digest {} asked "
                                   "for",
                                   reference);
            }
        }
        return {};
    }
};

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
    return impl_->manifest("GET", repository, reference);
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

} // namespace ferry::runtime
