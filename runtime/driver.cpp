#include "runtime/driver.hpp"

namespace ferry::runtime {

std::optional<std::string> StepContext::variable(std::string_view name) const {
    // The last definition wins, as in a process environment built in precedence order.
    for (auto it = env.rbegin(); it != env.rend(); ++it) {
        if (it->first == name) {
            return it->second;
        }
    }
    return std::nullopt;
}

} // namespace ferry::runtime
