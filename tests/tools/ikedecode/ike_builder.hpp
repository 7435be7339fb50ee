// Builds IKE messages byte by byte from the RFC 7296 / RFC 2408 layouts for the unit tests, so
// the expected values come from the wire format, not from the parser.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

namespace ike_test {

using V = std::vector<std::uint8_t>;

inline void put16(V& v, unsigned x) {
  v.push_back(static_cast<std::uint8_t>(x >> 8));
  v.push_back(static_cast<std::uint8_t>(x));
}
inline void put32(V& v, unsigned long x) {
  put16(v, static_cast<unsigned>(x >> 16));
  put16(v, static_cast<unsigned>(x & 0xffff));
}

struct RawPayload {
  std::uint8_t type;
  V body;
};

// Header + generic payload headers chained by "next payload".
inline V message(int major, std::uint8_t exchange, std::uint8_t flags, std::uint32_t mid,
                 std::initializer_list<RawPayload> payloads, V spi_i = {1, 2, 3, 4, 5, 6, 7, 8},
                 V spi_r = V(8, 0)) {
  V out = std::move(spi_i);
  out.insert(out.end(), spi_r.begin(), spi_r.end());
  std::vector<RawPayload> list(payloads);
  out.push_back(list.empty() ? 0 : list[0].type);
  out.push_back(static_cast<std::uint8_t>(major << 4));
  out.push_back(exchange);
  out.push_back(flags);
  put32(out, mid);
  put32(out, 0);  // length, fixed below
  for (std::size_t i = 0; i < list.size(); ++i) {
    out.push_back(i + 1 < list.size() ? list[i + 1].type : 0);
    out.push_back(0);
    put16(out, static_cast<unsigned>(list[i].body.size() + 4));
    out.insert(out.end(), list[i].body.begin(), list[i].body.end());
  }
  std::size_t len = out.size();
  out[24] = static_cast<std::uint8_t>(len >> 24);
  out[25] = static_cast<std::uint8_t>(len >> 16);
  out[26] = static_cast<std::uint8_t>(len >> 8);
  out[27] = static_cast<std::uint8_t>(len);
  return out;
}

// IKEv2 transform (RFC 7296 3.3.2), optionally with a Key Length attribute.
inline V transform(bool last, std::uint8_t type, std::uint16_t id, int key_length = -1) {
  V t{static_cast<std::uint8_t>(last ? 0 : 3), 0, 0, 0, type, 0};
  put16(t, id);
  if (key_length >= 0) {
    put16(t, 0x800e);
    put16(t, static_cast<unsigned>(key_length));
  }
  t[3] = static_cast<std::uint8_t>(t.size());
  return t;
}

inline V proposal(bool last, std::uint8_t number, std::uint8_t protocol,
                  std::initializer_list<V> transforms, std::uint8_t declared = 0xff) {
  V p{static_cast<std::uint8_t>(last ? 0 : 2),
      0,
      0,
      0,
      number,
      protocol,
      0,
      static_cast<std::uint8_t>(declared == 0xff ? transforms.size() : declared)};
  for (const V& t : transforms) p.insert(p.end(), t.begin(), t.end());
  p[2] = static_cast<std::uint8_t>(p.size() >> 8);
  p[3] = static_cast<std::uint8_t>(p.size());
  return p;
}

inline V notify_v2(std::uint16_t type, V data = {}) {
  V n{0, 0};
  put16(n, type);
  n.insert(n.end(), data.begin(), data.end());
  return n;
}

}  // namespace ike_test
