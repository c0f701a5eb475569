#pragma once
// Output masking, the second line of defence after typed secrets: every registered value, its
// base64 and URL-encoded forms (and each line of a multi-line value) are replaced by `****` in
// any text that leaves ferry (step output, events, JUnit, messages). Thread-safe.

#include "runtime/secret.hpp"

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

class Masker {
public:
    /// Registers a secret; values shorter than 3 characters are not masked (they would hide
    /// ordinary text), as Jenkins does for empty values.
    void add(const Secret& secret);
    /// `text` with every registered form replaced by `****`, longest forms first.
    [[nodiscard]] std::string mask(std::string_view text) const;
    [[nodiscard]] bool empty() const;

    static constexpr std::string_view replacement = "****";

private:
    mutable std::mutex mutex_;
    std::vector<std::string> forms_; ///< sorted longest first
};

} // namespace ferry::runtime
