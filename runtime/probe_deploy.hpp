#pragma once
// The deploy half of probing: each requested helmUpgrade prepared exactly as its run will
// prepare it (runtime/helm_request.hpp), so the plan knows the deploy key the run will compute;
// then, online, the chart rendered with the step's values (`helm template`) and compared object
// by object with the release's current manifest (`helm get manifest`). Read-only: `helm
// template` renders on the client and nothing is installed.

#include "compiler/environment.hpp"
#include "compiler/observations.hpp"
#include "runtime/probe.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ferry::runtime {

/// Prepares and diffs every deploy in `requests.deploys`. The images they name take their
/// digests from `builds` (a hit's recorded digest); an image whose build misses is rendered with
/// a placeholder digest and leaves the key unknown. `releases` say which releases exist.
[[nodiscard]] std::vector<compiler::DeployObservation>
probe_deploys(const compiler::ProbeRequests& requests, const compiler::Environment& environment,
              const ProbeOptions& options,
              const std::function<std::optional<std::string>(const std::string&)>& getenv,
              const std::vector<compiler::BuildObservation>& builds,
              const std::vector<compiler::ReleaseObservation>& releases);

} // namespace ferry::runtime
