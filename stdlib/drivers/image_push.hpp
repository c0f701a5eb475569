#pragma once
// pushImage: an image built earlier in the run, pushed from the local image store to the
// environment's registry under its tags, each tag move journaled first.

#include "runtime/driver.hpp"

namespace ferry::stdlib::drivers {

/// The pushImage driver.
[[nodiscard]] runtime::StepOutcome push_image(runtime::StepContext& context);

} // namespace ferry::stdlib::drivers
