// Our own reader of capture files: pcap (microsecond and nanosecond, either byte order) and
// pcapng (SHB/IDB/EPB/SPB/PB, several sections and interfaces, if_tsresol and if_tsoffset).
//
// Why not libpcap: its file reader copies every record out of stdio's buffer into its own, one
// fread() per header and per frame; on a dense capture that costs more than decoding the packets
// does. This one read()s large blocks and hands out frames as views into its buffer (no copy
// beyond the kernel's). libpcap stays for live capture and for compiling BPF.
//
// It delivers what libpcap delivers: the same frames, timestamps at microsecond precision (finer
// ones truncated, as pcap_open_offline_with_tstamp_precision(MICRO) does), the DLT value of the
// link type, caplen clipped to the snapshot length, and on a truncated or corrupt file the frames
// before the damage and then an error worded as libpcap words it ("truncated dump file; tried to
// read 1514 captured bytes, only got 100"). Every length is checked through bytes::Reader.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "seckit/bytes.hpp"

namespace seckit::net {

// Where the capture's bytes come from: a contiguous view of the next bytes on demand.
class CaptureBytes {
 public:
  virtual ~CaptureBytes() = default;
  // Up to n bytes from the current position without consuming them: fewer only at the end of
  // the input. Valid until the next call to peek() or consume().
  virtual bytes::Bytes peek(std::size_t n) = 0;
  virtual void consume(std::size_t n) = 0;
  virtual std::uint64_t position() const = 0;
};

// A whole input in memory (tests, a fuzz input).
std::unique_ptr<CaptureBytes> memory_bytes(bytes::Bytes data);
// A file, a pipe or stdin, read through a 1 MiB buffer that grows only for a larger record.
std::unique_ptr<CaptureBytes> stream_bytes(int fd);

struct CaptureRecord {
  std::int64_t ts_sec = 0;
  std::int32_t ts_usec = 0;
  std::uint32_t caplen = 0;
  std::uint32_t origlen = 0;
  bytes::Bytes data;  // valid until the next call to CaptureFileReader::next()
};

enum class CaptureFormat { kUnknown, kPcap, kPcapng };

// Which format the first bytes of a file announce (its magic number), kUnknown when neither.
CaptureFormat capture_format(bytes::Bytes first_bytes);

class CaptureFileReader {
 public:
  // Reads the file header (pcap) or the first section and its interfaces (pcapng). When that
  // fails, ok() is false and error() says why (libpcap's words).
  explicit CaptureFileReader(std::unique_ptr<CaptureBytes> input);
  ~CaptureFileReader();
  CaptureFileReader(const CaptureFileReader&) = delete;
  CaptureFileReader& operator=(const CaptureFileReader&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  CaptureFormat format() const { return format_; }
  int link_type() const { return link_type_; }  // DLT_ value, as pcap_datalink() gives it
  // The next frame, or false at the end of the input or on an error (then error() is set).
  bool next(CaptureRecord& record);
  std::uint64_t position() const { return input_->position(); }

  struct Pcapng;  // pcapng section and interface state (capture_file.cpp)

 private:
  bool open_pcap();
  bool open_pcapng();
  bool next_pcap(CaptureRecord& record);
  bool next_pcapng(CaptureRecord& record);
  bool fail(std::string why);
  std::unique_ptr<CaptureBytes> input_;
  std::unique_ptr<Pcapng> pcapng_;
  CaptureFormat format_ = CaptureFormat::kUnknown;
  std::string error_;
  int link_type_ = 0;
  bool swapped_ = false;  // pcap: file written in the other byte order (little-endian first)
  bool nanoseconds_ = false;
  std::uint32_t snapshot_ = 0;
  std::uint32_t max_caplen_ = 0;
};

// LINKTYPE_ value stored in a file -> DLT_ value (they differ for a few old types).
int dlt_from_linktype(std::uint32_t linktype);

}  // namespace seckit::net
