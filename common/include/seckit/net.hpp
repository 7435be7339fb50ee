// common/net: the capture layer every pcap-reading tool shares (ikedecode, sslvpn-trace, cbaudit).
//
//   PcapSource      capture files (our reader, capture_file.hpp) and live capture (libpcap),
//                   optional BPF filter, one packet at a time
//   decode_link     Ethernet (+802.1Q/QinQ), Linux SLL/SLL2, raw IPv4/IPv6, BSD NULL/LOOP
//   parse_ip        IPv4 and IPv6 (extension header chain), fragment information
//   FragmentReassembler  bounded IPv4/IPv6 fragment reassembly
//   parse_udp / parse_tcp  transport headers
//   PacketDecoder   all of the above: raw frame in, Transport (UDP/TCP payload + addresses) out
//   TcpReassembler  per-direction in-order byte streams with gaps reported
//
// Everything streams: one packet in, zero or more callbacks out. Memory is bounded by the limits
// in each class, never by the size of the capture. Malformed input produces an Anomaly (a record
// the tool prints) and decoding carries on; nothing here throws per packet.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/anomaly.hpp"
#include "seckit/bytes.hpp"
#include "seckit/result.hpp"

namespace seckit::net {

using bytes::Bytes;

// Where a packet came from in the capture (frame numbers are 1-based like Wireshark's).
struct FrameInfo {
  std::uint64_t frame = 0;
  std::int64_t ts_sec = 0;
  std::int32_t ts_usec = 0;
  std::uint32_t caplen = 0;
  std::uint32_t origlen = 0;
  double time() const { return static_cast<double>(ts_sec) + ts_usec / 1e6; }
};

// Something odd in the capture, reported as data: the one anomaly type (seckit/anomaly.hpp).
using Anomaly = seckit::Anomaly;
using AnomalyHandler = seckit::AnomalyHandler;

// ---------------------------------------------------------------------------------------------
// libpcap reader

struct RawPacket {
  FrameInfo info;
  Bytes data;  // valid until the next call to PcapSource::next()
};

class PcapSource {
 public:
  // Opens a pcap or pcapng file ("-" = stdin). Throws seckit::ToolError (exit 2) when the file
  // cannot be opened or is not a capture.
  explicit PcapSource(const std::string& path);
  // Captures live on an interface ("any": all of them, Linux cooked headers), in immediate mode
  // so that each packet is delivered as it arrives. Throws seckit::ToolError: exit 3 when the
  // interface cannot be opened (no such device, no CAP_NET_RAW).
  static std::unique_ptr<PcapSource> live(const std::string& interface);
  // Live only: while waiting for packets, next() asks this every ~100 ms and returns false
  // (the end) once it says stop.
  void set_stop(std::function<bool()> stop) { stop_ = std::move(stop); }
  bool is_live() const { return live_; }
  ~PcapSource();
  PcapSource(const PcapSource&) = delete;
  PcapSource& operator=(const PcapSource&) = delete;

  // Compiles and installs a BPF filter (tcpdump syntax); throws a usage error when invalid.
  void set_filter(const std::string& expression);
  // Next packet, or false at the end. A truncated or corrupt file ends the stream early and
  // leaves the reason in error() (the packets before it were delivered).
  bool next(RawPacket& packet);
  const std::string& error() const { return error_; }
  int link_type() const { return link_type_; }
  // Bytes consumed so far and the file size (0 when unknown, e.g. stdin), for progress output.
  std::uint64_t position() const;
  std::uint64_t file_size() const { return file_size_; }

