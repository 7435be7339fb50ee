// pcapng blocks (draft-ietf-opsawg-pcapng): Section Header, Interface Description (with
// if_tsresol and if_tsoffset), Enhanced, Simple and the obsolete Packet Block; every other block
// is skipped. The link type is the first interface's; like libpcap, a file whose interfaces
// differ in link type ends with an error at the first one that differs.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "seckit/capture_file.hpp"

namespace seckit::net {
namespace {

using bytes::Bytes;
using bytes::Reader;

constexpr std::uint32_t kSectionHeader = 0x0a0d0d0a;
constexpr std::uint32_t kByteOrderMagic = 0x1a2b3c4d;
constexpr std::uint32_t kInterface = 1;
constexpr std::uint32_t kPacket = 2;  // obsolete Packet Block
constexpr std::uint32_t kSimplePacket = 3;
constexpr std::uint32_t kEnhancedPacket = 6;
constexpr std::uint16_t kOptionEnd = 0;
constexpr std::uint16_t kOptionTsResol = 9;
constexpr std::uint16_t kOptionTsOffset = 14;
constexpr std::uint32_t kMaxBlock = 16 * 1024 * 1024;  // libpcap's limit
constexpr std::uint32_t kMaxCaplen = 262144;

std::uint16_t ng_u16(Reader& r, bool little) { return little ? r.le16() : r.be16(); }
std::uint32_t ng_u32(Reader& r, bool little) { return little ? r.le32() : r.be32(); }
std::uint64_t ng_u64(Reader& r, bool little) { return little ? r.le64() : r.be64(); }

struct Interface {
  int link_type = 0;
  std::uint32_t snapshot = kMaxCaplen;
  std::uint64_t units_per_second = 1000000;  // if_tsresol (default microseconds)
  bool binary = false;                       // units are a power of two
  std::int64_t offset_seconds = 0;           // if_tsoffset
};

struct Block {
  std::uint32_t type = 0;
  Bytes body;  // between the length fields
};

std::string truncated_block(std::size_t wanted, std::size_t got) {
  return fmt::format("truncated pcapng dump file; tried to read {} bytes, only got {}", wanted,
                     got);
}

}  // namespace

struct CaptureFileReader::Pcapng {
  bool little = true;
  std::vector<Interface> interfaces;
  int first_link_type = -1;
  std::uint32_t snapshot = kMaxCaplen;  // the first interface's, as libpcap keeps it

