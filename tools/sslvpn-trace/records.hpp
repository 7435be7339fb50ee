// Record-layer bookkeeping that sslvpn-trace does itself, independent of decryption: the
// content type, version and length of every TLS record per direction (for the phases inferred
// without a key log) and of every DTLS record in a datagram (mode from the record version,
// client retries). Only headers are read, through seckit::bytes::Reader.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "seckit/bytes.hpp"

namespace sslvpn {

using seckit::bytes::Bytes;

struct RecordHeader {
  std::uint8_t type = 0;
  std::uint16_t version = 0;
  std::uint16_t epoch = 0;  // DTLS
  std::uint16_t length = 0;
  std::uint8_t first_byte = 0;  // handshake type for plaintext handshake records
};

// Walks a TLS byte stream (one direction) and reports record headers. A header that is not
// TLS (type outside 20..24 or major version not 3) stops the scan for good.
class TlsRecordScanner {
 public:
  template <class F>
  void feed(Bytes data, std::uint64_t gap, F&& on_record) {
    if (stopped_) return;
    if (gap > 0) {
      stopped_ = true;  // cannot find the next header boundary reliably
      return;
    }
    std::size_t i = 0;
    while (i < data.size()) {
      if (skip_ > 0) {
        if (want_first_) {
          current_.first_byte = data[i];
          want_first_ = false;
          on_record(current_);
        }
        // Record bodies are skipped in bulk: only the 5-byte headers are looked at.
        std::size_t n = std::min(skip_, data.size() - i);
        skip_ -= n;
        i += n;
        continue;
      }
      header_[have_++] = data[i++];
      if (have_ < 5) continue;
      have_ = 0;
      seckit::bytes::Reader r(Bytes(header_, 5));
      current_.type = r.u8();
      current_.version = r.be16();
      current_.length = r.be16();
      if (current_.type < 20 || current_.type > 24 || (current_.version >> 8) != 3) {
        stopped_ = true;
        return;
      }
      skip_ = current_.length;
      want_first_ = true;
      if (skip_ == 0) {
        want_first_ = false;
        on_record(current_);
      }
    }
  }
  bool stopped() const { return stopped_; }

 private:
  std::uint8_t header_[5] = {};
  std::size_t have_ = 0;
  std::size_t skip_ = 0;
  bool want_first_ = false;
  bool stopped_ = false;
  RecordHeader current_;
};

// DTLS record headers in one datagram (13 bytes each: type, version, epoch, 48-bit sequence,
// length). Stops at the first header that does not fit.
std::vector<RecordHeader> dtls_record_headers(Bytes datagram);

// How a DTLS client spaced its unanswered ClientHellos: "single attempt", "exponential backoff
// from 1 s" or "irregular" (intervals in seconds between consecutive ClientHellos).
std::string dtls_retry_pattern(const std::vector<double>& intervals);

}  // namespace sslvpn
