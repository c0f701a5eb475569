// Symbols that only the Jenkins Declarative plugin's own test suite registers: a test agent type
// and two test triggers. They are not part of any released plugin, so ferry leaves them out unless
// asked to emulate that test harness (use_test_harness_symbols), as its conformance run does to
// check the plugin's test pipelines under the same plugin set they were written for.

#include "stdlib/catalogue_builder.hpp"

namespace ferry::stdlib::detail {

namespace {
constexpr std::string_view harness = "pipeline-model-definition (test harness)";
}

void add_test_harness(Table& out) {
    out.push_back(agent("otherField", harness, "A test-only agent type with two fields.")
                      .params({
                          P("label", Type::string).required(),
                          P("otherField", Type::string).required(),
                          P("nested", Type::map),
                      })
                      .support(Support::unsupported));
    for (std::string_view name : {"testtrigger", "testtriggerb"}) {
        out.push_back(trigger(name, harness, "A test-only trigger.")
                          .params({P("name", Type::string)})
                          .support(Support::ignored));
    }
}

} // namespace ferry::stdlib::detail
