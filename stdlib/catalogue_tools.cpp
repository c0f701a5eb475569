// Tool types allowed inside `tools {}`: `maven 'M3'` names a tool installation of the Jenkins
// controller. ferry has no tool installations: it uses the tool found on PATH, so these are
// accepted and ignored (the name of the installation is not checked).

#include "stdlib/catalogue_builder.hpp"

namespace ferry::stdlib::detail {
namespace {

Def tool_type(std::string_view name, std::string_view plugin, std::string_view doc) {
    return tool(name, plugin, doc)
        .params({P("name", Type::string).required().doc("The name of the tool installation.")})
        .single("name")
        .positional({"name"})
        .support(Support::ignored);
}

} // namespace

void add_tools(Table& out) {
    out.push_back(tool_type("maven", "core", "Apache Maven (`mvn` on PATH)."));
    out.push_back(tool_type("jdk", "core", "A Java Development Kit (`JAVA_HOME`, `java`)."));
    out.push_back(tool_type("ant", "ant", "Apache Ant."));
    out.push_back(tool_type("gradle", "gradle", "Gradle."));
    out.push_back(tool_type("nodejs", "nodejs", "Node.js (`node`, `npm`)."));
    out.push_back(tool_type("go", "golang", "The Go toolchain."));
    out.push_back(tool_type("msbuild", "msbuild", "Microsoft Build Engine."));
    out.push_back(tool_type("dockerTool", "docker-commons", "The Docker command-line client."));
    out.push_back(tool_type("git", "git-client", "The git command-line client."));
    out.push_back(tool_type("jgit", "git-client", "The JGit implementation of git."));
    out.push_back(tool_type("jgitapache", "git-client", "JGit with the Apache HTTP client."));
    out.push_back(tool_type("allure", "allure-jenkins-plugin", "The Allure report command line."));
}

} // namespace ferry::stdlib::detail
