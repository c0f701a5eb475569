#pragma once
// Internal to the registry client (included only by runtime/registry_client*.cpp, the files that
// may include libcurl and OpenSSL): the HTTP transport over libcurl, the challenge-driven
// authentication, and RegistryClient::Impl, which the manifest, tag and blob calls share.

#include "runtime/registry_client.hpp"
#include "runtime/secret.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <curl/curl.h>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <set>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <variant>

namespace ferry::runtime {
namespace registry_http {

inline void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

inline std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

inline std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) {
        return {};
    }
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

struct HttpResponse {
    long status = 0;
    long line_status = 0; ///< the status line of the response being received (for the sink)
    std::multimap<std::string, std::string> headers; ///< lower-cased names
    std::string body;
    CURLcode code = CURLE_OK;
    std::string curl_error;

    [[nodiscard]] std::string header(std::string_view name) const {
        const auto it = headers.find(std::string(name));
        return it == headers.end() ? std::string() : it->second;
    }
};

/// A request body read from a file, `length` bytes from `offset`, never held in memory whole.
struct BodyFile {
    int fd = -1;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
};

/// Where a 200 answer's body goes instead of memory: a file, hashed while it is written.
struct DownloadSink {
    int fd = -1;
    std::string algorithm = "sha256";
    EVP_MD_CTX* hash = nullptr; ///< owned by the caller, reset by each attempt
    std::uint64_t written = 0;
    bool write_failed = false;
};

struct Request {
    std::string method = "GET"; ///< GET, HEAD, POST, PUT, PATCH or DELETE
    std::string url;
    std::vector<std::string> headers;
    std::string body;               ///< a body held in memory (POST, PUT, PATCH)
    const BodyFile* file = nullptr; ///< or a body streamed from a file (PUT, PATCH)
    DownloadSink* sink = nullptr;   ///< GET: a 200 body is written here
    bool retry = true;              ///< retry 5xx, 429 and resets here (uploads retry above)
    bool registry_tls = true; ///< verify with the registry's CA (false: the system's, e.g. a realm)

    [[nodiscard]] bool streaming() const { return file != nullptr || sink != nullptr; }
};

struct WriteTarget {
    HttpResponse* response;
    DownloadSink* sink;
};

inline std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* target = static_cast<WriteTarget*>(user);
    const auto bytes = size * n;
    if (target->sink != nullptr && target->response->line_status == 200) {
        auto& sink = *target->sink;
        std::size_t done = 0;
        while (done < bytes) {
            const auto w = ::write(sink.fd, data + done, bytes - done);
            if (w < 0 && errno == EINTR) {
                continue;
            }
            if (w <= 0) {
                sink.write_failed = true;
                return 0; // aborts the transfer
            }
            done += static_cast<std::size_t>(w);
        }
        EVP_DigestUpdate(sink.hash, data, bytes);
        sink.written += bytes;
        return bytes;
    }
    auto& body = target->response->body;
    if (body.size() < (1U << 20)) { // an error body or a manifest; never a layer
        body.append(data, bytes);
    }
    return bytes;
}

/// Reads a request body: from memory, or from a file with pread.
struct ReadCursor {
    std::string_view memory;
    int fd = -1;
    std::uint64_t offset = 0;
    std::uint64_t remaining = 0;
    std::uint64_t start = 0;  ///< where the body begins (in the file, or 0 in memory)
    std::uint64_t length = 0; ///< the body's whole length
};

// libcurl rewinds a body when it resends a request (a reused connection that was closed).
inline int on_seek(void* user, curl_off_t offset, int origin) {
    auto* cursor = static_cast<ReadCursor*>(user);
    if (origin != SEEK_SET || offset < 0 || static_cast<std::uint64_t>(offset) > cursor->length) {
        return CURL_SEEKFUNC_CANTSEEK;
    }
    cursor->offset = cursor->start + static_cast<std::uint64_t>(offset);
    cursor->remaining = cursor->length - static_cast<std::uint64_t>(offset);
    return CURL_SEEKFUNC_OK;
}

