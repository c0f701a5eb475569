#pragma once
// Test helpers for lowering, evaluation and planning: a pipeline from text, an environment
// config built in code, and observations constructed by hand (the planner is pure).

#include "compiler/evaluate.hpp"
#include "compiler/ir.hpp"
#include "compiler/plan.hpp"
#include "grammar/frontend.hpp"
#include "grammar/parser.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

namespace plan_test {

/// A parsed, lowered pipeline; keeps its Document alive for the IR.
struct Lowered {
    ferry::grammar::Frontend frontend;
    ferry::compiler::ir::Pipeline ir;
};

inline std::unique_ptr<Lowered> lower_text(const std::string& text) {
    auto out = std::make_unique<Lowered>();
    out->frontend =
        ferry::grammar::load(std::make_shared<const ferry::grammar::SourceFile>("Ferryfile", text));
    REQUIRE(out->frontend.parsed);
    ferry::grammar::Diagnostics diagnostics;
    auto ir = ferry::compiler::ir::lower(out->frontend.document, diagnostics);
    REQUIRE(ir.has_value());
    REQUIRE_FALSE(diagnostics.has_errors());
    out->ir = std::move(*ir);
    return out;
}

/// Two environments on two clusters, one registry, three credentials.
inline ferry::compiler::EnvironmentConfig config() {
    using namespace ferry::compiler;
    EnvironmentConfig c;
    c.path = "ferry.yaml";
    Registry r;
    r.name = "local";
    r.server = "127.0.0.1:5000";
    r.prefix = "kiamol";
    c.registries.push_back(r);
    c.clusters.push_back({"lab", {}, "/k", {"lab-admin", {}}});
    c.clusters.push_back({"prod", {}, "/k", {"prod-admin", {}}});
    Environment test;
    test.name = "test";
    test.cluster = {"lab", {}};
    test.namespace_name = {"app-test", {}};
    test.registry = ConfigString{"local", {}};
    test.create_namespace = true;
    c.environments.push_back(test);
    Environment prod = test;
    prod.name = "prod";
    prod.cluster = {"prod", {}};
    prod.namespace_name = {"app-prod", {}};
    prod.create_namespace = false;
    c.environments.push_back(prod);
    Credential token;
    token.id = "api-token";
    token.kind = CredentialKind::string;
    c.credentials.push_back(token);
    Credential user;
    user.id = "deployer";
    user.kind = CredentialKind::username_password;
    c.credentials.push_back(user);
    Credential file;
    file.id = "kubeconf";
    file.kind = CredentialKind::file;
    c.credentials.push_back(file);
    return c;
}

/// Git on `branch` with a build number: what an offline probe of a checkout sees.
inline ferry::compiler::Observations observations(const std::string& branch = "main") {
    ferry::compiler::Observations o;
    o.offline = true;
    o.git.known = ferry::compiler::Known::yes;
    o.git.commit = "0123456789abcdef0123456789abcdef01234567";
    o.git.branch = branch;
    o.build_number = 42;
    return o;
}

inline ferry::compiler::PlanResult
plan_text(const Lowered& l, const std::string& env = "test",
          const ferry::compiler::Observations& o = observations(),
          std::vector<std::pair<std::string, std::string>> params = {}) {
    ferry::compiler::PlanOptions options;
    options.environment = env;
    options.job_name = "demo";
    options.parameters = std::move(params);
    return ferry::compiler::plan(l.ir, config(), o, options);
}

inline bool has_code(const ferry::grammar::Diagnostics& d, std::string_view code) {
    for (const auto& x : d.all()) {
        if (x.code == code) {
            return true;
        }
    }
    return false;
}

} // namespace plan_test
