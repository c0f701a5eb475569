// `--events FILE|-`: one JSON object per line, flushed per event so that a reader following
// the stream (tail -f, a CI plugin) sees each event as it happens.
#include "runtime/events.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

namespace ferry::runtime {
namespace {

class NdjsonReporter final : public Reporter {
public:
    NdjsonReporter(std::FILE* stream, bool owned, std::string name)
        : stream_(stream), owned_(owned), name_(std::move(name)) {}
    NdjsonReporter(const NdjsonReporter&) = delete;
    NdjsonReporter& operator=(const NdjsonReporter&) = delete;
    ~NdjsonReporter() override {
        if (owned_ && stream_ != nullptr) {
            std::fclose(stream_);
        }
    }

    void report(const Event& event) override {
        if (stream_ == nullptr) {
            return;
        }
        // Invalid UTF-8 in a log line (binary output) is replaced, never thrown over.
        const auto line =
            to_json(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        if (std::fwrite(line.data(), 1, line.size(), stream_) != line.size() ||
            std::fflush(stream_) != 0) {
            note_error();
        }
    }

    std::string finish() override {
        if (stream_ != nullptr && std::fflush(stream_) != 0) {
            note_error();
        }
        if (owned_ && stream_ != nullptr) {
            if (std::fclose(stream_) != 0) {
                note_error();
            }
            stream_ = nullptr;
        }
        return error_;
    }

private:
    void note_error() {
        if (error_.empty()) {
            error_ = fmt::format("{}: cannot write events: {}", name_, std::strerror(errno));
        }
    }

    std::FILE* stream_;
    bool owned_;
    std::string name_;
    std::string error_;
};

} // namespace

std::unique_ptr<Reporter> make_ndjson_reporter(std::FILE* stream) {
    return std::make_unique<NdjsonReporter>(stream, false, "the events stream");
}

std::unique_ptr<Reporter> make_ndjson_reporter(const std::filesystem::path& path,
                                               std::string& error) {
    std::FILE* file = std::fopen(path.c_str(), "we");
    if (file == nullptr) {
        error = fmt::format("{}: cannot create the events file: {}", path.string(),
                            std::strerror(errno));
        return nullptr;
    }
    return std::make_unique<NdjsonReporter>(file, true, path.string());
}

} // namespace ferry::runtime
