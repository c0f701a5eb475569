// ferry_probe_tool: runs runtime::probe() for the integration tests and prints the observations
// as JSON, so the probes can be checked against the real servers before and apart from
// `ferry plan`.
//
//   ferry_probe_tool --config ferry.yaml --env NAME --workspace DIR --pipeline NAME
//                    [--offline] [--tag REF]... [--namespace NS]... [--release NS/NAME]...
// Namespaces and releases are probed in the environment's cluster context.
#include "runtime/config.hpp"
#include "runtime/probe.hpp"

#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

using namespace ferry;

std::string known(compiler::Known k) {
    return k == compiler::Known::yes ? "yes" : "unknown";
}

nlohmann::ordered_json to_json(const compiler::Observations& obs) {
    nlohmann::ordered_json j;
    j["offline"] = obs.offline;
    const auto& g = obs.git;
    j["git"] = {{"known", known(g.known)},  {"reason", g.reason},
                {"commit", g.commit},       {"short_commit", g.short_commit},
                {"branch", g.branch},       {"branch_source", g.branch_source},
                {"tags", g.tags},           {"remote_url", g.remote_url},
                {"message", g.message},     {"dirty", g.dirty},
                {"changelog", g.changelog}, {"changes_reason", g.changes_reason}};
    j["git"]["changed_files"] =
        g.changed_files ? nlohmann::ordered_json(*g.changed_files) : nlohmann::ordered_json();
    j["build_number"] =
        obs.build_number ? nlohmann::ordered_json(*obs.build_number) : nlohmann::ordered_json();
    j["tags"] = nlohmann::ordered_json::array();
    for (const auto& t : obs.tags) {
        j["tags"].push_back({{"reference", t.reference},
                             {"known", known(t.known)},
                             {"reason", t.reason},
                             {"digest", t.digest ? *t.digest : ""},
                             {"media_type", t.media_type}});
    }
    j["namespaces"] = nlohmann::ordered_json::array();
    for (const auto& n : obs.namespaces) {
        j["namespaces"].push_back({{"context", n.context},
                                   {"name", n.name},
                                   {"known", known(n.known)},
                                   {"reason", n.reason},
                                   {"exists", n.exists}});
    }
    j["releases"] = nlohmann::ordered_json::array();
    for (const auto& r : obs.releases) {
        j["releases"].push_back({{"context", r.context},
                                 {"namespace", r.namespace_},
                                 {"name", r.name},
                                 {"known", known(r.known)},
                                 {"reason", r.reason},
                                 {"revision", r.revision ? *r.revision : 0},
                                 {"status", r.status},
                                 {"chart", r.chart}});
    }
    j["warnings"] = obs.warnings;
    return j;
}

} // namespace

int main(int argc, char** argv) {
    std::string config_path;
    std::string env_name;
    compiler::ProbeRequests req;
    runtime::ProbeOptions options;
    std::vector<std::string> namespaces;
    std::vector<std::string> releases;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << arg << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--config") {
            config_path = value();
        } else if (arg == "--env") {
            env_name = value();
        } else if (arg == "--workspace") {
            req.workspace = value();
        } else if (arg == "--pipeline") {
            req.pipeline = value();
        } else if (arg == "--offline") {
            options.offline = true;
        } else if (arg == "--tag") {
            req.tags.push_back(value());
        } else if (arg == "--namespace") {
            namespaces.push_back(value());
        } else if (arg == "--release") {
            releases.push_back(value());
        } else {
            std::cerr << "unknown option " << arg << "\n";
            return 2;
        }
    }
    const auto loaded = runtime::load_config(config_path);
    if (!loaded.ok()) {
        for (const auto& d : loaded.diagnostics.all()) {
            std::cerr << config_path << ": " << d.code << ": " << d.message << "\n";
        }
        return 1;
    }
    const auto* env = loaded.config->find_environment(env_name);
    const auto* cluster =
        env == nullptr ? nullptr : loaded.config->find_cluster(env->cluster.value);
    if (env == nullptr || cluster == nullptr) {
        std::cerr << "no environment " << env_name << " with a cluster\n";
        return 1;
    }
    req.environment = env_name;
    for (const auto& ns : namespaces) {
        req.namespaces.push_back({cluster->context.value, ns});
    }
    for (const auto& r : releases) {
        const auto slash = r.find('/');
        req.releases.push_back({cluster->context.value, r.substr(0, slash), r.substr(slash + 1)});
    }
    options.config = &*loaded.config;
    std::cout << to_json(runtime::probe(req, *env, options)).dump(2) << "\n";
    return 0;
}
