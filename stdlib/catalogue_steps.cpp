// Steps of Jenkins core and of the Pipeline plugin suite (workflow-basic-steps,
// workflow-durable-task-step, workflow-scm-step, pipeline-input-step, pipeline-milestone-step,
// pipeline-build-step, pipeline-stage-step, workflow-cps, lockable-resources).

#include "stdlib/catalogue_builder.hpp"

namespace ferry::stdlib::detail {
namespace {

constexpr std::string_view basic = "workflow-basic-steps";
constexpr std::string_view durable = "workflow-durable-task-step";

/// The results a build or stage may be given, as Jenkins spells them.
const std::initializer_list<std::string_view> results = {"SUCCESS", "UNSTABLE", "FAILURE",
                                                         "NOT_BUILT", "ABORTED"};
const std::initializer_list<std::string_view> time_units = {
    "NANOSECONDS", "MICROSECONDS", "MILLISECONDS", "SECONDS", "MINUTES", "HOURS", "DAYS"};

/// `sh`, `bat`, `powershell` and `pwsh` share their parameters.
Def script_step(std::string_view name, std::string_view doc, Support support) {
    return step(name, durable, doc)
        .params({
            P("script", Type::string).required().doc("The script to run."),
            P("returnStdout", Type::boolean)
                .def("false")
                .doc("Return the standard output instead of printing it."),
            P("returnStatus", Type::boolean)
                .def("false")
                .doc("Return the exit status instead of failing on a non-zero one."),
            P("encoding", Type::string).doc("The encoding of the output."),
            P("label", Type::string).doc("A label shown in the log instead of the script."),
        })
        .single("script")
        .support(support)
        .effects({Effect::process, Effect::filesystem, Effect::network});
}

void add_durable_steps(Table& out) {
    out.push_back(script_step("sh", "Runs a shell script with `sh -xe`.", Support::runs));
    out.push_back(script_step("bat", "Runs a Windows batch script.", Support::unsupported));
    out.push_back(
        script_step("powershell", "Runs a Windows PowerShell script.", Support::unsupported));
    out.push_back(script_step("pwsh", "Runs a PowerShell Core script (needs `pwsh` on PATH).",
                              Support::runs));
    out.push_back(step("node", durable, "Allocates an executor on an agent and runs the block.")
                      .params({P("label", Type::string).doc("A label expression.")})
                      .single("label")
                      .block()
                      .support(Support::unsupported));
    out.push_back(step("ws", durable, "Allocates a workspace directory and runs the block in it.")
                      .params({P("dir", Type::string).required().doc("The workspace path.")})
                      .single("dir")
                      .block()
                      .effects({Effect::filesystem}));
}

void add_flow_steps(Table& out) {
    out.push_back(step("echo", basic, "Prints a message to the log.")
                      .params({P("message", Type::string).required()})
                      .single("message"));
    out.push_back(step("error", basic, "Fails the build with a message, without a stack trace.")
                      .params({P("message", Type::string).required()})
                      .single("message"));
    out.push_back(step("unstable", basic, "Marks the build and the stage UNSTABLE and goes on.")
                      .params({P("message", Type::string).required()})
                      .single("message"));
    out.push_back(
        step("retry", basic, "Runs the block again, up to `count` times in all, until it succeeds.")
            .params({
                P("count", Type::integer).required().doc("How many attempts in all."),
                P("conditions", Type::list)
                    .of("retryCondition")
                    .doc("When to retry (agent(), kubernetesAgent(), nonresumable()); any error "
                         "when absent."),
            })
            .single("count")
            .block());
    out.push_back(
        step("timeout", basic, "Aborts the block when it runs longer than the given time.")
            .params({
                P("time", Type::integer).required().doc("The time limit."),
                P("unit", Type::string).def("'MINUTES'").choices(time_units),
                P("activity", Type::boolean)
                    .def("false")
                    .doc("Count the time since the last log output instead of since the start."),
            })
            .single("time")
            .block());
    out.push_back(step("sleep", basic, "Pauses for a while.")
                      .params({
                          P("time", Type::integer).required(),
                          P("unit", Type::string).def("'SECONDS'").choices(time_units),
                      })
                      .single("time"));
    out.push_back(
        step("waitUntil", basic, "Runs the block again and again until it returns true.")
            .params({
                P("initialRecurrencePeriod", Type::integer)
                    .def("250")
                    .doc("The first delay between attempts, in milliseconds; it then grows."),
                P("quiet", Type::boolean).def("false").doc("Do not log each new attempt."),
            })
            .block());
    out.push_back(
        step("catchError", basic,
             "Runs the block; on an error, sets the build and stage results and goes on.")
            .params({
                P("buildResult", Type::string).def("'FAILURE'").choices(results),
                P("stageResult", Type::string).def("'SUCCESS'").choices(results),
                P("message", Type::string).doc("A message logged when an error is caught."),
                P("catchInterruptions", Type::boolean)
                    .def("true")
                    .doc("Also catch timeouts and aborts."),
            })
            .block());
    out.push_back(
        step("warnError", basic,
             "Runs the block; on an error, marks the build and stage UNSTABLE and goes on.")
            .params({
                P("message", Type::string).required(),
                P("catchInterruptions", Type::boolean).def("true"),
            })
            .single("message")
            .block());
    out.push_back(
        step("withEnv", basic, "Runs the block with extra environment variables.")
            .params({P("overrides", Type::list).required().doc("A list of `NAME=value` strings.")})
            .single("overrides")
            .block());
    out.push_back(step("getContext", basic, "Returns a context object (advanced, Groovy only).")
                      .params({P("type", Type::any).required()})
                      .single("type")
                      .support(Support::unsupported));
    out.push_back(step("withContext", basic, "Runs the block with a context object overridden.")
                      .params({P("context", Type::any).required()})
                      .single("context")
                      .block()
                      .support(Support::unsupported));
}

void add_file_steps(Table& out) {
    out.push_back(step("writeFile", basic, "Writes a text file in the workspace.")
                      .params({
                          P("file", Type::string)
                              .required()
                              .doc("A path relative to the "
                                   "current directory."),
                          P("text", Type::string).required(),
                          P("encoding", Type::string)
                              .doc("A charset, or `Base64` to write "
                                   "decoded bytes."),
                      })
                      .effects({Effect::filesystem}));
    out.push_back(step("readFile", basic, "Reads a file of the workspace and returns its text.")
                      .params({
                          P("file", Type::string).required(),
                          P("encoding", Type::string).doc("A charset, or `Base64`."),
                      })
                      .single("file"));
    out.push_back(step("fileExists", basic, "Returns whether a file or directory exists.")
                      .params({P("file", Type::string).required()})
                      .single("file"));
    out.push_back(step("dir", basic, "Runs the block in another directory.")
                      .params({P("path", Type::string).required()})
                      .single("path")
                      .block());
    out.push_back(step("deleteDir", basic, "Deletes the current directory, recursively.")
                      .effects({Effect::filesystem}));
    out.push_back(
        step("pwd", basic, "Returns the current directory.")
            .params({P("tmp", Type::boolean)
                         .def("false")
                         .doc("Return a temporary directory tied to the workspace instead.")}));
    out.push_back(step("isUnix", basic, "Returns whether the agent is Unix-like."));
    out.push_back(
        step("stash", basic, "Saves files of the workspace for an `unstash` later in the run.")
            .params({
                P("name", Type::string).required(),
                P("includes", Type::string)
                    .doc("Ant-style patterns, comma separated; all files "
                         "when absent."),
                P("excludes", Type::string),
                P("useDefaultExcludes", Type::boolean).def("true"),
                P("allowEmpty", Type::boolean).def("false"),
            })
            .single("name")
            .effects({Effect::filesystem}));
    out.push_back(step("unstash", basic, "Restores the files of a named stash.")
                      .params({P("name", Type::string).required()})
                      .single("name")
                      .effects({Effect::filesystem}));
    out.push_back(
        step("archiveArtifacts", "core", "Keeps files of the workspace with the run's record.")
            .params({
                P("artifacts", Type::string)
                    .required()
                    .doc("Ant-style patterns, comma "
                         "separated."),
                P("excludes", Type::string),
                P("allowEmptyArchive", Type::boolean).def("false"),
                P("onlyIfSuccessful", Type::boolean).def("false"),
                P("fingerprint", Type::boolean).def("false"),
                P("defaultExcludes", Type::boolean).def("true"),
                P("caseSensitive", Type::boolean).def("true"),
                P("followSymlinks", Type::boolean).def("true"),
            })
            .single("artifacts")
            .java_class("ArtifactArchiver")
            .effects({Effect::filesystem}));
    out.push_back(step("archive", basic, "Deprecated form of `archiveArtifacts`.")
                      .params({
                          P("includes", Type::string).required(),
                          P("excludes", Type::string),
                      })
                      .single("includes")
                      .effects({Effect::filesystem}));
    out.push_back(step("fingerprint", "core", "Records fingerprints of files.")
                      .params({
                          P("targets", Type::string).required(),
                          P("excludes", Type::string),
                          P("defaultExcludes", Type::boolean).def("true"),
                          P("caseSensitive", Type::boolean).def("true"),
                      })
                      .single("targets")
                      .java_class("Fingerprinter")
                      .support(Support::ignored));
}

void add_scm_steps(Table& out) {
    out.push_back(
        step("checkout", "workflow-scm-step", "Checks out a revision from a source repository.")
            .params({
                P("scm", Type::describable)
                    .required()
                    .of("scm")
                    .doc("`scm` (the pipeline's own repository), `scmGit(...)`, or "
                         "`[$class: 'GitSCM', ...]`."),
                P("changelog", Type::boolean).def("true"),
                P("poll", Type::boolean).def("true"),
            })
            .single("scm")
            .effects({Effect::git, Effect::filesystem, Effect::network}));
}

void add_interaction_steps(Table& out) {
    out.push_back(
        step("input", "pipeline-input-step", "Waits for a person to approve, with parameters.")
            .params({
                P("message", Type::string).required(),
                P("id", Type::string),
                P("ok", Type::string).doc("The caption of the approve button."),
                P("submitter", Type::string)
                    .doc("Users or groups allowed to answer, comma "
                         "separated."),
                P("submitterParameter", Type::string)
                    .doc("A variable that receives the name of whoever answered."),
                P("parameters", Type::list).of("parameter"),
            })
            .single("message"));
    out.push_back(
        step("milestone", "pipeline-milestone-step",
             "Aborts older builds that have not reached this point when a newer build passes it.")
            .params({
                P("ordinal", Type::integer),
                P("label", Type::string),
                P("unsafe", Type::boolean).def("false"),
            })
            .single("ordinal")
            .support(Support::ignored));
    out.push_back(
        step("lock", "lockable-resources", "Runs the block while holding a named resource.")
            .params({
                P("resource", Type::string),
                P("label", Type::string).doc("Lock resources by label instead of by name."),
                P("quantity", Type::integer).def("0").doc("How many resources of the label."),
                P("variable", Type::string).doc("A variable that receives the locked names."),
                P("inversePrecedence", Type::boolean).def("false"),
                P("skipIfLocked", Type::boolean).def("false"),
                P("resourceSelectStrategy", Type::string)
                    .def("'sequential'")
                    .choices({"sequential", "random"}),
                P("extra", Type::list).doc("More resources, as maps."),
            })
            .single("resource")
            .block());
    out.push_back(step("build", "pipeline-build-step", "Triggers another Jenkins job.")
                      .params({
                          P("job", Type::string).required(),
                          P("parameters", Type::list).of("buildParameterValue"),
                          P("propagate", Type::boolean).def("true"),
                          P("wait", Type::boolean).def("true"),
                          P("waitForStart", Type::boolean).def("false"),
                          P("quietPeriod", Type::integer),
                      })
                      .single("job")
                      .support(Support::unsupported)
                      .effects({Effect::network}));
}

void add_structure_steps(Table& out) {
    out.push_back(
        step("parallel", "workflow-cps", "Runs named closures at the same time.")
            .params({P("failFast", Type::boolean).def("false")})
            .rejected("Invalid step \"parallel\" used - not allowed in this context - The parallel "
                      "step can only be used as the only top-level step in a stages step block"));
    out.push_back(
        step("stage", "pipeline-stage-step", "Scripted stage.")
            .params({P("name", Type::string).required()})
            .single("name")
            .block()
            .rejected("Invalid step \"stage\" used - not allowed in this context - The stage step "
                      "cannot be used in Declarative Pipelines"));
    out.push_back(step("properties", "workflow-multibranch", "Sets the job's properties.")
                      .params({P("properties", Type::list).required()})
                      .single("properties")
                      .rejected("Invalid step \"properties\" used - not allowed in this context - "
                                "The properties step cannot be used in Declarative Pipelines"));
    out.push_back(step("script", "pipeline-model-definition",
                       "Runs a block of scripted Groovy; ferry never executes Groovy.")
                      .block()
                      .support(Support::unsupported));
    out.push_back(step("step", "workflow-basic-steps",
                       "Meta-step: runs a build step given as `[$class: 'Name', ...]`.")
                      .params({P("delegate", Type::describable).required()})
                      .single("delegate")
                      .support(Support::unsupported));
    out.push_back(step("wrap", "workflow-basic-steps",
                       "Meta-step: runs the block inside a build wrapper `[$class: 'Name', ...]`.")
                      .params({P("delegate", Type::describable).required()})
                      .single("delegate")
                      .block()
                      .support(Support::unsupported));
    out.push_back(step("tool", "workflow-basic-steps",
                       "Returns the home directory of a configured tool installation.")
                      .params({
                          P("name", Type::string).required(),
                          P("type", Type::string),
                      })
                      .single("name")
                      .support(Support::unsupported));
    out.push_back(step("load", "workflow-cps", "Evaluates a Groovy file of the workspace.")
                      .params({P("path", Type::string).required()})
                      .single("path")
                      .support(Support::unsupported));
    out.push_back(step("library", "pipeline-groovy-lib", "Loads a shared library dynamically.")
                      .params({
                          P("identifier", Type::string).required().doc("`name@version`."),
                          P("changelog", Type::boolean).def("true"),
                          P("retriever", Type::describable),
                      })
                      .single("identifier")
                      .support(Support::unsupported));
    out.push_back(step("libraryResource", "pipeline-groovy-lib",
                       "Returns the text of a resource of a shared library.")
                      .params({
                          P("resource", Type::string).required(),
                          P("encoding", Type::string),
                      })
                      .single("resource")
                      .support(Support::unsupported));
    out.push_back(step("validateDeclarativePipeline", "pipeline-model-definition",
                       "Validates a Jenkinsfile of the workspace.")
                      .params({P("path", Type::string).required()})
                      .single("path")
                      .support(Support::unsupported));
}

} // namespace

void add_core_steps(Table& out) {
    add_durable_steps(out);
    add_flow_steps(out);
    add_file_steps(out);
    add_scm_steps(out);
    add_interaction_steps(out);
    add_structure_steps(out);
}

} // namespace ferry::stdlib::detail
