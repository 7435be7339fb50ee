// cbaudit pcap: every NTLM/Kerberos authentication in a capture (HTTP Authorization /
// WWW-Authenticate, LDAP sicily and SASL GSS-SPNEGO binds, SMB2 SESSION_SETUP), in clear or
// inside TLS decrypted with a key log (common/tls), classified against the binding expected from
// the server certificate of the same TLS session (or --cert).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audit.hpp"
#include "krb5_keytab.hpp"
#include "seckit/net.hpp"
#include "seckit/out.hpp"
#include "seckit/tls.hpp"

namespace cbaudit {

struct PcapAuditOptions {
  const seckit::tls::KeyLog* keylog = nullptr;
  std::optional<std::vector<std::uint8_t>> fallback_cbt;  // from --cert
  std::string fallback_subject;
  Level level = Level::kRequired;
  bool proxy = false;
  const krb5::Keytab* keytab = nullptr;  // --keytab: open Kerberos AP-REQs
};

struct PcapCounts {
  std::uint64_t frames = 0, tcp_connections = 0, tls_sessions = 0, tls_decrypted = 0,
                tls_opaque = 0, tokens = 0, authentications = 0, anomalies = 0;
  // Why TLS sessions stayed opaque: no key-log line for the client random, or a line that does
  // not decrypt (the rest: mid-session capture, unsupported cipher...).
  std::uint64_t tls_no_key = 0, tls_wrong_key = 0;
  // Authentications that could not be classified: a Kerberos binding inside an authenticator
  // that stayed closed, and a binding value with nothing to compare it with.
  std::uint64_t opaque_bindings = 0, no_expected_binding = 0;
  std::string first_keytab_note;                  // why the first unopened AP-REQ stayed closed
  std::string truncated;                          // the capture reader's error, when cut short
  std::map<std::string, std::uint64_t> verdicts;  // at the chosen level
};

// Which clients would fail at the level, and which cannot be judged (an unclassified
// authentication and no rejected one).
struct Readiness {
  Level level = Level::kRequired;
  std::size_t clients = 0;
  std::vector<std::string> failing, undecided;
  std::uint64_t authentications = 0;
};

// What the user supplied, for the reasons that name the missing evidence.
struct PcapInputs {
  std::string keylog, keytab;  // paths, empty when not given
  bool cert = false;           // --cert given
};

enum class ReadinessResult { kReady, kClientsWouldFail, kUndecided };
std::string_view readiness_result_name(ReadinessResult result);

// "at Required, 1 of 2 clients (EXAMPLE\alice from 10.0.0.1) would fail, 1 undecided"
std::string readiness_message(const Readiness& readiness);

// The verdict of a pcap audit: fail when a client would fail at the level; ready (pass) only
// when at least one authentication was seen and every one was classified, with every TLS
// session decrypted and the capture read to its end; otherwise inconclusive, naming the counts
// and the option that supplies the missing evidence (--keylog, --keytab, --cert).
seckit::out::Conclusion judge_pcap(const PcapCounts& counts, const Readiness& readiness,
                                   const PcapInputs& inputs);
ReadinessResult readiness_result(const seckit::out::Conclusion& conclusion);
seckit::out::Json readiness_json(const Readiness& readiness,
                                 const seckit::out::Conclusion& conclusion);

class PcapAuditor {
 public:
  using Emit = std::function<void(std::string_view type, const seckit::out::Json& data)>;
  PcapAuditor(PcapAuditOptions options, Emit emit);
  ~PcapAuditor();
  // Reads the capture files of spec in order, or captures live (the shared capture driver);
  // returns why the packets stopped.
  seckit::net::CaptureEnd read(const seckit::net::CaptureSpec& spec);
  void finish();
  const PcapCounts& counts() const { return counts_; }
  // Which clients would fail at the chosen level, and which are undecided.
  Readiness readiness() const;

  struct Conn;

 private:
  void on_chunk(const seckit::net::StreamChunk& chunk);
  void on_event(const seckit::net::FlowKey& key, seckit::net::StreamEvent event,
                std::uint64_t frame);
  void anomaly(std::uint64_t frame, const std::string& code, const std::string& message);
  friend struct Conn;
  PcapAuditOptions options_;
  Emit emit_;
  PcapCounts counts_;
  std::map<seckit::net::FlowKey, std::unique_ptr<Conn>> conns_;
  struct ClientState {
    bool fails = false, unclassified = false;
  };
  std::map<std::string, ClientState> clients_;  // client identity -> outcome at the level
};

}  // namespace cbaudit
