#include "runtime/kubeconfig.hpp"

#include "grammar/diagnostic.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <yaml-cpp/yaml.h>

namespace ferry::runtime {
namespace {

namespace fs = std::filesystem;

// Collects the first problem found while reading; the rest of the file is still read so that
// one message names the earliest mistake.
class Reader {
public:
    explicit Reader(const fs::path& path) : path_(path) {}

    void fail(const YAML::Node& node, const std::string& message) {
        if (!error_.empty()) {
            return;
        }
        const YAML::Mark mark = node.Mark();
        error_ = mark.is_null() ? fmt::format("{}: {}", path_.string(), message)
                                : fmt::format("{}:{}:{}: {}", path_.string(), mark.line + 1,
                                              mark.column + 1, message);
    }

    std::string text(const YAML::Node& map, const char* key) {
        const YAML::Node node = map[key];
        if (!node || node.IsNull()) {
            return {};
        }
        if (!node.IsScalar()) {
            fail(node, fmt::format("'{}' must be a string", key));
            return {};
        }
        return node.Scalar();
    }

    std::optional<std::string> optional_text(const YAML::Node& map, const char* key) {
        std::string value = text(map, key);
        return value.empty() ? std::nullopt : std::optional(std::move(value));
    }

    std::optional<fs::path> file(const YAML::Node& map, const char* key) {
        const auto value = optional_text(map, key);
        if (!value) {
            return std::nullopt;
        }
        fs::path path(*value);
        return (path.is_relative() ? path_.parent_path() / path : path).lexically_normal();
    }

    std::optional<std::string> base64(const YAML::Node& map, const char* key) {
        const auto value = optional_text(map, key);
        if (!value) {
            return std::nullopt;
        }
        std::string decoded;
        if (!detail::base64_decode(*value, decoded)) {
            // The field may hold a private key: say which field, never what it holds.
            fail(map[key], fmt::format("'{}' is not valid base64", key));
            return std::nullopt;
        }
        return decoded;
    }

    bool flag(const YAML::Node& map, const char* key) { return text(map, key) == "true"; }

    // `clusters:`, `users:` and `contexts:` are lists of {name, <key>: {...}}.
    template <typename Item>
    void named_list(const YAML::Node& root, const char* list, const char* inner,
                    std::vector<Item>& out, Item (Reader::*read)(const YAML::Node&)) {
        const YAML::Node node = root[list];
        if (!node || node.IsNull()) {
            return;
        }
        if (!node.IsSequence()) {
            fail(node, fmt::format("'{}' must be a list", list));
            return;
        }
        for (const auto& entry : node) {
            const std::string name = entry.IsMap() ? text(entry, "name") : std::string();
            if (name.empty()) {
                fail(entry, fmt::format("an entry of '{}' has no name", list));
                continue;
            }
            const YAML::Node body = entry[inner];
            if (body && !body.IsNull() && !body.IsMap()) {
                fail(body, fmt::format("'{}' of '{}' must be a map", inner, name));
                continue;
            }
            Item item = (this->*read)(body ? body : YAML::Node(YAML::NodeType::Map));
            item.name = name;
            out.push_back(std::move(item));
        }
    }

    KubeCluster cluster(const YAML::Node& body) {
        KubeCluster cluster;
        cluster.server = text(body, "server");
        cluster.certificate_authority = file(body, "certificate-authority");
        cluster.certificate_authority_data = base64(body, "certificate-authority-data");
        cluster.insecure_skip_tls_verify = flag(body, "insecure-skip-tls-verify");
        cluster.tls_server_name = optional_text(body, "tls-server-name");
        cluster.proxy_url = optional_text(body, "proxy-url");
        return cluster;
    }

    KubeUser user(const YAML::Node& body) {
        KubeUser user;
        if (auto token = optional_text(body, "token")) {
            user.token = Secret(std::move(*token));
        }
        user.token_file = file(body, "tokenFile");
        user.client_certificate = file(body, "client-certificate");
        user.client_certificate_data = base64(body, "client-certificate-data");
        user.client_key = file(body, "client-key");
        if (auto key = base64(body, "client-key-data")) {
            user.client_key_data = Secret(std::move(*key));
        }
        user.username = optional_text(body, "username");
        if (auto password = optional_text(body, "password")) {
            user.password = Secret(std::move(*password));
        }
        if (const YAML::Node exec = body["exec"]; exec && exec.IsMap()) {
            user.exec = read_exec(exec);
        }
        if (const YAML::Node provider = body["auth-provider"]; provider && provider.IsMap()) {
            KubeAuthProvider auth{text(provider, "name"), {}};
            if (const YAML::Node config = provider["config"]; config && config.IsMap()) {
                for (const auto& pair : config) {
                    if (pair.second.IsScalar()) {
                        auth.config.emplace_back(pair.first.Scalar(), Secret(pair.second.Scalar()));
                    }
                }
            }
            user.auth_provider = std::move(auth);
        }
        return user;
    }

