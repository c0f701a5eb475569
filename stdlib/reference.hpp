#pragma once
// The catalogue rendered as Markdown: docs/steps.md is this text (a unit test keeps it current).

#include <string>

namespace ferry::stdlib {

/// Every name of the catalogue, by kind, with its parameters and what ferry does with it.
[[nodiscard]] std::string markdown_reference();

} // namespace ferry::stdlib
