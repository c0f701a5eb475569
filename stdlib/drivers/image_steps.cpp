#include "stdlib/drivers/image_build.hpp"
#include "stdlib/drivers/image_push.hpp"
#include "stdlib/drivers/register.hpp"

namespace ferry::stdlib::drivers::detail {

void register_image_steps(runtime::DriverTable& table) {
    table["buildImage"] = &build_image;
    table["pushImage"] = &push_image;
}

} // namespace ferry::stdlib::drivers::detail
