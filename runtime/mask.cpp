#include "runtime/mask.hpp"

#include <algorithm>
#include <array>

namespace ferry::runtime {

namespace {

constexpr std::size_t min_masked_length = 3;

/// base64 without its `=` padding: how JWTs, URLs and some tools print it.
std::string unpadded(std::string encoded) {
    while (!encoded.empty() && encoded.back() == '=') {
        encoded.pop_back();
    }
    return encoded;
}

/// Every form one text may take in output.
void forms_of(std::string_view value, std::vector<std::string>& out) {
    if (value.empty()) {
        return;
    }
    const std::string encoded = detail::base64_encode(value);
    out.emplace_back(value);
    out.push_back(encoded);
    out.push_back(unpadded(encoded));
    // base64url (JWTs, URLs): `-` and `_` for `+` and `/`, unpadded.
    std::string url_safe = unpadded(encoded);
    std::replace(url_safe.begin(), url_safe.end(), '+', '-');
    std::replace(url_safe.begin(), url_safe.end(), '/', '_');
    out.push_back(std::move(url_safe));
    out.push_back(detail::url_encode(value));
}

/// The lines of a multi-line value (a key file printed by `cat` reaches the log line by line).
std::vector<std::string_view> lines_of(std::string_view value) {
    std::vector<std::string_view> lines;
    if (value.find('\n') == std::string_view::npos) {
        return lines;
    }
    std::size_t start = 0;
    while (start <= value.size()) {
        auto end = value.find('\n', start);
        if (end == std::string_view::npos) {
            end = value.size();
        }
        auto line = value.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

} // namespace

void Masker::add(const Secret& secret) {
    const std::string& value = secret.reveal();
    std::vector<std::string> fresh;
    for (const auto& form : secret.masked_forms()) {
        fresh.push_back(form);
    }
    forms_of(value, fresh);
    for (auto line : lines_of(value)) {
        forms_of(line, fresh);
    }
    std::lock_guard lock(mutex_);
    for (auto& form : fresh) {
        if (form.size() >= min_masked_length) {
            forms_.push_back(std::move(form));
        }
    }
    std::sort(forms_.begin(), forms_.end(), [](const std::string& a, const std::string& b) {
        return a.size() != b.size() ? a.size() > b.size() : a < b;
    });
    forms_.erase(std::unique(forms_.begin(), forms_.end()), forms_.end());
}

std::string Masker::mask(std::string_view text) const {
    std::lock_guard lock(mutex_);
    if (forms_.empty()) {
        return std::string(text);
    }
    // One pass, trying the longest form first at each position, so that a value and its
    // encodings never leave a partial match behind.
    std::array<bool, 256> starts{};
    for (const auto& form : forms_) {
        starts[static_cast<unsigned char>(form.front())] = true;
    }
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const std::string* hit = nullptr;
        for (const auto& form : forms_) {
            if (!starts[static_cast<unsigned char>(text[i])]) {
                break;
            }
            if (text.compare(i, form.size(), form) == 0) {
                hit = &form;
                break;
            }
        }
        if (hit != nullptr) {
            out.append(replacement);
            i += hit->size();
        } else {
            out.push_back(text[i]);
            ++i;
        }
    }
    return out;
}

bool Masker::empty() const {
    std::lock_guard lock(mutex_);
    return forms_.empty();
}

} // namespace ferry::runtime
