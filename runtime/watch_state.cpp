// The watch state file: JSON through nlohmann_json, written with files.hpp's atomic replace.
#include "runtime/watch_state.hpp"

#include "runtime/files.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ferry::runtime {

bool WatchState::built(std::string_view commit) const {
    return std::any_of(builds.begin(), builds.end(),
                       [&](const WatchedBuild& b) { return b.commit == commit; });
}

std::optional<std::string> WatchState::last_built() const {
    if (builds.empty()) {
        return std::nullopt;
    }
    return builds.back().commit;
}

void WatchState::record(std::string_view commit, long long build_number, std::string_view result) {
    const auto it = std::find_if(builds.begin(), builds.end(), [&](const WatchedBuild& b) {
        return b.commit == commit && b.build_number == build_number;
    });
    if (it != builds.end()) {
        it->result = std::string(result);
        return;
    }
    builds.push_back({std::string(commit), build_number, std::string(result)});
}

std::filesystem::path watch_state_path(const std::filesystem::path& state_dir,
                                       std::string_view branch, std::string_view environment,
                                       std::string_view pipeline) {
    return state_dir / "watch" /
           (path_segment(fmt::format("{}@{}@{}", branch, environment, pipeline)) + ".json");
}

WatchStateRead parse_watch_state(std::string_view text, const std::filesystem::path& path) {
    WatchStateRead read;
    const auto json = nlohmann::json::parse(text, nullptr, false);
    const auto damaged = [&](std::string_view why) {
        read.error = fmt::format("{}: {} (move the file away to start the watch afresh: every "
                                 "commit would be built again)",
                                 path.string(), why);
        return read;
    };
    if (json.is_discarded() || !json.is_object()) {
        return damaged("not a JSON object: the file is damaged");
    }
    const auto version = json.find("format");
    if (version == json.end() || !version->is_number_integer()) {
        return damaged("no format version");
    }
    if (version->get<int>() != watch_state_format_version) {
        return damaged(fmt::format("format version {}, this ferry reads version {}",
                                   version->get<int>(), watch_state_format_version));
    }
    try {
        WatchState state;
        state.remote = json.value("remote", "");
        state.branch = json.value("branch", "");
        state.pipeline = json.value("pipeline", "");
        state.environment = json.value("environment", "");
        for (const auto& b : json.value("builds", nlohmann::json::array())) {
            state.builds.push_back({b.at("commit").get<std::string>(),
                                    b.at("build").get<long long>(), b.value("result", "")});
        }
        read.state = std::move(state);
    } catch (const nlohmann::json::exception& error) {
        return damaged(fmt::format("unexpected content: {}", error.what()));
    }
    return read;
}

std::string render_watch_state(const WatchState& state) {
    nlohmann::ordered_json json;
    json["format"] = watch_state_format_version;
    json["remote"] = state.remote;
    json["branch"] = state.branch;
    json["pipeline"] = state.pipeline;
    json["environment"] = state.environment;
    json["builds"] = nlohmann::ordered_json::array();
    for (const auto& b : state.builds) {
        json["builds"].push_back(
            {{"commit", b.commit}, {"build", b.build_number}, {"result", b.result}});
    }
    return json.dump(2) + "\n";
}

WatchStateRead read_watch_state(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::error_code error;
        if (!std::filesystem::exists(path, error)) {
            return {WatchState{}, {}};
        }
        return {std::nullopt, fmt::format("{}: cannot read the file", path.string())};
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_watch_state(text.str(), path);
}

std::string write_watch_state(const std::filesystem::path& path, const WatchState& state) {
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) {
        return fmt::format("cannot create {}: {}", path.parent_path().string(), error.message());
    }
    return write_atomically(path, render_watch_state(state));
}

} // namespace ferry::runtime
