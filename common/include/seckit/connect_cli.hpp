// The options of every tool that dials out, spelled the same everywhere (OpenSSL's shared option
// groups are the model): --connect HOST:PORT, --sni NAME, --starttls PROTO, --ca-file FILE,
// --timeout SECONDS. Header-only, so common/cli does not link OpenSSL; the values resolve into
// a tlsclient::ConnectSpec with tlsclient::resolve_connect.
#pragma once

#include <CLI/CLI.hpp>

#include "seckit/cli.hpp"
#include "seckit/tlsclient.hpp"

namespace seckit::cli {

struct ConnectOptionSet {
  std::string connect_help = "Connect to HOST:PORT and check the certificates it presents";
  // false when the tool already has --ca-file with a wider meaning (certcheck's chain anchors),
  // which then also serves as the connection's trust.
  bool ca_file = true;
  std::string timeout_help = "Network timeout in seconds (connect, STARTTLS and handshake)";
  // Older spellings kept working but hidden from --help, man page and completions.
  std::vector<std::string> hidden_sni_aliases;
};

inline void add_connect_options(Tool& tool, CLI::App& app, tlsclient::ConnectFlags& flags,
                                const ConnectOptionSet& set = {}) {
  app.add_option("--connect", flags.connect, set.connect_help)->type_name("HOST:PORT");
  app.add_option("--sni", flags.sni,
                 "Server name to send (SNI) and verify, instead of HOST (default: HOST unless it "
                 "is an IP address)")
      ->type_name("NAME");
  for (const auto& alias : set.hidden_sni_aliases) {
    app.add_option(alias, flags.sni, "Deprecated spelling of --sni")->group("");
  }
  tool.choices(app.add_option("--starttls", flags.starttls,
                              "Upgrade a plaintext session first (SMTP EHLO+STARTTLS, IMAP "
                              "STARTTLS, FTP AUTH TLS, LDAP StartTLS, PostgreSQL SSLRequest)")
                   ->type_name("PROTO"),
               tlsclient::starttls_names());
  if (set.ca_file) {
    tool.file_arg(app.add_option("--ca-file", flags.ca_file,
                                 "CA certificates (PEM) to verify the server with, instead of "
                                 "the system trust store")
                      ->type_name("FILE"));
  }
  app.add_option("--timeout", flags.timeout_seconds, set.timeout_help)
      ->type_name("SECONDS")
      ->check(CLI::PositiveNumber);
}

}  // namespace seckit::cli
