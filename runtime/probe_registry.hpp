#pragma once
// The registry half of probing: which endpoint, TLS and credentials an image reference's
// server gets from ferry.yaml, and the digest each requested tag points at now.

#include "compiler/environment.hpp"
#include "compiler/observations.hpp"
#include "runtime/config.hpp"
#include "runtime/probe.hpp"
#include "runtime/registry_client.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ferry::runtime {

/// The endpoint for `server`: the ferry.yaml registry of that server (the environment's own
/// preferred) with its TLS settings and credentials, else anonymous with the system's CAs.
/// An empty `error` means success; it names the credential that could not be read.
/// The ferry.yaml registry for `server`: the environment's own when it is that server, else the
/// first declared for it; null when ferry.yaml declares none.
[[nodiscard]] const compiler::Registry* registry_for(const compiler::EnvironmentConfig& config,
                                                     const compiler::Environment& env,
                                                     const std::string& server);

struct EndpointLookup {
    RegistryEndpoint endpoint;
    std::string error;
};
[[nodiscard]] EndpointLookup registry_endpoint(const std::string& server,
                                               const compiler::EnvironmentConfig* config,
                                               const compiler::Environment& environment,
                                               const CredentialSources& sources);

/// HEADs every tag (one client per registry server); unknown observations carry the reason.
[[nodiscard]] std::vector<compiler::TagObservation>
probe_tags(const std::vector<std::string>& references, const compiler::Environment& environment,
           const ProbeOptions& options,
           const std::function<std::optional<std::string>(const std::string&)>& getenv);

} // namespace ferry::runtime
