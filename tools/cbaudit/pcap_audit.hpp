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
  std::map<std::string, std::uint64_t> verdicts;  // at the chosen level
};

class PcapAuditor {
 public:
  using Emit = std::function<void(std::string_view type, const seckit::out::Json& data)>;
  PcapAuditor(PcapAuditOptions options, Emit emit);
  ~PcapAuditor();
  void read_file(const std::string& path);
  void finish();
  const PcapCounts& counts() const { return counts_; }
  // The readiness summary: which clients would fail at the chosen level.
  seckit::out::Json readiness() const;

  struct Conn;

 private:
  void on_chunk(const seckit::net::StreamChunk& chunk);
  void on_event(const seckit::net::FlowKey& key, seckit::net::StreamEvent event,
                std::uint64_t frame);
  friend struct Conn;
  PcapAuditOptions options_;
  Emit emit_;
  PcapCounts counts_;
  std::map<seckit::net::FlowKey, std::unique_ptr<Conn>> conns_;
  std::map<std::string, bool> clients_;  // client identity -> fails at the level
};

}  // namespace cbaudit
