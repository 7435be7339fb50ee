#include <arpa/inet.h>
#include <fmt/format.h>
#include <pcap/dlt.h>

#include "seckit/net.hpp"

namespace seckit::net {
namespace {

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86dd;

bool is_vlan(std::uint16_t ethertype) {
  return ethertype == 0x8100 || ethertype == 0x88a8 || ethertype == 0x9100;
}

// Strips 802.1Q/802.1ad tags after an Ethernet or SLL header.
Result<LinkFrame> after_ethertype(std::uint16_t ethertype, bytes::Reader& r) {
  LinkFrame frame;
  int depth = 0;
  while (is_vlan(ethertype)) {
    if (++depth > 8) return parse_error("more than 8 VLAN tags", r.absolute_offset());
    std::uint16_t tci = r.be16();
    ethertype = r.be16();
    if (!r.ok()) return r.error("truncated VLAN tag");
    frame.vlans.push_back(static_cast<std::uint16_t>(tci & 0x0fff));
  }
  frame.ethertype = ethertype;
  frame.payload = r.rest();
  return frame;
}

// The ethertype for an IP packet whose version nibble we can see (raw and NULL links).
Result<LinkFrame> by_version(Bytes data) {
  if (data.empty()) return parse_error("empty packet");
  LinkFrame frame;
  std::uint8_t version = data[0] >> 4;
  if (version == 4) {
    frame.ethertype = kEtherIpv4;
  } else if (version == 6) {
    frame.ethertype = kEtherIpv6;
  } else {
    return parse_error(fmt::format("raw packet with IP version {}", version));
  }
  frame.payload = data;
  return frame;
}

}  // namespace

Result<LinkFrame> decode_link(int link_type, Bytes data) {
  bytes::Reader r(data);
  switch (link_type) {
    case DLT_EN10MB: {
      r.skip(12);
      std::uint16_t ethertype = r.be16();
      if (!r.ok()) return r.error("truncated Ethernet header");
      if (ethertype < 0x0600) return parse_error("802.3 length field (not Ethernet II)");
      return after_ethertype(ethertype, r);
    }
    case DLT_LINUX_SLL: {
      r.skip(14);
      std::uint16_t protocol = r.be16();
      if (!r.ok()) return r.error("truncated Linux cooked (SLL) header");
      return after_ethertype(protocol, r);
    }
    case DLT_LINUX_SLL2: {
      std::uint16_t protocol = r.be16();
      r.skip(18);
      if (!r.ok()) return r.error("truncated Linux cooked v2 (SLL2) header");
      return after_ethertype(protocol, r);
    }
    case DLT_NULL:
    case DLT_LOOP: {
      // BSD loopback: a 4-byte address family, host order (NULL) or network order (LOOP).
      // AF_INET is 2 everywhere; AF_INET6 is 10, 24, 28 or 30 depending on the OS. The
      // version nibble of what follows is the reliable signal.
      if (!r.skip(4)) return r.error("truncated loopback header");
      return by_version(r.rest());
    }
    case DLT_RAW:
    case 14:   // DLT_RAW on OpenBSD
    case 101:  // LINKTYPE_RAW as stored in files
      return by_version(data);
    case 228: {  // LINKTYPE_IPV4
      auto frame = by_version(data);
      if (frame.ok() && frame->ethertype != kEtherIpv4) return parse_error("IPV4 link, not IPv4");
      return frame;
    }
    case 229: {  // LINKTYPE_IPV6
      auto frame = by_version(data);
      if (frame.ok() && frame->ethertype != kEtherIpv6) return parse_error("IPV6 link, not IPv6");
      return frame;
    }
    default:
      return parse_error(fmt::format("unsupported link type {}", link_type_name(link_type)));
  }
}

std::string Address::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (version == 4) {
    // By hand: glibc's inet_ntop formats IPv4 with sprintf, a cost paid for every record.
    std::string out;
    out.reserve(15);
    for (std::size_t i = 0; i < 4; ++i) {
      if (i > 0) out += '.';
      unsigned v = bytes[i];
      if (v >= 100) out += static_cast<char>('0' + v / 100);
      if (v >= 10) out += static_cast<char>('0' + v / 10 % 10);
      out += static_cast<char>('0' + v % 10);
    }
    return out;
  }
  if (version == 6) {
    inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
  } else {
    return "?";
  }
  return text;
}

std::optional<Address> parse_address(const std::string& text) {
  Address address;
  if (inet_pton(AF_INET, text.c_str(), address.bytes.data()) == 1) {
    address.version = 4;
    return address;
  }
  if (inet_pton(AF_INET6, text.c_str(), address.bytes.data()) == 1) {
    address.version = 6;
    return address;
  }
  return std::nullopt;
}

