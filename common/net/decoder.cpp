#include <fmt/format.h>

#include "seckit/net.hpp"

namespace seckit::net {

PacketDecoder::PacketDecoder(int link_type, TransportHandler on_transport,
                             AnomalyHandler on_anomaly, ReassemblyLimits limits)
    : link_type_(link_type),
      on_transport_(std::move(on_transport)),
      on_anomaly_(std::move(on_anomaly)),
      reassembler_(limits, on_anomaly_) {}

void PacketDecoder::feed(const RawPacket& packet) {
  ++stats_.frames;
  stats_.bytes += packet.info.caplen;
  auto link = decode_link(link_type_, packet.data);
  if (!link.ok() || (link->ethertype != 0x0800 && link->ethertype != 0x86dd)) {
    // ARP, LLDP, STP...: ordinary, not an anomaly.
    ++stats_.non_ip;
    return;
  }
  auto ip = parse_ip(link->payload);
  if (!ip.ok()) {
    ++stats_.malformed;
    if (on_anomaly_) {
      on_anomaly_({packet.info.frame, "ip-malformed",
                   fmt::format("{} (at byte {})", ip.error().message, ip.error().offset)});
    }
    return;
  }
  ++stats_.ip;
  if (ip->truncated && on_anomaly_ && packet.info.caplen < packet.info.origlen) {
    // A snap length shorter than the packet is a capture setting, said once per frame so the
    // consumer knows why a message is short.
    on_anomaly_({packet.info.frame, "snaplen-truncated",
                 fmt::format("frame captured with {} of {} bytes", packet.info.caplen,
                             packet.info.origlen)});
  }
  if (ip->fragment) {
    ++stats_.fragments;
    auto whole = reassembler_.add(packet.info, *ip);
    if (!whole) return;
    ++stats_.reassembled;
    whole->header.payload = Bytes(whole->data.data(), whole->data.size());
    deliver(packet.info, whole->header, std::move(whole->frames));
    return;
  }
  deliver(packet.info, *ip, {});
}

void PacketDecoder::deliver(const FrameInfo& info, const IpPacket& ip,
                            std::vector<std::uint64_t> frames) {
  Transport t;
  t.info = info;
  t.ip = ip;
  t.fragment_frames = std::move(frames);
  if (ip.protocol == 17) {
    auto udp = parse_udp(ip.payload);
    if (!udp.ok()) {
      ++stats_.malformed;
      if (on_anomaly_) on_anomaly_({info.frame, "udp-malformed", udp.error().message});
      return;
    }
    ++stats_.udp;
    t.kind = TransportKind::kUdp;
    t.udp = *udp;
    t.payload = udp->payload;
  } else if (ip.protocol == 6) {
    auto tcp = parse_tcp(ip.payload);
    if (!tcp.ok()) {
      ++stats_.malformed;
      if (on_anomaly_) on_anomaly_({info.frame, "tcp-malformed", tcp.error().message});
      return;
    }
    ++stats_.tcp;
    t.kind = TransportKind::kTcp;
    t.tcp = *tcp;
    t.payload = tcp->payload;
  } else {
    t.payload = ip.payload;
  }
  if (on_transport_) on_transport_(t);
}

}  // namespace seckit::net
