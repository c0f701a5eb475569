#include "stdlib/drivers/register.hpp"

namespace ferry::stdlib::drivers::detail {

void register_deploy_steps(runtime::DriverTable& /*table*/) {}

} // namespace ferry::stdlib::drivers::detail
