// Nested calls used as parameter values: `buildDiscarder(logRotator(...))`, the bindings of
// `withCredentials([...])`, the `[$class: 'GitSCM', ...]` of `checkout`, and so on. A parameter
// names the group its values come from with Param::of.

#include "stdlib/catalogue_builder.hpp"

namespace ferry::stdlib::detail {
namespace {

constexpr std::string_view binding_plugin = "credentials-binding";

P credentials_id() {
    return P("credentialsId", Type::string).required().doc("The id of the stored credential.");
}
P variable(std::string_view doc) {
    return P("variable", Type::string).required().doc(doc);
}

void add_build_discarders(Table& out) {
    out.push_back(describable("logRotator", "buildDiscarderStrategy", "core",
                              "Keeps runs by count and by age; empty means unlimited.")
                      .params({
                          P("daysToKeepStr", Type::string).doc("Days to keep runs."),
                          P("numToKeepStr", Type::string).doc("How many runs to keep."),
                          P("artifactDaysToKeepStr", Type::string),
                          P("artifactNumToKeepStr", Type::string),
                      })
                      .java_class("LogRotator"));
    out.push_back(
        describable("throttle", "throttle", "branch-api",
                    "How many builds per period `rateLimitBuilds` allows (a map).")
            .params({
                P("count", Type::integer).required(),
                P("durationName", Type::string)
                    .required()
                    .choices({"second", "minute", "hour", "day", "week", "month", "year"}),
                P("userBoost", Type::boolean)
                    .def("false")
                    .doc("Let builds started by a user skip the limit."),
            }));
}

void add_bindings(Table& out) {
    out.push_back(describable("string", "binding", binding_plugin, "Secret text into a variable.")
                      .params({credentials_id(), variable("The variable holding the secret.")})
                      .java_class("StringBinding"));
    out.push_back(describable("usernamePassword", "binding", binding_plugin,
                              "A username and a password into two variables.")
                      .params({
                          credentials_id(),
                          P("usernameVariable", Type::string).required(),
                          P("passwordVariable", Type::string).required(),
                      })
                      .java_class("UsernamePasswordMultiBinding"));
    out.push_back(describable("usernameColonPassword", "binding", binding_plugin,
                              "`username:password` into one variable.")
                      .params({credentials_id(), variable("The variable.")})
                      .java_class("UsernamePasswordBinding"));
    out.push_back(describable("file", "binding", binding_plugin,
                              "A secret file; the variable holds its temporary path.")
                      .params({credentials_id(), variable("The variable holding the path.")})
                      .java_class("FileBinding"));
    out.push_back(describable("zip", "binding", binding_plugin,
                              "A secret zip file, unpacked; the variable holds the directory.")
                      .params({credentials_id(), variable("The variable holding the path.")})
                      .java_class("ZipFileBinding"));
    out.push_back(describable("sshUserPrivateKey", "binding", binding_plugin,
                              "An SSH private key into a temporary file.")
                      .params({
                          credentials_id(),
                          P("keyFileVariable", Type::string).required(),
                          P("passphraseVariable", Type::string),
                          P("usernameVariable", Type::string),
                      })
                      .java_class("SSHUserPrivateKeyBinding"));
    out.push_back(describable("certificate", "binding", binding_plugin,
                              "A certificate keystore into a temporary file.")
                      .params({
                          credentials_id(),
                          P("keystoreVariable", Type::string).required(),
                          P("aliasVariable", Type::string),
                          P("passwordVariable", Type::string),
                      })
                      .java_class("CertificateMultiBinding"));
    out.push_back(describable("dockerCert", "binding", "docker-commons",
                              "Docker client certificates; the variable holds their directory.")
                      .params({credentials_id(), variable("Usually `DOCKER_CERT_PATH`.")})
                      .java_class("DockerServerCredentialsBinding"));
    out.push_back(describable("gitUsernamePassword", "binding", "git",
                              "Credentials for git over HTTPS, through `GIT_ASKPASS`.")
                      .params({
                          credentials_id(),
                          P("gitToolName", Type::string),
                      })
                      .java_class("GitUsernamePasswordBinding"));
    out.push_back(describable("gitSshPrivateKey", "binding", "git",
                              "An SSH key for git over SSH, through `GIT_SSH_COMMAND`.")
                      .params({
                          credentials_id(),
                          P("gitToolName", Type::string),
                      })
                      .java_class("GitSSHPrivateKeyBinding"));
    out.push_back(
        describable("aws", "binding", "aws-credentials", "AWS access keys into two variables.")
            .params({
                credentials_id(),
                P("accessKeyVariable", Type::string).def("'AWS_ACCESS_KEY_ID'"),
                P("secretKeyVariable", Type::string).def("'AWS_SECRET_ACCESS_KEY'"),
                P("roleArn", Type::string),
                P("roleSessionName", Type::string),
                P("roleSessionDurationSeconds", Type::integer),
            })
            .java_class("AmazonWebServicesCredentialsBinding"));
    out.push_back(describable("kubeconfigFile", "binding", "kubernetes-credentials-provider",
                              "A kubeconfig secret file; the variable holds its path.")
                      .params({credentials_id(), variable("Usually `KUBECONFIG`.")})
                      .java_class("KubeconfigFileBinding"));
}

void add_scm(Table& out) {
    out.push_back(describable("scmGit", "scm", "git", "A git repository to check out.")
                      .params({
                          P("userRemoteConfigs", Type::list).required().of("gitRemote"),
                          P("branches", Type::list).of("gitBranch").def("[[name: '**']]"),
                          P("extensions", Type::list),
                          P("browser", Type::describable),
                          P("gitTool", Type::string),
                          P("doGenerateSubmoduleConfigurations", Type::boolean).def("false"),
                          P("submoduleCfg", Type::list),
                      })
                      .java_class("GitSCM"));
    out.push_back(describable("userRemoteConfig", "gitRemote", "git", "One remote of a git SCM.")
                      .params({
                          P("url", Type::string).required(),
                          P("credentialsId", Type::string),
                          P("name", Type::string),
                          P("refspec", Type::string),
                      })
                      .java_class("UserRemoteConfig"));
    out.push_back(describable("branch", "gitBranch", "git", "A branch specifier of a git SCM.")
                      .params({P("name", Type::string)
                                   .required()
                                   .doc("e.g. `*/main`, `refs/tags/v1`, a commit id.")})
                      .java_class("BranchSpec"));
    out.push_back(describable("subversion", "scm", "subversion", "A Subversion repository.")
                      .params({P("locations", Type::list).required()})
                      .support(Support::unsupported)
                      .java_class("SubversionSCM"));
}

void add_step_helpers(Table& out) {
    out.push_back(describable("agent", "retryCondition", "workflow-basic-steps",
                              "Retry when the agent was lost."));
    out.push_back(describable("kubernetesAgent", "retryCondition", "kubernetes",
                              "Retry when the Kubernetes agent pod was lost.")
                      .params({P("handleNonKubernetes", Type::boolean).def("false")}));
    out.push_back(describable("nonresumable", "retryCondition", "workflow-basic-steps",
                              "Retry when the step could not resume after a restart."));
    out.push_back(describable("merge", "yamlMergeStrategy", "kubernetes",
                              "Merge the pod yaml into the inherited template."));
    out.push_back(describable("override", "yamlMergeStrategy", "kubernetes",
                              "Replace the inherited template's yaml."));
    out.push_back(
        describable("htmlTarget", "htmlTarget", "htmlpublisher", "One HTML report to publish.")
            .params({
                P("reportDir", Type::string).required(),
                P("reportFiles", Type::string).required().doc("e.g. `index.html`."),
                P("reportName", Type::string).required(),
                P("keepAll", Type::boolean).required(),
                P("alwaysLinkToLastBuild", Type::boolean).required(),
                P("allowMissing", Type::boolean).required(),
                P("includes", Type::string).def("'**/*'"),
                P("escapeUnderscores", Type::boolean).def("true"),
                P("reportTitles", Type::string),
                P("useWrapperFileDirectly", Type::boolean).def("false"),
            })
            .java_class("HtmlPublisherTarget"));
    out.push_back(describable("pattern", "cleanWsPattern", "ws-cleanup",
                              "A pattern of files to delete or keep (a map).")
                      .params({
                          P("pattern", Type::string).required(),
                          P("type", Type::string).required().choices({"INCLUDE", "EXCLUDE"}),
                      })
                      .java_class("Pattern"));
}

/// `build(job: 'x', parameters: [string(name: 'A', value: 'b')])`: values, not definitions.
void add_build_parameter_values(Table& out) {
    struct Value {
        std::string_view name;
        Type type;
    };
    const Value values[] = {{"string", Type::string},
                            {"text", Type::string},
                            {"password", Type::string},
                            {"booleanParam", Type::boolean}};
    for (const Value& v : values) {
        out.push_back(describable(v.name, "buildParameterValue", "pipeline-build-step",
                                  "A parameter value passed to the triggered job.")
                          .params({
                              P("name", Type::string).required(),
                              P("value", v.type).required(),
                          }));
    }
}

void add_recipient_providers(Table& out) {
    struct Provider {
        std::string_view name, doc;
    };
    const Provider providers[] = {
        {"developers", "Authors of the changes in the build."},
        {"requestor", "Whoever started the build."},
        {"culprits", "Authors since the last successful build."},
        {"brokenBuildSuspects", "Suspects of a broken build."},
        {"brokenTestsSuspects", "Suspects of failing tests."},
        {"upstreamDevelopers", "Authors of the upstream builds' changes."},
        {"buildUser", "The user who started the build."},
    };
    for (const Provider& p : providers) {
        out.push_back(describable(p.name, "recipientProvider", "email-ext", p.doc));
    }
}

} // namespace

void add_describables(Table& out) {
    add_build_discarders(out);
    add_bindings(out);
    add_scm(out);
    add_step_helpers(out);
    add_build_parameter_values(out);
    add_recipient_providers(out);
}

} // namespace ferry::stdlib::detail