  // The next block; false at the end (error empty) or on damage (error set).
  bool read_block(CaptureBytes& input, Block& block, std::string& error);
  bool section_header(Bytes body, std::string& error);
  bool interface(Bytes body, std::string& error);
  bool packet(const Block& block, CaptureRecord& record, std::string& error) const;
  void timestamp(const Interface& ifc, std::uint64_t t, CaptureRecord& record) const;
};

bool CaptureFileReader::Pcapng::read_block(CaptureBytes& input, Block& block, std::string& error) {
  Bytes head = input.peek(12);
  if (head.empty()) return false;
  if (head.size() < 8) {
    error = truncated_block(8, head.size());
    return false;
  }
  Reader r(head);
  block.type = ng_u32(r, little);
  if (block.type == kSectionHeader) {
    // The byte order is the section's own: its magic decides before the length is read.
    Reader order(head.subspan(std::min<std::size_t>(8, head.size())));
    std::uint32_t magic = order.le32();
    if (magic != kByteOrderMagic && magic != __builtin_bswap32(kByteOrderMagic)) {
      error = "unknown file format";
      return false;
    }
    little = magic == kByteOrderMagic;
    r = Reader(head.subspan(4));
  }
  std::uint32_t total = ng_u32(r, little);
  if (total < 12) {
    error = fmt::format("block in pcapng dump file has a length of {} < 12", total);
    return false;
  }
  if (total > kMaxBlock) {
    error = fmt::format("pcapng block size {} > maximum {}", total, kMaxBlock);
    return false;
  }
  Bytes whole = input.peek(total);
  if (whole.size() < total) {
    // libpcap counts after the fields it had read: 12 bytes of a section header, else 8.
    std::size_t before = block.type == kSectionHeader ? 12 : 8;
    error = truncated_block(total - before, whole.size() - std::min(before, whole.size()));
    return false;
  }
  Reader trailer(whole.subspan(total - 4));
  if (ng_u32(trailer, little) != total) {
    error = "block total length in header and trailer don't match";
    return false;
  }
  block.body = whole.subspan(8, total - 12);
  input.consume(total);
  return true;
}

bool CaptureFileReader::Pcapng::section_header(Bytes body, std::string& error) {
  Reader r(body);
  r.skip(4);  // byte-order magic, read already
  std::uint16_t major = ng_u16(r, little);
  std::uint16_t minor = ng_u16(r, little);
  if (!r.ok() || major != 1) {
    error = fmt::format("unsupported pcapng savefile version {}.{}", major, minor);
    return false;
  }
  interfaces.clear();  // interface numbers are per section
  return true;
}

bool CaptureFileReader::Pcapng::interface(Bytes body, std::string& error) {
  Reader r(body);
  Interface ifc;
  std::uint16_t linktype = ng_u16(r, little);
  ifc.link_type = dlt_from_linktype(linktype);
  r.skip(2);
  std::uint32_t snaplen = ng_u32(r, little);
  if (!r.ok()) {
    error = "an Interface Description Block is too short";
    return false;
  }
  if (snaplen != 0 && snaplen < kMaxCaplen) ifc.snapshot = snaplen;
  while (r.remaining() >= 4) {
    std::uint16_t code = ng_u16(r, little);
    std::uint16_t length = ng_u16(r, little);
    Reader value = r.sub(length);
    r.skip((4 - length % 4) % 4);
    if (code == kOptionEnd || !r.ok()) break;
    if (code == kOptionTsResol && length >= 1) {
      std::uint8_t v = value.u8();
      ifc.binary = (v & 0x80) != 0;
      std::uint8_t exponent = v & 0x7f;
      if (exponent > (ifc.binary ? 63 : 19)) {
        error = fmt::format("if_tsresol of an interface is {}^-{}, which is too fine",
                            ifc.binary ? 2 : 10, exponent);
        return false;
      }
      ifc.units_per_second = 1;
      for (int i = 0; i < exponent; ++i) ifc.units_per_second *= ifc.binary ? 2 : 10;
    } else if (code == kOptionTsOffset && length >= 8) {
      ifc.offset_seconds = static_cast<std::int64_t>(ng_u64(value, little));
    }
  }
  if (first_link_type < 0) {
    first_link_type = ifc.link_type;
    snapshot = ifc.snapshot;
  } else if (ifc.link_type != first_link_type) {
    error = fmt::format("an interface has a type {} different from the type of the first interface",
                        linktype);
    return false;
  }
  interfaces.push_back(ifc);
  return true;
}

void CaptureFileReader::Pcapng::timestamp(const Interface& ifc, std::uint64_t t,
                                          CaptureRecord& record) const {
  std::uint64_t units = ifc.units_per_second;
  std::uint64_t fraction = t % units;
  record.ts_sec = static_cast<std::int64_t>(t / units) + ifc.offset_seconds;
  // Microseconds, finer resolutions truncated (what libpcap gives at MICRO precision).
  unsigned __int128 usec = static_cast<unsigned __int128>(fraction) * 1000000 / units;
  record.ts_usec = static_cast<std::int32_t>(usec);
}

bool CaptureFileReader::Pcapng::packet(const Block& block, CaptureRecord& record,
                                       std::string& error) const {
  Reader r(block.body);
  std::uint32_t id = 0;
  std::uint64_t t = 0;
  std::uint32_t caplen = 0;
  if (block.type == kSimplePacket) {
    record.origlen = ng_u32(r, little);
    caplen = static_cast<std::uint32_t>(std::min<std::uint64_t>(record.origlen, r.remaining()));
  } else {
    id = block.type == kPacket ? ng_u16(r, little) : ng_u32(r, little);
    if (block.type == kPacket) r.skip(2);  // drops count
    std::uint64_t high = ng_u32(r, little);
    t = high << 32 | ng_u32(r, little);
    caplen = ng_u32(r, little);
    record.origlen = ng_u32(r, little);
  }
  if (id >= interfaces.size()) {
    error = fmt::format(
        "a packet arrived on interface {}, but there's no Interface Description "
        "Block for that interface",
        id);
    return false;
  }
  Bytes data = r.bytes(caplen);
  if (!r.ok()) {
    error =
        fmt::format("a packet block's captured length {} runs past the end of the block", caplen);
    return false;
  }
  const Interface& ifc = interfaces[id];
  if (block.type == kSimplePacket) {
    record.ts_sec = 0;  // a Simple Packet Block has no timestamp
    record.ts_usec = 0;
  } else {
    timestamp(ifc, t, record);
  }
  record.caplen = std::min(caplen, snapshot);
  record.data = data.first(record.caplen);
  return true;
}

// Here rather than in capture_file.cpp: destroying pcapng_ needs Pcapng complete.
CaptureFileReader::CaptureFileReader(std::unique_ptr<CaptureBytes> input)
    : input_(std::move(input)) {
  Bytes magic = input_->peek(4);
  format_ = capture_format(magic);
  if (format_ == CaptureFormat::kPcap) {
    open_pcap();
  } else if (format_ == CaptureFormat::kPcapng) {
    open_pcapng();
  } else if (magic.size() < 4) {
    fail(fmt::format("truncated dump file; tried to read 4 file header bytes, only got {}",
                     magic.size()));
  } else {
    fail("unknown file format");
  }
}

CaptureFileReader::~CaptureFileReader() = default;

bool CaptureFileReader::open_pcapng() {
  pcapng_ = std::make_unique<Pcapng>();
  Block block;
  if (!pcapng_->read_block(*input_, block, error_) || block.type != kSectionHeader) {
    return fail(error_.empty() ? "unknown file format" : error_);
  }
  if (!pcapng_->section_header(block.body, error_)) return false;
  // The link type is the first interface's: read blocks up to it (packets cannot come first).
  while (pcapng_->first_link_type < 0) {
    if (!pcapng_->read_block(*input_, block, error_)) {
      return fail(error_.empty() ? "the capture file has no Interface Description Blocks" : error_);
    }
    if (block.type == kInterface && !pcapng_->interface(block.body, error_)) return false;
    if (block.type == kSimplePacket || block.type == kEnhancedPacket || block.type == kPacket) {
      return fail("the capture file has no Interface Description Blocks");
    }
  }
  link_type_ = pcapng_->first_link_type;
  return true;
}

bool CaptureFileReader::next_pcapng(CaptureRecord& record) {
  Block block;
  while (pcapng_->read_block(*input_, block, error_)) {
    switch (block.type) {
      case kSectionHeader:
        if (!pcapng_->section_header(block.body, error_)) return false;
        break;
      case kInterface:
        if (!pcapng_->interface(block.body, error_)) return false;
        break;
      case kEnhancedPacket:
      case kSimplePacket:
      case kPacket:
        return pcapng_->packet(block, record, error_);
      default:
        break;  // statistics, name resolution, decryption secrets, custom blocks
    }
  }
  return false;
}

}  // namespace seckit::net
