// ParallelGzip: a valid gzip stream (checked with zlib's own inflate, not ours), the same bytes
// whatever the number of threads, and chunk boundaries anywhere in the input.
#include "runtime/image_build_gzip.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <zlib.h>

using ferry::runtime::ParallelGzip;

namespace {

std::string gzip(const std::string& input, unsigned threads, std::size_t chunk,
                 std::size_t piece = 4096) {
    std::string out;
    ParallelGzip z(
        [&out](std::string_view bytes) {
            out.append(bytes);
            return true;
        },
        6, chunk, threads);
    for (std::size_t at = 0; at < input.size(); at += piece) {
        REQUIRE(z.write(std::string_view(input).substr(at, piece)));
    }
    REQUIRE(z.finish());
    return out;
}

std::string gunzip(const std::string& compressed) {
    z_stream s{};
    REQUIRE(inflateInit2(&s, 15 + 16) == Z_OK);
    std::string out;
    std::string buffer(1 << 16, '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    s.avail_in = static_cast<uInt>(compressed.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        s.next_out = reinterpret_cast<Bytef*>(buffer.data());
        s.avail_out = static_cast<uInt>(buffer.size());
        rc = inflate(&s, Z_NO_FLUSH);
        out.append(buffer.data(), buffer.size() - s.avail_out);
    }
    CHECK(rc == Z_STREAM_END); // the trailer's CRC and length were checked by zlib
    CHECK(s.avail_in == 0);    // nothing after the stream
    inflateEnd(&s);
    return out;
}

std::string sample(std::size_t size) {
    std::mt19937 random(7);
    std::string text;
    const std::string words[] = {"layer ", "ferry ", "digest ", "\n", "sha256:", "0123456789"};
    while (text.size() < size) {
        text += words[random() % 6];
        if (random() % 4 == 0) {
            text.push_back(static_cast<char>(random() % 256)); // some incompressible bytes
        }
    }
    text.resize(size);
    return text;
}

} // namespace

TEST_CASE("parallel gzip: a stream gunzip reads back exactly", "[image][gzip]") {
    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{40000},
                                   std::size_t{65536}, std::size_t{300001}}) {
        const auto input = sample(size);
        CHECK(gunzip(gzip(input, 4, 65536)) == input);
    }
}

TEST_CASE("parallel gzip: the same bytes for any number of threads", "[image][gzip]") {
    const auto input = sample(1 << 20);
    const auto one = gzip(input, 1, 100000, 777);
    CHECK(gzip(input, 2, 100000, 4096) == one);
    CHECK(gzip(input, 8, 100000, 1 << 20) == one);
    CHECK(gzip(input, 8, 200000) != one); // the chunk size is part of the format
    CHECK(one.size() < input.size());     // it compresses (a dictionary carries across chunks)
}

TEST_CASE("parallel gzip: incompressible chunks are stored, and still read back", "[image][gzip]") {
    std::mt19937 random(11);
    std::string noise(3 * 65536 + 100, '\0');
    for (auto& c : noise) {
        c = static_cast<char>(random() % 256);
    }
    const auto input = sample(200000) + noise + sample(100000);
    const auto out = gzip(input, 2, 65536);
    CHECK(gunzip(out) == input);
    CHECK(out.size() < input.size()); // the text around the noise still compresses
    CHECK(out.size() > noise.size());
}

TEST_CASE("parallel gzip: a sink that fails stops it with an error", "[image][gzip]") {
    ParallelGzip z([](std::string_view) { return false; }, 6, 65536, 2);
    const auto input = sample(400000);
    bool ok = z.write(input);
    ok = z.finish() && ok;
    CHECK_FALSE(ok);
    CHECK(z.error() == "cannot write the compressed layer");
}