 private:
  PcapSource();
  bool open_own(const std::string& path, bool regular);
  void open_libpcap(const std::string& path);
  bool next_from_file(RawPacket& packet);
  struct Handle;
  std::unique_ptr<Handle> handle_;
  std::function<bool()> stop_;
  bool live_ = false;
  int link_type_ = 0;
  std::uint64_t frame_ = 0;
  std::uint64_t file_size_ = 0;
  std::string error_;
};

// Name of a DLT_/LINKTYPE_ value ("EN10MB", "LINUX_SLL2", ...), or "DLT_<n>".
std::string link_type_name(int link_type);

// ---------------------------------------------------------------------------------------------
// The capture driver: one packet loop for every pcap tool

// Where packets come from and when to stop. Files are read in order ("-" = stdin); with an
// interface, packets are captured live instead.
struct CaptureSpec {
  std::vector<std::string> files;
  std::string interface;    // live capture ("any" too); needs CAP_NET_RAW
  std::string filter;       // BPF, tcpdump syntax
  std::uint64_t count = 0;  // stop after this many packets in all (0: no limit)
  double duration = 0;      // live: stop after this many seconds (0: no limit)
  bool progress = false;    // percent done on stderr while files are read (for a terminal)
};

// Why the packets stopped coming.
enum class CaptureEnd { kComplete, kCount, kDuration, kInterrupted };
std::string_view capture_end_name(CaptureEnd end);  // "complete", "count", "duration", ...

struct CaptureHandlers {
  // A file or the interface starts: its name and link type (a PacketDecoder is made per source).
  std::function<void(const std::string& source, int link_type)> begin;
  std::function<void(const RawPacket& packet)> packet;
  // The source ended. `truncation` is empty when it was read to its end, else one sentence:
  // "capture ends early after frame N: <libpcap's reason>".
  std::function<void(const std::string& source, std::uint64_t last_frame,
                     const std::string& truncation)>
      end;
};

// Runs the sources of spec in order through the handlers until they end or a limit is hit.
// Throws seckit::ToolError for a file that cannot be read or an invalid filter (before any
// packet of that source).
CaptureEnd run_capture(const CaptureSpec& spec, const CaptureHandlers& handlers);

// SIGINT and SIGTERM end a capture cleanly instead of killing the tool: run_capture returns
// kInterrupted, the tool writes its summary and exits 130. Installed once; harmless to repeat.
void stop_on_interrupt();
bool interrupted();

// ---------------------------------------------------------------------------------------------
// Layers

struct LinkFrame {
  std::uint16_t ethertype = 0;       // 0x0800 IPv4, 0x86dd IPv6 (others are not decoded further)
  std::vector<std::uint16_t> vlans;  // 802.1Q / 802.1ad tags, outermost first
  Bytes payload;
};
// Strips the link layer of one frame. Unsupported link types and non-IP frames are errors the
// caller may count silently (most captures are full of ARP).
Result<LinkFrame> decode_link(int link_type, Bytes frame);

struct Address {
  std::uint8_t version = 0;  // 4 or 6
  std::array<std::uint8_t, 16> bytes{};
  Bytes view() const { return Bytes(bytes.data(), version == 4 ? 4 : 16); }
  std::string to_string() const;
  // clang-tidy 14 reports modernize-use-nullptr inside the synthesized comparison.
  auto operator<=>(const Address&) const = default;  // NOLINT(modernize-use-nullptr)
};
// Parses "192.0.2.1" or "2001:db8::1".
std::optional<Address> parse_address(const std::string& text);

struct IpPacket {
  std::uint8_t version = 0;
  Address src, dst;
  std::uint8_t protocol = 0;  // upper-layer protocol after any IPv6 extension headers
  std::uint8_t ttl = 0;       // hop limit for IPv6
  std::vector<std::uint8_t> extension_headers;  // IPv6 next-header values walked through
  bool fragment = false;  // this packet is a fragment (offset > 0 or more-fragments set)
  std::uint32_t fragment_id = 0;
  std::uint32_t fragment_offset = 0;  // bytes
  bool more_fragments = false;
  bool truncated = false;  // the capture holds fewer bytes than the header's length says
  Bytes payload;           // upper-layer bytes (this fragment's share when fragmented)
};
// One IPv4 or IPv6 packet (the version nibble decides).
Result<IpPacket> parse_ip(Bytes data);

// Bounded reassembly of IPv4/IPv6 fragments. Limits keep memory constant whatever the capture
// holds: at most max_datagrams in progress (the oldest is evicted), max_fragments per datagram,
// datagrams never larger than 65535 bytes of payload, and incomplete ones expire after
// timeout_seconds of capture time. Every eviction or expiry is an anomaly ("fragments-incomplete").
struct ReassemblyLimits {
  std::size_t max_datagrams = 256;
  std::size_t max_fragments = 128;
  double timeout_seconds = 30.0;
};

struct ReassembledDatagram {
  IpPacket header;                    // first fragment's header; payload points into data
  std::vector<std::uint8_t> data;     // the complete upper-layer payload
  std::vector<std::uint64_t> frames;  // frames that carried the fragments, in arrival order
};

class FragmentReassembler {
 public:
  explicit FragmentReassembler(ReassemblyLimits limits = {}, AnomalyHandler on_anomaly = {});
  // Adds one fragment; returns the whole datagram once the last hole is filled.
  std::optional<ReassembledDatagram> add(const FrameInfo& info, const IpPacket& fragment);
  // Reports every incomplete datagram (end of capture) and forgets them.
  void flush();
  std::size_t in_progress() const { return pending_.size(); }

