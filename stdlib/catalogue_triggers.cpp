// Names allowed inside `triggers {}`. ferry has no scheduler and no webhook listener: it runs when
// it is invoked, so every trigger is accepted and ignored (schedule ferry from cron or CI instead).

#include "stdlib/catalogue_builder.hpp"

namespace ferry::stdlib::detail {

void add_triggers(Table& out) {
    out.push_back(trigger("cron", "core", "Builds on a schedule (crontab syntax with `H`).")
                      .params({P("spec", Type::string).required().doc("e.g. `H */4 * * 1-5`.")})
                      .single("spec")
                      .positional({"spec"})
                      .support(Support::ignored)
                      .java_class("TimerTrigger"));
    out.push_back(
        trigger("pollSCM", "core", "Polls the repository on a schedule; builds on change.")
            .params({
                P("scmpoll_spec", Type::string).required(),
                P("ignorePostCommitHooks", Type::boolean).def("false"),
            })
            .single("scmpoll_spec")
            .positional({"scmpoll_spec"})
            .support(Support::ignored)
            .java_class("SCMTrigger"));
    out.push_back(
        trigger("upstream", "core", "Builds when one of the named jobs completes.")
            .params({
                P("upstreamProjects", Type::string).required().doc("Job names, comma separated."),
                P("threshold", Type::any)
                    .def("hudson.model.Result.SUCCESS")
                    .doc("The worst result of the upstream build that still triggers, e.g. "
                         "`hudson.model.Result.UNSTABLE`."),
            })
            .single("upstreamProjects")
            .support(Support::ignored)
            .java_class("ReverseBuildTrigger"));
    out.push_back(trigger("githubPush", "github", "Builds on a GitHub push webhook.")
                      .support(Support::ignored)
                      .java_class("GitHubPushTrigger"));
    out.push_back(trigger("issueCommentTrigger", "github-pr-comment-build",
                          "Builds a pull request when a comment matches a pattern.")
                      .params({P("commentPattern", Type::string).required()})
                      .single("commentPattern")
                      .support(Support::ignored));
    out.push_back(
        trigger("GenericTrigger", "generic-webhook-trigger", "Builds on a generic HTTP webhook.")
            .params({
                P("genericVariables", Type::list),
                P("genericRequestVariables", Type::list),
                P("genericHeaderVariables", Type::list),
                P("token", Type::string),
                P("tokenCredentialId", Type::string),
                P("causeString", Type::string),
                P("printContributedVariables", Type::boolean).def("false"),
                P("printPostContent", Type::boolean).def("false"),
                P("silentResponse", Type::boolean).def("false"),
                P("shouldNotFlatten", Type::boolean).def("false"),
                P("allowSeveralTriggersPerBuild", Type::boolean).def("false"),
                P("regexpFilterText", Type::string),
                P("regexpFilterExpression", Type::string),
            })
            .support(Support::ignored));
    out.push_back(trigger("parameterizedCron", "parameterized-scheduler",
                          "Builds on schedules, each with its own parameter values.")
                      .params({P("parameterizedSpecification", Type::string)
                                   .required()
                                   .doc("Lines of `cron spec % NAME=value;NAME2=value`.")})
                      .single("parameterizedSpecification")
                      .support(Support::ignored));
    out.push_back(
        trigger("gitlab", "gitlab-plugin", "Builds on GitLab push and merge request webhooks.")
            .params({
                P("triggerOnPush", Type::boolean).def("true"),
                P("triggerOnMergeRequest", Type::boolean).def("true"),
                P("triggerOnAcceptedMergeRequest", Type::boolean).def("false"),
                P("triggerOnClosedMergeRequest", Type::boolean).def("false"),
                P("triggerOnNoteRequest", Type::boolean).def("true"),
                P("triggerOnPipelineEvent", Type::boolean).def("false"),
                P("noteRegex", Type::string),
                P("branchFilterType", Type::string)
                    .def("'All'")
                    .choices({"All", "NameBasedFilter", "RegexBasedFilter"}),
                P("includeBranchesSpec", Type::string),
                P("excludeBranchesSpec", Type::string),
                P("sourceBranchRegex", Type::string),
                P("targetBranchRegex", Type::string),
                P("secretToken", Type::string),
                P("ciSkip", Type::boolean).def("true"),
                P("setBuildDescription", Type::boolean).def("true"),
                P("cancelPendingBuildsOnUpdate", Type::boolean).def("false"),
            })
            .support(Support::ignored));
    out.push_back(trigger("bitbucketPush", "bitbucket", "Builds on a Bitbucket push webhook.")
                      .support(Support::ignored));
}

} // namespace ferry::stdlib::detail
