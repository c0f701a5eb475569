// Agent types: `agent any`, `agent none`, `agent { label 'x' }`, `agent { docker { ... } }`, ...
// ferry runs every stage on the local machine, so the agents that only pick a machine run there;
// agents that need a container engine or a cluster of build pods are unsupported.

#include "stdlib/catalogue_builder.hpp"

namespace ferry::stdlib::detail {
namespace {

constexpr std::string_view model = "pipeline-model-definition";

/// Parameters shared by the docker and dockerfile agents.
std::vector<Param> container_agent_params() {
    return param_list({
        P("label", Type::string).doc("Where to run the container."),
        P("args", Type::string).doc("Extra arguments for `docker run`."),
        P("customWorkspace", Type::string),
        P("reuseNode", Type::boolean)
            .def("false")
            .doc("Run on the node and workspace of the enclosing agent."),
        P("registryUrl", Type::string),
        P("registryCredentialsId", Type::string),
        P("containerPerStageRoot", Type::boolean).def("false"),
    });
}

} // namespace

void add_agents(Table& out) {
    out.push_back(agent("any", model, "Any available agent; ferry: the local machine."));
    out.push_back(agent("none", model, "No agent at the top; each stage names its own."));
    out.push_back(agent("label", model, "An agent whose labels match; ferry: the local machine.")
                      .params({P("label", Type::string).required().doc("A label expression.")})
                      .single("label")
                      .support(Support::ignored));
    out.push_back(
        agent("node", model, "Like `label`, with a custom workspace; ferry: the local machine.")
            .params({
                P("label", Type::string).required(),
                P("customWorkspace", Type::string),
                P("retries", Type::integer).def("1").doc("Attempts when the agent is lost."),
            })
            .single("label")
            .support(Support::ignored));
    out.push_back(agent("docker", "docker-workflow", "Runs the stage in a container.")
                      .params({
                          P("image", Type::string).required(),
                          P("alwaysPull", Type::boolean).def("false"),
                      })
                      .append(container_agent_params())
                      .single("image")
                      .support(Support::unsupported));
    out.push_back(
        agent("dockerfile", "docker-workflow",
              "Builds the Dockerfile of the repository and runs the stage in that image.")
            .params({
                P("filename", Type::string).def("'Dockerfile'").doc("No directory separators."),
                P("dir", Type::string).doc("The build context."),
                P("additionalBuildArgs", Type::string).doc("Extra arguments for `docker build`."),
            })
            .append(container_agent_params())
            .accepts_true()
            .support(Support::unsupported));
    out.push_back(
        agent("kubernetes", "kubernetes", "Runs the stage in a pod of a Kubernetes cloud.")
            .params({
                P("cloud", Type::string),
                P("label", Type::string),
                P("yaml", Type::string).doc("The pod spec."),
                P("yamlFile", Type::string).doc("A file of the repository holding the pod spec."),
                P("yamlMergeStrategy", Type::describable).of("yamlMergeStrategy"),
                P("defaultContainer", Type::string),
                P("inheritFrom", Type::string),
                P("namespace", Type::string),
                P("customWorkspace", Type::string),
                P("serviceAccount", Type::string),
                P("nodeSelector", Type::string),
                P("workingDir", Type::string),
                P("idleMinutes", Type::integer),
                P("instanceCap", Type::integer),
                P("activeDeadlineSeconds", Type::integer),
                P("slaveConnectTimeout", Type::integer),
                P("podRetention", Type::describable),
                P("workspaceVolume", Type::describable),
                P("showRawYaml", Type::boolean).def("true"),
                P("supplementalGroups", Type::string),
                P("retries", Type::integer),
                P("containerTemplate", Type::describable),
                P("containerTemplates", Type::list),
            })
            .support(Support::unsupported));
}

} // namespace ferry::stdlib::detail
