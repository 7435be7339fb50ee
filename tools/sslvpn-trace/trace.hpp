// The capture driver: TCP sessions to the VPN port through common/net, TLS through common/tls,
// HTTP through common/http, CSTP and config-auth here; UDP flows to the DTLS port as DTLS. It
// turns what it sees into the six phases of an AnyConnect connection (docs/sslvpn-trace.md) and
// emits records and timeline lines through a Sink as the capture is read.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "phase.hpp"
#include "seckit/net.hpp"
#include "seckit/out.hpp"
#include "verdict.hpp"

namespace sslvpn {

using Json = seckit::out::Json;

struct TraceOptions {
  std::vector<std::uint16_t> tls_ports{443};
  std::vector<std::uint16_t> dtls_ports{443};
  std::string keylog_path;            // --keylog
  std::vector<std::string> gateways;  // --gateway HOST: SNI, certificate name or address
  bool show_secrets = false;
};

// Where the results go: the tool writes JSON records or timeline lines.
class Sink {
 public:
  virtual ~Sink() = default;
  // A record of a type listed in docs/sslvpn-trace.md (tls_session, http_exchange, ...).
  virtual void record(const std::string& type, const Json& data) = 0;
  // One timeline line for people: relative time, session label, text, and its tone.
  virtual void timeline(double relative_time, const std::string& who, const std::string& text,
                        Tone tone) = 0;
  virtual void finding(const std::string& code, seckit::out::Severity severity,
                       const std::string& message, const Json& details) = 0;
  // A line for people after the timeline (context: the sessions that are not the VPN's).
  virtual void remark(const std::string& text) = 0;
};

struct TraceCounts {
  std::uint64_t frames = 0;
  std::uint64_t tls_sessions = 0;
  std::uint64_t vpn_sessions = 0;    // TLS sessions of the SSL VPN
  std::uint64_t other_sessions = 0;  // TLS sessions that are not (context only)
  std::uint64_t decrypted_sessions = 0;
  std::uint64_t http_exchanges = 0;
  std::uint64_t tunnels = 0;
  std::uint64_t dtls_sessions = 0;
  std::uint64_t certificates = 0;
  std::uint64_t findings = 0;
  std::uint64_t anomalies = 0;
  Json to_json() const;
};

class Trace {
 public:
  Trace(TraceOptions options, Sink& sink);
  ~Trace();
  // Throws seckit::ToolError (exit 2) for an unreadable key log or one without a single valid
  // line (random bytes, another format): a key log that cannot be one is a usage error.
  // Reads the captures (files in order, or live from an interface) until they end or a limit
  // of spec stops them; throws seckit::ToolError for unreadable files or interfaces.
  seckit::net::CaptureEnd read(const seckit::net::CaptureSpec& spec);
  // Ends every open session and DTLS flow (records, findings, verdicts).
  void finish();
  const TraceCounts& counts() const;
  // The outcome (connected-dtls, auth-failed, ...) and the verdict with its reasons.
  Judgement judge() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sslvpn
