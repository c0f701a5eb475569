// What the registry clients of one process share: libcurl handles with their live connections
// (HandlePool) and what the registries asked of each set of credentials (RegistryMemory). A no-op
// `ferry run` asks the same registry from the plan's probes and from each step; without these,
// each asked over a TLS handshake of its own and was first refused with a challenge.
#include "runtime/files.hpp"
#include "runtime/registry_client_impl.hpp"

namespace ferry::runtime::registry_http {

namespace {

// Idle handles beyond this are closed: a process talks to a few registries at a time.
constexpr std::size_t max_idle_handles = 8;
// Tokens are valid for at least 60 seconds (the distribution token specification's default
// `expires_in`); one is reused by later clients well within that.
constexpr auto token_reuse = std::chrono::seconds(45);
// Config blobs and manifests remembered in memory, in all, and at most one of them.
constexpr std::size_t max_blob_bytes = std::size_t{8} << 20;
constexpr std::size_t max_blob = std::size_t{1} << 20;

} // namespace

HandlePool& HandlePool::process() {
    static HandlePool pool;
    return pool;
}

HandlePool::HandlePool() {
    global_init();
    share_ = curl_share_init();
    if (share_ != nullptr) { // used from several threads: TLS sessions and DNS under locks
        curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &HandlePool::lock);
        curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &HandlePool::unlock);
        curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
        curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
        curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    }
}

HandlePool::~HandlePool() {
    for (auto& [host, handle] : idle_) {
        curl_easy_cleanup(handle);
    }
    if (share_ != nullptr) {
        curl_share_cleanup(share_);
    }
}

void HandlePool::lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<HandlePool*>(self)->data_locks_.at(static_cast<std::size_t>(data)).lock();
}

void HandlePool::unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<HandlePool*>(self)->data_locks_.at(static_cast<std::size_t>(data)).unlock();
}

CURL* HandlePool::take(const std::string& host) {
    {
        const std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto it = std::find_if(idle_.rbegin(), idle_.rend(),
                                   [&](const auto& entry) { return entry.first == host; });
            if (it == idle_.rend()) {
                it = idle_.rbegin(); // another host's: its connections stay cached in it
            }
            CURL* handle = it->second;
            idle_.erase(std::next(it).base());
            return handle;
        }
    }
    return curl_easy_init();
}

void HandlePool::give_back(const std::string& host, CURL* handle) {
    curl_easy_reset(handle); // no pointer into a finished request stays set
    CURL* oldest = nullptr;
    {
        const std::lock_guard lock(mutex_);
        if (idle_.size() >= max_idle_handles) {
            oldest = idle_.front().second;
            idle_.erase(idle_.begin());
        }
        idle_.emplace_back(host, handle);
    }
    if (oldest != nullptr) { // closed outside the lock: a TLS close may wait on the network
        curl_easy_cleanup(oldest);
    }
}

RegistryMemory& RegistryMemory::process() {
    static RegistryMemory memory;
    return memory;
}

bool RegistryMemory::wants_basic(const std::string& identity, const std::filesystem::path& note) {
    {
        const std::lock_guard lock(mutex_);
        if (basic_.count(identity) != 0) {
            return true;
        }
    }
    std::error_code ec;
    return !note.empty() && std::filesystem::exists(note, ec);
}

void RegistryMemory::remember_basic(const std::string& identity,
                                    const std::filesystem::path& note) {
    {
        const std::lock_guard lock(mutex_);
        basic_.insert(identity);
    }
    if (!note.empty()) { // a note that cannot be written only costs a challenge next time
        std::error_code ec;
        std::filesystem::create_directories(note.parent_path(), ec);
        (void)write_atomically(note, "basic\n");
    }
}

void RegistryMemory::forget_basic(const std::string& identity, const std::filesystem::path& note) {
    {
        const std::lock_guard lock(mutex_);
        basic_.erase(identity);
    }
    if (!note.empty()) {
        std::error_code ec;
        std::filesystem::remove(note, ec);
    }
}

void RegistryMemory::forget_all() {
    const std::lock_guard lock(mutex_);
    basic_.clear();
    tokens_.clear();
    blobs_.clear();
    manifests_.clear();
    blob_bytes_ = 0;
}

std::optional<Secret> RegistryMemory::token(const std::string& identity, const std::string& scope) {
    const std::lock_guard lock(mutex_);
    const auto it = tokens_.find({identity, scope});
    if (it == tokens_.end()) {
        return std::nullopt;
    }
    if (std::chrono::steady_clock::now() - it->second.obtained > token_reuse) {
        tokens_.erase(it);
        return std::nullopt;
    }
    return it->second.value;
}

void RegistryMemory::remember_token(const std::string& identity, const std::string& scope,
                                    const Secret& token) {
    const std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(tokens_, [&](const auto& entry) { // no expired token is kept (ferry watch)
        return now - entry.second.obtained >= token_reuse;
    });
    tokens_.insert_or_assign({identity, scope}, Token{token, now});
}

void RegistryMemory::forget_token(const std::string& identity, const std::string& scope) {
    const std::lock_guard lock(mutex_);
    tokens_.erase({identity, scope});
}

std::optional<std::string> RegistryMemory::blob(const std::string& key) {
    const std::lock_guard lock(mutex_);
    const auto it = blobs_.find(key);
    return it == blobs_.end() ? std::nullopt : std::optional<std::string>(it->second);
}

void RegistryMemory::remember_blob(const std::string& key, const std::string& body) {
    const std::lock_guard lock(mutex_);
    if (body.size() > max_blob || blob_bytes_ + body.size() > max_blob_bytes ||
        blobs_.count(key) != 0) {
        return;
    }
    blob_bytes_ += body.size();
    blobs_.emplace(key, body);
}

std::optional<std::pair<std::string, std::string>>
RegistryMemory::manifest(const std::string& key) {
    const std::lock_guard lock(mutex_);
    const auto it = manifests_.find(key);
    return it == manifests_.end() ? std::nullopt
                                  : std::optional<std::pair<std::string, std::string>>(it->second);
}

void RegistryMemory::remember_manifest(const std::string& key, const std::string& media_type,
                                       const std::string& body) {
    const std::lock_guard lock(mutex_);
    if (body.size() > max_blob || blob_bytes_ + body.size() > max_blob_bytes ||
        manifests_.count(key) != 0) {
        return;
    }
    blob_bytes_ += body.size();
    manifests_.emplace(key, std::pair(media_type, body));
}

} // namespace ferry::runtime::registry_http
