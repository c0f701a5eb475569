#pragma once
// Each family of drivers registers itself here; drivers.cpp calls them all.

#include "runtime/driver.hpp"

namespace ferry::stdlib::drivers::detail {

void register_basic_steps(runtime::DriverTable& table);  ///< sh, echo, files, junit, checkout, …
void register_image_steps(runtime::DriverTable& table);  ///< buildImage, pushImage
void register_deploy_steps(runtime::DriverTable& table); ///< helmUpgrade, kubectlApply

} // namespace ferry::stdlib::drivers::detail
