// pcap and pcapng records read in place (see capture_file.hpp). Formats: the pcap file format
// (draft-ietf-opsawg-pcap) and pcapng (draft-ietf-opsawg-pcapng); error sentences as libpcap
// 1.10 words them so that a truncated capture is reported the same whichever reader read it.
#include "seckit/capture_file.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

namespace seckit::net {
namespace {

using bytes::Bytes;
using bytes::Reader;

constexpr std::uint32_t kPcapMagicMicro = 0xa1b2c3d4;
constexpr std::uint32_t kPcapMagicNano = 0xa1b23c4d;
constexpr std::uint32_t kPcapngSectionHeader = 0x0a0d0d0a;
constexpr std::size_t kPcapFileHeader = 24;
constexpr std::size_t kPcapRecordHeader = 16;

std::uint16_t u16(Reader& r, bool little) { return little ? r.le16() : r.be16(); }
std::uint32_t u32(Reader& r, bool little) { return little ? r.le32() : r.be32(); }

// libpcap's max_snaplen_for_dlt(): what a record may hold before the file counts as corrupt.
std::uint32_t max_caplen_for(int dlt) {
  switch (dlt) {
    case 231:  // DLT_DBUS
      return 128 * 1024 * 1024;
    case 279:  // DLT_EBHSCR
      return 8 * 1024 * 1024;
    case 249:  // DLT_USBPCAP
      return 1024 * 1024;
    default:
      return 262144;
  }
}

class MemoryBytes : public CaptureBytes {
 public:
  explicit MemoryBytes(Bytes data) : data_(data) {}
  Bytes peek(std::size_t n) override {
    return data_.subspan(pos_, std::min(n, data_.size() - pos_));
  }
  void consume(std::size_t n) override { pos_ += std::min(n, data_.size() - pos_); }
  std::uint64_t position() const override { return pos_; }

 protected:
  Bytes data_;
  std::size_t pos_ = 0;
};

// A file or a pipe read through one buffer: a record is handed out as a view into it (no copy
// beyond the kernel's), and the buffer grows only when a record is larger than it. (Mapping the
// file was tried: on a paravirtualised machine the page-table work cost more than read()'s copy;
// bench/RESULTS.md, ikedecode tenth session.)
class StreamBytes : public CaptureBytes {
 public:
  explicit StreamBytes(int fd) : fd_(fd) {}
  Bytes peek(std::size_t n) override {
    if (end_ - begin_ < n && !eof_) fill(n);
    return Bytes(buffer_.data() + begin_, std::min(n, end_ - begin_));
  }
  void consume(std::size_t n) override {
    n = std::min(n, end_ - begin_);
    begin_ += n;
    position_ += n;
  }
  std::uint64_t position() const override { return position_; }

 private:
  static constexpr std::size_t kChunk = std::size_t{1} << 20;
  // Reads until n bytes are buffered or the stream ends (EINTR: read again).
  void fill(std::size_t n) {
    std::copy(buffer_.begin() + static_cast<std::ptrdiff_t>(begin_),
              buffer_.begin() + static_cast<std::ptrdiff_t>(end_), buffer_.begin());
    end_ -= begin_;
    begin_ = 0;
    if (buffer_.size() < std::max(n, kChunk)) buffer_.resize(std::max(n, kChunk));
    while (end_ < n) {
      ssize_t got = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        eof_ = true;
        return;
      }
      end_ += static_cast<std::size_t>(got);
    }
  }
  int fd_;
  std::vector<std::uint8_t> buffer_;
  std::size_t begin_ = 0, end_ = 0;
  std::uint64_t position_ = 0;
  bool eof_ = false;
};

std::string truncated(std::size_t wanted, std::size_t got, const char* what) {
  return fmt::format("truncated dump file; tried to read {} {}, only got {}", wanted, what, got);
}

}  // namespace

std::unique_ptr<CaptureBytes> memory_bytes(Bytes data) {
  return std::make_unique<MemoryBytes>(data);
}

