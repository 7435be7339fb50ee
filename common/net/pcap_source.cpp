#include <fcntl.h>
#include <fmt/format.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "seckit/capture_file.hpp"
#include "seckit/error.hpp"
#include "seckit/net.hpp"

namespace seckit::net {
namespace {
constexpr std::size_t kReadBuffer = std::size_t{1} << 20;
}  // namespace

struct PcapSource::Handle {
  pcap_t* pcap = nullptr;
  // stdio buffer of the capture file; glibc ignores setvbuf's size unless it is given the
  // memory. Freed after pcap_close() (the destructor body runs first).
  std::unique_ptr<char[]> read_buffer;
  // Files are read by our own reader (capture_file.hpp) when it knows the format; BPF is then
  // compiled against a dead handle and applied per frame.
  std::unique_ptr<CaptureFileReader> file;
  int fd = -1;  // the file being read (not stdin), closed with the handle
  pcap_t* dead = nullptr;
  bpf_program program{};
  bool filtering = false;
  Handle() = default;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (filtering) pcap_freecode(&program);
    if (dead != nullptr) pcap_close(dead);
    if (pcap != nullptr) pcap_close(pcap);
    if (fd >= 0) ::close(fd);
  }
};

namespace {

[[noreturn]] void not_a_capture(const std::string& path, const std::string& why) {
  throw input_error(path, fmt::format("not a readable pcap/pcapng capture: {}", why),
                    "tcpdump -w and dumpcap write what this reads");
}

}  // namespace

PcapSource::PcapSource(const std::string& path) : handle_(std::make_unique<Handle>()) {
  bool regular = false;
  if (path != "-") {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw input_error(path, "cannot open: no such file");
    if (S_ISDIR(st.st_mode)) throw input_error(path, "is a directory, not a capture");
    regular = S_ISREG(st.st_mode);
    file_size_ = static_cast<std::uint64_t>(st.st_size);
  }
  if (!open_own(path, regular)) open_libpcap(path);
}

// Our reader for the formats it knows (files, FIFOs and stdin alike read as a stream). False
// when libpcap should open the file instead: a format ours does not know, whose error libpcap
// words (stdin cannot be read twice, so its error is ours).
bool PcapSource::open_own(const std::string& path, bool regular) {
  std::unique_ptr<CaptureBytes> input;
  if (path == "-") {
    input = stream_bytes(STDIN_FILENO);
  } else {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    handle_->fd = fd;
    input = stream_bytes(fd);
    if (regular && capture_format(input->peek(4)) == CaptureFormat::kUnknown) return false;
  }
  handle_->file = std::make_unique<CaptureFileReader>(std::move(input));
  if (!handle_->file->ok()) not_a_capture(path, handle_->file->error());
  link_type_ = handle_->file->link_type();
  return true;
}

void PcapSource::open_libpcap(const std::string& path) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  // Microsecond precision regardless of what the file stores (pcapng may hold nanoseconds).
  // A file is opened here rather than by libpcap so that its stdio buffer can be large: with
  // the default (one page) every few packets cost a read() syscall.
  if (FILE* file = std::fopen(path.c_str(), "rb")) {
    handle_->read_buffer = std::make_unique<char[]>(kReadBuffer);
    std::setvbuf(file, handle_->read_buffer.get(), _IOFBF, kReadBuffer);
    handle_->pcap =
        pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
    if (handle_->pcap == nullptr) std::fclose(file);  // on failure the FILE is still ours
  }
  if (handle_->pcap == nullptr) {
    // Not opened above: libpcap's own open, which also words the error message.
    errbuf[0] = '\0';
    handle_->pcap =
        pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_MICRO, errbuf);
  }
  if (handle_->pcap == nullptr) not_a_capture(path, errbuf);
  link_type_ = pcap_datalink(handle_->pcap);
}

PcapSource::PcapSource() : handle_(std::make_unique<Handle>()) {}

std::unique_ptr<PcapSource> PcapSource::live(const std::string& interface) {
  std::unique_ptr<PcapSource> source(new PcapSource());
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_create(interface.c_str(), errbuf);
  if (p == nullptr) {
    throw ToolError(kExitEnvironment, interface, fmt::format("cannot capture: {}", errbuf));
  }
  source->handle_->pcap = p;
  constexpr int kSnapLen = 262144;  // tcpdump's default: whole packets
  constexpr int kTimeoutMs = 100;   // how often an idle capture looks at the stop condition
  bool ok = pcap_set_snaplen(p, kSnapLen) == 0 && pcap_set_promisc(p, 0) == 0 &&
            pcap_set_immediate_mode(p, 1) == 0 && pcap_set_timeout(p, kTimeoutMs) == 0 &&
            pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO) == 0;
  int rc = ok ? pcap_activate(p) : PCAP_ERROR;
  if (rc < 0) {
    std::string why = rc == PCAP_ERROR_PERM_DENIED ? "permission denied" : pcap_geterr(p);
    throw ToolError(kExitEnvironment, interface, fmt::format("cannot capture: {}", why),
                    "live capture needs root or CAP_NET_RAW (setcap cap_net_raw+ep, or sudo)");
  }
  if (pcap_setnonblock(p, 1, errbuf) != 0 || pcap_get_selectable_fd(p) < 0) {
    throw ToolError(kExitEnvironment, interface,
                    fmt::format("cannot capture: no pollable descriptor ({})", errbuf));
  }
  source->live_ = true;
  source->link_type_ = pcap_datalink(p);
  return source;
}

