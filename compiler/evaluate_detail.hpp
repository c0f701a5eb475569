#pragma once
// Internal to evaluate*.cpp.

#include "compiler/evaluate.hpp"

namespace ferry::compiler::detail {

[[nodiscard]] Evaluated fail(std::string code, grammar::Span span, std::string message);
[[nodiscard]] Evaluated known(EvalValue v);
/// Adds `from`'s deferred names (and secrecy) to `into`.
void merge_deferred(Evaluated& into, const Evaluated& from);

[[nodiscard]] Evaluated number_literal(const grammar::syntax::Expr& e);
[[nodiscard]] Evaluated binary(const grammar::syntax::Expr& e, const Scope& scope);
[[nodiscard]] Evaluated method_call(const grammar::syntax::Expr& e, const Scope& scope);

} // namespace ferry::compiler::detail
