// The JSON forms of a run record's header and result, and the file names of its parts. Readers
// check the format name and version before anything else, so a record written by a newer ferry
// is reported as such rather than misread.
#include "runtime/run_record_format.hpp"

#include <cctype>
#include <fmt/format.h>

namespace ferry::runtime::detail {
namespace {

std::string string_field(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Checks `format` and `version` of a record's first object; empty when they are ours.
std::string check_format(const nlohmann::json& j, std::string_view format, const char* what,
                         const std::filesystem::path& path) {
    if (!j.is_object() || string_field(j, "format") != format) {
        return fmt::format("{}: damaged {}: it does not start with {{\"format\":\"{}\"}}",
                           path.string(), what, format);
    }
    const auto version = j.find("version");
    if (version == j.end() || !version->is_number_integer()) {
        return fmt::format("{}: damaged {}: no integer version", path.string(), what);
    }
    if (version->get<long long>() != run_record_format_version) {
        return fmt::format("{}: {} format version {} is not known to this ferry (it reads "
                           "version {}); a newer ferry wrote it",
                           path.string(), what, version->dump(), run_record_format_version);
    }
    return {};
}

} // namespace

nlohmann::ordered_json header_json(const RunHeader& header) {
    nlohmann::ordered_json j;
    j["format"] = journal_format;
    j["version"] = run_record_format_version;
    j["pipeline"] = header.pipeline;
    j["environment"] = header.environment;
    j["number"] = header.number;
    j["pipeline_file"] = header.pipeline_file;
    j["commit"] = header.commit;
    j["plan_fingerprint"] = header.plan_fingerprint;
    j["created"] = rfc3339_ms(std::chrono::system_clock::now());
    return j;
}

std::optional<RunHeader> parse_header_line(std::string_view line, const std::filesystem::path& path,
                                           std::string& error) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) {
        error = fmt::format("{}:1: damaged run journal: the header is not JSON", path.string());
        return std::nullopt;
    }
    error = check_format(j, journal_format, "run journal", path);
    if (!error.empty()) {
        return std::nullopt;
    }
    const auto number = j.find("number");
    if (number == j.end() || !number->is_number_integer()) {
        error =
            fmt::format("{}:1: damaged run journal: the header has no build number", path.string());
        return std::nullopt;
    }
    RunHeader header;
    header.pipeline = string_field(j, "pipeline");
    header.environment = string_field(j, "environment");
    header.number = number->get<long long>();
    header.pipeline_file = string_field(j, "pipeline_file");
    header.commit = string_field(j, "commit");
    header.plan_fingerprint = string_field(j, "plan_fingerprint");
    return header;
}

nlohmann::ordered_json result_json(const RunResultRecord& result) {
    nlohmann::ordered_json j;
    j["format"] = result_format;
    j["version"] = run_record_format_version;
    j["result"] = to_string(result.result);
    j["exit_code"] = result.exit_code;
    j["started"] = result.started;
    j["finished"] = result.finished;
    j["duration_ms"] = result.duration_ms;
    j["message"] = result.message;
    j["stages"] = result.stages.is_array() ? result.stages : nlohmann::ordered_json::array();
    return j;
}

std::optional<RunResultRecord> parse_result(std::string_view text,
                                            const std::filesystem::path& path, std::string& error) {
    const auto j = nlohmann::ordered_json::parse(text, nullptr, false);
    if (j.is_discarded()) {
        error = fmt::format("{}: damaged run result: not JSON", path.string());
        return std::nullopt;
    }
    error = check_format(nlohmann::json(j), result_format, "run result", path);
    if (!error.empty()) {
        return std::nullopt;
    }
    RunResultRecord out;
    const auto result = build_result_from_string(j.value("result", ""));
    const auto exit_code = j.find("exit_code");
    if (!result || exit_code == j.end() || !exit_code->is_number_integer()) {
        error = fmt::format("{}: damaged run result: no valid result and exit_code", path.string());
        return std::nullopt;
    }
    out.result = *result;
    out.exit_code = exit_code->get<int>();
    const nlohmann::json plain(j);
    out.started = string_field(plain, "started");
    out.finished = string_field(plain, "finished");
    out.message = string_field(plain, "message");
    if (const auto d = j.find("duration_ms"); d != j.end() && d->is_number_integer()) {
        out.duration_ms = d->get<long long>();
    }
    if (const auto s = j.find("stages"); s != j.end() && s->is_array()) {
        out.stages = *s;
    }
    return out;
}

} // namespace ferry::runtime::detail
