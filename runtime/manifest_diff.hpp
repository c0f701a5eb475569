#pragma once
// The per-object diff of a release: two manifest streams (helm's stored manifest of the current
// revision, and what the chart renders now) compared object by object. Objects are matched by
// API group, kind, namespace and name (a version bump of apiVersion is a change, not a removal
// and an addition); changes are reported as field paths, never values.

#include "compiler/observations.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

struct ManifestDiff {
    std::vector<compiler::ObjectChange> changes; ///< in the rendered stream's order, removals last
    int unchanged = 0;
    std::string error; ///< a stream that is not YAML, naming it and the line
    [[nodiscard]] bool ok() const { return error.empty(); }
};

/// Compares `live` with `rendered`; objects without a namespace are in `ns`.
[[nodiscard]] ManifestDiff diff_manifests(std::string_view live, std::string_view rendered,
                                          std::string_view ns);

} // namespace ferry::runtime
