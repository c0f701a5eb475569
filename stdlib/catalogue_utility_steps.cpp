// Steps of pipeline-utility-steps. Most return a value for Groovy code, which ferry does not
// run; those that only change files run.

#include "stdlib/catalogue_builder.hpp"

namespace ferry::stdlib::detail {
namespace {

constexpr std::string_view utility = "pipeline-utility-steps";

/// `readJSON`, `readYaml`, `readProperties`, ... read a file or a text.
Def reader(std::string_view name, std::string_view doc) {
    return step(name, utility, doc)
        .params({P("file", Type::string), P("text", Type::string)})
        .support(Support::unsupported);
}

} // namespace

void add_utility_steps(Table& out) {
    out.push_back(reader("readJSON", "Parses JSON from a file or a text.")
                      .append(param_list({P("returnPojo", Type::boolean).def("false")})));
    out.push_back(reader("readYaml", "Parses YAML from a file or a text."));
    out.push_back(reader("readProperties", "Parses Java properties from a file or a text.")
                      .append(param_list({P("defaults", Type::map),
                                          P("interpolate", Type::boolean).def("false")})));
    out.push_back(reader("readCSV", "Parses CSV from a file or a text.")
                      .append(param_list({P("format", Type::any)})));
    out.push_back(reader("readManifest", "Parses a JAR manifest from a file or a text."));
    out.push_back(step("writeJSON", utility, "Writes a Groovy value as JSON.")
                      .params({
                          P("json", Type::any).required(),
                          P("file", Type::string),
                          P("pretty", Type::integer).def("0"),
                          P("returnText", Type::boolean).def("false"),
                      })
                      .support(Support::unsupported)
                      .effects({Effect::filesystem}));
    out.push_back(step("writeYaml", utility, "Writes a Groovy value as YAML.")
                      .params({
                          P("file", Type::string),
                          P("data", Type::any),
                          P("datas", Type::list),
                          P("charset", Type::string),
                          P("overwrite", Type::boolean).def("false"),
                          P("returnText", Type::boolean).def("false"),
                      })
                      .support(Support::unsupported)
                      .effects({Effect::filesystem}));
    out.push_back(step("writeCSV", utility, "Writes Groovy records as CSV.")
                      .params({
                          P("file", Type::string).required(),
                          P("records", Type::list).required(),
                          P("format", Type::any),
                      })
                      .support(Support::unsupported)
                      .effects({Effect::filesystem}));
    out.push_back(step("zip", utility, "Creates a zip file from files of the workspace.")
                      .params({
                          P("zipFile", Type::string).required(),
                          P("dir", Type::string),
                          P("glob", Type::string),
                          P("exclude", Type::string),
                          P("archive", Type::boolean).def("false"),
                          P("overwrite", Type::boolean).def("false"),
                      })
                      .single("zipFile")
                      .support(Support::unsupported) // until a libarchive-backed driver exists
                      .effects({Effect::filesystem}));
    out.push_back(step("unzip", utility, "Extracts a zip file into the workspace.")
                      .params({
                          P("zipFile", Type::string).required(),
                          P("dir", Type::string),
                          P("glob", Type::string),
                          P("charset", Type::string),
                          P("quiet", Type::boolean).def("false"),
                          P("test", Type::boolean).def("false"),
                          P("read", Type::boolean).def("false"),
                      })
                      .single("zipFile")
                      .support(Support::unsupported) // until a libarchive-backed driver exists
                      .effects({Effect::filesystem}));
    out.push_back(step("touch", utility, "Creates a file or updates its modification time.")
                      .params({
                          P("file", Type::string).required(),
                          P("timestamp", Type::integer),
                      })
                      .single("file")
                      .effects({Effect::filesystem}));
    out.push_back(step("findFiles", utility, "Returns the files matching a glob.")
                      .params({P("glob", Type::string), P("excludes", Type::string)})
                      .support(Support::unsupported));
    out.push_back(step("sha1", utility, "Returns the SHA-1 of a file.")
                      .params({P("file", Type::string).required()})
                      .single("file")
                      .support(Support::unsupported));
    out.push_back(step("sha256", utility, "Returns the SHA-256 of a file.")
                      .params({P("file", Type::string).required()})
                      .single("file")
                      .support(Support::unsupported));
    out.push_back(step("tee", utility, "Runs the block, copying its output to a file.")
                      .params({P("file", Type::string).required()})
                      .single("file")
                      .block()
                      .effects({Effect::filesystem}));
}

} // namespace ferry::stdlib::detail
