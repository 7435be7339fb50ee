// The capture file reader on hand-made pcapng (draft-ietf-opsawg-pcapng): what libpcap's files
// from editcap do not exercise (binary if_tsresol, if_tsoffset, Simple Packet Blocks, a second
// section in the other byte order). capture_files.sh compares the rest with libpcap.
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "seckit/capture_file.hpp"
#include "test_support.hpp"

namespace {

using seckit::test::Buffer;

struct Writer {
  bool little = true;
  Buffer out;
  void u16(std::uint32_t v) {
    for (int i = 0; i < 2; ++i)
      out.push_back(little ? (v >> (8 * i)) & 0xff : (v >> (8 - 8 * i)) & 0xff);
  }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      out.push_back(little ? (v >> (8 * i)) & 0xff : (v >> (24 - 8 * i)) & 0xff);
  }
  // One block: type, total length, body padded to 4, total length again.
  void block(std::uint32_t type, const Buffer& body) {
    Buffer padded = body;
    padded.resize((body.size() + 3) & ~std::size_t{3});
    auto total = static_cast<std::uint32_t>(padded.size() + 12);
    u32(type);
    u32(total);
    out.insert(out.end(), padded.begin(), padded.end());
    u32(total);
  }
  Buffer body(const std::vector<std::uint32_t>& words32, const Buffer& tail = {}) {
    Writer w{little, {}};
    for (std::uint32_t v : words32) w.u32(v);
    w.out.insert(w.out.end(), tail.begin(), tail.end());
    return w.out;
  }
  void section() {
    block(0x0a0d0d0a,
          body({0x1a2b3c4d, little ? 0x00000001u : 0x00010000u, 0xffffffff, 0xffffffff}));
  }
  // Ethernet interface with if_tsresol (and if_tsoffset when offset != 0).
  void interface(std::uint8_t tsresol, std::uint32_t offset) {
    Writer w{little, {}};
    w.u16(1);
    w.u16(0);
    w.u32(0);  // snaplen 0: no limit
    w.u16(9);
    w.u16(1);
    w.out.insert(w.out.end(), {tsresol, 0, 0, 0});
    if (offset != 0) {
      w.u16(14);
      w.u16(8);
      w.u32(little ? offset : 0);
      w.u32(little ? 0 : offset);
    }
    w.u32(0);  // opt_endofopt
    block(1, w.out);
  }
  void packet(std::uint32_t interface, std::uint64_t t, const Buffer& data) {
    block(6,
          body({interface, static_cast<std::uint32_t>(t >> 32), static_cast<std::uint32_t>(t),
                static_cast<std::uint32_t>(data.size()), static_cast<std::uint32_t>(data.size())},
               data));
  }
};

std::vector<seckit::net::CaptureRecord> read_all(const Buffer& file, std::string& error) {
  seckit::net::CaptureFileReader reader(seckit::net::memory_bytes(file));
  std::vector<seckit::net::CaptureRecord> records;
  seckit::net::CaptureRecord r;
  while (reader.next(r)) records.push_back(r);
  error = reader.error();
  return records;
}

}  // namespace

TEST_CASE("pcapng timestamps follow each interface's if_tsresol and if_tsoffset", "[net]") {
  Writer w;
  w.section();
  w.interface(0x80 | 10, 100);                                  // 2^-10 s units, 100 s offset
  w.interface(9, 0);                                            // nanoseconds
  w.packet(0, 3 * 1024 + 512, Buffer(20, 0xaa));                // 3.5 s + 100 s
  w.packet(1, 1'700'000'000'123'456'789ull, Buffer(20, 0xbb));  // truncated to the microsecond
  w.block(3, w.body({7}, Buffer{1, 2, 3, 4, 5, 6, 7}));         // Simple Packet Block: no time
  std::string error;
  auto records = read_all(w.out, error);
  CHECK(error.empty());
  REQUIRE(records.size() == 3);
  CHECK(records[0].ts_sec == 103);
  CHECK(records[0].ts_usec == 500000);
  CHECK(records[1].ts_sec == 1'700'000'000);
  CHECK(records[1].ts_usec == 123456);
  CHECK(records[2].ts_sec == 0);
  CHECK(records[2].caplen == 7);
  CHECK(records[2].data[6] == 7);
}

TEST_CASE("a second pcapng section may use the other byte order and its own interfaces", "[net]") {
  Writer w;
  w.section();
  w.interface(6, 0);
  w.packet(0, 2'000'001, Buffer(14, 1));
  w.little = false;
  w.section();
  w.interface(3, 0);  // milliseconds
  w.packet(0, 5'250, Buffer(14, 2));
  std::string error;
  auto records = read_all(w.out, error);
  CHECK(error.empty());
  REQUIRE(records.size() == 2);
  CHECK((records[0].ts_sec == 2 && records[0].ts_usec == 1));
  CHECK((records[1].ts_sec == 5 && records[1].ts_usec == 250000));
}

TEST_CASE("a packet on an interface the section never described ends the file", "[net]") {
  Writer w;
  w.section();
  w.interface(6, 0);
  w.packet(1, 0, Buffer(14, 1));
  std::string error;
  CHECK(read_all(w.out, error).empty());
  CHECK(error.starts_with("a packet arrived on interface 1"));
}

TEST_CASE("every truncation of a pcapng file reads a prefix of its frames", "[net]") {
  Writer w;
  w.section();
  w.interface(6, 0);
  for (int i = 0; i < 3; ++i) w.packet(0, static_cast<std::uint64_t>(i), Buffer(30, 0x11));
  seckit::bytes::for_each_truncation(w.out, [](seckit::bytes::Bytes cut) {
    std::string error;
    auto records = read_all(Buffer(cut.begin(), cut.end()), error);
    CHECK(records.size() <= 3);
  });
}
