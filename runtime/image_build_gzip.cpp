// ParallelGzip: zlib's raw deflate per chunk on std::async threads, at most a few chunks in
// flight (memory stays a few MiB whatever the layer's size), written in submission order.
#include "runtime/image_build_gzip.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <thread>
#include <zlib.h>

namespace ferry::runtime {
namespace {

constexpr std::size_t window = 32 * 1024;

// A gzip header with no name and no time (RFC 1952): the same bytes on every machine.
constexpr std::array<char, 10> header = {'\x1f', '\x8b', '\x08', '\x00', '\x00',
                                         '\x00', '\x00', '\x00', '\x00', '\x03'};

struct Job {
    std::string input;
    std::string dictionary;
    int level = 6;
    bool last = false;
};

// Whether a chunk is not worth deflating (random or already compressed bytes: media, archives,
// binaries): its first 64 KiB shrink by less than 3 % at level 1. Such a chunk is stored
// (level 0), which costs a copy instead of deflate's full search for nothing. The test reads
// the chunk's bytes only, so the output stays a function of the input.
bool looks_incompressible(const std::string& input) {
    constexpr std::size_t probe = 64 * 1024;
    if (input.size() < probe) {
        return false;
    }
    z_stream z{};
    if (::deflateInit2(&z, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        return false;
    }
    std::string out(::deflateBound(&z, probe), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    z.avail_in = static_cast<uInt>(probe);
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = ::deflate(&z, Z_FINISH);
    const std::size_t size = out.size() - z.avail_out;
    ::deflateEnd(&z);
    return rc == Z_STREAM_END && size * 100 >= probe * 97;
}

// One chunk as raw deflate: primed with the dictionary, ended by a sync flush (byte aligned,
// not final) or, for the last chunk, finished.
auto compress(Job job) {
    struct Result {
        std::string out;
        std::uint32_t crc = 0;
        std::size_t size = 0;
        std::string error;
    } result;
    result.size = job.input.size();
    result.crc = static_cast<std::uint32_t>(::crc32(
        0L, reinterpret_cast<const Bytef*>(job.input.data()), static_cast<uInt>(job.input.size())));
    z_stream z{};
    const int level = looks_incompressible(job.input) ? 0 : job.level;
    if (::deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        result.error = "zlib: deflateInit2 failed";
        return result;
    }
    if (!job.dictionary.empty() &&
        ::deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(job.dictionary.data()),
                               static_cast<uInt>(job.dictionary.size())) != Z_OK) {
        ::deflateEnd(&z);
        result.error = "zlib: deflateSetDictionary failed";
        return result;
    }
    result.out.resize(::deflateBound(&z, static_cast<uLong>(job.input.size())) + 16);
    z.next_in = reinterpret_cast<Bytef*>(job.input.data());
    z.avail_in = static_cast<uInt>(job.input.size());
    z.next_out = reinterpret_cast<Bytef*>(result.out.data());
    z.avail_out = static_cast<uInt>(result.out.size());
    const int flush = job.last ? Z_FINISH : Z_SYNC_FLUSH;
    int rc = ::deflate(&z, flush);
    while (rc == Z_OK && z.avail_out == 0) { // deflateBound is generous; grow if ever short
        const auto used = result.out.size();
        result.out.resize(used * 2);
        z.next_out = reinterpret_cast<Bytef*>(result.out.data() + used);
        z.avail_out = static_cast<uInt>(result.out.size() - used);
        rc = ::deflate(&z, flush);
    }
    if ((job.last && rc != Z_STREAM_END) || (!job.last && rc != Z_OK) || z.avail_in != 0) {
        result.error = fmt::format("zlib: deflate failed ({})", rc);
    }
    result.out.resize(result.out.size() - z.avail_out);
    ::deflateEnd(&z);
    return result;
}

} // namespace

ParallelGzip::ParallelGzip(std::function<bool(std::string_view)> sink, int level, std::size_t chunk,
                           unsigned threads)
    : sink_(std::move(sink)), level_(level),
      chunk_(std::clamp(chunk, window, std::size_t{1} << 30)) { // zlib counts in 32 bits
    const unsigned cores =
        threads != 0 ? threads : std::max(1U, std::thread::hardware_concurrency());
    in_flight_ = std::min(8U, cores) + 1; // one more than the cores: a chunk queued behind
    pending_.reserve(chunk_);
}

ParallelGzip::~ParallelGzip() {
    for (auto& f : running_) {
        if (f.valid()) {
            f.wait();
        }
    }
}

void ParallelGzip::submit(bool last) {
    Job job{std::move(pending_), dictionary_, level_, last};
    pending_ = std::string();
    pending_.reserve(chunk_);
    const auto& input = job.input;
    if (input.size() >= window) {
        dictionary_.assign(input, input.size() - window, window);
    } else {
        dictionary_ = (dictionary_ + input);
        if (dictionary_.size() > window) {
            dictionary_.erase(0, dictionary_.size() - window);
        }
    }
    total_in_ += input.size();
    const auto run = [](Job j) {
        auto r = compress(std::move(j));
        return Done{std::move(r.out), r.crc, r.size, std::move(r.error)};
    };
    try {
        running_.push_back(std::async(std::launch::async, run, std::move(job)));
    } catch (const std::system_error&) {
        // No thread to be had: compress here. The bytes are the same either way.
        std::promise<Done> ready;
        ready.set_value(run(std::move(job)));
        running_.push_back(ready.get_future());
    }
}

// Writes finished chunks, in order, until at most `keep` are still running.
bool ParallelGzip::drain(std::size_t keep) {
    while (running_.size() > keep) {
        Done done;
        try {
            done = running_.front().get();
        } catch (const std::exception& e) {
            done.error = fmt::format("compressing the layer: {}", e.what());
        }
        running_.pop_front();
        if (!error_.empty()) {
            continue;
        }
        if (!done.error.empty()) {
            error_ = done.error;
            continue;
        }
        if (!header_written_) {
            if (!sink_(std::string_view(header.data(), header.size()))) {
                error_ = "cannot write the compressed layer";
                continue;
            }
            header_written_ = true;
        }
        crc_ = static_cast<std::uint32_t>(
            ::crc32_combine(crc_, done.crc, static_cast<z_off_t>(done.size)));
        if (!sink_(done.out)) {
            error_ = "cannot write the compressed layer";
        }
    }
    return error_.empty();
}

bool ParallelGzip::write(std::string_view data) {
    while (!data.empty() && error_.empty()) {
        const auto take = std::min(chunk_ - pending_.size(), data.size());
        pending_.append(data.substr(0, take));
        data.remove_prefix(take);
        if (pending_.size() == chunk_) {
            submit(false);
            drain(in_flight_ - 1);
        }
    }
    return error_.empty();
}

bool ParallelGzip::finish() {
    if (finished_) {
        return error_.empty();
    }
    finished_ = true;
    if (!error_.empty()) {
        drain(0);
        return false;
    }
    try {
        submit(true); // the last chunk, possibly empty, ends the deflate stream
    } catch (const std::exception& e) {
        error_ = fmt::format("compressing the layer: {}", e.what());
    }
    if (!drain(0)) {
        return false;
    }
    std::array<char, 8> trailer{};
    const auto isize = static_cast<std::uint32_t>(total_in_ & 0xffffffffU);
    for (int i = 0; i < 4; ++i) {
        trailer[static_cast<std::size_t>(i)] = static_cast<char>((crc_ >> (8 * i)) & 0xffU);
        trailer[static_cast<std::size_t>(4 + i)] = static_cast<char>((isize >> (8 * i)) & 0xffU);
    }
    if (!sink_(std::string_view(trailer.data(), trailer.size()))) {
        error_ = "cannot write the compressed layer";
    }
    return error_.empty();
}

} // namespace ferry::runtime
