#include "cstp.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace sslvpn {

std::string cstp_type_name(std::uint8_t type) {
  switch (type) {
    case kCstpData:
      return "data";
    case kCstpDpdRequest:
      return "dpd-req";
    case kCstpDpdResponse:
      return "dpd-resp";
    case kCstpDisconnect:
      return "disconnect";
    case kCstpKeepalive:
      return "keepalive";
    case kCstpCompressed:
      return "compressed";
    case kCstpTerminate:
      return "terminate";
    default:
      return fmt::format("type-0x{:02x}", type);
  }
}

void CstpStream::feed(Bytes data, std::uint64_t frame, double time) {
  if (failed_) return;
  // A packet cut by the previous chunk's end is completed first, copying only its own missing
  // bytes; everything after it is parsed straight from the input (no copy of bulk traffic).
  Bytes input = data;
  if (!buffer_.empty()) {
    auto top_up = [&](std::size_t want) {
      if (buffer_.size() >= want) return true;
      std::size_t take = std::min(want - buffer_.size(), input.size());
      buffer_.append(reinterpret_cast<const char*>(input.data()), take);
      input = input.subspan(take);
      return buffer_.size() >= want;
    };
    if (!top_up(8)) return;
    std::size_t length = (static_cast<std::size_t>(static_cast<std::uint8_t>(buffer_[4])) << 8) |
                         static_cast<std::uint8_t>(buffer_[5]);
    // A bad magic fails in parse() as soon as the header is complete, as it always did.
    bool magic_ok = buffer_.compare(0, 4, "STF\x01", 4) == 0;
    if (magic_ok && !top_up(8 + length)) return;
    parse(seckit::bytes::as_bytes(buffer_), frame, time);  // exactly that one packet
    if (failed_) return;
    buffer_.clear();
  }
  std::size_t consumed = parse(input, frame, time);
  if (failed_) return;
  buffer_.assign(reinterpret_cast<const char*>(input.data()) + consumed, input.size() - consumed);
}

std::size_t CstpStream::parse(Bytes input, std::uint64_t frame, double time) {
  seckit::bytes::Reader in(input);
  std::size_t consumed = 0;
  while (in.remaining() >= 8) {
    Bytes magic = in.bytes(4);
    if (magic[0] != 'S' || magic[1] != 'T' || magic[2] != 'F' || magic[3] != 1) {
      failed_ = true;
      error_ = fmt::format("CSTP header magic {:02x}{:02x}{:02x}{:02x} is not STF\\x01", magic[0],
                           magic[1], magic[2], magic[3]);
      ++counts_.malformed;
      buffer_.clear();
      return consumed;
    }
    std::uint16_t length = in.be16();
    std::uint8_t type = in.u8();
    in.u8();  // reserved, 0
    if (in.remaining() < length) break;
    CstpPacket packet;
    packet.type = type;
    packet.payload = in.bytes(length);
    packet.frame = frame;
    packet.time = time;
    counts_.add(type, length);
    if (handler_) handler_(packet);
    consumed = in.position();
  }
  return consumed;
}

bool parse_dtls_cstp(Bytes record, CstpPacket& out) {
  seckit::bytes::Reader in(record);
  out.type = in.u8();
  if (!in.ok()) return false;
  out.payload = in.rest();
  return true;
}

std::string disconnect_reason(Bytes payload) {
  seckit::bytes::Reader in(payload);
  if (in.empty()) return "";
  Bytes first = in.peek(1);
  if (first[0] == 0xb0) in.u8();
  std::string_view text = in.text(in.remaining());
  std::string out;
  for (char c : text) {
    if (c == '\0') break;
    out += (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) ? '?' : c;
  }
  return out;
}

}  // namespace sslvpn

#include "records.hpp"

namespace sslvpn {

std::vector<RecordHeader> dtls_record_headers(Bytes datagram) {
  std::vector<RecordHeader> out;
  seckit::bytes::Reader in(datagram);
  while (in.remaining() >= 13 && out.size() < 64) {
    RecordHeader h;
    h.type = in.u8();
    h.version = in.be16();
    h.epoch = in.be16();
    in.skip(6);
    h.length = in.be16();
    if (h.type < 20 || h.type > 24) break;
    seckit::bytes::Reader body = in.sub(h.length);
    if (!in.ok()) break;
    if (h.length > 0) h.first_byte = body.u8();
    out.push_back(h);
  }
  return out;
}

// OpenSSL's DTLS client retransmits after 1 s and doubles the wait (capped near 16 s:
// RFC 6347 4.2.4.1 suggests 1 s initial and at least 60 s maximum; implementations cap lower).
std::string dtls_retry_pattern(const std::vector<double>& intervals) {
  if (intervals.empty()) return "single attempt";
  bool doubling = std::fabs(intervals[0] - 1.0) < 0.3;
  for (std::size_t i = 1; i < intervals.size() && doubling; ++i) {
    doubling = std::fabs(intervals[i] / intervals[i - 1] - 2.0) < 0.3 ||
               (intervals[i] > 15 && intervals[i] < 17.5);
  }
  return doubling ? "exponential backoff from 1 s" : "irregular";
}

}  // namespace sslvpn
