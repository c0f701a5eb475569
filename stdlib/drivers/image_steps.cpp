#include "stdlib/drivers/register.hpp"

namespace ferry::stdlib::drivers::detail {

void register_image_steps(runtime::DriverTable& /*table*/) {}

} // namespace ferry::stdlib::drivers::detail
