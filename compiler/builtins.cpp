#include "compiler/builtins.hpp"

#include <fmt/format.h>

namespace ferry::compiler {

std::vector<Variable> build_variables(std::string_view job, std::string_view number) {
    return {{"BUILD_NUMBER", std::string(number)},
            {"BUILD_ID", std::string(number)},
            {"BUILD_TAG", fmt::format("ferry-{}-{}", job, number)},
            {"JOB_NAME", std::string(job)},
            {"JOB_BASE_NAME", std::string(job)},
            {"NODE_NAME", "built-in"},
            {"EXECUTOR_NUMBER", "0"}};
}

std::vector<Variable> git_variables(const GitObservation& git) {
    std::vector<Variable> out;
    const auto add = [&out](const char* name, const std::string& value) {
        if (!value.empty()) {
            out.emplace_back(name, value);
        }
    };
    add("GIT_COMMIT", git.commit);
    add("GIT_BRANCH", git.branch);
    add("BRANCH_NAME", git.branch);
    add("GIT_URL", git.remote_url);
    add("GIT_AUTHOR_NAME", git.author_name);
    add("GIT_AUTHOR_EMAIL", git.author_email);
    add("GIT_COMMITTER_NAME", git.committer_name);
    add("GIT_COMMITTER_EMAIL", git.committer_email);
    if (!git.tags.empty()) {
        add("TAG_NAME", git.tags.front());
    }
    if (git.previous_successful_commit) {
        add("GIT_PREVIOUS_SUCCESSFUL_COMMIT", *git.previous_successful_commit);
    }
    return out;
}

const std::vector<std::string>& ci_override_variables() {
    static const std::vector<std::string> names = {"BRANCH_NAME", "TAG_NAME", "CHANGE_ID",
                                                   "CHANGE_TARGET"};
    return names;
}

} // namespace ferry::compiler
