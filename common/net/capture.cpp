// The capture driver: the packet loop ikedecode, sslvpn-trace and cbaudit share (files in order,
// stdin, live interfaces, BPF, packet count and duration limits, SIGINT, progress, truncation).
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>

#include "seckit/net.hpp"

namespace seckit::net {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int /*signal*/) { g_interrupted.store(true); }

// Percent of a file read, on stderr, about once per percent.
class Progress {
 public:
  Progress(bool enabled, const PcapSource& source, std::string name)
      : enabled_(enabled && source.file_size() > 0), source_(source), name_(std::move(name)) {}
  ~Progress() {
    if (shown_) std::cerr << "\r\x1b[K" << std::flush;
  }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  void update(std::uint64_t frame) {
    if (!enabled_ || (frame & 0xfff) != 0) return;
    double done =
        100.0 * static_cast<double>(source_.position()) / static_cast<double>(source_.file_size());
    if (done < next_) return;
    std::cerr << fmt::format("\r{}: {:.0f}% ({} frames)", name_, done, frame) << std::flush;
    next_ = done + 1;
    shown_ = true;
  }

 private:
  bool enabled_;
  const PcapSource& source_;
  std::string name_;
  double next_ = 0;
  bool shown_ = false;
};

struct Limits {
  const CaptureSpec& spec;
  bool live = false;  // the duration applies to live capture only
  std::uint64_t delivered = 0;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

  bool duration_over() const {
    return live && spec.duration > 0 &&
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >=
               spec.duration;
  }
  bool count_reached() const { return spec.count > 0 && delivered >= spec.count; }
  // Why to stop now, if at all.
  std::optional<CaptureEnd> stop() const {
    if (interrupted()) return CaptureEnd::kInterrupted;
    if (count_reached()) return CaptureEnd::kCount;
    if (duration_over()) return CaptureEnd::kDuration;
    return std::nullopt;
  }
};

// One source through the handlers; the reason to stop early, if any.
std::optional<CaptureEnd> drain(PcapSource& source, const std::string& name,
                                const CaptureHandlers& handlers, Limits& limits, bool progress) {
  source.set_filter(limits.spec.filter);
  source.set_stop([&limits] { return limits.stop().has_value(); });
  if (handlers.begin) handlers.begin(name, source.link_type());
  Progress shown(progress, source, name);
  RawPacket packet;
  std::uint64_t last_frame = 0;
  std::optional<CaptureEnd> why;
  while (!(why = limits.stop()) && source.next(packet)) {
    last_frame = packet.info.frame;
    ++limits.delivered;
    if (handlers.packet) handlers.packet(packet);
    shown.update(packet.info.frame);
  }
  if (!why) why = limits.stop();  // a live source returns when a limit says stop
  std::string truncation;
  if (!source.error().empty()) {
    truncation = fmt::format("capture ends early after frame {}: {}", last_frame, source.error());
  }
  if (handlers.end) handlers.end(name, last_frame, truncation);
  return why;
}

}  // namespace

std::string_view capture_end_name(CaptureEnd end) {
  switch (end) {
    case CaptureEnd::kComplete:
      return "complete";
    case CaptureEnd::kCount:
      return "count";
    case CaptureEnd::kDuration:
      return "duration";
    case CaptureEnd::kInterrupted:
      return "interrupted";
  }
  return "complete";
}

void stop_on_interrupt() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking read returns and the loop looks at the flag
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool interrupted() { return g_interrupted.load(); }

CaptureEnd run_capture(const CaptureSpec& spec, const CaptureHandlers& handlers) {
  Limits limits{spec, !spec.interface.empty()};
  if (limits.live) {
    auto source = PcapSource::live(spec.interface);
    return drain(*source, spec.interface, handlers, limits, false).value_or(CaptureEnd::kComplete);
  }
  for (const auto& file : spec.files) {
    PcapSource source(file);
    if (auto why = drain(source, file, handlers, limits, spec.progress)) return *why;
  }
  return CaptureEnd::kComplete;
}

}  // namespace seckit::net
