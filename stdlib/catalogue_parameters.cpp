// Parameter types allowed inside `parameters {}` (and `input { parameters {} }`). ferry takes
// values from `ferry run --param NAME=value`; types it cannot fill from text are unsupported.

#include "stdlib/catalogue_builder.hpp"

namespace ferry::stdlib::detail {
namespace {

P name_param() {
    return P("name", Type::string).required().doc("The variable: `params.NAME` and `$NAME`.");
}
P description_param() {
    return P("description", Type::string);
}

} // namespace

void add_parameters(Table& out) {
    out.push_back(parameter("string", "core", "A one-line string.")
                      .params({
                          name_param(),
                          P("defaultValue", Type::string).def("''"),
                          description_param(),
                          P("trim", Type::boolean)
                              .def("false")
                              .doc("Strip surrounding "
                                   "whitespace."),
                      })
                      .java_class("StringParameterDefinition"));
    out.push_back(parameter("text", "core", "A multi-line string.")
                      .params({
                          name_param(),
                          P("defaultValue", Type::string).def("''"),
                          description_param(),
                          P("trim", Type::boolean).def("false"),
                      })
                      .java_class("TextParameterDefinition"));
    out.push_back(parameter("booleanParam", "core", "A true/false flag.")
                      .params({
                          name_param(),
                          P("defaultValue", Type::boolean).def("false"),
                          description_param(),
                      })
                      .java_class("BooleanParameterDefinition"));
    out.push_back(parameter("choice", "core", "One value of a list; the first is the default.")
                      .params({
                          name_param(),
                          P("choices", Type::list).doc("A list, or a newline-separated string."),
                          description_param(),
                      })
                      .java_class("ChoiceParameterDefinition"));
    out.push_back(parameter("password", "core", "A secret string, masked in the log.")
                      .params({
                          name_param(),
                          P("defaultValue", Type::string).def("''"),
                          description_param(),
                      })
                      .java_class("PasswordParameterDefinition"));
    out.push_back(parameter("file", "core", "A file uploaded with the build request.")
                      .params({
                          name_param(),
                          description_param(),
                      })
                      .support(Support::unsupported)
                      .java_class("FileParameterDefinition"));
    out.push_back(parameter("base64File", "file-parameters", "A file passed as base64 text.")
                      .params({
                          name_param(),
                          description_param(),
                      })
                      .support(Support::unsupported));
    out.push_back(parameter("stashedFile", "file-parameters", "A file stashed for the build.")
                      .params({
                          name_param(),
                          description_param(),
                      })
                      .support(Support::unsupported));
    out.push_back(parameter("run", "core", "A build of another job.")
                      .params({
                          name_param(),
                          P("projectName", Type::string).required(),
                          description_param(),
                          P("filter", Type::string)
                              .def("'ALL'")
                              .choices({"ALL", "STABLE", "SUCCESSFUL", "COMPLETED"}),
                      })
                      .support(Support::unsupported)
                      .java_class("RunParameterDefinition"));
    out.push_back(parameter("credentials", "credentials", "The id of a stored credential.")
                      .params({
                          name_param(),
                          P("credentialType", Type::string)
                              .doc("A credential class, e.g. "
                                   "`com.cloudbees.plugins.credentials.impl."
                                   "UsernamePasswordCredentialsImpl`."),
                          P("defaultValue", Type::string),
                          description_param(),
                          P("required", Type::boolean).def("false"),
                      })
                      .support(Support::unsupported)
                      .java_class("CredentialsParameterDefinition"));
    out.push_back(parameter("gitParameter", "git-parameter",
                            "A branch, tag or revision listed from the repository.")
                      .params({
                          name_param(),
                          P("type", Type::string)
                              .def("'PT_BRANCH'")
                              .choices({"PT_TAG", "PT_BRANCH", "PT_BRANCH_TAG", "PT_REVISION",
                                        "PT_PULL_REQUEST"}),
                          P("defaultValue", Type::string),
                          description_param(),
                          P("branch", Type::string),
                          P("branchFilter", Type::string),
                          P("tagFilter", Type::string),
                          P("sortMode", Type::string),
                          P("selectedValue", Type::string),
                          P("useRepository", Type::string),
                          P("quickFilterEnabled", Type::boolean).def("false"),
                          P("listSize", Type::string),
                          P("requiredParameter", Type::boolean).def("false"),
                      })
                      .support(Support::unsupported));
}

} // namespace ferry::stdlib::detail