inline std::size_t on_read(char* buffer, std::size_t size, std::size_t n, void* user) {
    auto* cursor = static_cast<ReadCursor*>(user);
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(size * n, cursor->remaining));
    if (want == 0) {
        return 0;
    }
    if (cursor->fd < 0) {
        std::memcpy(buffer, cursor->memory.data() + cursor->offset, want);
        cursor->offset += want;
        cursor->remaining -= want;
        return want;
    }
    for (;;) {
        const auto got = ::pread(cursor->fd, buffer, want, static_cast<off_t>(cursor->offset));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return CURL_READFUNC_ABORT;
        }
        cursor->offset += static_cast<std::uint64_t>(got);
        cursor->remaining -= static_cast<std::uint64_t>(got);
        return static_cast<std::size_t>(got);
    }
}

inline std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
    auto* response = static_cast<HttpResponse*>(user);
    const std::string_view line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) {
        response->headers.clear(); // a new response (after a redirect or 100-continue)
        const auto space = line.find(' ');
        response->line_status = space == std::string_view::npos
                                    ? 0
                                    : std::atol(std::string(line.substr(space + 1, 3)).c_str());
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
        response->headers.emplace(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
    }
    return size * n;
}

// `repository:a:pull,push repository:b:pull` as its parts.
inline std::vector<std::string> split_scopes(std::string_view scope) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < scope.size()) {
        const auto end = std::min(scope.find(' ', start), scope.size());
        if (end > start) {
            out.emplace_back(scope.substr(start, end - start));
        }
        start = end + 1;
    }
    return out;
}