    KubeExec read_exec(const YAML::Node& exec) {
        KubeExec result{text(exec, "apiVersion"), text(exec, "command"), {}, {}};
        if (const YAML::Node args = exec["args"]; args && args.IsSequence()) {
            for (const auto& arg : args) {
                result.args.push_back(arg.IsScalar() ? arg.Scalar() : std::string());
            }
        }
        if (const YAML::Node env = exec["env"]; env && env.IsSequence()) {
            for (const auto& item : env) {
                if (item.IsMap()) {
                    result.env.emplace_back(text(item, "name"), text(item, "value"));
                }
            }
        }
        return result;
    }

    KubeContext context(const YAML::Node& body) {
        KubeContext context;
        context.cluster = text(body, "cluster");
        context.user = text(body, "user");
        context.namespace_name = optional_text(body, "namespace");
        return context;
    }

    [[nodiscard]] const std::string& error() const { return error_; }

private:
    fs::path path_;
    std::string error_;
};

template <typename T>
const T* find_named(const std::vector<T>& items, std::string_view name) {
    const auto it =
        std::find_if(items.begin(), items.end(), [&](const T& item) { return item.name == name; });
    return it == items.end() ? nullptr : &*it;
}

} // namespace

const KubeContext* Kubeconfig::find_context(std::string_view name) const {
    return find_named(contexts, name);
}

std::vector<std::string_view> Kubeconfig::context_names() const {
    std::vector<std::string_view> names;
    for (const auto& context : contexts) {
        names.emplace_back(context.name);
    }
    return names;
}

KubeconfigResult parse_kubeconfig(std::string_view text, const fs::path& path) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        return {std::nullopt, fmt::format("{}:{}:{}: invalid YAML: {}", path.string(),
                                          e.mark.line + 1, e.mark.column + 1, e.msg)};
    }
    if (!root.IsMap()) {
        return {std::nullopt,
                fmt::format("{}: not a kubeconfig (expected a map at the top)", path.string())};
    }
    Reader reader(path);
    Kubeconfig config;
    config.path = path;
    try {
        reader.named_list(root, "clusters", "cluster", config.clusters, &Reader::cluster);
        reader.named_list(root, "users", "user", config.users, &Reader::user);
        reader.named_list(root, "contexts", "context", config.contexts, &Reader::context);
        config.current_context = reader.text(root, "current-context");
    } catch (const YAML::Exception& e) {
        return {std::nullopt, fmt::format("{}: malformed kubeconfig: {}", path.string(), e.msg)};
    }
    if (!reader.error().empty()) {
        return {std::nullopt, reader.error()};
    }
    return {std::move(config), {}};
}

KubeconfigResult load_kubeconfig(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        return {std::nullopt, fmt::format("{}: no such kubeconfig file", path.string())};
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return {std::nullopt, fmt::format("{}: cannot open the kubeconfig", path.string())};
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return parse_kubeconfig(text, path);
}

KubeSelection select_context(const Kubeconfig& config, std::string_view context) {
    KubeSelection result;
    const std::string file = config.path.string();
    if (context.empty()) {
        result.error = fmt::format(
            "{}: no context named; ferry never uses the current-context{}", file,
            config.current_context.empty() ? std::string()
                                           : fmt::format(" ('{}')", config.current_context));
        return result;
    }
    const KubeContext* found = config.find_context(context);
    if (!found) {
        result.error = fmt::format("{}: no context '{}'", file, context);
        if (const auto near = grammar::closest_match(context, config.context_names())) {
            result.suggestion = std::string(*near);
            result.error += fmt::format(" (did you mean '{}'?)", *near);
        }
        return result;
    }
    const KubeCluster* cluster = find_named(config.clusters, found->cluster);
    if (!cluster) {
        result.error = fmt::format("{}: context '{}' names cluster '{}', which the file does not "
                                   "define",
                                   file, context, found->cluster);
        return result;
    }
    if (cluster->server.empty()) {
        result.error = fmt::format("{}: cluster '{}' has no server", file, cluster->name);
        return result;
    }
    KubeTarget target;
    target.context = found->name;
    target.cluster = *cluster;
    if (!found->user.empty()) {
        const KubeUser* user = find_named(config.users, found->user);
        if (!user) {
            result.error = fmt::format("{}: context '{}' names user '{}', which the file does not "
                                       "define",
                                       file, context, found->user);
            return result;
        }
        target.user = *user;
    }
    target.namespace_from_context = found->namespace_name.has_value();
    target.namespace_name = found->namespace_name.value_or("default");
    result.target = std::move(target);
    return result;
}

} // namespace ferry::runtime
