// Steps of widely used plugins: credentials, git, test reports, notifications, containers and
// clusters, workspace utilities. ferry runs those it can do faithfully on one machine; the
// others are accepted by `check` with a warning and fail `plan` at their span.

#include "stdlib/catalogue_builder.hpp"

namespace ferry::stdlib::detail {
namespace {

void add_credentials_steps(Table& out) {
    out.push_back(
        step("withCredentials", "credentials-binding",
             "Runs the block with credentials bound to variables, masked in the log.")
            .params({P("bindings", Type::list)
                         .required()
                         .of("binding")
                         .doc("`string(...)`, `usernamePassword(...)`, `file(...)`, ...")})
            .single("bindings")
            .block());
    out.push_back(step("sshagent", "ssh-agent", "Runs the block with an ssh-agent holding keys.")
                      .params({
                          P("credentials", Type::list).required().doc("Credential ids."),
                          P("ignoreMissing", Type::boolean).def("false"),
                      })
                      .single("credentials")
                      .block()
                      .support(Support::unsupported));
    out.push_back(step("configFileProvider", "config-file-provider",
                       "Runs the block with managed configuration files written out.")
                      .params({P("managedFiles", Type::list).required()})
                      .single("managedFiles")
                      .block()
                      .support(Support::unsupported));
}

void add_git_steps(Table& out) {
    out.push_back(step("git", "git", "Clones or fetches a git repository into the workspace.")
                      .params({
                          P("url", Type::string).required(),
                          P("branch", Type::string).def("'master'"),
                          P("credentialsId", Type::string),
                          P("changelog", Type::boolean).def("true"),
                          P("poll", Type::boolean).def("true"),
                      })
                      .single("url")
                      .effects({Effect::git, Effect::filesystem, Effect::network}));
}

void add_report_steps(Table& out) {
    out.push_back(
        step("junit", "junit", "Records JUnit XML test results; failures make the build UNSTABLE.")
            .params({
                P("testResults", Type::string).required().doc("Ant-style patterns."),
                P("allowEmptyResults", Type::boolean).def("false"),
                P("keepLongStdio", Type::boolean).def("false"),
                P("keepProperties", Type::boolean).def("false"),
                P("keepTestNames", Type::boolean).def("false"),
                P("stdioRetention", Type::string).choices({"ALL", "FAILED", "NONE"}),
                P("healthScaleFactor", Type::number).def("1.0"),
                P("skipPublishingChecks", Type::boolean).def("false"),
                P("checksName", Type::string),
                P("skipMarkingBuildUnstable", Type::boolean).def("false"),
                P("skipOldReports", Type::boolean).def("false"),
                P("testDataPublishers", Type::list),
            })
            .single("testResults")
            .java_class("JUnitResultArchiver"));
    out.push_back(step("publishHTML", "htmlpublisher", "Publishes an HTML report with the run.")
                      .params({P("target", Type::describable).required().of("htmlTarget")})
                      .single("target")
                      .java_class("HtmlPublisher")
                      .support(Support::ignored));
    out.push_back(step("recordIssues", "warnings-ng", "Records static-analysis issues.")
                      .params({
                          P("tools", Type::list),
                          P("tool", Type::describable),
                          P("aggregatingResults", Type::boolean).def("false"),
                          P("enabledForFailure", Type::boolean).def("false"),
                          P("ignoreQualityGate", Type::boolean).def("false"),
                          P("qualityGates", Type::list),
                          P("id", Type::string),
                          P("name", Type::string),
                          P("sourceCodeEncoding", Type::string),
                          P("skipBlames", Type::boolean).def("false"),
                          P("skipPublishingChecks", Type::boolean).def("false"),
                      })
                      .support(Support::unsupported));
}

void add_notification_steps(Table& out) {
    out.push_back(step("mail", "mailer", "Sends an email.")
                      .params({
                          P("subject", Type::string).required(),
                          P("body", Type::string).required(),
                          P("to", Type::string),
                          P("cc", Type::string),
                          P("bcc", Type::string),
                          P("from", Type::string),
                          P("replyTo", Type::string),
                          P("charset", Type::string),
                          P("mimeType", Type::string).def("'text/plain'"),
                      })
                      .support(Support::unsupported)
                      .effects({Effect::network}));
    out.push_back(step("emailext", "email-ext", "Sends an email with templates and recipients.")
                      .params({
                          P("subject", Type::string).required(),
                          P("body", Type::string).required(),
                          P("to", Type::string),
                          P("from", Type::string),
                          P("replyTo", Type::string),
                          P("mimeType", Type::string),
                          P("attachLog", Type::boolean).def("false"),
                          P("compressLog", Type::boolean).def("false"),
                          P("attachmentsPattern", Type::string),
                          P("recipientProviders", Type::list).of("recipientProvider"),
                          P("presendScript", Type::string),
                          P("postsendScript", Type::string),
                          P("saveOutput", Type::boolean).def("false"),
                      })
                      .support(Support::unsupported)
                      .effects({Effect::network}));
    out.push_back(
        step("emailextrecipients", "email-ext", "Returns the recipients of providers.")
            .params({P("recipientProviders", Type::list).required().of("recipientProvider")})
            .single("recipientProviders")
            .support(Support::unsupported));
    out.push_back(step("slackSend", "slack", "Posts a message to Slack.")
                      .params({
                          P("message", Type::string),
                          P("channel", Type::string),
                          P("color", Type::string).doc("`good`, `warning`, `danger` or a hex."),
                          P("teamDomain", Type::string),
                          P("tokenCredentialId", Type::string),
                          P("botUser", Type::boolean).def("false"),
                          P("baseUrl", Type::string),
                          P("iconEmoji", Type::string),
                          P("username", Type::string),
                          P("notifyCommitters", Type::boolean).def("false"),
                          P("attachments", Type::any),
                          P("blocks", Type::any),
                          P("timestamp", Type::string),
                          P("replyBroadcast", Type::boolean).def("false"),
                          P("sendAsText", Type::boolean).def("false"),
                          P("failOnError", Type::boolean).def("false"),
                      })
                      .single("message")
                      .support(Support::unsupported)
                      .effects({Effect::network}));
    out.push_back(
        step("httpRequest", "http_request", "Sends an HTTP request and returns the response.")
            .params({
                P("url", Type::string).required(),
                P("httpMode", Type::string)
                    .def("'GET'")
                    .choices({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "MKCOL"}),
                P("contentType", Type::string),
                P("acceptType", Type::string),
                P("requestBody", Type::string),
                P("customHeaders", Type::list),
                P("authentication", Type::string).doc("A credential id."),
                P("validResponseCodes", Type::string).def("'100:399'"),
                P("validResponseContent", Type::string),
                P("consoleLogResponseBody", Type::boolean).def("false"),
                P("quiet", Type::boolean).def("false"),
                P("ignoreSslErrors", Type::boolean).def("false"),
                P("timeout", Type::integer).def("0"),
                P("outputFile", Type::string),
                P("uploadFile", Type::string),
                P("multipartName", Type::string),
                P("wrapAsMultipart", Type::boolean).def("true"),
                P("httpProxy", Type::string),
                P("proxyAuthentication", Type::string),
                P("useSystemProperties", Type::boolean).def("false"),
                P("useNtlm", Type::boolean).def("false"),
                P("responseHandle", Type::string)
                    .def("'STRING'")
                    .choices({"NONE", "STRING", "LEAVE_OPEN"}),
            })
            .single("url")
            .support(Support::unsupported)
            .effects({Effect::network}));
    out.push_back(step("githubNotify", "github-branch-source", "Sets a commit status on GitHub.")
                      .params({
                          P("status", Type::string)
                              .required()
                              .choices({"PENDING", "SUCCESS", "FAILURE", "ERROR"}),
                          P("description", Type::string).required(),
                          P("context", Type::string),
                          P("credentialsId", Type::string),
                          P("account", Type::string),
                          P("repo", Type::string),
                          P("sha", Type::string),
                          P("targetUrl", Type::string),
                          P("gitApiUrl", Type::string),
                      })
                      .support(Support::unsupported)
                      .effects({Effect::network}));
    out.push_back(step("gitlabCommitStatus", "gitlab-plugin",
                       "Runs the block and reports its outcome to GitLab as a commit status.")
                      .params({P("name", Type::string).def("'jenkins'")})
                      .single("name")
                      .block()
                      .support(Support::unsupported)
                      .effects({Effect::network}));
    out.push_back(step("updateGitlabCommitStatus", "gitlab-plugin", "Sets a GitLab commit status.")
                      .params({
                          P("name", Type::string).def("'jenkins'"),
                          P("state", Type::string)
                              .required()
                              .choices({"pending", "running", "canceled", "success", "failed"}),
                      })
                      .support(Support::unsupported)
                      .effects({Effect::network}));
}

void add_container_steps(Table& out) {
    out.push_back(step("withDockerRegistry", "docker-workflow",
                       "Runs the block logged in to a Docker registry.")
                      .params({
                          P("url", Type::string),
                          P("credentialsId", Type::string),
                          P("toolName", Type::string),
                          P("registry", Type::describable),
                      })
                      .block()
                      .support(Support::unsupported)
                      .effects({Effect::registry}));
    out.push_back(
        step("withDockerServer", "docker-workflow", "Runs the block against another Docker daemon.")
            .params({
                P("server", Type::describable).required(),
                P("toolName", Type::string),
            })
            .single("server")
            .block()
            .support(Support::unsupported));
    out.push_back(step("withDockerContainer", "docker-workflow",
                       "Runs the block's shell steps inside a container.")
                      .params({
                          P("image", Type::string).required(),
                          P("args", Type::string),
                          P("toolName", Type::string),
                      })
                      .single("image")
                      .block()
                      .support(Support::unsupported));
    out.push_back(step("container", "kubernetes",
                       "Runs the block's shell steps in another container of the pod.")
                      .params({
                          P("name", Type::string).required(),
                          P("shell", Type::string),
                      })
                      .single("name")
                      .block()
                      .support(Support::unsupported));
    out.push_back(step("podTemplate", "kubernetes", "Defines a pod template for the block.")
                      .params({
                          P("label", Type::string),
                          P("name", Type::string),
                          P("cloud", Type::string),
                          P("namespace", Type::string),
                          P("yaml", Type::string),
                          P("inheritFrom", Type::string),
                          P("containers", Type::list),
                          P("volumes", Type::list),
                          P("serviceAccount", Type::string),
                          P("nodeSelector", Type::string),
                          P("idleMinutes", Type::integer),
                          P("activeDeadlineSeconds", Type::integer),
                          P("podRetention", Type::describable),
                          P("yamlMergeStrategy", Type::describable).of("yamlMergeStrategy"),
                      })
                      .block()
                      .support(Support::unsupported));
    out.push_back(step("withKubeConfig", "kubernetes-cli",
                       "Runs the block with a kubeconfig built from a credential.")
                      .params({
                          P("credentialsId", Type::string),
                          P("serverUrl", Type::string),
                          P("caCertificate", Type::string),
                          P("clusterName", Type::string),
                          P("contextName", Type::string),
                          P("namespace", Type::string),
                          P("restrictKubeConfigAccess", Type::boolean).def("false"),
                      })
                      .block()
                      .support(Support::unsupported)
                      .effects({Effect::cluster}));
    out.push_back(step("withKubeCredentials", "kubernetes-cli",
                       "Runs the block with a kubeconfig holding several credentials.")
                      .params({
                          P("kubectlCredentials", Type::list).required(),
                          P("restrictKubeConfigAccess", Type::boolean).def("false"),
                      })
                      .single("kubectlCredentials")
                      .block()
                      .support(Support::unsupported)
                      .effects({Effect::cluster}));
}

void add_tooling_steps(Table& out) {
    out.push_back(step("ansiColor", "ansicolor", "Renders ANSI colours of the block's output.")
                      .params({P("colorMapName", Type::string)
                                   .def("'xterm'")
                                   .choices({"xterm", "vga", "css", "gnome-terminal"})})
                      .single("colorMapName")
                      .block()
                      .support(Support::ignored));
    out.push_back(step("timestamps", "timestamper", "Timestamps the block's output lines.")
                      .block()
                      .support(Support::ignored));
    out.push_back(step("withMaven", "pipeline-maven", "Runs the block with Maven configured.")
                      .params({
                          P("maven", Type::string),
                          P("jdk", Type::string),
                          P("mavenSettingsConfig", Type::string),
                          P("mavenSettingsFilePath", Type::string),
                          P("globalMavenSettingsConfig", Type::string),
                          P("globalMavenSettingsFilePath", Type::string),
                          P("mavenOpts", Type::string),
                          P("mavenLocalRepo", Type::string),
                          P("options", Type::list),
                          P("publisherStrategy", Type::string).choices({"IMPLICIT", "EXPLICIT"}),
                          P("traceability", Type::boolean).def("false"),
                          P("tempBinDir", Type::string),
                      })
                      .block()
                      .support(Support::unsupported));
    out.push_back(step("nodejs", "nodejs", "Runs the block with a Node.js installation on PATH.")
                      .params({
                          P("nodeJSInstallationName", Type::string).required(),
                          P("configId", Type::string),
                      })
                      .single("nodeJSInstallationName")
                      .block()
                      .support(Support::unsupported));
    out.push_back(step("withSonarQubeEnv", "sonar", "Runs the block with a SonarQube server set.")
                      .params({
                          P("installationName", Type::string),
                          P("credentialsId", Type::string),
                          P("envOnly", Type::boolean).def("false"),
                      })
                      .single("installationName")
                      .block()
                      .support(Support::unsupported));
    out.push_back(step("waitForQualityGate", "sonar", "Waits for the SonarQube quality gate.")
                      .params({
                          P("abortPipeline", Type::boolean).def("false"),
                          P("credentialsId", Type::string),
                          P("webhookSecretId", Type::string),
                      })
                      .support(Support::unsupported)
                      .effects({Effect::network}));
    out.push_back(step("withAWS", "pipeline-aws", "Runs the block with AWS settings.")
                      .params({
                          P("region", Type::string),
                          P("credentials", Type::string),
                          P("profile", Type::string),
                          P("role", Type::string),
                          P("roleAccount", Type::string),
                          P("roleSessionName", Type::string),
                          P("externalId", Type::string),
                          P("endpointUrl", Type::string),
                          P("duration", Type::integer),
                          P("useNode", Type::boolean).def("false"),
                      })
                      .block()
                      .support(Support::unsupported));
    out.push_back(step("copyArtifacts", "copyartifact", "Copies artifacts of another job's build.")
                      .params({
                          P("projectName", Type::string).required(),
                          P("selector", Type::describable),
                          P("filter", Type::string),
                          P("excludes", Type::string),
                          P("target", Type::string),
                          P("flatten", Type::boolean).def("false"),
                          P("optional", Type::boolean).def("false"),
                          P("fingerprintArtifacts", Type::boolean).def("true"),
                          P("parameters", Type::string),
                          P("resultVariableSuffix", Type::string),
                          P("includeBuildNumberInTargetPath", Type::boolean).def("false"),
                      })
                      .single("projectName")
                      .java_class("CopyArtifact")
                      .support(Support::unsupported));
    out.push_back(step("buildName", "build-name-setter", "Sets the display name of the build.")
                      .params({P("name", Type::string).required()})
                      .single("name")
                      .support(Support::ignored));
    out.push_back(step("buildDescription", "build-name-setter", "Sets the build's description.")
                      .params({P("description", Type::string).required()})
                      .single("description")
                      .support(Support::ignored));
}

void add_workspace_steps(Table& out) {
    out.push_back(step("cleanWs", "ws-cleanup", "Deletes the workspace, or files of it.")
                      .params({
                          P("patterns", Type::list).of("cleanWsPattern"),
                          P("deleteDirs", Type::boolean).def("false"),
                          P("disableDeferredWipeout", Type::boolean).def("false"),
                          P("notFailBuild", Type::boolean).def("false"),
                          P("skipWhenFailed", Type::boolean).def("false"),
                          P("cleanWhenSuccess", Type::boolean).def("true"),
                          P("cleanWhenUnstable", Type::boolean).def("true"),
                          P("cleanWhenFailure", Type::boolean).def("true"),
                          P("cleanWhenNotBuilt", Type::boolean).def("true"),
                          P("cleanWhenAborted", Type::boolean).def("true"),
                          P("externalDelete", Type::string),
                      })
                      .java_class("WsCleanup")
                      .effects({Effect::filesystem}));
}

} // namespace

void add_plugin_steps(Table& out) {
    add_credentials_steps(out);
    add_git_steps(out);
    add_report_steps(out);
    add_notification_steps(out);
    add_container_steps(out);
    add_tooling_steps(out);
    add_workspace_steps(out);
}

} // namespace ferry::stdlib::detail