namespace {

Result<IpPacket> parse_ipv4(Bytes data) {
  bytes::Reader r(data);
  IpPacket ip;
  ip.version = 4;
  std::uint8_t version_ihl = r.u8();
  std::size_t header_length = std::size_t{version_ihl & 0x0fu} * 4;
  r.u8();  // DSCP/ECN
  std::uint16_t total_length = r.be16();
  std::uint16_t id = r.be16();
  std::uint16_t flags_offset = r.be16();
  ip.ttl = r.u8();
  ip.protocol = r.u8();
  r.be16();  // checksum: not verified, offloaded NICs write garbage into captures
  Bytes src = r.bytes(4);
  Bytes dst = r.bytes(4);
  if (!r.ok()) return r.error("truncated IPv4 header");
  if (header_length < 20) return parse_error("IPv4 header length below 20", 0);
  if (total_length < header_length) return parse_error("IPv4 total length below header length", 2);
  if (data.size() < header_length) return parse_error("truncated IPv4 options", 20);
  ip.src.version = ip.dst.version = 4;
  std::copy(src.begin(), src.end(), ip.src.bytes.begin());
  std::copy(dst.begin(), dst.end(), ip.dst.bytes.begin());
  ip.fragment_id = id;
  ip.more_fragments = (flags_offset & 0x2000) != 0;
  ip.fragment_offset = std::uint32_t{flags_offset & 0x1fffu} * 8;
  ip.fragment = ip.more_fragments || ip.fragment_offset != 0;
  // Ethernet pads short frames: the IP total length, not the frame, says where data ends.
  std::size_t end = total_length;
  if (end > data.size()) {
    ip.truncated = true;
    end = data.size();
  }
  ip.payload = data.subspan(header_length, end - header_length);
  return ip;
}

bool is_ipv6_extension(std::uint8_t next) {
  return next == 0 || next == 43 || next == 44 || next == 60 || next == 51 || next == 135 ||
         next == 139 || next == 140;
}

Result<IpPacket> parse_ipv6(Bytes data) {
  bytes::Reader r(data);
  IpPacket ip;
  ip.version = 6;
  r.be32();  // version, traffic class, flow label
  std::uint16_t payload_length = r.be16();
  std::uint8_t next = r.u8();
  ip.ttl = r.u8();
  Bytes src = r.bytes(16);
  Bytes dst = r.bytes(16);
  if (!r.ok()) return r.error("truncated IPv6 header");
  ip.src.version = ip.dst.version = 6;
  std::copy(src.begin(), src.end(), ip.src.bytes.begin());
  std::copy(dst.begin(), dst.end(), ip.dst.bytes.begin());
  std::size_t available = data.size() - 40;
  // payload_length 0 with a hop-by-hop header is a jumbogram; we take what was captured.
  std::size_t length = payload_length;
  if (payload_length == 0) length = available;
  if (length > available) {
    ip.truncated = true;
    length = available;
  }
  bytes::Reader body(data.subspan(40, length), 40);
  int guard = 0;
  while (is_ipv6_extension(next)) {
    if (++guard > 16) return parse_error("more than 16 IPv6 extension headers", 40);
    ip.extension_headers.push_back(next);
    std::size_t at = body.absolute_offset();
    std::uint8_t following = body.u8();
    std::uint8_t length_field = body.u8();
    if (!body.ok()) return body.error("truncated IPv6 extension header");
    std::size_t header_bytes;
    if (next == 44) {
      std::uint16_t offset_flags = body.be16();
      ip.fragment_id = body.be32();
      if (!body.ok()) return body.error("truncated IPv6 fragment header");
      ip.fragment_offset = offset_flags & 0xfff8u;
      ip.more_fragments = (offset_flags & 1) != 0;
      ip.fragment = true;
      next = following;
      continue;
    }
    // AH counts its length in 4-byte units minus 2; the others in 8-byte units minus 1.
    header_bytes =
        next == 51 ? (std::size_t{length_field} + 2) * 4 : (std::size_t{length_field} + 1) * 8;
    if (!body.skip(header_bytes - 2)) {
      return parse_error("IPv6 extension header runs past the packet", at);
    }
    next = following;
  }
  ip.protocol = next;
  ip.payload = body.rest();
  return ip;
}

}  // namespace

Result<IpPacket> parse_ip(Bytes data) {
  if (data.empty()) return parse_error("empty IP packet");
  switch (data[0] >> 4) {
    case 4:
      return parse_ipv4(data);
    case 6:
      return parse_ipv6(data);
    default:
      return parse_error(fmt::format("IP version {}", data[0] >> 4));
  }
}

Result<UdpHeader> parse_udp(Bytes data) {
  bytes::Reader r(data);
  UdpHeader udp;
  udp.src_port = r.be16();
  udp.dst_port = r.be16();
  udp.length = r.be16();
  udp.checksum = r.be16();
  if (!r.ok()) return r.error("truncated UDP header");
  std::size_t end = data.size();
  // The UDP length trims link padding; a length larger than what we have means truncation, and
  // we still hand over what we have (the IKE parser reports the short message itself).
  if (udp.length >= 8 && udp.length < end) end = udp.length;
  if (udp.length != 0 && udp.length < 8) return parse_error("UDP length below 8", 4);
  udp.payload = data.subspan(8, end - 8);
  return udp;
}

Result<TcpHeader> parse_tcp(Bytes data) {
  bytes::Reader r(data);
  TcpHeader tcp;
  tcp.src_port = r.be16();
  tcp.dst_port = r.be16();
  tcp.seq = r.be32();
  tcp.ack = r.be32();
  std::uint8_t offset = r.u8();
  tcp.flags = r.u8();
  tcp.window = r.be16();
  if (!r.ok()) return r.error("truncated TCP header");
  std::size_t header_length = static_cast<std::size_t>(offset >> 4) * 4;
  if (header_length < 20) return parse_error("TCP data offset below 20", 12);
  if (header_length > data.size()) return parse_error("truncated TCP options", 20);
  tcp.payload = data.subspan(header_length);
  return tcp;
}

}  // namespace seckit::net
