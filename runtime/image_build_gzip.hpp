#pragma once
// Gzip for layers, compressed on every core and still deterministic: the stream is cut into
// chunks of a fixed size, each deflated on its own thread with the previous chunk's last 32 KiB
// as its dictionary (as pigz does) and ended on a byte boundary (a sync flush), the last one
// finished; the chunks are written in order and their CRCs combined. A chunk whose start does not
// compress (random or already compressed bytes) is stored instead of deflated. The bytes depend
// on the input, the level and the chunk size only, never on the number of threads or timing.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <string>
#include <string_view>

namespace ferry::runtime {

class ParallelGzip {
public:
    /// `sink` receives the compressed stream in order; false stops with an error.
    ParallelGzip(std::function<bool(std::string_view)> sink, int level = 6,
                 std::size_t chunk = std::size_t{1} << 20, unsigned threads = 0);
    ParallelGzip(const ParallelGzip&) = delete;
    ParallelGzip& operator=(const ParallelGzip&) = delete;
    ~ParallelGzip();

    /// Adds uncompressed bytes. false on error (see error()).
    bool write(std::string_view data);
    /// Compresses what is left and writes the trailer. false on error.
    bool finish();

    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] std::uint64_t input_size() const { return total_in_; }

private:
    struct Done {
        std::string out;
        std::uint32_t crc = 0;
        std::size_t size = 0;
        std::string error;
    };
    void submit(bool last);
    bool drain(std::size_t keep);

    std::function<bool(std::string_view)> sink_;
    int level_;
    std::size_t chunk_;
    std::size_t in_flight_;
    std::string pending_;    ///< input not yet submitted
    std::string dictionary_; ///< the last 32 KiB submitted
    std::deque<std::future<Done>> running_;
    std::uint32_t crc_ = 0;
    std::uint64_t total_in_ = 0;
    bool header_written_ = false;
    bool finished_ = false;
    std::string error_;
};

} // namespace ferry::runtime
