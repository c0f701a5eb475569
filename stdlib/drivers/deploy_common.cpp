// Deploy targets, pull secret credentials and namespace preparation for the deploy drivers.
#include "stdlib/drivers/deploy_common.hpp"

#include "runtime/docker_config.hpp"

#include <fmt/format.h>

namespace ferry::stdlib::drivers::detail {
namespace {

using runtime::StepContext;

// A variable of the step's environment (the last binding wins, as in a process environment),
// else of ferry's own process.
std::optional<std::string> lookup(const StepContext& context, const std::string& name) {
    for (auto it = context.env.rbegin(); it != context.env.rend(); ++it) {
        if (it->first == name) {
            return it->second;
        }
    }
    return context.services.getenv ? context.services.getenv(name) : std::nullopt;
}

runtime::ClusterProbeOptions tool_options(const StepContext& context) {
    runtime::ClusterProbeOptions options;
    options.getenv = [&context](const std::string& name) { return lookup(context, name); };
    return options;
}

// The registry credential as a `.dockerconfigjson` document.
std::optional<runtime::Secret> pull_secret_document(const StepContext& context,
                                                    const compiler::Environment& env,
                                                    std::string& error) {
    const auto& services = context.services;
    const compiler::Registry* registry =
        env.registry ? services.config->find_registry(env.registry->value) : nullptr;
    if (registry == nullptr) {
        error = fmt::format("environment '{}' asks for pull secret '{}' but names no registry",
                            env.name, env.pull_secret->name);
        return std::nullopt;
    }
    const auto* id = env.pull_secret->credentials ? &env.pull_secret->credentials->value
                     : registry->credentials      ? &registry->credentials->value
                                                  : nullptr;
    if (id == nullptr) {
        error = fmt::format("pull secret '{}': registry '{}' has no credentials to put in it",
                            env.pull_secret->name, registry->name);
        return std::nullopt;
    }
    const compiler::Credential* credential = services.config->find_credential(*id);
    if (credential == nullptr) {
        error = fmt::format("pull secret '{}': credential '{}' is not declared in {}",
                            env.pull_secret->name, *id, services.config->path.string());
        return std::nullopt;
    }
    const auto resolved = runtime::resolve_credential(*credential, services.credential_sources);
    if (!resolved.ok()) {
        error = fmt::format("pull secret '{}': {}", env.pull_secret->name, resolved.error);
        return std::nullopt;
    }
    runtime::RegistryAuth auth;
    if (const auto* pair = std::get_if<runtime::UsernamePassword>(&*resolved.value)) {
        auth.username = pair->username;
        auth.password = pair->password;
    } else if (const auto* docker =
                   std::get_if<runtime::DockerCredentialSource>(&*resolved.value)) {
        runtime::ProcessCredentialHelper helpers;
        auto lookup = runtime::registry_auth(*docker, registry->server, helpers);
        if (lookup.status != runtime::AuthLookup::Status::found || !lookup.auth) {
            error = fmt::format("pull secret '{}': credential '{}' has nothing for {}{}{}",
                                env.pull_secret->name, *id, registry->server,
                                lookup.error.empty() ? "" : ": ", lookup.error);
            return std::nullopt;
        }
        auth = std::move(*lookup.auth);
    } else {
        error = fmt::format("pull secret '{}': credential '{}' is a {}; a pull secret needs a "
                            "username and password or a docker config",
                            env.pull_secret->name, *id, compiler::to_string(credential->kind));
        return std::nullopt;
    }
    return runtime::dockerconfigjson(registry->server, auth);
}

} // namespace

std::optional<DeployTarget> resolve_deploy_target(const StepContext& context, bool needs_helm,
                                                  std::string& error) {
    const auto& services = context.services;
    if (services.environment == nullptr || services.config == nullptr) {
        error = fmt::format("{} needs an environment (ferry run --env NAME)", context.step.kind);
        return std::nullopt;
    }
    const auto& env = *services.environment;
    // A step's own `cluster:` (one run deploying to several clusters), else the environment's.
    const auto own = context.params.find("cluster");
    const bool step_cluster = own != context.params.end() && own->is_string() && !own->empty();
    const std::string cluster_name = step_cluster ? own->get<std::string>() : env.cluster.value;
    const compiler::Cluster* cluster = services.config->find_cluster(cluster_name);
    if (cluster == nullptr) {
        error = fmt::format("{} '{}' names cluster '{}', which {} does not declare",
                            step_cluster ? "step" : "environment",
                            step_cluster ? context.step.id : env.name, cluster_name,
                            services.config->path.string());
        return std::nullopt;
    }
    DeployTarget target;
    target.cluster = {cluster->kubeconfig, cluster->context.value};
    const auto ns = context.params.find("namespace");
    target.namespace_ = ns != context.params.end() && ns->is_string() && !ns->empty()
                            ? ns->get<std::string>()
                            : env.namespace_name.value;
    if (!compiler::is_valid_namespace(target.namespace_)) {
        error = fmt::format("'{}' is not a valid namespace name", target.namespace_);
        return std::nullopt;
    }
    if (!env.allows_namespace(target.namespace_)) {
        error = fmt::format("namespace '{}' is outside environment '{}''s allowedNamespaces",
                            target.namespace_, env.name);
        return std::nullopt;
    }
    const auto options = tool_options(context);
    const auto kubectl = runtime::find_tool("kubectl", "KUBECTL", options);
    if (!kubectl.path) {
        error = kubectl.error;
        return std::nullopt;
    }
    target.kubectl = *kubectl.path;
    if (needs_helm) {
        const auto helm = runtime::find_tool("helm", "HELM", options);
        if (!helm.path) {
            error = helm.error;
            return std::nullopt;
        }
        target.helm = *helm.path;
    }
    return target;
}

std::optional<runtime::SealKey> journal_key(const StepContext& context, std::string& error) {
    const auto getenv = [&context](const std::string& name) { return lookup(context, name); };
    return runtime::load_or_create_seal_key(runtime::default_seal_key_path(getenv), error);
}

std::string prepare_namespace(StepContext& context, const runtime::KubeTools& kube,
                              runtime::DeployJournal& journal, const std::string& ns) {
    const auto& env = *context.services.environment;
    if (auto error = runtime::ensure_namespace(kube, journal, ns, env.create_namespace);
        !error.empty()) {
        return error;
    }
    if (!env.pull_secret || !env.pull_secret->create) {
        return {};
    }
    std::string error;
    const auto document = pull_secret_document(context, env, error);
    if (!document) {
        return error;
    }
    if (context.services.masker != nullptr) {
        context.services.masker->add(*document);
    }
    const auto key = journal_key(context, error);
    if (!key) {
        return error;
    }
    error = runtime::ensure_pull_secret(kube, journal, ns, env.pull_secret->name, *document, *key);
    if (error.empty()) {
        context.log(runtime::OutputStream::out,
                    fmt::format("pull secret {}/{} ensured", ns, env.pull_secret->name));
    }
    return error;
}

} // namespace ferry::stdlib::drivers::detail
