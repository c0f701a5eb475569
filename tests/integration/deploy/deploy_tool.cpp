// Drives ferry's helmUpgrade and kubectlApply drivers against a real cluster for
// tests/integration/deploy.sh, before `ferry run` exists: an environment assembled from flags,
// images "built earlier" given as name=reference@digest, the journal written as NDJSON.
//
//   ferry_deploy_tool --kubeconfig K --context C --namespace NS [--create-namespace]
//       [--registry SERVER --docker-config FILE --pull-secret NAME] [--allow GLOB]…
//       [--image NAME=REF@DIGEST]… --journal FILE --step helmUpgrade|kubectlApply
//       --params JSON [--cwd DIR]
// Prints the outcome as one JSON line; exit 0 on success, 1 on failure, 2 on bad usage.
#include "stdlib/drivers/drivers.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>

namespace rt = ferry::runtime;
namespace cc = ferry::compiler;

namespace {

class FileRecord final : public rt::RunRecord {
public:
    explicit FileRecord(std::filesystem::path journal) : journal_(std::move(journal)) {}
    const std::filesystem::path& dir() const override { return dir_; }
    const rt::RunHeader& header() const override { return header_; }
    std::string append(nlohmann::ordered_json record) override {
        std::lock_guard lock(mutex_);
        record["seq"] = ++seq_;
        std::ofstream out(journal_, std::ios::app);
        out << record.dump() << '\n';
        return out ? std::string() : "cannot append to " + journal_.string();
    }
    rt::StepLog& step_log(std::string_view) override { std::abort(); }
    std::filesystem::path artifacts_dir() const override { return dir_; }
    std::string write_result(const rt::RunResultRecord&) override { return {}; }

private:
    std::filesystem::path journal_;
    std::filesystem::path dir_;
    rt::RunHeader header_;
    std::mutex mutex_;
    long long seq_ = 0;
};

std::optional<std::string> process_env(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return v == nullptr ? std::nullopt : std::optional<std::string>(v);
}

} // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::vector<std::string>> flags;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--create-namespace") {
            flags[arg].push_back("true");
        } else if (arg.starts_with("--") && i + 1 < argc) {
            flags[arg].push_back(argv[++i]);
        } else {
            std::cerr << "unexpected argument " << arg << '\n';
            return 2;
        }
    }
    const auto one = [&flags](const std::string& name) {
        const auto it = flags.find(name);
        return it == flags.end() ? std::string() : it->second.back();
    };
    for (const char* required :
         {"--kubeconfig", "--context", "--namespace", "--journal", "--step", "--params"}) {
        if (one(required).empty()) {
            std::cerr << "missing " << required << '\n';
            return 2;
        }
    }
    cc::EnvironmentConfig config;
    config.path = "deploy_tool";
    config.clusters.push_back({"c", {}, one("--kubeconfig"), {one("--context"), {}}});
    cc::Environment env;
    env.name = "it";
    env.cluster = {"c", {}};
    env.namespace_name = {one("--namespace"), {}};
    env.create_namespace = !one("--create-namespace").empty();
    for (const auto& glob : flags["--allow"]) {
        env.allowed_namespaces.push_back({glob, {}});
    }
    if (!one("--registry").empty()) {
        cc::Credential credential;
        credential.id = "registry";
        credential.kind = cc::CredentialKind::docker_config;
        credential.docker_config = one("--docker-config");
        config.credentials.push_back(credential);
        cc::Registry registry;
        registry.name = "r";
        registry.server = one("--registry");
        registry.credentials = cc::ConfigString{"registry", {}};
        config.registries.push_back(registry);
        env.registry = cc::ConfigString{"r", {}};
        if (!one("--pull-secret").empty()) {
            env.pull_secret = cc::PullSecretPolicy{one("--pull-secret"), true, std::nullopt, {}};
        }
    }
    config.environments.push_back(env);

    FileRecord record(one("--journal"));
    rt::Masker masker;
    rt::RunServices services;
    services.config = &config;
    services.environment = &config.environments.back();
    services.record = &record;
    services.masker = &masker;
    services.credential_sources = rt::system_credential_sources();
    services.getenv = process_env;
    for (const auto& spec : flags["--image"]) {
        const auto eq = spec.find('=');
        const auto at = spec.find('@');
        if (eq == std::string::npos || at == std::string::npos) {
            std::cerr << "--image wants NAME=REFERENCE@DIGEST\n";
            return 2;
        }
        rt::RunImage image;
        image.name = spec.substr(0, eq);
        image.reference = spec.substr(eq + 1, at - eq - 1);
        image.digest = spec.substr(at + 1);
        image.pushed = {image.reference};
        services.images[image.name] = image;
    }
    cc::PlanStep step;
    step.id = "s1";
    step.kind = one("--step");
    const auto params = nlohmann::json::parse(one("--params"), nullptr, false);
    if (params.is_discarded()) {
        std::cerr << "--params is not JSON\n";
        return 2;
    }
    const rt::Cancellation cancel;
    rt::StepContext context{step,
                            params,
                            rt::current_environment(),
                            one("--cwd").empty() ? std::filesystem::current_path()
                                                 : std::filesystem::path(one("--cwd")),
                            cancel,
                            services,
                            [&masker](rt::OutputStream stream, std::string_view line) {
                                (stream == rt::OutputStream::out ? std::cout : std::cerr)
                                    << masker.mask(line) << '\n';
                            }};
    const auto drivers = ferry::stdlib::drivers::builtin_drivers();
    const auto driver = drivers.find(step.kind);
    if (driver == drivers.end()) {
        std::cerr << "no driver for " << step.kind << '\n';
        return 2;
    }
    const auto outcome = driver->second(context);
    const nlohmann::json out{{"result", std::string(rt::to_string(outcome.result))},
                             {"message", masker.mask(outcome.message)},
                             {"value", outcome.value}};
    std::cout << out.dump() << '\n';
    return outcome.result == rt::BuildResult::success ? 0 : 1;
}
