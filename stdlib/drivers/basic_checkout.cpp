// `checkout scm` (the pipeline's own repository, from GIT_URL and GIT_COMMIT), `checkout` of a
// git SCM (`scmGit(...)`, `[$class: 'GitSCM', ...]`) and the `git` step, through libgit2
// (runtime/git_checkout). They check out into the step's directory.

#include "runtime/git_checkout.hpp"
#include "stdlib/drivers/basic_support.hpp"

#include <fmt/format.h>

namespace ferry::stdlib::drivers::detail {

namespace {

/// The request a `scm` parameter describes; an error when ferry cannot check it out.
std::optional<runtime::GitCheckoutRequest>
request_for_scm(const runtime::StepContext& context, const nlohmann::json& scm, std::string& error,
                std::optional<std::string>& credentials) {
    runtime::GitCheckoutRequest request;
    request.workspace = context.cwd;
    std::string kind;
    if (scm.is_string()) {
        kind = scm.get<std::string>();
    } else if (scm.is_object()) {
        kind = scm.value("$describable", scm.value("$class", std::string()));
    }
    if (kind == "scm") {
        request.url = context.variable("GIT_URL").value_or("");
        request.commit = context.variable("GIT_COMMIT").value_or("");
        request.branch = context.variable("GIT_BRANCH").value_or("");
        return request;
    }
    if (kind != "scmGit" && kind != "GitSCM" && kind != "git") {
        error = fmt::format("checkout: ferry checks out `scm` and git SCMs (scmGit, GitSCM), not "
                            "'{}'",
                            kind.empty() ? scm.dump() : kind);
        return std::nullopt;
    }
    const auto remotes = scm.value("userRemoteConfigs", nlohmann::json::array());
    if (!remotes.is_array() || remotes.empty() || !remotes.front().is_object()) {
        error = "checkout: the git SCM has no userRemoteConfigs with a url";
        return std::nullopt;
    }
    request.url = remotes.front().value("url", std::string());
    if (auto id = remotes.front().find("credentialsId");
        id != remotes.front().end() && id->is_string()) {
        credentials = id->get<std::string>();
    }
    const auto branches = scm.value("branches", nlohmann::json::array());
    if (branches.is_array() && !branches.empty() && branches.front().is_object()) {
        std::string branch = branches.front().value("name", std::string());
        if (branch.rfind("*/", 0) == 0) {
            branch.erase(0, 2);
        } else if (branch.rfind("refs/heads/", 0) == 0) {
            branch.erase(0, 11);
        }
        request.branch = branch;
    }
    return request;
}

/// Fills the request's username and password from a ferry.yaml credential.
std::string add_credentials(const runtime::StepContext& context, const std::string& id,
                            runtime::GitCheckoutRequest& request) {
    const auto* config = context.services.config;
    const auto* credential = config != nullptr ? config->find_credential(id) : nullptr;
    if (credential == nullptr) {
        return fmt::format("credentials '{}' are not declared in ferry.yaml", id);
    }
    auto resolved = runtime::resolve_credential(*credential, context.services.credential_sources);
    if (!resolved.ok()) {
        return resolved.error;
    }
    if (auto* pair = std::get_if<runtime::UsernamePassword>(&*resolved.value)) {
        request.username = pair->username;
        request.password = pair->password;
        if (context.services.masker != nullptr) {
            context.services.masker->add(pair->password);
        }
        return {};
    }
    return fmt::format("credentials '{}' are not a username and password, which git over "
                       "http(s) needs",
                       id);
}

runtime::StepOutcome run_checkout(runtime::StepContext& context,
                                  const runtime::GitCheckoutRequest& request) {
    const auto result = runtime::git_checkout(
        request, [&](std::string_view line) { context.log(runtime::OutputStream::out, line); },
        context.cancel);
    if (!result.ok) {
        if (context.cancel.cancelled()) {
            return {runtime::BuildResult::aborted, context.cancel.message(), nullptr};
        }
        return failure(result.error);
    }
    return succeeded(nlohmann::json{
        {"GIT_COMMIT", result.commit}, {"GIT_URL", request.url}, {"GIT_BRANCH", request.branch}});
}

runtime::StepOutcome checkout_step(runtime::StepContext& context) {
    const auto scm = context.params.is_object() ? context.params.value("scm", nlohmann::json())
                                                : nlohmann::json();
    if (scm.is_null()) {
        return missing_param(context, "scm");
    }
    std::string error;
    std::optional<std::string> credentials;
    auto request = request_for_scm(context, scm, error, credentials);
    if (!request) {
        return failure(error);
    }
    if (credentials) {
        if (auto problem = add_credentials(context, *credentials, *request); !problem.empty()) {
            return failure("checkout: " + problem);
        }
    }
    return run_checkout(context, *request);
}

runtime::StepOutcome git_step(runtime::StepContext& context) {
    runtime::GitCheckoutRequest request;
    request.workspace = context.cwd;
    if (auto url = string_param(context, "url")) {
        request.url = *url;
    } else {
        return missing_param(context, "url");
    }
    request.branch = string_param(context, "branch").value_or("master");
    if (auto id = string_param(context, "credentialsId")) {
        if (auto problem = add_credentials(context, *id, request); !problem.empty()) {
            return failure("git: " + problem);
        }
    }
    return run_checkout(context, request);
}

} // namespace

void register_checkout_steps(runtime::DriverTable& table) {
    table["checkout"] = checkout_step;
    table["git"] = git_step;
}

} // namespace ferry::stdlib::drivers::detail