PcapSource::~PcapSource() = default;

void PcapSource::set_filter(const std::string& expression) {
  if (expression.empty()) return;
  if (handle_->file) {
    // Compiled for the file's link type, applied per frame in next() (pcap_offline_filter).
    constexpr int kSnapLen = 262144;
    if (handle_->filtering) pcap_freecode(&handle_->program);  // a second filter replaces it
    handle_->filtering = false;
    if (handle_->dead == nullptr) handle_->dead = pcap_open_dead(link_type_, kSnapLen);
    if (handle_->dead == nullptr) throw usage_error("--filter: cannot compile (out of memory)");
    if (pcap_compile(handle_->dead, &handle_->program, expression.c_str(), 1,
                     PCAP_NETMASK_UNKNOWN) != 0) {
      throw usage_error(fmt::format("--filter: {}", pcap_geterr(handle_->dead)),
                        "tcpdump filter syntax, e.g. 'udp port 500 or udp port 4500'");
    }
    handle_->filtering = true;
    return;
  }
  bpf_program program{};
  if (pcap_compile(handle_->pcap, &program, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    throw usage_error(fmt::format("--filter: {}", pcap_geterr(handle_->pcap)),
                      "tcpdump filter syntax, e.g. 'udp port 500 or udp port 4500'");
  }
  int rc = pcap_setfilter(handle_->pcap, &program);
  pcap_freecode(&program);
  if (rc != 0) throw usage_error(fmt::format("--filter: {}", pcap_geterr(handle_->pcap)));
}

// The next frame from our own file reader, through the BPF filter when there is one.
bool PcapSource::next_from_file(RawPacket& packet) {
  CaptureRecord record;
  Handle& h = *handle_;
  while (h.file->next(record)) {
    if (h.filtering) {
      pcap_pkthdr header{};
      header.caplen = record.caplen;
      header.len = record.origlen;
      if (pcap_offline_filter(&h.program, &header, record.data.data()) == 0) continue;
    }
    ++frame_;
    packet.info.frame = frame_;
    packet.info.ts_sec = record.ts_sec;
    packet.info.ts_usec = record.ts_usec;
    packet.info.caplen = record.caplen;
    packet.info.origlen = record.origlen;
    packet.data = record.data;
    return true;
  }
  error_ = h.file->error();
  return false;
}

bool PcapSource::next(RawPacket& packet) {
  if (!error_.empty()) return false;
  if (handle_->file) return next_from_file(packet);
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int rc = pcap_next_ex(handle_->pcap, &header, &data);
  // Live (non-blocking): 0 means nothing yet. Wait on the descriptor for at most 100 ms at a
  // time, so the stop condition (a signal, the duration) is looked at even on an idle link.
  while (rc == 0 && live_) {
    if (stop_ && stop_()) return false;
    pollfd fd{pcap_get_selectable_fd(handle_->pcap), POLLIN, 0};
    ::poll(&fd, 1, 100);  // EINTR (a signal) and timeouts alike: look again
    rc = pcap_next_ex(handle_->pcap, &header, &data);
  }
  if (rc == 1) {
    ++frame_;
    packet.info.frame = frame_;
    packet.info.ts_sec = header->ts.tv_sec;
    packet.info.ts_usec = static_cast<std::int32_t>(header->ts.tv_usec);
    packet.info.caplen = header->caplen;
    packet.info.origlen = header->len;
    packet.data = Bytes(data, header->caplen);
    return true;
  }
  if (rc == PCAP_ERROR) {
    // libpcap counts frames filtered out by BPF too; we number what we deliver, which is what
    // the frame numbers mean without a filter.
    error_ = pcap_geterr(handle_->pcap);
    if (error_.empty()) error_ = "read error";
  }
  return false;
}

std::uint64_t PcapSource::position() const {
  if (handle_->file) return handle_->file->position();
  FILE* file = pcap_file(handle_->pcap);
  if (file == nullptr) return 0;
  long pos = std::ftell(file);
  return pos < 0 ? 0 : static_cast<std::uint64_t>(pos);
}

std::string link_type_name(int link_type) {
  const char* name = pcap_datalink_val_to_name(link_type);
  if (name == nullptr) return fmt::format("DLT_{}", link_type);
  return name;
}

}  // namespace seckit::net
