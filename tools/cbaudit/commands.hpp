// The cbaudit commands; main.cpp only parses arguments into these option structs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit.hpp"
#include "krb5_keytab.hpp"
#include "seckit/cli.hpp"

namespace cbaudit {

struct ExpectOptions {
  std::string cert;  // file or "-"
  std::string connect;
  std::string starttls;
  std::string ca_file;
  std::string server_name;
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
  std::vector<std::string> captures;
  std::string keylog;
  std::string cert;
  std::string level = "required";
  bool proxy = false;
  std::string keytab;
};
int run_pcap(seckit::cli::Tool& tool, const PcapOptions& options);

Level parse_level(const std::string& name);
// The keytab named by --keytab; input_error (exit 2) when unreadable or malformed.
krb5::Keytab load_keytab(seckit::cli::Tool& tool, const std::string& path);
// The expected 16-byte CBT from --expect-cert (tls-server-end-point) or --expect-cbt HEX.
std::optional<std::vector<std::uint8_t>> expected_cbt(seckit::cli::Tool& tool,
                                                      const std::string& cert_file,
                                                      const std::string& cbt_hex);

}  // namespace cbaudit
