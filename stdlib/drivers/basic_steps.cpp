#include "stdlib/drivers/basic_support.hpp"
#include "stdlib/drivers/register.hpp"

namespace ferry::stdlib::drivers::detail {

void register_basic_steps(runtime::DriverTable& table) {
    register_shell_steps(table);
    register_flow_steps(table);
    register_file_steps(table);
    register_artifact_steps(table);
    register_junit_step(table);
    register_checkout_steps(table);
}

} // namespace ferry::stdlib::drivers::detail
