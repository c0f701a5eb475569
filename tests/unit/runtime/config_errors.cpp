// ferry.yaml mistakes: each kind with its exact message and position, accumulated.
#include "grammar/render.hpp"
#include "runtime/config.hpp"

#include <catch2/catch.hpp>
#include <memory>

namespace {

using namespace ferry;

runtime::LoadedConfig parse(std::string text) {
    auto source = std::make_shared<const grammar::SourceFile>("ferry.yaml", std::move(text));
    return runtime::parse_config(source, {"/work/project", "/home/u"});
}

// The first line of every diagnostic: `ferry.yaml:L:C: error[CODE]: message`.
std::vector<std::string> headlines(const runtime::LoadedConfig& loaded) {
    std::vector<std::string> lines;
    for (const auto& d : loaded.diagnostics.all()) {
        const std::string text = grammar::render_text(*loaded.source, d);
        lines.push_back(text.substr(0, text.find('\n')));
    }
    return lines;
}

std::string full(const runtime::LoadedConfig& loaded) {
    std::string out;
    for (const auto& d : loaded.diagnostics.all()) {
        out += grammar::render_text(*loaded.source, d);
    }
    return out;
}

using Lines = std::vector<std::string>;

const std::string base = "registries:\n"
                         "  local: { server: 127.0.0.1:5000, credentials: creds }\n"
                         "clusters:\n"
                         "  lab: { kubeconfig: kc, context: lab-admin }\n"
                         "credentials:\n"
                         "  creds: { type: dockerconfig, file: config.json }\n";

} // namespace

TEST_CASE("YAML syntax errors point at their position", "[config][errors]") {
    const auto loaded = parse("environments:\n  test: { cluster: lab\n");
    CHECK_FALSE(loaded.ok());
    const auto lines = headlines(loaded);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].rfind("ferry.yaml:3:1: error[E0601]: invalid YAML: ", 0) == 0);

    const auto tabs = parse("registries:\n\tlocal: {}\n");
    REQUIRE(headlines(tabs).size() == 1);
    CHECK(headlines(tabs)[0].rfind("ferry.yaml:2:", 0) == 0);
}

TEST_CASE("unknown keys are rejected with a did-you-mean", "[config][errors]") {
    const auto loaded = parse("registrys: {}\n"
                              "registries:\n"
                              "  local: { servr: 127.0.0.1:5000 }\n");
    CHECK(headlines(loaded) ==
          Lines{"ferry.yaml:1:1: error[E0602]: unknown key 'registrys' in ferry.yaml",
                "ferry.yaml:3:3: error[E0604]: registry 'local' has no 'server'",
                "ferry.yaml:3:12: error[E0602]: unknown key 'servr' in registry 'local'"});
    const auto& first = loaded.diagnostics.all()[0];
    CHECK(first.fix == std::optional<std::string>("registries"));
    CHECK(full(loaded).find(R"(did you mean "server"?)") != std::string::npos);
}

TEST_CASE("wrong types are named", "[config][errors]") {
    const auto loaded = parse("registries: [a, b]\n"
                              "clusters:\n"
                              "  lab: just-a-string\n"
                              "environments:\n"
                              "  test:\n"
                              "    cluster: [lab]\n"
                              "    namespace: ns\n"
                              "    createNamespace: yes please\n"
                              "    allowedNamespaces: ns\n");
    CHECK(headlines(loaded) ==
          Lines{"ferry.yaml:1:13: error[E0603]: expected a map of registries, got a list",
                "ferry.yaml:3:8: error[E0603]: expected a map for cluster 'lab', got a string",
                "ferry.yaml:6:14: error[E0603]: expected a string for 'cluster' in environment "
                "'test', got a list",
                "ferry.yaml:8:22: error[E0603]: expected a boolean (true or false) for "
                "'createNamespace' in environment 'test', got a string",
                "ferry.yaml:9:24: error[E0603]: expected a list of strings for "
                "'allowedNamespaces' in environment 'test', got a string"});
}

TEST_CASE("the top level must be a map", "[config][errors]") {
    CHECK(headlines(parse("- a\n- b\n")) ==
          Lines{"ferry.yaml:1:1: error[E0603]: expected a map at the top of ferry.yaml "
                "(registries, clusters, environments, credentials), got a list"});
}

