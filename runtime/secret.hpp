#pragma once
// A credential value that cannot reach a log by accident: no stream operator, no fmt formatter,
// no conversion to a string. Code that needs the value asks for it by name, with reveal().

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runtime {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    Secret(const Secret&) = default;
    Secret(Secret&&) noexcept = default;
    Secret& operator=(const Secret& other);
    Secret& operator=(Secret&& other) noexcept;
    ~Secret();

    /// The value itself. Every call site is a place a reviewer should look at.
    [[nodiscard]] const std::string& reveal() const { return value_; }
    [[nodiscard]] bool empty() const { return value_.empty(); }
    [[nodiscard]] std::size_t size() const { return value_.size(); }

    /// The forms the value may take in output (itself, base64, URL-encoded), for masking.
    [[nodiscard]] std::vector<std::string> masked_forms() const;

    /// What a log shows instead of the value.
    static constexpr std::string_view placeholder = "(secret)";

    friend bool operator==(const Secret&, const Secret&) = default;
    // Deleted rather than absent, so that `os << secret` names the reason in the error.
    friend std::ostream& operator<<(std::ostream&, const Secret&) = delete;

private:
    void wipe() noexcept;
    std::string value_;
};

namespace detail {
/// Standard base64 with padding.
[[nodiscard]] std::string base64_encode(std::string_view bytes);
/// Decodes standard or URL-safe base64 (padding optional); false on malformed input.
[[nodiscard]] bool base64_decode(std::string_view text, std::string& out);
/// Percent-encodes everything but RFC 3986 unreserved characters.
[[nodiscard]] std::string url_encode(std::string_view text);
} // namespace detail

} // namespace ferry::runtime
