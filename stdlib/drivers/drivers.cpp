#include "stdlib/drivers/drivers.hpp"

#include "stdlib/drivers/register.hpp"

namespace ferry::stdlib::drivers {

runtime::DriverTable builtin_drivers() {
    runtime::DriverTable table;
    detail::register_basic_steps(table);
    detail::register_image_steps(table);
    detail::register_deploy_steps(table);
    return table;
}

} // namespace ferry::stdlib::drivers