std::unique_ptr<CaptureBytes> stream_bytes(int fd) { return std::make_unique<StreamBytes>(fd); }

int dlt_from_linktype(std::uint32_t linktype) {
  linktype &= 0x03ffffff;  // the upper bits carry FCS information
  switch (linktype) {
    case 100:
      return 11;  // LINKTYPE_ATM_RFC1483 -> DLT_ATM_RFC1483
    case 101:
      return 12;  // LINKTYPE_RAW -> DLT_RAW
    case 102:
      return 15;  // LINKTYPE_SLIP_BSDOS
    case 103:
      return 16;  // LINKTYPE_PPP_BSDOS
    default:
      return static_cast<int>(linktype);
  }
}

CaptureFormat capture_format(Bytes first_bytes) {
  Reader r(first_bytes);
  std::uint32_t magic = r.le32();
  if (!r.ok()) return CaptureFormat::kUnknown;
  for (std::uint32_t m : {kPcapMagicMicro, kPcapMagicNano}) {
    if (magic == m || magic == __builtin_bswap32(m)) return CaptureFormat::kPcap;
  }
  return magic == kPcapngSectionHeader ? CaptureFormat::kPcapng : CaptureFormat::kUnknown;
}

bool CaptureFileReader::fail(std::string why) {
  error_ = std::move(why);
  return false;
}

bool CaptureFileReader::open_pcap() {
  Bytes header = input_->peek(kPcapFileHeader);
  if (header.size() < kPcapFileHeader) {
    // libpcap counts what it got after the 4 magic bytes it had already read.
    return fail(truncated(kPcapFileHeader, header.size() - 4, "file header bytes"));
  }
  Reader r(header);
  std::uint32_t magic = r.le32();
  swapped_ = magic == kPcapMagicMicro || magic == kPcapMagicNano;  // little-endian fields
  nanoseconds_ = magic == kPcapMagicNano || magic == __builtin_bswap32(kPcapMagicNano);
  std::uint16_t major = u16(r, swapped_);
  u16(r, swapped_);  // minor version
  r.skip(8);         // thiszone, sigfigs
  snapshot_ = u32(r, swapped_);
  link_type_ = dlt_from_linktype(u32(r, swapped_));
  if (major < 2) return fail(fmt::format("archaic pcap savefile format {}", major));
  max_caplen_ = max_caplen_for(link_type_);
  if (snapshot_ == 0 || snapshot_ > max_caplen_) snapshot_ = max_caplen_;
  input_->consume(kPcapFileHeader);
  return true;
}

bool CaptureFileReader::next_pcap(CaptureRecord& record) {
  Bytes header = input_->peek(kPcapRecordHeader);
  if (header.size() < kPcapRecordHeader) {
    if (header.empty()) return false;  // the end, between records
    return fail(truncated(kPcapRecordHeader, header.size(), "header bytes"));
  }
  Reader r(header);
  record.ts_sec = u32(r, swapped_);
  std::uint32_t fraction = u32(r, swapped_);
  record.ts_usec = static_cast<std::int32_t>(nanoseconds_ ? fraction / 1000 : fraction);
  std::uint32_t caplen = u32(r, swapped_);
  record.origlen = u32(r, swapped_);
  if (caplen > max_caplen_) {
    return fail(fmt::format("invalid packet capture length {}, bigger than maximum of {}", caplen,
                            max_caplen_));
  }
  Bytes body = input_->peek(kPcapRecordHeader + caplen);
  if (body.size() < kPcapRecordHeader + caplen) {
    return fail(truncated(caplen, body.size() - kPcapRecordHeader, "captured bytes"));
  }
  record.caplen = std::min(caplen, snapshot_);  // libpcap discards what exceeds the snapshot
  record.data = body.subspan(kPcapRecordHeader, record.caplen);
  input_->consume(kPcapRecordHeader + caplen);
  return true;
}

bool CaptureFileReader::next(CaptureRecord& record) {
  if (!ok()) return false;
  return format_ == CaptureFormat::kPcap ? next_pcap(record) : next_pcapng(record);
}

}  // namespace seckit::net
