// The docker-credential-<helper> protocol through Boost.Process: `get`, the server URL on stdin,
// `{"ServerURL", "Username", "Secret"}` on stdout. Only this file includes Boost.Process.
#include "runtime/docker_config.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <fmt/format.h>
#include <future>
#include <nlohmann/json.hpp>

namespace ferry::runtime {
namespace {

namespace bp = boost::process;

// Helpers print "credentials not found in native keychain" (and similar) when they have nothing.
bool says_not_found(std::string_view output) {
    return output.find("credentials not found") != std::string_view::npos ||
           output.find("not found in") != std::string_view::npos;
}

// The first line of a helper's stderr, shortened: enough to explain, little room to leak.
std::string first_line(std::string_view text) {
    const auto end = text.find('\n');
    std::string line(text.substr(0, std::min<std::size_t>(end, 200)));
    return line;
}

HelperResult parse_reply(const std::string& helper, std::string_view server, Secret stdout_text) {
    const auto reply = nlohmann::json::parse(stdout_text.reveal(), nullptr, false);
    if (!reply.is_object()) {
        return {std::nullopt, false,
                fmt::format("docker-credential-{} get for {}: its reply is not a JSON object",
                            helper, server)};
    }
    const auto field = [&](const char* key) {
        const auto it = reply.find(key);
        return it != reply.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    RegistryAuth auth;
    auth.source = fmt::format("docker-credential-{}", helper);
    std::string username = field("Username");
    Secret secret(field("Secret"));
    if (secret.empty()) {
        return {std::nullopt, true, {}};
    }
    // Docker's convention: the username "<token>" marks the secret as an identity token.
    if (username == "<token>") {
        auth.identity_token = std::move(secret);
    } else {
        auth.username = Secret(std::move(username));
        auth.password = std::move(secret);
    }
    return {std::move(auth), false, {}};
}

} // namespace

HelperResult ProcessCredentialHelper::get(std::string_view helper, std::string_view server_url) {
    const std::string name = fmt::format("docker-credential-{}", helper);
    const auto program = bp::search_path(name);
    if (program.empty()) {
        return {std::nullopt, false,
                fmt::format("{} is not on PATH (needed for {})", name, server_url)};
    }
    boost::asio::io_context io;
    std::future<std::string> out;
    std::future<std::string> err;
    const std::string input(server_url);
    std::error_code ec;
    bp::child child(program, "get", bp::std_in<boost::asio::buffer(input), bp::std_out> out,
                    bp::std_err > err, io, ec);
    if (ec) {
        return {std::nullopt, false, fmt::format("cannot start {}: {}", name, ec.message())};
    }
    io.run_for(timeout_);
    if (!io.stopped()) {
        child.terminate(ec);
        child.wait(ec);
        return {std::nullopt, false,
                fmt::format("{} get for {} did not answer within {} ms", name, server_url,
                            timeout_.count())};
    }
    child.wait(ec);
    Secret stdout_text(out.get());
    const std::string stderr_text = err.get();
    if (child.exit_code() != 0) {
        if (says_not_found(stdout_text.reveal()) || says_not_found(stderr_text)) {
            return {std::nullopt, true, {}};
        }
        return {std::nullopt, false,
                fmt::format("{} get for {} failed with exit code {}{}", name, server_url,
                            child.exit_code(),
                            stderr_text.empty() ? std::string() : ": " + first_line(stderr_text))};
    }
    return parse_reply(std::string(helper), server_url, std::move(stdout_text));
}

} // namespace ferry::runtime
