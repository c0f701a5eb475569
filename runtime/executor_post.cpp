// post {}: conditions in the plan's (Jenkins') order, each decided on the result at that moment,
// so a failing post step makes later conditions see FAILURE, as in Jenkins.
#include "runtime/executor_detail.hpp"

namespace ferry::runtime::detail {

bool Executor::post_condition_holds(const std::string& condition, BuildResult current) const {
    using R = BuildResult;
    if (condition == "always" || condition == "cleanup") {
        return true;
    }
    if (condition == "changed") {
        // Jenkins: a first run has changed from nothing.
        return !previous_result || *previous_result != current;
    }
    if (condition == "fixed") {
        return current == R::success && previous_result &&
               (*previous_result == R::failure || *previous_result == R::unstable);
    }
    if (condition == "regression") {
        return previous_result && *previous_result == R::success &&
               (current == R::failure || current == R::unstable || current == R::aborted);
    }
    if (condition == "aborted") {
        return current == R::aborted;
    }
    if (condition == "failure") {
        return current == R::failure;
    }
    if (condition == "success") {
        return current == R::success;
    }
    if (condition == "unstable") {
        return current == R::unstable;
    }
    if (condition == "unsuccessful") {
        return current != R::success;
    }
    if (condition == "notBuilt") {
        return current == R::not_built;
    }
    return false;
}

Flow Executor::run_post(const Json& post, const Frame& frame) {
    Flow first;
    if (!post.is_array()) {
        return first;
    }
    for (const auto& block : post) {
        const std::string condition = block.value("condition", "");
        const BuildResult current = worse(build_result(), frame.stage->result);
        if (!post_condition_holds(condition, current)) {
            continue;
        }
        Flow f = run_steps(top_level(block.value("steps", Json::array())), frame);
        if (!f.ok()) {
            settle(f, *frame.stage);
            if (first.ok()) {
                first = std::move(f);
            }
        }
    }
    return first;
}

} // namespace ferry::runtime::detail