TEST_CASE("references are checked with a did-you-mean", "[config][errors]") {
    const auto loaded =
        parse(base + "environments:\n"
                     "  test: { cluster: labb, namespace: ns, registry: locl }\n"
                     "  prod: { cluster: lab, namespace: ns, registry: nowhere }\n");
    CHECK(headlines(loaded) ==
          Lines{"ferry.yaml:8:20: error[E0606]: environment 'test' names unknown cluster 'labb'",
                "ferry.yaml:8:51: error[E0606]: environment 'test' names unknown registry 'locl'",
                "ferry.yaml:9:50: error[E0606]: environment 'prod' names unknown registry "
                "'nowhere'"});
    const auto& all = loaded.diagnostics.all();
    CHECK(all[0].fix == std::optional<std::string>("lab"));
    CHECK(all[1].fix == std::optional<std::string>("local"));
    CHECK_FALSE(all[2].fix);
}

TEST_CASE("a registry naming an unknown or unsuitable credential", "[config][errors]") {
    const auto loaded = parse("registries:\n"
                              "  a: { server: r.example.com, credentials: cred }\n"
                              "  b: { server: r.example.com, credentials: token }\n"
                              "credentials:\n"
                              "  creds: { type: dockerconfig, file: c.json }\n"
                              "  token: { type: string, env: TOKEN }\n");
    CHECK(headlines(loaded) ==
          Lines{"ferry.yaml:2:44: error[E0606]: registry 'a' names unknown credential 'cred'",
                "ferry.yaml:3:44: error[E0605]: registry 'b' names credential 'token' of type "
                "'string'; a registry needs one of type 'dockerconfig' or 'usernamePassword'"});
}

TEST_CASE("a namespace outside allowedNamespaces", "[config][errors]") {
    const auto loaded = parse(base + "environments:\n"
                                     "  test:\n"
                                     "    cluster: lab\n"
                                     "    namespace: kiamol-ch11-tset\n"
                                     "    allowedNamespaces: [kiamol-ch11-test, other]\n");
    CHECK(headlines(loaded) ==
          Lines{"ferry.yaml:10:16: error[E0607]: namespace 'kiamol-ch11-tset' of environment "
                "'test' is outside its allowedNamespaces"});
    CHECK(loaded.diagnostics.all()[0].fix == std::optional<std::string>("kiamol-ch11-test"));
}

TEST_CASE("inline secret values are refused, never quoted", "[config][errors]") {
    const auto loaded =
        parse("registries:\n"
              "  r: { server: r.example.com, password: hunter2 }\n"
              "credentials:\n"
              "  deployer: { type: usernamePassword, username: me, password: hunter2 }\n"
              "  token: { type: string, value: hunter2 }\n");
    CHECK(headlines(loaded) ==
          Lines{"ferry.yaml:2:31: error[E0608]: registry 'r' holds 'password' inline: ferry.yaml "
                "never holds credentials; declare them under 'credentials:' and name the id in "
                "'credentials'",
                "ferry.yaml:4:53: error[E0608]: credential 'deployer' holds its secret inline in "
                "'password': ferry.yaml never holds secret values; use 'passwordFile' or "
                "'passwordEnv' instead",
                "ferry.yaml:5:26: error[E0608]: credential 'token' holds its secret inline in "
                "'value': ferry.yaml never holds secret values; use 'env' or 'file' instead"});
    for (const auto& d : loaded.diagnostics.all()) {
        CHECK(d.message.find("hunter2") == std::string::npos);
        for (const auto& note : d.notes) {
            CHECK(note.message.find("hunter2") == std::string::npos);
        }
        CHECK((!d.fix || d.fix->find("hunter2") == std::string::npos));
    }
}

TEST_CASE("credential shapes", "[config][errors]") {
    const auto loaded = parse("credentials:\n"
                              "  a: { env: X }\n"
                              "  b: { type: strin, env: X }\n"
                              "  c: { type: string, env: X, file: y }\n"
                              "  d: { type: string, usernameEnv: X }\n"
                              "  e: { type: dockerconfig }\n");
    CHECK(headlines(loaded) ==
          Lines{"ferry.yaml:2:3: error[E0604]: credential 'a' has no 'type' (string, file, "
                "usernamePassword, dockerconfig)",
                "ferry.yaml:3:14: error[E0605]: unknown credential type 'strin' in credential 'b' "
                "(expected string, file, usernamePassword, dockerconfig)",
                "ferry.yaml:4:30: error[E0612]: credential 'c' gives both 'env' and 'file'; "
                "choose one",
                "ferry.yaml:5:3: error[E0604]: credential 'd' needs one of 'env', 'file'",
                "ferry.yaml:5:22: error[E0602]: key 'usernameEnv' does not apply to credential "
                "'d' of type 'string' (it takes 'env', 'file')",
                "ferry.yaml:6:3: error[E0604]: credential 'e' needs 'file' (a docker config.json) "
                "or 'helper' (docker-credential-<helper>)"});
    CHECK(loaded.diagnostics.all()[1].fix == std::optional<std::string>("string"));
}

