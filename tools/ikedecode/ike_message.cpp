#include "ike_message.hpp"

#include <fmt/format.h>

#include "ike_payloads.hpp"
#include "ike_tables.hpp"

namespace ikedecode {

using seckit::bytes::Reader;

std::string hex(Bytes data, std::size_t max_bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::size_t n = std::min(data.size(), max_bytes);
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0x0f];
  }
  return out;
}

namespace {

constexpr std::size_t kMaxPayloads = 512;

bool known_exchange(std::uint8_t major, std::uint8_t exchange) {
  if (major == 1) return exchange <= 6 || exchange == 32 || exchange == 33;
  return exchange >= 34 && exchange <= 44;
}

bool known_payload(std::uint8_t major, std::uint8_t type) {
  if (major == 1) return type <= 21 || type == 130 || type == 131 || type == 132;
  return type == 0 || (type >= 33 && type <= 54);
}

}  // namespace

void parse_payload_chain(IkeMessage& message, std::uint8_t first, Bytes data, bool inner) {
  // Offsets are relative to the message for outer payloads; inner ones are relative to the
  // plaintext (which is what a decrypted-payload offset means in Wireshark too).
  Reader r(data);
  std::uint8_t next = first;
  std::size_t base = inner ? 0 : kIkeHeaderSize;
  while (next != 0) {
    if (message.payloads.size() >= kMaxPayloads) {
      message.anomalies.push_back(fmt::format("more than {} payloads; rest ignored", kMaxPayloads));
      return;
    }
    std::size_t offset = base + r.position();
    if (r.remaining() < 4) {
      message.anomalies.push_back(
          fmt::format("payload {} at offset {} truncated: {} bytes left, generic header needs 4",
                      payload_abbrev(message.major, next), offset, r.remaining()));
      return;
    }
    Payload payload;
    payload.type = next;
    payload.offset = offset;
    payload.inner = inner;
    std::uint8_t following = r.u8();
    std::uint8_t flags = r.u8();
    payload.critical = (flags & 0x80) != 0;
    payload.length = r.be16();
    if (payload.length < 4) {
      message.anomalies.push_back(fmt::format("payload {} at offset {} has length {} (< 4)",
                                              payload_abbrev(message.major, next), offset,
                                              payload.length));
      return;
    }
    if (std::size_t{payload.length} - 4 > r.remaining()) {
      message.anomalies.push_back(fmt::format(
          "payload {} at offset {} claims {} bytes, only {} left in the message",
          payload_abbrev(message.major, next), offset, payload.length, r.remaining() + 4));
      return;
    }
    payload.body = r.bytes(payload.length - 4);
    decode_payload_body(message, payload);
    bool encrypted_container = message.major == 2 && (payload.type == 46 || payload.type == 53);
    message.payloads.push_back(std::move(payload));
    if (encrypted_container) {
      // SK/SKF's next-payload field names the first payload inside the ciphertext; it must be
      // the last payload of the message.
      message.encrypted = true;
      message.encrypted_first_payload = following;
      message.encrypted_offset = offset;
      if (!r.empty()) {
        message.anomalies.push_back(
            fmt::format("{} bytes after the encrypted payload", r.remaining()));
      }
      return;
    }
    next = following;
  }
  // IKEv1 pads the plaintext to the cipher's block size after the last payload (RFC 2408 3.1):
  // what follows the chain of a decrypted IKEv1 message is padding, not an anomaly.
  if (!r.empty() && !(inner && message.major == 1 && r.remaining() < 256)) {
    message.anomalies.push_back(
        fmt::format("{} bytes after the last payload (header length says more)", r.remaining()));
  }
}

seckit::Result<IkeMessage> parse_ike_message(Bytes data) {
  Reader r(data);
  IkeMessage m;
  Bytes spi_i = r.bytes(8);
  Bytes spi_r = r.bytes(8);
  m.first_payload = r.u8();
  std::uint8_t version = r.u8();
  m.exchange = r.u8();
  m.flags = r.u8();
  m.message_id = r.be32();
  m.length = r.be32();
  if (!r.ok()) return r.error("truncated IKE header");
  std::copy(spi_i.begin(), spi_i.end(), m.spi_i.begin());
  std::copy(spi_r.begin(), spi_r.end(), m.spi_r.begin());
  m.major = version >> 4;
  m.minor = version & 0x0f;
  if (m.major != 1 && m.major != 2) {
    return seckit::parse_error(fmt::format("IKE major version {} (expected 1 or 2)", m.major), 17);
  }
  if (m.length < kIkeHeaderSize) {
    return seckit::parse_error(
        fmt::format("IKE length field {} is below the header size", m.length), 24);
  }
  std::size_t end = m.length;
  if (end > data.size()) {
    m.anomalies.push_back(
        fmt::format("message truncated: header says {} bytes, {} captured", m.length, data.size()));
    end = data.size();
  } else if (end < data.size()) {
    m.anomalies.push_back(
        fmt::format("{} bytes after the message (header length {})", data.size() - end, m.length));
  }
  m.raw = data.subspan(0, end);
  Bytes body = m.raw.subspan(kIkeHeaderSize);
  if (m.major == 1 && (m.flags & 0x01) != 0) {
    // IKEv1 encryption covers every payload after the header: nothing to walk without keys.
    m.encrypted = true;
    m.encrypted_first_payload = m.first_payload;
    m.encrypted_offset = kIkeHeaderSize;
    m.encrypted_length = body.size();
    return m;
  }
  parse_payload_chain(m, m.first_payload, body, false);
  return m;
}

bool looks_like_ike(Bytes data) {
  if (data.size() < kIkeHeaderSize) return false;
  Reader r(data);
  r.skip(16);
  std::uint8_t next = r.u8();
  std::uint8_t version = r.u8();
  std::uint8_t exchange = r.u8();
  r.u8();
  r.be32();
  std::uint32_t length = r.be32();
  std::uint8_t major = version >> 4;
  if ((version & 0x0f) != 0 || (major != 1 && major != 2)) return false;
  if (length != data.size()) return false;
  if (!known_exchange(major, exchange) || !known_payload(major, next)) return false;
  // The initiator SPI is never zero.
  for (std::size_t i = 0; i < 8; ++i) {
    if (data[i] != 0) return true;
  }
  return false;
}

std::string payload_summary(const IkeMessage& m) {
  std::string out;
  for (const Payload& p : m.payloads) {
    if (!out.empty()) out += ' ';
    if (p.type == 46 || p.type == 53) {
      out += p.type == 46 ? "SK{" : "SKF{";
      if (m.fragment_number) {
        out += fmt::format("{}/{}", *m.fragment_number, m.fragment_total.value_or(0));
      }
      if (!m.decrypted) out += fmt::format("{}B", m.encrypted_length);
      out += "}";
      continue;
    }
    std::string name = payload_abbrev(m.major, p.type);
    if (const Notify* n = p.notify()) name += fmt::format("({})", notify_name(m.major, n->type));
    if (p.inner) name = "+" + name;
    out += name;
  }
  if (m.major == 1 && m.encrypted && !m.decrypted) {
    out += fmt::format("{}encrypted {}B", out.empty() ? "" : " ", m.encrypted_length);
  }
  return out;
}

}  // namespace ikedecode
