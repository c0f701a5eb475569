#pragma once
// buildImage: native builds (a context on a base image) and Dockerfile builds through buildah,
// behind the build cache.

#include "runtime/driver.hpp"

namespace ferry::stdlib::drivers {

/// The buildImage driver.
[[nodiscard]] runtime::StepOutcome build_image(runtime::StepContext& context);

} // namespace ferry::stdlib::drivers
