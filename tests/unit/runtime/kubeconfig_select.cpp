// Kubeconfig reading and explicit context selection; the current-context is never implied.
#include "grammar/render.hpp"
#include "runtime/config.hpp"
#include "runtime/kubeconfig.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>

namespace {

using namespace ferry;
namespace fs = std::filesystem;

const fs::path data_dir = fs::path(FERRY_SOURCE_DIR) / "tests/data/config";

runtime::Kubeconfig load() {
    auto result = runtime::load_kubeconfig(data_dir / "kubeconfig");
    INFO(result.error);
    REQUIRE(result.config);
    return *result.config;
}

} // namespace

TEST_CASE("an explicit context selects cluster, user and namespace", "[kubeconfig]") {
    const auto config = load();
    CHECK(config.current_context == "lab-view");
    const auto selection = runtime::select_context(config, "lab-admin");
    INFO(selection.error);
    REQUIRE(selection.target);
    const auto& target = *selection.target;
    CHECK(target.context == "lab-admin");
    CHECK(target.cluster.server == "https://127.0.0.1:6443");
    CHECK(target.cluster.certificate_authority == data_dir / "pki/ca.crt");
    CHECK_FALSE(target.cluster.insecure_skip_tls_verify);
    CHECK(target.user.name == "admin");
    REQUIRE(target.user.token);
    CHECK(target.user.token->reveal() == "s3cr3t-admin-token");
    CHECK(target.namespace_name == "kiamol");
    CHECK(target.namespace_from_context);
}

TEST_CASE("a context without a namespace defaults to 'default'", "[kubeconfig]") {
    const auto selection = runtime::select_context(load(), "lab-view");
    REQUIRE(selection.target);
    CHECK(selection.target->namespace_name == "default");
    CHECK_FALSE(selection.target->namespace_from_context);
    CHECK(selection.target->user.client_certificate == data_dir / "pki/viewer.crt");
    REQUIRE(selection.target->user.client_key_data);
    CHECK(selection.target->user.client_key_data->reveal() == "-----BEGIN PRIVATE KEY-----\n");
}

TEST_CASE("exec plugins are recorded, not run; CA data is decoded", "[kubeconfig]") {
    const auto selection = runtime::select_context(load(), "lab-cloud");
    REQUIRE(selection.target);
    const auto& target = *selection.target;
    CHECK(target.cluster.insecure_skip_tls_verify);
    CHECK(target.cluster.certificate_authority_data ==
          std::optional<std::string>("-----BEGIN CERTIFICATE-----\n"));
    REQUIRE(target.user.exec);
    CHECK(target.user.exec->command == "get-token");
    CHECK(target.user.exec->args == std::vector<std::string>{"--cluster", "lab"});
    CHECK(target.user.exec->env ==
          std::vector<std::pair<std::string, std::string>>{{"REGION", "eu"}});
    CHECK(target.user.exec->api_version == "client.authentication.k8s.io/v1");
}

TEST_CASE("no context named is an error, never the current-context", "[kubeconfig]") {
    const auto selection = runtime::select_context(load(), "");
    CHECK_FALSE(selection.target);
    CHECK(selection.error == (data_dir / "kubeconfig").string() +
                                 ": no context named; ferry never uses the current-context "
                                 "('lab-view')");
}

TEST_CASE("a missing context suggests the closest one", "[kubeconfig]") {
    const auto selection = runtime::select_context(load(), "lab-admn");
    CHECK_FALSE(selection.target);
    CHECK(selection.suggestion == std::optional<std::string>("lab-admin"));
    CHECK(selection.error == (data_dir / "kubeconfig").string() +
                                 ": no context 'lab-admn' (did you mean 'lab-admin'?)");
    const auto far = runtime::select_context(load(), "production");
    CHECK_FALSE(far.suggestion);
}

TEST_CASE("a context naming an undefined cluster", "[kubeconfig]") {
    const auto selection = runtime::select_context(load(), "lab-broken");
    CHECK_FALSE(selection.target);
    CHECK(selection.error == (data_dir / "kubeconfig").string() +
                                 ": context 'lab-broken' names cluster 'nowhere', which the file "
                                 "does not define");
}

TEST_CASE("malformed kubeconfigs are reported with their position", "[kubeconfig]") {
    const auto syntax = runtime::parse_kubeconfig("clusters: [\n", "/k/config");
    CHECK_FALSE(syntax.config);
    CHECK(syntax.error.rfind("/k/config:2:1: invalid YAML: ", 0) == 0);

    const auto shape = runtime::parse_kubeconfig("clusters:\n  name: x\n", "/k/config");
    CHECK(shape.error == "/k/config:2:3: 'clusters' must be a list");

    const auto key = runtime::parse_kubeconfig(
        "users:\n- name: u\n  user:\n    client-key-data: '%%%not-base64'\n", "/k/config");
    CHECK(key.error == "/k/config:4:22: 'client-key-data' is not valid base64");
    CHECK(key.error.find("%%%") == std::string::npos); // the value is not quoted

    CHECK(runtime::load_kubeconfig("/nonexistent/kubeconfig").error ==
          "/nonexistent/kubeconfig: no such kubeconfig file");
}

TEST_CASE("ferry.yaml contexts are checked against their kubeconfig", "[kubeconfig][config]") {
    const std::string text = "clusters:\n"
                             "  good: { kubeconfig: kubeconfig, context: lab-admin }\n"
                             "  typo: { kubeconfig: kubeconfig, context: lab-admn }\n"
                             "  broken: { kubeconfig: kubeconfig, context: lab-broken }\n"
                             "  gone: { kubeconfig: missing-kubeconfig, context: x }\n";
    auto source = std::make_shared<const grammar::SourceFile>("ferry.yaml", text);
    const auto loaded = runtime::parse_config(source, {data_dir, "/home/u"});
    REQUIRE(loaded.ok());
    grammar::Diagnostics out;
    runtime::check_cluster_contexts(*loaded.config, {}, out);
    std::vector<std::string> lines;
    for (const auto& d : out.all()) {
        const auto rendered = grammar::render_text(*source, d);
        lines.push_back(rendered.substr(0, rendered.find('\n')));
    }
    const std::string kubeconfig = (data_dir / "kubeconfig").string();
    CHECK(lines ==
          std::vector<std::string>{
              "ferry.yaml:3:44: error[E0613]: cluster 'typo' names context 'lab-admn', "
              "which " +
                  kubeconfig + " does not define",
              "ferry.yaml:4:46: error[E0605]: cluster 'broken': " + kubeconfig +
                  ": context 'lab-broken' names cluster 'nowhere', which the file does "
                  "not define",
              "ferry.yaml:5:3: error[E0610]: cluster 'gone': " +
                  (data_dir / "missing-kubeconfig").string() + ": no such kubeconfig file"});
    REQUIRE(out.all().size() == 3);
    CHECK(out.all()[0].fix == std::optional<std::string>("lab-admin"));

    grammar::Diagnostics only_good;
    runtime::check_cluster_contexts(*loaded.config, {"good"}, only_good);
    CHECK(only_good.empty());
}
