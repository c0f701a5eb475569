#include "stdlib/drivers/deploy_common.hpp"
#include "stdlib/drivers/register.hpp"

namespace ferry::stdlib::drivers::detail {
namespace {

template <runtime::StepOutcome (*Driver)(runtime::StepContext&, runtime::DeployShell&)>
runtime::StepOutcome with_process_shell(runtime::StepContext& context) {
    runtime::ProcessDeployShell shell(context.env, context.cwd, context.cancel);
    return Driver(context, shell);
}

} // namespace

void register_deploy_steps(runtime::DriverTable& table) {
    table["helmUpgrade"] = with_process_shell<&helm_upgrade>;
    table["kubectlApply"] = with_process_shell<&kubectl_apply>;
}

} // namespace ferry::stdlib::drivers::detail
