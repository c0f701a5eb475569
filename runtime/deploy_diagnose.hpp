#pragma once
// Why a deploy did not become ready, in the cluster's words: the release's pods' phases,
// scheduling conditions, container waiting reasons (ImagePullBackOff with its message,
// CrashLoopBackOff), last terminations, and their warning events. Pure functions of the JSON
// that `kubectl get pods -o json` and `kubectl get events -o json` print.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ferry::runtime {

/// One line per problem found, most telling first; empty when every pod looks healthy.
[[nodiscard]] std::vector<std::string> pod_problems(const nlohmann::json& pods,
                                                    const nlohmann::json& events);

/// The problems as an indented block for a failure message, at most `limit` lines.
[[nodiscard]] std::string summarise_problems(const std::vector<std::string>& problems,
                                             std::size_t limit = 12);

} // namespace ferry::runtime
