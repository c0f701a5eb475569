#pragma once
// The build-cache half of probing: each requested buildImage keyed exactly as its run will key
// it (runtime/build_cache.hpp: the context's files after .dockerignore through the stat cache,
// the base image's digest as the registry has it now, the parameters, the tool), then looked up
// in the build index and the image store. Read-only: the stat cache is read, never written.

#include "compiler/environment.hpp"
#include "compiler/observations.hpp"
#include "runtime/probe.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ferry::runtime {

/// Keys and looks up every build in `requests.builds`. Offline, a build on a registry base is
/// `unknown` (its digest needs the network); a scratch base or a Dockerfile build is still keyed.
[[nodiscard]] std::vector<compiler::BuildObservation>
probe_builds(const compiler::ProbeRequests& requests, const compiler::Environment& environment,
             const ProbeOptions& options,
             const std::function<std::optional<std::string>(const std::string&)>& getenv);

} // namespace ferry::runtime
