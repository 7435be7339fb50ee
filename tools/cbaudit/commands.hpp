// The cbaudit commands; main.cpp only parses arguments into these option structs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "audit.hpp"
#include "krb5_keytab.hpp"
#include "seckit/cli.hpp"
#include "seckit/net.hpp"
#include "seckit/tlsclient.hpp"
#include "seckit/x509.hpp"

namespace cbaudit {

struct ExpectOptions {
  std::string cert;                         // file or "-"
  seckit::tlsclient::ConnectFlags connect;  // the shared --connect group (seckit/connect_cli.hpp)
  bool insecure = false;
};
int run_expect(seckit::cli::Tool& tool, const ExpectOptions& options);

struct TokenOptions {
  std::string token;  // base64 / header value, or "-" (one per line on stdin)
  std::string token_file;
  std::string expect_cert;
  std::string expect_cbt;
  std::string spn;
  std::string level = "required";
  bool proxy = false;
  std::string keytab;  // MIT keytab: open Kerberos AP-REQs
};
int run_token(seckit::cli::Tool& tool, const TokenOptions& options);

struct ProbeOptions {
  std::string url;
  std::string user, domain, password_file;
  std::string ca_file;
  bool insecure = false;
  std::string spn;
  int timeout = 10;
};
int run_probe(seckit::cli::Tool& tool, const ProbeOptions& options);

struct PcapOptions {
  seckit::net::CaptureSpec capture;  // the shared capture group: files or -i IFACE, -f, -c
  std::string keylog;
  std::string cert;
  std::string level = "required";
  bool proxy = false;
  std::string keytab;
};
int run_pcap(seckit::cli::Tool& tool, const PcapOptions& options);

// What the tokens of one `cbaudit token` run showed, for its verdict.
struct TokenTally {
  std::size_t tokens = 0, authentications = 0, rejected = 0;
  std::size_t opaque = 0;       // Kerberos binding inside an authenticator that stayed closed
  std::size_t no_expected = 0;  // a binding value, no --expect-cert/--expect-cbt to compare it
  std::string first_keytab_note;
  std::map<std::string, std::size_t> verdicts;
  void add(const std::string& verdict, Binding binding);
};
// fail when an authentication would be rejected at the level; inconclusive when no token or no
// authenticating message was given, or one could not be classified (names the fix).
seckit::out::Conclusion judge_token(const TokenTally& tally, Level level,
                                    const std::string& keytab);

// A finding in JSON, and as a "warning: code: message" line for people.
void print_finding(seckit::cli::Tool& tool, const seckit::out::Finding& finding);

Level parse_level(const std::string& name);
// The certificates a TLS server sent (leaf first), as certificate values; source {tls_peer: i}.
std::vector<seckit::x509::Certificate> peer_chain(const seckit::tlsclient::Session& session);
// The keytab named by --keytab; input_error (exit 2) when unreadable or malformed.
krb5::Keytab load_keytab(seckit::cli::Tool& tool, const std::string& path);
// The expected 16-byte CBT from --expect-cert (tls-server-end-point) or --expect-cbt HEX.
std::optional<std::vector<std::uint8_t>> expected_cbt(seckit::cli::Tool& tool,
                                                      const std::string& cert_file,
                                                      const std::string& cbt_hex);

}  // namespace cbaudit
