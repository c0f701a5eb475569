#pragma once
// A registry's answers the registry client tests share: one small OCI manifest, served with
// its digest.

#include "runtime/registry_client.hpp"
#include "unit/runtime/registry_loopback.hpp"

#include <string>

namespace ferry::testing {

inline const std::string manifest_body =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"})";
inline const std::string oci_type = "application/vnd.oci.image.manifest.v1+json";

inline HttpReply manifest_reply() {
    return {200,
            {{"Content-Type", oci_type},
             {"Docker-Content-Digest", ferry::runtime::content_digest(manifest_body)}},
            manifest_body};
}

} // namespace ferry::testing
