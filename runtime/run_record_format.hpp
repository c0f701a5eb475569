#pragma once
// Internal to run_record*.cpp: the on-disk names and JSON forms of a run record, shared by the
// writer and the readers so that both agree byte for byte.

#include "runtime/run_record.hpp"

#include <string>
#include <string_view>

namespace ferry::runtime::detail {

inline constexpr std::string_view journal_format = "ferry-run-journal";
inline constexpr std::string_view result_format = "ferry-run-result";
inline constexpr std::string_view journal_file = "journal.ndjson";
inline constexpr std::string_view result_file = "result.json";

/// The journal's first line as an object: format and version first, then the header.
[[nodiscard]] nlohmann::ordered_json header_json(const RunHeader& header);
/// Parses the first line; empty `error` on success. `path` names the file in messages.
[[nodiscard]] std::optional<RunHeader>
parse_header_line(std::string_view line, const std::filesystem::path& path, std::string& error);

[[nodiscard]] nlohmann::ordered_json result_json(const RunResultRecord& result);
[[nodiscard]] std::optional<RunResultRecord>
parse_result(std::string_view text, const std::filesystem::path& path, std::string& error);

} // namespace ferry::runtime::detail
