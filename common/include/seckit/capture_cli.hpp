// The capture options every pcap tool spells the same way (ikedecode, sslvpn-trace, cbaudit):
// capture files as positionals, -i/--interface for live capture, -f/--filter, -c/--count,
// --duration. Header-only, so common/cli does not link libpcap.
#pragma once

#include <CLI/CLI.hpp>

#include "seckit/cli.hpp"
#include "seckit/net.hpp"

namespace seckit::cli {

// On `app`: the tool's own app, or a subcommand (cbaudit pcap).
inline void add_capture_options(Tool& tool, CLI::App& app, net::CaptureSpec& spec) {
  tool.file_arg(app.add_option("captures", spec.files, "pcap or pcapng files to read (- for stdin)")
                    ->type_name("CAPTURE"));
  app.add_option("-i,--interface", spec.interface,
                 "Capture live on this interface ('any' for all) instead of reading files; "
                 "needs root or CAP_NET_RAW. Ctrl-C ends the capture with the summary (exit 130)")
      ->type_name("IFACE");
  app.add_option("-f,--filter", spec.filter,
                 "BPF filter applied by libpcap before decoding (tcpdump syntax)")
      ->type_name("BPF");
  app.add_option("-c,--count", spec.count, "Stop after this many packets")->type_name("N");
  app.add_option("--duration", spec.duration, "Live capture: stop after this many seconds")
      ->type_name("SECONDS")
      ->check(CLI::PositiveNumber);
}

inline void add_capture_options(Tool& tool, net::CaptureSpec& spec) {
  add_capture_options(tool, tool.app(), spec);
}

// The one-line usage error when neither captures nor an interface were given, or both.
inline void require_capture_source(const net::CaptureSpec& spec, const std::string& usage) {
  if (spec.files.empty() && spec.interface.empty()) {
    throw usage_error("no capture given", usage);
  }
  if (!spec.files.empty() && !spec.interface.empty()) {
    throw usage_error("capture files and --interface are exclusive", usage);
  }
  if (spec.duration > 0 && spec.interface.empty()) {
    throw usage_error("--duration applies to live capture (--interface)", usage);
  }
}

}  // namespace seckit::cli
