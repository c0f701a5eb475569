// The plan as JSON and back, and the observations' canonical form and fingerprint.
#include "compiler/plan.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

namespace ferry::compiler {
namespace {

using Json = nlohmann::ordered_json;

const char* known_text(Known k) {
    return k == Known::yes ? "yes" : "unknown";
}

Json target_json(const PlanTarget& t) {
    return {{"context", t.context},
            {"server", t.server},
            {"namespace", t.namespace_},
            {"registry", t.registry}};
}

PlanTarget target_from(const nlohmann::json& j) {
    PlanTarget t;
    t.context = j.value("context", "");
    t.server = j.value("server", "");
    t.namespace_ = j.value("namespace", "");
    t.registry = j.value("registry", "");
    return t;
}

Json step_json(const PlanStep& s) {
    Json effects = Json::array();
    for (const auto& e : s.effects) {
        effects.push_back(
            {{"kind", e.kind}, {"target", e.target}, {"before", e.before}, {"after", e.after}});
    }
    Json out = {{"id", s.id},
                {"stage", s.stage},
                {"stage_name", s.stage_name},
                {"kind", s.kind},
                {"action", std::string(to_string(s.action))},
                {"file", s.file},
                {"line", s.line},
                {"column", s.column}};
    if (!s.parent.empty()) {
        out["parent"] = s.parent;
    }
    if (!s.post.empty()) {
        out["post"] = s.post;
    }
    out["params"] = s.params;
    out["defaults"] = s.defaults;
    out["when"] = {{"result", s.when.result}, {"reason", s.when.reason}};
    out["target"] = target_json(s.target);
    out["image"] = s.image ? Json(*s.image) : Json(nullptr);
    out["cache"] = {{"status", s.cache.status}, {"key", s.cache.key}, {"reason", s.cache.reason}};
    out["effects"] = std::move(effects);
    out["may_affect"] = s.may_affect;
    out["summary"] = s.summary;
    return out;
}

PlanStep step_from(const nlohmann::json& j) {
    PlanStep s;
    s.id = j.at("id").get<std::string>();
    s.stage = j.value("stage", "");
    s.stage_name = j.value("stage_name", "");
    s.kind = j.at("kind").get<std::string>();
    s.action = action_from_string(j.value("action", "no-op")).value_or(Action::noop);
    s.file = j.value("file", "");
    s.line = j.value("line", 0u);
    s.column = j.value("column", 0u);
    s.parent = j.value("parent", "");
    s.post = j.value("post", "");
    s.params = j.value("params", nlohmann::json::object());
    s.defaults = j.value("defaults", nlohmann::json::object());
    if (j.contains("when")) {
        s.when = {j["when"].value("result", "true"), j["when"].value("reason", "")};
    }
    if (j.contains("target")) {
        s.target = target_from(j["target"]);
    }
    if (j.contains("image") && j["image"].is_string()) {
        s.image = j["image"].get<std::string>();
    }
    if (j.contains("cache")) {
        s.cache = {j["cache"].value("status", ""), j["cache"].value("key", ""),
                   j["cache"].value("reason", "")};
    }
    for (const auto& e : j.value("effects", nlohmann::json::array())) {
        s.effects.push_back({e.value("kind", ""), e.value("target", ""), e.value("before", ""),
                             e.value("after", "")});
    }
    s.may_affect = j.value("may_affect", std::vector<std::string>{});
    s.summary = j.value("summary", "");
    return s;
}

template <class T>
nlohmann::json optional_json(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

} // namespace

nlohmann::json observations_json(const Observations& o) {
    nlohmann::json j;
    j["format_version"] = o.format_version;
    j["offline"] = o.offline;
    const auto& g = o.git;
    j["git"] = {{"known", known_text(g.known)},
                {"reason", g.reason},
                {"commit", g.commit},
                {"branch", g.branch},
                {"tags", g.tags},
                {"remote_url", g.remote_url},
                {"author_name", g.author_name},
                {"author_email", g.author_email},
                {"committer_name", g.committer_name},
                {"committer_email", g.committer_email},
                {"dirty", g.dirty},
                {"previous_successful_commit", optional_json(g.previous_successful_commit)},
                {"changed_files", optional_json(g.changed_files)},
                {"changelog", g.changelog}};
    j["tags"] = nlohmann::json::array();
    for (const auto& t : o.tags) {
        j["tags"].push_back({{"reference", t.reference},
                             {"known", known_text(t.known)},
                             {"reason", t.reason},
                             {"digest", optional_json(t.digest)}});
    }
    j["namespaces"] = nlohmann::json::array();
    for (const auto& n : o.namespaces) {
        j["namespaces"].push_back({{"context", n.context},
                                   {"name", n.name},
                                   {"known", known_text(n.known)},
                                   {"reason", n.reason},
                                   {"exists", n.exists}});
    }
    j["releases"] = nlohmann::json::array();
    for (const auto& r : o.releases) {
        j["releases"].push_back({{"context", r.context},
                                 {"namespace", r.namespace_},
                                 {"name", r.name},
                                 {"known", known_text(r.known)},
                                 {"reason", r.reason},
                                 {"revision", optional_json(r.revision)},
                                 {"status", r.status},
                                 {"chart", r.chart},
                                 {"deploy_key", optional_json(r.deploy_key)}});
    }
    j["clusters"] = nlohmann::json::array();
    for (const auto& c : o.clusters) {
        j["clusters"].push_back({{"context", c.context},
                                 {"known", known_text(c.known)},
                                 {"reason", c.reason},
                                 {"server", c.server}});
    }
    j["build_number"] = optional_json(o.build_number);
    j["process_env"] = o.process_env;
    return j;
}

std::string observations_fingerprint(const Observations& observations) {
    // nlohmann::json keeps object keys sorted, so dump() is canonical.
    const std::string text = observations_json(observations).dump();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
    std::string hex = "sha256:";
    for (unsigned int i = 0; i < length; ++i) {
        hex += fmt::format("{:02x}", digest[i]);
    }
    return hex;
}

nlohmann::ordered_json to_json(const Plan& p) {
    Json steps = Json::array();
    for (const auto& s : p.steps) {
        steps.push_back(step_json(s));
    }
    Json out = {{"format_version", p.format_version},
                {"pipeline", p.pipeline},
                {"job", p.job},
                {"environment", p.environment},
                {"description", p.description},
                {"target", target_json(p.target)},
                {"build_number", p.build_number ? Json(*p.build_number) : Json(nullptr)},
                {"git",
                 {{"known", p.git.known},
                  {"reason", p.git.reason},
                  {"commit", p.git.commit},
                  {"branch", p.git.branch}}},
                {"parameters", p.parameters},
                {"variables", p.variables},
                {"has_changes", p.has_changes()},
                {"steps", std::move(steps)},
                {"stages", p.stages},
                {"observations", p.observations},
                {"observations_fingerprint", p.observations_fingerprint}};
    return out;
}

std::optional<Plan> plan_from_json(const nlohmann::json& j, std::string& error) {
    try {
        Plan p;
        p.format_version = j.at("format_version").get<int>();
        if (p.format_version != plan_format_version) {
            error = fmt::format("plan format_version {} is not {}, the one this ferry reads",
                                p.format_version, plan_format_version);
            return std::nullopt;
        }
        p.pipeline = j.value("pipeline", "");
        p.job = j.value("job", "");
        p.environment = j.at("environment").get<std::string>();
        p.description = j.value("description", "");
        if (j.contains("target")) {
            p.target = target_from(j["target"]);
        }
        if (j.contains("build_number") && j["build_number"].is_number_integer()) {
            p.build_number = j["build_number"].get<long long>();
        }
        if (const auto& g = j.value("git", nlohmann::json::object()); g.is_object()) {
            p.git.known = g.value("known", false);
            p.git.reason = g.value("reason", "");
            p.git.commit = g.value("commit", "");
            p.git.branch = g.value("branch", "");
        }
        p.parameters = j.value("parameters", nlohmann::json::object());
        p.variables = j.value("variables", nlohmann::json::array());
        for (const auto& s : j.at("steps")) {
            p.steps.push_back(step_from(s));
        }
        p.stages = j.value("stages", nlohmann::json::object());
        p.observations = j.value("observations", nlohmann::json::object());
        p.observations_fingerprint = j.at("observations_fingerprint").get<std::string>();
        return p;
    } catch (const nlohmann::json::exception& e) {
        error = fmt::format("not a ferry plan: {}", e.what());
        return std::nullopt;
    }
}

} // namespace ferry::compiler
