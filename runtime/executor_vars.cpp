// The variables of a run, in the plan's precedence (docs/plan.md, *Variables*): the base
// environment, Jenkins' built-ins, parameters, ferry.yaml's variables, the pipeline's
// `environment {}`, then each stage's. Credentials are read here, at run time, and every value
// is handed to the masker before anything can print it.
#include "compiler/builtins.hpp"
#include "runtime/executor_detail.hpp"
#include "runtime/process.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <sys/stat.h>

namespace ferry::runtime::detail {

namespace fs = std::filesystem;

void Variables::set(const std::string& name, std::string value, bool secret) {
    if (secret) {
        secrets_.insert(name);
    } else {
        secrets_.erase(name);
    }
    for (auto& [key, existing] : pairs_) {
        if (key == name) {
            existing = std::move(value);
            return;
        }
    }
    pairs_.emplace_back(name, std::move(value));
}

std::optional<std::string> Variables::get(std::string_view name) const {
    for (const auto& [key, value] : pairs_) {
        if (key == name) {
            return value;
        }
    }
    return std::nullopt;
}

SecretDir::~SecretDir() {
    if (!dir_.empty()) {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
}

fs::path SecretDir::write(const std::string& name, const std::string& content, std::string& error) {
    if (dir_.empty()) {
        std::string pattern = (fs::temp_directory_path() / "ferry-secret-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            error = "cannot create a private directory for secret files";
            return {};
        }
        dir_ = pattern;
    }
    fs::path path = dir_ / name;
    for (int n = 2; fs::exists(path); ++n) {
        path = dir_ / fmt::format("{}-{}", name, n);
    }
    {
        std::ofstream touch(path, std::ios::binary); // created, then restricted before writing
    }
    ::chmod(path.c_str(), 0600);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
        error = fmt::format("cannot write the secret file {}", path.string());
        return {};
    }
    return path;
}

namespace {

std::string read_whole(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

using UserPasswords = std::map<std::string, std::pair<std::string, std::string>, std::less<>>;

/// KEY_USR and KEY_PSW of a usernamePassword bound as KEY earlier in the same list.
bool bind_credential_part(const std::string& name, const UserPasswords& bound, Variables& vars) {
    for (const std::string_view suffix : {"_USR", "_PSW"}) {
        if (name.size() <= suffix.size() ||
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
            continue;
        }
        const auto it = bound.find(name.substr(0, name.size() - suffix.size()));
        if (it != bound.end()) {
            vars.set(name, suffix == "_USR" ? it->second.first : it->second.second, true);
            return true;
        }
    }
    return false;
}

} // namespace

Flow Executor::credential_value(const std::string& id, SecretDir& secrets, std::string& single,
                                std::optional<std::pair<std::string, std::string>>& user_pass) {
    const compiler::Credential* credential =
        services.config != nullptr ? services.config->find_credential(id) : nullptr;
    if (credential == nullptr) {
        return Flow::error(fmt::format("no credential '{}' in ferry.yaml", id));
    }
    ResolvedCredential resolved = resolve_credential(*credential, services.credential_sources);
    if (!resolved.ok()) {
        return Flow::error(fmt::format("credential '{}': {}", id, resolved.error));
    }
    auto& value = *resolved.value;
    std::string error;
    if (const auto* s = std::get_if<Secret>(&value)) {
        services.masker->add(*s);
        single = s->reveal();
    } else if (const auto* up = std::get_if<UsernamePassword>(&value)) {
        services.masker->add(up->password);
        services.masker->add(Secret(up->username.reveal() + ":" + up->password.reveal()));
        user_pass.emplace(up->username.reveal(), up->password.reveal());
        single = up->username.reveal() + ":" + up->password.reveal();
    } else if (const auto* file = std::get_if<SecretFile>(&value)) {
        services.masker->add(file->content);
        fs::path written =
            secrets.write(file->path.filename().string(), file->content.reveal(), error);
        if (written.empty()) {
            return Flow::error(fmt::format("credential '{}': {}", id, error));
        }
        single = written.string();
    } else if (const auto* docker = std::get_if<DockerCredentialSource>(&value)) {
        // Steps and tools receive a config.json of their own; the original is never handed out.
        std::string content;
        if (docker->config_file) {
            content = read_whole(*docker->config_file);
            if (content.empty()) {
                return Flow::error(fmt::format("credential '{}': cannot read {}", id,
                                               docker->config_file->string()));
            }
        } else {
            content = fmt::format("{{\"credsStore\": \"{}\"}}\n", docker->helper.value_or(""));
        }
        services.masker->add(Secret(content));
        fs::path written = secrets.write("config.json", content, error);
        if (written.empty()) {
            return Flow::error(fmt::format("credential '{}': {}", id, error));
        }
        single = written.string();
    }
    return {};
}

Flow Executor::bind_entries(const Json& entries, Variables& vars, SecretDir& secrets) {
    if (!entries.is_array()) {
        return {};
    }
    // KEY = credentials('id') of a usernamePassword is listed as KEY, KEY_USR and KEY_PSW.
    UserPasswords user_pass_of;
    for (const auto& entry : entries) {
        const std::string name = entry.value("name", "");
        if (name.empty()) {
            continue;
        }
        if (entry.contains("credential")) {
            const std::string id = entry.value("credential", "");
            if (bind_credential_part(name, user_pass_of, vars)) {
                continue;
            }
            std::string single;
            std::optional<std::pair<std::string, std::string>> user_pass;
            if (Flow f = credential_value(id, secrets, single, user_pass); !f.ok()) {
                f.message = fmt::format("environment {}: {}", name, f.message);
                return f;
            }
            if (user_pass) {
                user_pass_of[name] = *user_pass;
            }
            vars.set(name, single, true);
            continue;
        }
        if (const auto it = entry.find("value"); it != entry.end()) {
            vars.set(name, it->is_string() ? it->get<std::string>() : it->dump());
            continue;
        }
        const std::string text = entry.value("template", "");
        const auto scope = scope_of(vars);
        compiler::Resolved r = entry.value("expression", false)
                                   ? compiler::evaluate_text(text, scope)
                                   : compiler::interpolate(text, scope);
        if (!r.ok()) {
            return Flow::error(fmt::format("environment {}: {}", name, r.error));
        }
        const std::string value = r.value.is_string() ? r.value.get<std::string>() : r.value.dump();
        vars.set(name, value, entry.value("secret", false));
    }
    return {};
}

compiler::RunScope Executor::scope_of(const Variables& vars) const {
    compiler::RunScope scope;
    for (const auto& [name, value] : vars.pairs()) {
        scope.env[name] = value;
    }
    scope.params = build_params;
    scope.secrets = vars.secrets();
    return scope;
}

Flow Executor::pipeline_variables(Variables& vars, SecretDir& secrets) {
    const auto base = options.base_env.empty() ? current_environment() : options.base_env;
    for (const auto& [name, value] : base) {
        vars.set(name, value); // copied: the CI overrides below read `base` again
    }
    const std::string number = plan.build_number ? std::to_string(*plan.build_number) : "1";
    for (auto& [name, value] : compiler::build_variables(plan.job, number)) {
        vars.set(name, std::move(value));
    }
    vars.set("WORKSPACE", services.workspace.string());
    vars.set("FERRY_ENVIRONMENT", plan.environment);
    vars.set("FERRY_NAMESPACE", plan.target.namespace_);
    vars.set("FERRY_CONTEXT", plan.target.context);
    if (!plan.target.registry.empty()) {
        vars.set("FERRY_REGISTRY", plan.target.registry);
    }
    for (auto& [name, value] : compiler::git_variables(git)) {
        vars.set(name, std::move(value));
    }
    // A CI's own values win: it knows which branch or tag it is building.
    for (const auto& name : compiler::ci_override_variables()) {
        for (const auto& [key, value] : base) {
            if (key == name) {
                vars.set(name, value);
            }
        }
    }
    for (const auto& [name, value] : plan.parameters.items()) {
        if (value.is_string() && value.get<std::string>() == "(secret)") {
            // A password parameter has no value a saved plan could carry: the run's options do.
            for (const auto& [given, secret] : options.password_params) {
                if (given == name) {
                    services.masker->add(secret);
                    vars.set(name, secret.reveal(), true);
                    build_params[name] = compiler::EvalValue::of(secret.reveal());
                }
            }
            continue;
        }
        vars.set(name, value.is_string() ? value.get<std::string>() : value.dump());
    }
    if (services.environment != nullptr) {
        for (const auto& [name, value] : services.environment->variables) {
            vars.set(name, value);
        }
    }
    return bind_entries(plan.variables, vars, secrets);
}

} // namespace ferry::runtime::detail
