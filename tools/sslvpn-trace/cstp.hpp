// CSTP framing (AnyConnect's tunnel inside TLS after `CONNECT /CSCOSSLC/tunnel`): every packet
// has an 8-byte header 'S' 'T' 'F' 0x01, a 16-bit big-endian payload length, a type byte and a
// zero byte. Over DTLS the same packets travel with only the type byte in front.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "seckit/bytes.hpp"

namespace sslvpn {

using seckit::bytes::Bytes;

enum CstpType : std::uint8_t {
  kCstpData = 0x00,
  kCstpDpdRequest = 0x03,
  kCstpDpdResponse = 0x04,
  kCstpDisconnect = 0x05,
  kCstpKeepalive = 0x07,
  kCstpCompressed = 0x08,
  kCstpTerminate = 0x09,
};
// "data", "dpd-req", "dpd-resp", "disconnect", "keepalive", "compressed", "terminate",
// or "type-0x0a" for others.
std::string cstp_type_name(std::uint8_t type);

struct CstpPacket {
  std::uint8_t type = 0;
  Bytes payload;  // valid during the callback
  std::uint64_t frame = 0;
  double time = 0;
};

// Per-type counters for one direction.
struct CstpCounts {
  std::array<std::uint64_t, 256> packets{};
  std::array<std::uint64_t, 256> bytes{};
  std::uint64_t total_packets = 0;
  std::uint64_t malformed = 0;  // headers that did not start with STF\x01 (stream abandoned)
  void add(std::uint8_t type, std::size_t length) {
    ++packets[type];
    bytes[type] += length;
    ++total_packets;
  }
};

// Incremental CSTP deframer for one direction of a TLS-carried tunnel. Feed decrypted bytes in
// order; complete packets come out of the callback. A bad magic stops the stream (resyncing on
// STF inside arbitrary payload would invent packets).
class CstpStream {
 public:
  using Handler = std::function<void(const CstpPacket&)>;
  explicit CstpStream(Handler handler) : handler_(std::move(handler)) {}
  void feed(Bytes data, std::uint64_t frame, double time);
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  const CstpCounts& counts() const { return counts_; }

 private:
  // Parses whole packets from input; returns the bytes consumed (sets failed_ on a bad magic).
  std::size_t parse(Bytes input, std::uint64_t frame, double time);

  Handler handler_;
  std::string buffer_;  // at most one header + one payload (<= 8 + 65535 bytes)
  bool failed_ = false;
  std::string error_;
  CstpCounts counts_;
};

// One packet carried in a DTLS record (type byte + payload). False when empty.
bool parse_dtls_cstp(Bytes record, CstpPacket& out);

// openconnect/AnyConnect DISCONNECT and TERMINATE payloads: a reason code byte (0xb0) and text.
std::string disconnect_reason(Bytes payload);

}  // namespace sslvpn
