#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 (port chosen by the kernel) for the registry client
// tests: one connection at a time, `Connection: close`, answers from a handler function.

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace ferry::testing {

struct HttpRequest {
    std::string method;
    std::string target;                         ///< path and query
    std::map<std::string, std::string> headers; ///< lower-cased names
    std::string body;
    [[nodiscard]] std::string header(const std::string& name) const {
        const auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

struct HttpReply {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool reset = false; ///< drop the connection without answering
};

class LoopbackServer {
public:
    using Handler = std::function<HttpReply(const HttpRequest&)>;

    explicit LoopbackServer(Handler handler) : handler_(std::move(handler)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        ::listen(fd_, 16);
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;
    ~LoopbackServer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }

    [[nodiscard]] std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    [[nodiscard]] std::vector<HttpRequest> requests() const {
        const std::lock_guard lock(mutex_);
        return requests_;
    }
    [[nodiscard]] std::size_t count(const std::string& method, const std::string& prefix) const {
        const auto all = requests();
        return static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [&](const auto& r) {
            return r.method == method && r.target.rfind(prefix, 0) == 0;
        }));
    }

private:
    void serve() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) {
                continue;
            }
            const int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (conn >= 0) {
                handle(conn);
            }
        }
    }

    static bool read_some(int conn, std::string& buffer) {
        pollfd p{conn, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) {
            return false;
        }
        char chunk[4096];
        const auto n = ::recv(conn, chunk, sizeof chunk, 0);
        if (n <= 0) {
            return false;
        }
        buffer.append(chunk, static_cast<std::size_t>(n));
        return true;
    }

    void handle(int conn) {
        std::string in;
        if (!read_some(conn, in)) {
            ::close(conn);
            return;
        }
        if (static_cast<unsigned char>(in[0]) == 0x16) {
            // A TLS ClientHello: answer as a plain HTTP server does.
            send_all(conn, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            ::close(conn);
            return;
        }
        while (in.find("\r\n\r\n") == std::string::npos && read_some(conn, in)) {
        }
        HttpRequest req = parse(in);
        const auto length = req.header("content-length");
        const auto head_end = in.find("\r\n\r\n") + 4;
        const std::size_t want = length.empty() ? 0 : std::stoul(length);
        while (in.size() - head_end < want && read_some(conn, in)) {
        }
        req.body = in.substr(head_end);
        {
            const std::lock_guard lock(mutex_);
            requests_.push_back(req);
        }
        const HttpReply reply = handler_(req);
        if (reply.reset) {
            linger l{1, 0};
            ::setsockopt(conn, SOL_SOCKET, SO_LINGER, &l, sizeof l);
            ::close(conn);
            return;
        }
        std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\n";
        for (const auto& [k, v] : reply.headers) {
            out += k + ": " + v + "\r\n";
        }
        out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
        out += "Connection: close\r\n\r\n";
        if (req.method != "HEAD") {
            out += reply.body;
        }
        send_all(conn, out);
        ::shutdown(conn, SHUT_WR);
        std::string drain;
        while (read_some(conn, drain) && drain.size() < 65536) {
        }
        ::close(conn);
    }

    static void send_all(int conn, const std::string& data) {
        std::size_t sent = 0;
        while (sent < data.size()) {
            const auto n = ::send(conn, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) {
                return;
            }
            sent += static_cast<std::size_t>(n);
        }
    }

    static HttpRequest parse(const std::string& in) {
        HttpRequest req;
        const auto line_end = in.find("\r\n");
        const auto line = in.substr(0, line_end);
        const auto sp1 = line.find(' ');
        const auto sp2 = line.find(' ', sp1 + 1);
        req.method = line.substr(0, sp1);
        req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
        std::size_t pos = line_end + 2;
        while (pos < in.size()) {
            const auto end = in.find("\r\n", pos);
            if (end == std::string::npos || end == pos) {
                break;
            }
            const auto header = in.substr(pos, end - pos);
            const auto colon = header.find(':');
            if (colon != std::string::npos) {
                std::string name = header.substr(0, colon);
                std::transform(name.begin(), name.end(), name.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                auto value = header.substr(colon + 1);
                value.erase(0, value.find_first_not_of(' '));
                req.headers[name] = value;
            }
            pos = end + 2;
        }
        return req;
    }

    Handler handler_;
    int fd_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<HttpRequest> requests_;
};

} // namespace ferry::testing
