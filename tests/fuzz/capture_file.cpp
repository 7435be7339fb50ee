// The capture file reader (pcap and pcapng, common/net/capture_file.cpp): the input is a whole
// file, read to its end or its first error; the frames are touched so ASan sees any view that
// points outside the input.
#include "seckit/capture_file.hpp"

#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A copy of exactly `size` bytes so that a read past the end is caught.
  std::vector<std::uint8_t> input(data, data + size);
  seckit::net::CaptureFileReader reader(
      seckit::net::memory_bytes(seckit::bytes::Bytes(input.data(), input.size())));
  seckit::net::CaptureRecord record;
  unsigned sum = 0;
  for (int frames = 0; frames < 100000 && reader.next(record); ++frames) {
    for (std::uint8_t b : record.data) sum += b;
  }
  return static_cast<int>(sum & 0);
}