TEST_CASE("invalid values", "[config][errors]") {
    const auto loaded = parse("registries:\n"
                              "  r: { server: 'not a host', prefix: Kiamol }\n"
                              "clusters:\n"
                              "  lab: { kubeconfig: kc }\n"
                              "environments:\n"
                              "  test:\n"
                              "    cluster: lab\n"
                              "    namespace: Test_NS\n"
                              "    pullSecret: Reg_Creds\n"
                              "    variables: { 1X: a, OK: [b] }\n"
                              "version: 2\n");
    CHECK(headlines(loaded) ==
          Lines{"ferry.yaml:2:16: error[E0605]: invalid registry server 'not a host': expected "
                "host[:port]",
                "ferry.yaml:2:38: error[E0605]: invalid repository prefix 'Kiamol': use lowercase "
                "letters, digits, '.', '_', '-' and '/'",
                "ferry.yaml:4:3: error[E0604]: cluster 'lab' has no 'context'",
                "ferry.yaml:8:16: error[E0605]: invalid namespace 'Test_NS': use at most 63 "
                "lowercase letters, digits and '-', starting and ending with a letter or digit",
                "ferry.yaml:9:17: error[E0605]: invalid pull secret name 'Reg_Creds': use "
                "lowercase letters, digits, '-' and '.'",
                "ferry.yaml:9:17: error[E0604]: pullSecret of environment 'test' has no "
                "'credentials' and the environment names no registry to take them from",
                "ferry.yaml:10:18: error[E0605]: invalid variable name '1X': use letters, digits "
                "and '_', not starting with a digit",
                "ferry.yaml:10:29: error[E0603]: expected a string for variable 'OK', got a list",
                "ferry.yaml:11:10: error[E0611]: unsupported ferry.yaml version '2': this ferry "
                "reads version 1"});
    const std::string text = full(loaded);
    CHECK(text.find("never uses a kubeconfig's current-context") != std::string::npos);
}

TEST_CASE("duplicate keys and conflicting TLS settings", "[config][errors]") {
    const auto loaded =
        parse("registries:\n"
              "  r: { server: a.example.com, tls: { ca: ca.pem, insecure: true } }\n"
              "  r: { server: b.example.com }\n");
    CHECK(headlines(loaded) ==
          Lines{"ferry.yaml:2:3: warning[W0614]: registry 'r' at a.example.com skips TLS "
                "verification",
                "ferry.yaml:2:36: error[E0612]: tls of registry 'r' sets both 'ca' and 'insecure: "
                "true'; choose one",
                "ferry.yaml:3:3: error[E0609]: duplicate key 'r' in registries"});
}

TEST_CASE("an insecure registry off loopback is a warning", "[config][errors]") {
    const auto loaded = parse("registries:\n"
                              "  far: { server: registry.example.com, tls: { insecure: true } }\n"
                              "  near: { server: 'localhost:5000', tls: { insecure: true } }\n");
    REQUIRE(loaded.ok());
    CHECK(headlines(loaded) == Lines{"ferry.yaml:2:3: warning[W0614]: registry 'far' at "
                                     "registry.example.com skips TLS verification"});
}

TEST_CASE("pull secrets need credentials from somewhere", "[config][errors]") {
    const auto loaded = parse("registries:\n"
                              "  bare: { server: r.example.com }\n"
                              "clusters:\n"
                              "  lab: { context: c }\n"
                              "environments:\n"
                              "  a: { cluster: lab, namespace: a, pullSecret: regcred }\n"
                              "  b: { cluster: lab, namespace: b, registry: bare,"
                              " pullSecret: { name: regcred, create: true } }\n");
    CHECK(headlines(loaded) ==
          Lines{"ferry.yaml:6:48: error[E0604]: pullSecret of environment 'a' has no "
                "'credentials' and the environment names no registry to take them from",
                "ferry.yaml:7:72: error[E0604]: pullSecret of environment 'b' has no "
                "'credentials' and registry 'bare' has none to take"});
}

TEST_CASE("every reported code is documented in the table", "[config][errors]") {
    const auto& codes = runtime::config_codes();
    REQUIRE(codes.size() >= 13);
    for (const auto& code : codes) {
        CHECK((code.code.substr(0, 3) == "E06" || code.code.substr(0, 3) == "W06"));
        CHECK_FALSE(code.summary.empty());
    }
}
