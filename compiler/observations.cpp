// Lookups over probed observations, used by the planner.
#include "compiler/observations.hpp"

#include <algorithm>

namespace ferry::compiler {

std::string build_evidence_tag(std::string_view key) {
    const auto colon = key.find(':');
    const auto hex = colon == std::string_view::npos ? key : key.substr(colon + 1);
    return std::string(build_evidence_tag_prefix) + std::string(hex);
}

const TagObservation* Observations::tag(std::string_view reference) const {
    const auto it = std::find_if(tags.begin(), tags.end(),
                                 [&](const TagObservation& t) { return t.reference == reference; });
    return it == tags.end() ? nullptr : &*it;
}

const NamespaceObservation* Observations::namespace_in(std::string_view context,
                                                       std::string_view name) const {
    const auto it =
        std::find_if(namespaces.begin(), namespaces.end(), [&](const NamespaceObservation& n) {
            return n.context == context && n.name == name;
        });
    return it == namespaces.end() ? nullptr : &*it;
}

const ReleaseObservation* Observations::release(std::string_view context,
                                                std::string_view namespace_,
                                                std::string_view name) const {
    const auto it =
        std::find_if(releases.begin(), releases.end(), [&](const ReleaseObservation& r) {
            return r.context == context && r.namespace_ == namespace_ && r.name == name;
        });
    return it == releases.end() ? nullptr : &*it;
}

const BuildObservation* Observations::build(std::string_view step) const {
    const auto it = std::find_if(builds.begin(), builds.end(),
                                 [&](const BuildObservation& b) { return b.step == step; });
    return it == builds.end() ? nullptr : &*it;
}

const DeployObservation* Observations::deploy(std::string_view step) const {
    const auto it = std::find_if(deploys.begin(), deploys.end(),
                                 [&](const DeployObservation& d) { return d.step == step; });
    return it == deploys.end() ? nullptr : &*it;
}

} // namespace ferry::compiler