 private:
  struct Key {
    std::uint8_t version;
    Address src, dst;
    std::uint8_t protocol;
    std::uint32_t id;
    auto operator<=>(const Key&) const = default;  // NOLINT(modernize-use-nullptr): tidy-14 bug
  };
  struct Pending {
    IpPacket first;  // header of the fragment at offset 0 (payload not kept)
    bool have_first = false;
    std::vector<std::uint8_t> data;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;  // [begin, end) received
    std::optional<std::uint32_t> total;  // known once the last fragment arrives
    std::vector<std::uint64_t> frames;
    double first_seen = 0;
    std::uint64_t order = 0;
  };
  void drop(std::map<Key, Pending>::iterator it, std::uint64_t frame, const std::string& why);
  void expire(double now, std::uint64_t frame);
  ReassemblyLimits limits_;
  AnomalyHandler on_anomaly_;
  std::map<Key, Pending> pending_;
  std::uint64_t counter_ = 0;
};

struct UdpHeader {
  std::uint16_t src_port = 0, dst_port = 0, length = 0, checksum = 0;
  Bytes payload;
};
Result<UdpHeader> parse_udp(Bytes data);

struct TcpHeader {
  std::uint16_t src_port = 0, dst_port = 0;
  std::uint32_t seq = 0, ack = 0;
  std::uint8_t flags = 0;  // FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10
  std::uint16_t window = 0;
  Bytes payload;
};
Result<TcpHeader> parse_tcp(Bytes data);

// ---------------------------------------------------------------------------------------------
// The whole stack

enum class TransportKind { kUdp, kTcp, kOther };

struct Transport {
  FrameInfo info;  // the frame that completed the packet (last fragment when reassembled)
  IpPacket ip;
  TransportKind kind = TransportKind::kOther;
  UdpHeader udp;  // kind == kUdp
  TcpHeader tcp;  // kind == kTcp
  Bytes payload;  // UDP/TCP payload (or IP payload for kOther); valid during the callback
  std::vector<std::uint64_t> fragment_frames;  // non-empty when IP-reassembled
};
using TransportHandler = std::function<void(const Transport&)>;

struct DecoderStats {
  std::uint64_t frames = 0;
  std::uint64_t bytes = 0;
  std::uint64_t non_ip = 0;
  std::uint64_t ip = 0;
  std::uint64_t fragments = 0;
  std::uint64_t reassembled = 0;
  std::uint64_t udp = 0;
  std::uint64_t tcp = 0;
  std::uint64_t malformed = 0;
};

class PacketDecoder {
 public:
  PacketDecoder(int link_type, TransportHandler on_transport, AnomalyHandler on_anomaly,
                ReassemblyLimits limits = {});
  void feed(const RawPacket& packet);
  void flush() { reassembler_.flush(); }
  const DecoderStats& stats() const { return stats_; }

 private:
  void deliver(const FrameInfo& info, const IpPacket& ip, std::vector<std::uint64_t> frames);
  int link_type_;
  TransportHandler on_transport_;
  AnomalyHandler on_anomaly_;
  FragmentReassembler reassembler_;
  DecoderStats stats_;
};

// ---------------------------------------------------------------------------------------------
// TCP stream reassembly

struct FlowKey {
  Address src, dst;
  std::uint16_t src_port = 0, dst_port = 0;
  // clang-tidy 14 reports modernize-use-nullptr inside the synthesized comparison.
  auto operator<=>(const FlowKey&) const = default;  // NOLINT(modernize-use-nullptr)
};

// In-order bytes of one direction of a TCP connection. `gap` > 0 means that many bytes were
// never seen before this chunk (lost in capture or evicted); consumers resynchronise.
struct StreamChunk {
  FlowKey flow;
  std::uint64_t frame = 0;
  double time = 0;
  std::uint64_t offset = 0;  // position of data in the direction's byte stream (after the SYN)
  std::uint64_t gap = 0;
  Bytes data;
};
// kEvicted: dropped to respect TcpLimits::max_flows; kEnd: still open when the capture ended.
enum class StreamEvent { kOpen, kFin, kReset, kEvicted, kEnd };
using StreamHandler = std::function<void(const StreamChunk&)>;
using StreamEventHandler = std::function<void(const FlowKey&, StreamEvent, std::uint64_t frame)>;

struct TcpLimits {
  std::size_t max_flows = 4096;              // oldest direction evicted beyond this
  std::size_t max_buffered_bytes = 1 << 20;  // out-of-order bytes held per direction
};

class TcpReassembler {
 public:
  TcpReassembler(StreamHandler on_data, StreamEventHandler on_event = {}, TcpLimits limits = {});
  void add(const Transport& segment);
  // Delivers what is buffered (reporting gaps) and closes every flow.
  void flush();
  std::size_t flows() const { return flows_.size(); }

 private:
  struct Direction {
    bool synced = false;
    std::uint32_t isn = 0;   // sequence number of the first data byte
    std::uint64_t next = 0;  // next expected stream offset
    std::map<std::uint64_t, std::vector<std::uint8_t>> pending;  // offset -> bytes
    std::size_t pending_bytes = 0;
    std::uint64_t last_frame = 0;
    double last_time = 0;
    std::uint64_t order = 0;
  };
  std::uint64_t offset_of(Direction& dir, std::uint32_t seq) const;
  void drain(const FlowKey& key, Direction& dir, bool force);
  StreamHandler on_data_;
  StreamEventHandler on_event_;
  TcpLimits limits_;
  std::map<FlowKey, Direction> flows_;
  std::uint64_t counter_ = 0;
};

}  // namespace seckit::net
