#pragma once
// A deterministic, realistic large pipeline for benchmarks: `stages` stages of about five steps
// each, with parallel groups, `when`, environment, options and post sections.

#include <string>

namespace ferry::bench {

[[nodiscard]] std::string generate_pipeline(int stages);

} // namespace ferry::bench
