// Names allowed inside `options {}`: job properties (pipeline level only), declarative options,
// and block steps used as wrappers around the whole pipeline or one stage.

#include "stdlib/catalogue_builder.hpp"

#include <algorithm>
#include <array>

namespace ferry::stdlib::detail {
namespace {

constexpr std::string_view model = "pipeline-model-definition";

void add_job_properties(Table& out) {
    out.push_back(option("buildDiscarder", "core", "Keeps only some of the older runs.")
                      .params({P("strategy", Type::describable)
                                   .required()
                                   .of("buildDiscarderStrategy")
                                   .doc("Usually `logRotator(...)`.")})
                      .single("strategy")
                      .scope(OptionScope::pipeline)
                      .support(Support::ignored)
                      .java_class("BuildDiscarderProperty"));
    out.push_back(
        option("disableConcurrentBuilds", "workflow-job",
               "Never runs two builds of the job at once.")
            .params({P("abortPrevious", Type::boolean)
                         .def("false")
                         .doc("Abort the running build instead of queueing the new one.")})
            .scope(OptionScope::pipeline)
            .java_class("DisableConcurrentBuildsJobProperty"));
    out.push_back(option("disableResume", "workflow-job",
                         "Does not resume the build after a controller restart.")
                      .scope(OptionScope::pipeline)
                      .support(Support::ignored));
    out.push_back(option("durabilityHint", "workflow-job",
                         "Trades durability of the build's state for speed.")
                      .params({P("hint", Type::string)
                                   .required()
                                   .choices({"MAX_SURVIVABILITY", "PERFORMANCE_OPTIMIZED",
                                             "SURVIVABLE_NONATOMIC"})})
                      .single("hint")
                      .scope(OptionScope::pipeline)
                      .support(Support::ignored));
    out.push_back(option("overrideIndexTriggers", "branch-api",
                         "Enables or disables the triggers of branch indexing for this job.")
                      .params({P("enableTriggers", Type::boolean).required()})
                      .single("enableTriggers")
                      .scope(OptionScope::pipeline)
                      .support(Support::ignored));
    out.push_back(option("rateLimitBuilds", "branch-api", "Limits how often the job may build.")
                      .params({P("throttle", Type::describable)
                                   .required()
                                   .of("throttle")
                                   .doc("`[count: 1, durationName: 'hour', userBoost: false]`.")})
                      .single("throttle")
                      .scope(OptionScope::pipeline)
                      .support(Support::ignored));
    out.push_back(option("copyArtifactPermission", "copyartifact",
                         "Lets the named projects copy this job's artifacts.")
                      .params({P("projectNames", Type::string)
                                   .required()
                                   .doc("Project names, comma separated; wildcards allowed.")})
                      .single("projectNames")
                      .scope(OptionScope::pipeline)
                      .support(Support::ignored));
    out.push_back(
        option("preserveStashes", model, "Keeps the stashes of the most recent builds.")
            .params(
                {P("buildCount", Type::integer)
                     .def("1")
                     .range(1, 50, "The number of builds to preserve must be between 1 and 50.")})
            .single("buildCount")
            .scope(OptionScope::pipeline)
            .support(Support::ignored));
    out.push_back(option("githubProjectProperty", "github", "Links the job to a GitHub project.")
                      .params({
                          P("projectUrlStr", Type::string).required(),
                          P("displayName", Type::string),
                      })
                      .single("projectUrlStr")
                      .scope(OptionScope::pipeline)
                      .support(Support::ignored));
    out.push_back(option("gitLabConnection", "gitlab-plugin", "Names the GitLab connection to use.")
                      .params({
                          P("gitLabConnection", Type::string).required(),
                          P("jobCredentialId", Type::string),
                          P("useAlternativeCredential", Type::boolean).def("false"),
                      })
                      .single("gitLabConnection")
                      .scope(OptionScope::pipeline)
                      .support(Support::ignored));
}

/// Job properties that have their own directive; Jenkins rejects them inside `options`.
void add_rejected_properties(Table& out) {
    out.push_back(option("parameters", "core", "Use the `parameters {}` directive.")
                      .params({P("parameterDefinitions", Type::list).required().of("parameter")})
                      .scope(OptionScope::pipeline)
                      .rejected("The \"parameters\" job property cant be used in the \"options\" "
                                "directive. Use the \"parameters {...}\" directive instead."));
    out.push_back(option("triggers", "core", "Use the `triggers {}` directive.")
                      .params({P("triggers", Type::list).required()})
                      .scope(OptionScope::pipeline)
                      .rejected("The \"triggers\" job property cant be used in the \"options\" "
                                "directive. Use the \"triggers {...}\" directive instead."));
    out.push_back(option("pipelineTriggers", "workflow-job", "Use the `triggers {}` directive.")
                      .params({P("triggers", Type::list).required()})
                      .scope(OptionScope::pipeline)
                      .rejected("The \"pipelineTriggers\" job property cant be used in the "
                                "\"options\" directive. Use the \"triggers {...}\" directive "
                                "instead."));
}

void add_declarative_options(Table& out) {
    out.push_back(option("skipDefaultCheckout", model,
                         "Does not check out the pipeline's repository when the agent starts.")
                      .params({P("skipDefaultCheckout", Type::boolean).def("true")})
                      .single("skipDefaultCheckout")
                      .scope(OptionScope::pipeline_stage)
                      .support(Support::ignored));
    out.push_back(option("checkoutToSubdirectory", model,
                         "Checks out the pipeline's repository into a subdirectory.")
                      .params({P("subdirectory", Type::string).required()})
                      .single("subdirectory")
                      .scope(OptionScope::pipeline_stage)
                      .support(Support::unsupported));
    out.push_back(option("skipStagesAfterUnstable", model,
                         "Skips the remaining stages once the build is UNSTABLE.")
                      .scope(OptionScope::pipeline));
    out.push_back(option("parallelsAlwaysFailFast", model,
                         "Gives every `parallel` of the pipeline `failFast true`.")
                      .scope(OptionScope::pipeline));
    out.push_back(option("quietPeriod", model, "Waits this many seconds before the build starts.")
                      .params({P("quietPeriod", Type::integer).required()})
                      .single("quietPeriod")
                      .scope(OptionScope::pipeline)
                      .support(Support::ignored));
    out.push_back(option("disableRestartFromStage", model,
                         "Hides the 'Restart from stage' action for this job.")
                      .scope(OptionScope::pipeline)
                      .support(Support::ignored));
    out.push_back(option("newContainerPerStage", "docker-workflow",
                         "With a docker or dockerfile agent, runs each stage in a new container.")
                      .scope(OptionScope::pipeline)
                      .support(Support::ignored));
}

/// Block steps that need no workspace and no launcher, which Jenkins accepts as options.
constexpr std::array wrapper_steps = {
    std::string_view{"ansiColor"},
    std::string_view{"catchError"},
    std::string_view{"lock"},
    std::string_view{"retry"},
    std::string_view{"timeout"},
    std::string_view{"timestamps"},
    std::string_view{"waitUntil"},
    std::string_view{"warnError"},
    std::string_view{"withCredentials"},
    std::string_view{"withEnv"},
    std::string_view{"withAWS"},
    std::string_view{"gitlabCommitStatus"},
};

} // namespace

void add_options(Table& out) {
    add_job_properties(out);
    add_rejected_properties(out);
    add_declarative_options(out);
}

void add_wrapper_options(Table& out, const Table& steps) {
    Table wrappers;
    for (const Signature& s : steps) {
        if (s.kind == Kind::step &&
            std::find(wrapper_steps.begin(), wrapper_steps.end(), s.name) != wrapper_steps.end()) {
            Signature wrapper = s;
            wrapper.kind = Kind::option;
            wrapper.option_scope = OptionScope::wrapper;
            // As an option it wraps the pipeline or the stage: no block is written.
            wrapper.takes_block = false;
            wrapper.requires_block = false;
            wrappers.push_back(std::move(wrapper));
        }
    }
    for (Signature& w : wrappers) {
        out.push_back(std::move(w));
    }
}

} // namespace ferry::stdlib::detail
