// sslvpn-trace: the AnyConnect / OpenConnect SSL VPN connection flow reconstructed from a pcap.
// Argument wiring and output rendering only; the work is in sslvpn_core (trace.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "seckit/capture_cli.hpp"
#include "seckit/cli.hpp"
#include "trace.hpp"

namespace {

class ToolSink : public sslvpn::Sink {
 public:
  explicit ToolSink(seckit::cli::Tool& tool) : tool_(tool) {}
  void record(const std::string& type, const sslvpn::Json& data) override {
    auto& e = tool_.emitter();
    if (e.json()) {
      e.record(type, data);
    } else if (type == "anomaly") {
      e.line(tool_.style().yellow(fmt::format("anomaly: frame {}: {}: {}", data.value("frame", 0),
                                              data.value("code", ""), data.value("message", ""))));
    }
  }
  // Text mode: sessions finish out of capture order (a DTLS verdict is known only at the end),
  // so the timeline is sorted by time before it is printed. JSON streams as produced.
  void timeline(double t, const std::string& who, const std::string& text,
                sslvpn::Tone tone) override {
    auto& e = tool_.emitter();
    if (e.json() || tool_.common().quiet) return;
    const auto& s = tool_.style();
    std::string body = tone == sslvpn::Tone::kError     ? s.red(text)
                       : tone == sslvpn::Tone::kWarning ? s.yellow(text)
                       : tone == sslvpn::Tone::kDim     ? s.dim(text)
                                                        : text;
    last_time_ = t;
    pending_.push_back({t, fmt::format("{:>+10.3f}s  {:<8} {}", t, who, body), std::nullopt});
  }
  void finding(const std::string& code, seckit::out::Severity severity, const std::string& message,
               const sslvpn::Json& details) override {
    seckit::out::Finding f;
    f.code = code;
    f.severity = severity;
    f.message = message;
    f.details = details;
    if (tool_.emitter().json()) {
      tool_.emitter().finding(f);
    } else {
      pending_.push_back({last_time_, "", f});
    }
  }
  void remark(const std::string& text) override { remarks_.push_back(text); }
  void flush() {
    std::stable_sort(pending_.begin(), pending_.end(),
                     [](const Entry& a, const Entry& b) { return a.time < b.time; });
    for (const auto& entry : pending_) {
      if (entry.finding) {
        const auto& f = *entry.finding;
        tool_.emitter().finding(f);  // counted for the exit status; text is ours
        std::string sev(seckit::out::severity_name(f.severity));
        std::string text = fmt::format("{} {}: {}", sev, f.code, f.message);
        const auto& st = tool_.style();
        tool_.emitter().line(fmt::format("{:>11}  {:<8} {}", "", "finding",
                                         f.severity == seckit::out::Severity::kError ? st.red(text)
                                         : f.severity == seckit::out::Severity::kWarning
                                             ? st.yellow(text)
                                             : text));
      } else {
        tool_.emitter().line(entry.line);
      }
    }
    pending_.clear();
    if (tool_.emitter().json() || tool_.common().quiet) return;
    for (const auto& text : remarks_) tool_.emitter().line(tool_.style().dim(text));
  }

 private:
  struct Entry {
    double time;
    std::string line;
    std::optional<seckit::out::Finding> finding;
  };
  seckit::cli::Tool& tool_;
  std::vector<Entry> pending_;
  std::vector<std::string> remarks_;
  double last_time_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  seckit::cli::Tool tool("sslvpn-trace",
                         "Reconstruct AnyConnect/OpenConnect SSL VPN connections from a pcap");
  auto& app = tool.app();
  seckit::net::CaptureSpec capture;
  sslvpn::TraceOptions options;
  seckit::cli::add_capture_options(tool, capture);
  tool.file_arg(app.add_option("-k,--keylog", options.keylog_path,
                               "SSLKEYLOGFILE (NSS key log) of the client, for the HTTP, CSTP "
                               "and DTLS contents")
                    ->type_name("FILE"));
  app.add_option("--tls-port", options.tls_ports,
                 "TCP ports of the VPN gateway's HTTPS/CSTP service (default 443)")
      ->type_name("PORT")
      ->allow_extra_args(false)
      ->default_str("443");
  app.add_option("--dtls-port", options.dtls_ports,
                 "UDP ports of the gateway's DTLS service (default 443)")
      ->type_name("PORT")
      ->allow_extra_args(false)
      ->default_str("443");
  app.add_option("--gateway", options.gateways,
                 "The VPN gateway (repeatable): a host name matched against the SNI and the "
                 "server certificate names, or an address. Only its sessions are read as VPN "
                 "phases; without it the gateway is identified from the capture's evidence")
      ->type_name("HOST")
      ->allow_extra_args(false);
  app.add_flag("--show-secrets", options.show_secrets,
               "Show session tokens, webvpn cookies, X-DTLS-Master-Secret and passwords "
               "instead of redacting them");

  return tool.run(argc, argv, [&] {
    seckit::cli::require_capture_source(capture, "sslvpn-trace CAPTURE... or -i IFACE");
    seckit::net::stop_on_interrupt();
    auto& emitter = tool.emitter();
    ToolSink sink(tool);
    sslvpn::Trace trace(options, sink);
    emitter.begin({{"captures", capture.files},
                   {"interface", capture.interface.empty() ? sslvpn::Json(nullptr)
                                                           : sslvpn::Json(capture.interface)},
                   {"keylog", options.keylog_path.empty() ? sslvpn::Json(nullptr)
                                                          : sslvpn::Json(options.keylog_path)},
                   {"filter", capture.filter},
                   {"tls_ports", options.tls_ports},
                   {"dtls_ports", options.dtls_ports},
                   {"gateways", options.gateways},
                   {"show_secrets", options.show_secrets}});
    seckit::net::CaptureEnd end = trace.read(capture);
    trace.finish();
    sink.flush();
    const auto& counts = trace.counts();
    sslvpn::Judgement judgement = trace.judge();
    if (!emitter.json() && !tool.common().quiet) {
      emitter.line("");
      emitter.line(fmt::format(
          "verdict: {} ({}); {} frames, {} TLS sessions ({} decrypted, {} of the VPN), {} HTTP "
          "exchanges, {} CSTP tunnels, {} DTLS sessions, {} certificates",
          seckit::out::verdict_name(judgement.conclusion.verdict), judgement.outcome, counts.frames,
          counts.tls_sessions, counts.decrypted_sessions, counts.vpn_sessions,
          counts.http_exchanges, counts.tunnels, counts.dtls_sessions, counts.certificates));
    }
    int rc =
        emitter.conclude(judgement.conclusion, counts.to_json(), {{"outcome", judgement.outcome}});
    return end == seckit::net::CaptureEnd::kInterrupted ? seckit::kExitInterrupted : rc;
  });
}
