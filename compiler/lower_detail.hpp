#pragma once
// Internal to lower*.cpp: the pieces lowering is made of.

#include "compiler/ir.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace ferry::compiler::detail {

/// A literal typed, anything else kept as an expression.
[[nodiscard]] ir::Value lower_value(const grammar::syntax::Expr& e);

/// A call's arguments by name: a lone unnamed value binds to the signature's single parameter.
[[nodiscard]] std::vector<ir::Param> bind_arguments(const grammar::model::Invocation& call,
                                                    const stdlib::Signature* signature);

/// The signature's defaults for the parameters `params` leaves out.
[[nodiscard]] std::vector<ir::Default> defaults_left(const std::vector<ir::Param>& params,
                                                     const stdlib::Signature* signature);

[[nodiscard]] ir::Option lower_option(const grammar::model::Invocation& call, stdlib::Kind kind);
[[nodiscard]] std::vector<ir::Option>
lower_options(const std::optional<grammar::model::InvocationList>& list, stdlib::Kind kind);

/// Steps of a block; ids are `prefix` + 1-based index (and `.index` for nested bodies).
[[nodiscard]] std::vector<ir::Step> lower_steps(const grammar::model::Steps& steps,
                                                const std::string& prefix);

/// A stage id segment: the name with `/` and `%` escaped, so ids split cleanly on `/`.
[[nodiscard]] std::string id_segment(std::string_view name);

} // namespace ferry::compiler::detail