inline bool is_loopback(std::string_view host) {
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

inline bool is_retryable(const HttpResponse& r) {
    switch (r.code) {
    case CURLE_OK:
        return r.status == 429 || (r.status >= 500 && r.status <= 599);
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_FAIL_REWIND:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

inline std::string host_of(std::string_view url) {
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
inline std::string registry_says(const HttpResponse& r) {
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

inline std::string status_text(long status) {
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

// Sockets that outlive a request (in HandlePool) must not leak into the processes ferry starts.
inline curl_socket_t open_socket(void*, curlsocktype, curl_sockaddr* address) {
    return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

/// libcurl easy handles kept for the whole process between requests, each with its live
/// connections: the plan's probes and every step after them reuse one connection (and one TLS
/// handshake) per registry instead of opening their own. A handle serves one request at a time
/// (libcurl does not share connections between threads); TLS sessions and DNS answers are
/// shared between all of them under locks, so a second connection resumes the first's session.
class HandlePool {
public:
    static HandlePool& process();
    /// An idle handle, preferably one that last talked to `host`, its options reset; or a new
    /// one. nullptr when libcurl cannot make one.
    CURL* take(const std::string& host);
    /// Returns a handle after a request (its options reset, its connections kept).
    void give_back(const std::string& host, CURL* handle);
    [[nodiscard]] CURLSH* share() const { return share_; }

    HandlePool(const HandlePool&) = delete;
    HandlePool& operator=(const HandlePool&) = delete;

private:
    HandlePool();
    ~HandlePool();
    static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self);
    static void unlock(CURL*, curl_lock_data data, void* self);

    std::mutex mutex_;
    std::vector<std::pair<std::string, CURL*>> idle_; ///< last host, handle
    CURLSH* share_ = nullptr;
    std::array<std::mutex, CURL_LOCK_DATA_LAST> data_locks_;
};

/// One pooled handle for the length of a request.
class PooledHandle {
public:
    explicit PooledHandle(std::string host)
        : host_(std::move(host)), handle_(HandlePool::process().take(host_)) {}
    PooledHandle(const PooledHandle&) = delete;
    PooledHandle& operator=(const PooledHandle&) = delete;
    ~PooledHandle() {
        if (handle_ != nullptr) {
            HandlePool::process().give_back(host_, handle_);
        }
    }
    [[nodiscard]] CURL* get() const { return handle_; }

private:
    std::string host_;
    CURL* handle_;
};

/// What registries asked of which credentials, remembered for the process so that each new
/// client (a probe, then a step) does not repeat the challenge: that a registry wants Basic,
/// the bearer tokens its token service gave for each scope, and the small verified blobs
/// (image configs) read. Keyed by `identity`, a digest of the registry's host and the
/// credentials used, so nothing obtained with one set of credentials serves another.
class RegistryMemory {
public:
    static RegistryMemory& process();
    /// Whether the registry asked these credentials for Basic: in this process, or in an
    /// earlier one, from the note file `note` (named by a digest of the host and user name, in
    /// ferry's cache; empty: none), so a new process sends Basic at once instead of first being
    /// refused with a challenge.
    [[nodiscard]] bool wants_basic(const std::string& identity, const std::filesystem::path& note);
    void remember_basic(const std::string& identity, const std::filesystem::path& note);
    /// The registry answered Basic with a Bearer challenge: it no longer wants Basic.
    void forget_basic(const std::string& identity, const std::filesystem::path& note);
    /// Forgets everything (for tests: each starts from an empty process memory).
    void forget_all();
    /// A token given for `scope` recently enough to be still valid (tokens live a minute at
    /// least, by the token specification); a refused one is forgotten by the caller.
    [[nodiscard]] std::optional<Secret> token(const std::string& identity,
                                              const std::string& scope);
    void remember_token(const std::string& identity, const std::string& scope, const Secret& token);
    void forget_token(const std::string& identity, const std::string& scope);
    [[nodiscard]] std::optional<std::string> blob(const std::string& key);
    void remember_blob(const std::string& key, const std::string& body);
    /// A manifest read by GET, by its digest: its media type and body, verified when read.
    [[nodiscard]] std::optional<std::pair<std::string, std::string>>
    manifest(const std::string& key);
    void remember_manifest(const std::string& key, const std::string& media_type,
                           const std::string& body);

private:
    struct Token {
        Secret value;
        std::chrono::steady_clock::time_point obtained;
    };
    std::mutex mutex_;
    std::set<std::string> basic_;
    std::map<std::pair<std::string, std::string>, Token> tokens_;
    std::map<std::string, std::string> blobs_;
    std::map<std::string, std::pair<std::string, std::string>> manifests_;
    std::size_t blob_bytes_ = 0; ///< blobs and manifests
};

} // namespace registry_http

struct RegistryClient::Impl {
    RegistryEndpoint ep;
    std::string host;             ///< where the API lives (registry-1.docker.io for docker.io)
    std::string scheme = "https"; ///< http only for an insecure loopback registry without TLS
    bool basic_requested = false; ///< the registry challenged with Basic
    std::map<std::string, Secret> tokens; ///< bearer tokens by scope
    std::set<std::string> remembered;     ///< scopes whose token came from RegistryMemory
    std::string identity;                 ///< the host and credentials, as RegistryMemory's key
    std::filesystem::path basic_note;     ///< the note that Basic is wanted (host and user name)

    explicit Impl(RegistryEndpoint e) : ep(std::move(e)) {
        registry_http::global_init();
        host = ep.server == "docker.io" ? "registry-1.docker.io" : ep.server;
        identity = identity_key();
        if (has_password()) { // (no secret in it: the password is not part of the note's name)
            if (!ep.notes.empty()) {
                basic_note =
                    ep.notes / "basic" /
                    content_digest(registry_http::lower(host) + '\0' + ep.auth->username.reveal())
                        .substr(std::string_view("sha256:").size());
            }
            basic_requested =
                registry_http::RegistryMemory::process().wants_basic(identity, basic_note);
        }
    }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() = default;

    // A digest of the host and every credential (never kept or shown as such).
    [[nodiscard]] std::string identity_key() const {
        std::string text = registry_http::lower(host);
        const auto add = [&](const std::optional<Secret>& secret) {
            text += '\0';
            text += secret ? secret->reveal() : std::string();
        };
        if (ep.auth) {
            add(ep.auth->username);
            add(ep.auth->password);
            add(ep.auth->identity_token);
            add(ep.auth->registry_token);
        }
        return content_digest(text);
    }

    // A token another client of this process obtained for `scope` with the same credentials.
    void adopt_remembered_token(const std::string& scope) {
        if (scope.empty() || tokens.count(scope) != 0) {
            return;
        }
        if (auto token = registry_http::RegistryMemory::process().token(identity, scope)) {
            tokens.emplace(scope, std::move(*token));
            remembered.insert(scope);
        }
    }

    [[nodiscard]] bool has_password() const {
        return ep.auth && !ep.auth->username.empty() && !ep.auth->password.empty();
    }

    [[nodiscard]] Secret basic_header() const {
        return Secret(
            "Authorization: Basic " +
            detail::base64_encode(ep.auth->username.reveal() + ":" + ep.auth->password.reveal()));
    }

    registry_http::HttpResponse send_once(const registry_http::Request& req) const {
        registry_http::HttpResponse r;
        const registry_http::PooledHandle handle(
            registry_http::lower(registry_http::host_of(req.url)));
        CURL* curl = handle.get();
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
        if (req.method == "PUT" || req.method == "PATCH" || req.method == "POST") {
            headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
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
        if (auto* share = registry_http::HandlePool::process().share(); share != nullptr) {
            curl_easy_setopt(curl, CURLOPT_SHARE, share);
        }
        curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, registry_http::open_socket);
        if (req.streaming()) {
            // A layer may take longer than any fixed timeout: give up when it stalls instead.
            curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
            curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                             static_cast<long>(std::max<long long>(1, ep.timeout.count() / 1000)));
        } else {
            curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(ep.timeout.count()));
        }
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(std::min<long long>(ep.timeout.count(), 10000)));
        registry_http::WriteTarget target{&r, req.sink};
        if (req.sink != nullptr) {
            auto& sink = *req.sink; // a retried download starts over
            sink.written = 0;
            sink.write_failed = sink.write_failed || ::ftruncate(sink.fd, 0) != 0 ||
                                ::lseek(sink.fd, 0, SEEK_SET) != 0;
            EVP_DigestInit_ex(sink.hash, sink.algorithm == "sha512" ? EVP_sha512() : EVP_sha256(),
                              nullptr);
        }
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, registry_http::on_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &target);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, registry_http::on_header);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r);
        registry_http::ReadCursor cursor;
        if (req.file != nullptr) {
            cursor.fd = req.file->fd;
            cursor.offset = req.file->offset;
            cursor.remaining = req.file->length;
        } else {
            cursor.memory = req.body;
            cursor.remaining = req.body.size();
        }
        cursor.start = cursor.offset;
        cursor.length = cursor.remaining;
        if (req.method == "HEAD") {
            curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
        } else if (req.method == "POST") {
            curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req.body.c_str());
            curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
        } else if (req.method == "PUT" || req.method == "PATCH") {
            curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
            curl_easy_setopt(curl, CURLOPT_READFUNCTION, registry_http::on_read);
            curl_easy_setopt(curl, CURLOPT_READDATA, &cursor);
            curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, registry_http::on_seek);
            curl_easy_setopt(curl, CURLOPT_SEEKDATA, &cursor);
            curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                             static_cast<curl_off_t>(cursor.remaining));
            if (req.method == "PATCH") {
                curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PATCH");
            }
        } else if (req.method == "DELETE") {
            curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "DELETE");
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
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
        curl_slist_free_all(headers);
        return r;
    }

    // One request with retries on 5xx, 429 and dropped connections, backing off each time.
    registry_http::HttpResponse send(const registry_http::Request& req) const {
        registry_http::HttpResponse r;
        auto delay = ep.backoff;
        for (int attempt = 1;; ++attempt) {
            r = send_once(req);
            if (!req.retry || !registry_http::is_retryable(r) ||
                attempt >= std::max(1, ep.max_attempts)) {
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
        registry_http::Request req;
        req.registry_tls =
            registry_http::lower(registry_http::host_of(realm)) == registry_http::lower(host);
        std::string query;
        const auto add = [&](std::string_view key, const std::string& value) {
            if (!value.empty()) {
                query += fmt::format("{}{}={}", query.empty() ? "" : "&", key,
                                     detail::url_encode(value));
            }
        };
        add("service", challenge.param("service"));
        // Every scope asked for (a mount also needs pull on its source), and the challenge's own.
        auto scopes = registry_http::split_scopes(scope);
        if (const auto challenged = challenge.param("scope");
            !challenged.empty() &&
            std::find(scopes.begin(), scopes.end(), challenged) == scopes.end()) {
            scopes.push_back(challenged);
        }
        for (const auto& one : scopes) {
            add("scope", one);
        }
        if (ep.auth && ep.auth->identity_token) {
            // OAuth2 refresh-token grant, as docker does with an identity token.
            req.method = "POST";
            req.url = realm;
            req.headers.push_back("Content-Type: application/x-www-form-urlencoded");
            add("grant_type", "refresh_token");
            add("client_id", "ferry");
            add("refresh_token", ep.auth->identity_token->reveal());
            req.body = query;
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
        const auto realm_shown = registry_http::host_of(realm);
        if (r.code != CURLE_OK) {
            return fmt::format("registry {}: token service {}: {}", ep.server, realm_shown,
                               r.curl_error);
        }
        if (r.status != 200) {
            auto says = registry_http::registry_says(r);
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
    registry_http::HttpResponse call(std::string method, std::string path, const std::string& scope,
                                     std::vector<std::string> headers, std::string& auth_error) {
        registry_http::Request req;
        req.method = std::move(method);
        req.headers = std::move(headers);
        return call(std::move(req), path, scope, auth_error);
    }

    // The same for a prepared request (a body, a sink) to a path or to an absolute URL (an
    // upload's Location). Credentials go only to the registry's own host.
    registry_http::HttpResponse call(const registry_http::Request& req, const std::string& target,
                                     const std::string& scope, std::string& auth_error) {
        const bool absolute = target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0;
        const bool own_host = !absolute || registry_http::lower(registry_http::host_of(target)) ==
                                               registry_http::lower(host);
        if (own_host) {
            adopt_remembered_token(scope);
        }
        const auto authorised = [&]() {
            registry_http::Request r = req;
            r.url = absolute ? target : url(target);
            if (auto a = known_authorization(scope); a && own_host) {
                r.headers.push_back(a->reveal());
            }
            return r;
        };
        auto r = send(authorised());
        if (!absolute && r.code == CURLE_SSL_CONNECT_ERROR && ep.tls.insecure &&
            scheme == "https" && registry_http::is_loopback(host)) {
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
            registry_http::RegistryMemory::process().remember_basic(identity, basic_note);
        } else if (challenge->scheme == "bearer") {
            if (basic_requested) { // it wanted Basic once (a note): it asks for tokens now
                basic_requested = false;
                registry_http::RegistryMemory::process().forget_basic(identity, basic_note);
            }
            if (tokens.count(scope) != 0) {
                if (remembered.erase(scope) == 0) {
                    return r; // the token we had was refused
                }
                // Another client's token, expired or revoked since: ask for a fresh one.
                tokens.erase(scope);
                registry_http::RegistryMemory::process().forget_token(identity, scope);
            }
            auto token = fetch_token(*challenge, scope);
            if (auto* error = std::get_if<std::string>(&token)) {
                auth_error = std::move(*error);
                return r;
            }
            tokens[scope] = std::get<Secret>(std::move(token));
            registry_http::RegistryMemory::process().remember_token(identity, scope, tokens[scope]);
        } else {
            return r;
        }
        return send(authorised());
    }

    // The error message for a failed call: the registry, the request, what it answered.
    [[nodiscard]] std::string describe(const registry_http::HttpResponse& r, std::string_view what,
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
        const auto says = registry_http::registry_says(r);
        const auto text = registry_http::status_text(r.status);
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

} // namespace ferry::runtime
