#include "seckit/asn1.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace seckit::asn1 {

Result<Tlv> read_tlv(bytes::Reader& reader) {
  Tlv tlv;
  tlv.offset = reader.absolute_offset();
  Bytes start = reader.peek(reader.remaining());
  std::uint8_t id = reader.u8();
  if (!reader.ok()) return reader.error("ASN.1 identifier");
  tlv.tag_class = static_cast<TagClass>(id >> 6);
  tlv.constructed = (id & 0x20) != 0;
  tlv.tag = id & 0x1f;
  if (tlv.tag == 0x1f) {  // high tag number form: base-128, at most 4 octets here
    tlv.tag = 0;
    for (int i = 0;; ++i) {
      std::uint8_t b = reader.u8();
      if (!reader.ok()) return reader.error("ASN.1 tag number");
      if (i >= 4) return parse_error("ASN.1 tag number too large", tlv.offset);
      tlv.tag = (tlv.tag << 7) | (b & 0x7f);
      if (!(b & 0x80)) break;
    }
  }
  std::uint8_t first = reader.u8();
  if (!reader.ok()) return reader.error("ASN.1 length");
  std::size_t length = first;
  if (first == 0x80) return parse_error("ASN.1 indefinite length is not supported", tlv.offset);
  if (first & 0x80) {
    int count = first & 0x7f;
    if (count > 4) return parse_error("ASN.1 length too large", tlv.offset);
    length = 0;
    for (int i = 0; i < count; ++i) length = (length << 8) | reader.u8();
    if (!reader.ok()) return reader.error("ASN.1 length");
  }
  std::size_t header = reader.absolute_offset() - tlv.offset;
  tlv.value = reader.bytes(length);
  if (!reader.ok()) {
    return parse_error(fmt::format("ASN.1 value of {} bytes runs past the end", length),
                       tlv.offset);
  }
  tlv.whole = start.subspan(0, header + length);
  return tlv;
}

Result<std::vector<Tlv>> children(const Tlv& parent, std::size_t max_items) {
  std::vector<Tlv> items;
  std::size_t header = parent.whole.size() - parent.value.size();
  bytes::Reader reader(parent.value, parent.offset + header);
  while (!reader.empty()) {
    if (items.size() >= max_items) return parse_error("too many ASN.1 items", parent.offset);
    auto tlv = read_tlv(reader);
    if (!tlv) return tlv.error();
    items.push_back(*tlv);
  }
  return items;
}

Result<std::string> oid_text(Bytes content) {
  if (content.empty()) return parse_error("empty OBJECT IDENTIFIER");
  std::string text;
  std::uint64_t value = 0;
  bool first = true;
  int octets = 0;
  for (std::size_t i = 0; i < content.size(); ++i) {
    std::uint8_t b = content[i];
    if (++octets > 9) return parse_error("OBJECT IDENTIFIER arc too large", i);
    value = (value << 7) | (b & 0x7f);
    if (b & 0x80) continue;
    if (first) {
      std::uint64_t top = value < 40 ? 0 : value < 80 ? 1 : 2;
      text = fmt::format("{}.{}", top, value - top * 40);
      first = false;
    } else {
      text += fmt::format(".{}", value);
    }
    value = 0;
    octets = 0;
  }
  if (octets != 0) return parse_error("OBJECT IDENTIFIER ends inside an arc");
  return text;
}

Result<std::int64_t> integer(Bytes content) {
  if (content.empty() || content.size() > 8) return parse_error("INTEGER of unsupported size");
  std::int64_t value = (content[0] & 0x80) ? -1 : 0;
  for (std::uint8_t b : content)
    value = static_cast<std::int64_t>((static_cast<std::uint64_t>(value) << 8) | b);
  return value;
}

std::optional<Tlv> find_context(const std::vector<Tlv>& items, std::uint32_t number) {
  for (const auto& item : items) {
    if (item.context(number)) return item;
  }
  return std::nullopt;
}

Der der(std::uint8_t identifier, Bytes content) {
  Der out{identifier};
  std::size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    int octets = 0;
    for (std::size_t v = n; v != 0; v >>= 8) ++octets;
    out.push_back(static_cast<std::uint8_t>(0x80 | octets));
    for (int i = octets - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

Der der_concat(std::initializer_list<Bytes> parts) {
  Der out;
  for (Bytes p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Der der_oid(const std::string& dotted) {
  std::vector<std::uint64_t> arcs;
  std::size_t pos = 0;
  while (pos <= dotted.size()) {
    std::size_t dot = dotted.find('.', pos);
    std::string arc = dotted.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    if (arc.empty() || arc.find_first_not_of("0123456789") != std::string::npos || arc.size() > 18)
      throw std::invalid_argument("bad OBJECT IDENTIFIER: " + dotted);
    arcs.push_back(std::stoull(arc));
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39))
    throw std::invalid_argument("bad OBJECT IDENTIFIER: " + dotted);
  Der content;
  auto put = [&content](std::uint64_t v) {
    std::uint8_t tmp[10];
    int n = 0;
    do {
      tmp[n++] = static_cast<std::uint8_t>(v & 0x7f);
      v >>= 7;
    } while (v != 0);
    while (n > 0) {
      --n;
      content.push_back(static_cast<std::uint8_t>(tmp[n] | (n > 0 ? 0x80 : 0)));
    }
  };
  put(arcs[0] * 40 + arcs[1]);
  for (std::size_t i = 2; i < arcs.size(); ++i) put(arcs[i]);
  return der(0x06, content);
}

Result<Tlv> unwrap_explicit(const Tlv& wrapper) {
  auto items = children(wrapper);
  if (!items) return items.error();
  if (items->size() != 1) {
    return parse_error("explicit tag does not hold one value", wrapper.offset);
  }
  return items->front();
}

Result<std::int64_t> explicit_integer(const std::vector<Tlv>& items, std::uint32_t number) {
  auto wrapper = find_context(items, number);
  if (!wrapper) return parse_error(fmt::format("field [{}] missing", number));
  auto value = unwrap_explicit(*wrapper);
  if (!value) return value.error();
  if (!value->universal(kInteger)) return parse_error("INTEGER expected", value->offset);
  return integer(value->value);
}

Result<std::vector<Tlv>> explicit_sequence(const Tlv& wrapper) {
  auto sequence = unwrap_explicit(wrapper);
  if (!sequence) return sequence.error();
  if (!sequence->universal(kSequence)) return parse_error("SEQUENCE expected", sequence->offset);
  return children(*sequence);
}

}  // namespace seckit::asn1
