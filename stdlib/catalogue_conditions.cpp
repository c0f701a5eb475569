// `when` conditions. ferry evaluates them at plan time from git, the environment and the
// parameters; `expression` uses ferry's small safe evaluator, not Groovy.

#include "stdlib/catalogue_builder.hpp"

namespace ferry::stdlib::detail {
namespace {

constexpr std::string_view model = "pipeline-model-definition";

/// Jenkins upper-cases the comparator before looking it up, so `'regexp'` is fine.
P comparator(std::string_view default_value = "'GLOB'") {
    return P("comparator", Type::string)
        .def(default_value)
        .choices({"GLOB", "REGEXP", "EQUALS"})
        .ignore_case()
        .doc("How `pattern` is matched: an Ant-style glob, a Java regular expression, or "
             "equality.");
}

} // namespace

void add_conditions(Table& out) {
    out.push_back(condition("branch", model, "The branch being built matches a pattern.")
                      .params({P("pattern", Type::string).required(), comparator()})
                      .single("pattern")
                      .java_class("BranchConditional"));
    out.push_back(condition("buildingTag", model, "The build is of a tag.")
                      .java_class("BuildingTagConditional"));
    out.push_back(condition("tag", model, "The build is of a tag whose name matches a pattern.")
                      .params({P("pattern", Type::string).required(), comparator()})
                      .single("pattern")
                      .java_class("TagConditional"));
    out.push_back(
        condition("changelog", model, "A commit message of the build matches a regular expression.")
            .params({P("pattern", Type::string).required().doc("A Java regular expression.")})
            .single("pattern")
            .java_class("ChangeLogConditional"));
    out.push_back(condition("changeset", model, "A file changed by the build matches a pattern.")
                      .params({
                          P("pattern", Type::string).required(),
                          P("caseSensitive", Type::boolean).def("false"),
                          comparator(),
                      })
                      .single("pattern")
                      .java_class("ChangeSetConditional"));
    out.push_back(
        condition("changeRequest", model,
                  "The build is of a change request (pull request), optionally matching fields.")
            .params({
                P("id", Type::string),
                P("target", Type::string),
                P("branch", Type::string),
                P("fork", Type::string),
                P("url", Type::string),
                P("title", Type::string),
                P("author", Type::string),
                P("authorDisplayName", Type::string),
                P("authorEmail", Type::string),
                comparator("'EQUALS'"),
            })
            .java_class("ChangeRequestConditional"));
    out.push_back(condition("environment", model, "An environment variable has a given value.")
                      .params({
                          P("name", Type::string).required(),
                          P("value", Type::string).required(),
                          P("ignoreCase", Type::boolean).def("false"),
                      })
                      .java_class("EnvironmentConditional"));
    out.push_back(condition("equals", model, "Two values are equal.")
                      .params({
                          P("expected", Type::any).required(),
                          P("actual", Type::any).required(),
                      })
                      .java_class("Equals"));
    out.push_back(condition("expression", model, "A Groovy expression is true.")
                      .block()
                      .java_class("ExpressionConditional"));
    out.push_back(condition("triggeredBy", model, "The build was caused by a given cause.")
                      .params({
                          P("cause", Type::string)
                              .required()
                              .doc("A cause class name such as `TimerTrigger`, `SCMTrigger`, "
                                   "`UserIdCause`, `BuildUpstreamCause`."),
                          P("detail", Type::string).doc("For `UserIdCause`: the user id."),
                      })
                      .single("cause")
                      .java_class("IsTriggeredByConditional"));
    out.push_back(condition("isRestartedRun", model, "The build was restarted from a stage.")
                      .java_class("IsRestartedRunConditional"));
    out.push_back(condition("not", model, "Its one child condition is false.")
                      .block()
                      .java_class("NotConditional"));
    out.push_back(condition("allOf", model, "All child conditions are true.")
                      .block()
                      .java_class("AllOfConditional"));
    out.push_back(condition("anyOf", model, "At least one child condition is true.")
                      .block()
                      .java_class("AnyOfConditional"));
}

} // namespace ferry::stdlib::detail
