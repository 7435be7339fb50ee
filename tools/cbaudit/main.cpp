// cbaudit: channel binding (Extended Protection for Authentication) audit. Argument wiring only;
// the commands live in cbaudit_core.
#include "commands.hpp"
#include "seckit/capture_cli.hpp"
#include "seckit/cli.hpp"
#include "seckit/connect_cli.hpp"
#include "seckit/error.hpp"

namespace {

using namespace cbaudit;

// Every command's options, parsed into these structs; main() dispatches on the one given.
struct Args {
  ExpectOptions expect;
  TokenOptions token;
  PcapOptions pcap;
  ProbeOptions probe;
};

CLI::App* add_expect(seckit::cli::Tool& tool, ExpectOptions& ex) {
  auto* expect = tool.app().add_subcommand(
      "expect", "The channel binding a client must send for a certificate or a live server");
  tool.file_arg(expect
                    ->add_option("cert", ex.cert,
                                 "Certificate (PEM, DER, PKCS#7, certificate records; - = stdin)")
                    ->type_name("CERT"));
  seckit::cli::ConnectOptionSet connect_set;
  connect_set.connect_help = "Connect to HOST:PORT (port 443 when omitted) and use its certificate";
  connect_set.hidden_sni_aliases = {"--server-name"};  // its name before the shared group
  seckit::cli::add_connect_options(tool, *expect, ex.connect, connect_set);
  expect->add_flag("--insecure", ex.insecure, "Do not verify the server certificate");
  return expect;
}

CLI::App* add_token(seckit::cli::Tool& tool, TokenOptions& tk) {
  auto* token = tool.app().add_subcommand(
      "token", "Parse an NTLM/SPNEGO/Kerberos token and classify its channel binding");
  token
      ->add_option("token", tk.token,
                   "Base64 token, HTTP Authorization/WWW-Authenticate value, or - (one per line)")
      ->type_name("TOKEN");
  tool.file_arg(token->add_option("--token-file", tk.token_file, "Token file (raw or base64)")
                    ->type_name("FILE"));
  tool.file_arg(token
                    ->add_option("--expect-cert", tk.expect_cert,
                                 "Server certificate: the expected tls-server-end-point binding")
                    ->type_name("CERT"));
  token->add_option("--expect-cbt", tk.expect_cbt, "Expected 16-byte CBT (hex MD5)")
      ->type_name("HEX");
  token->add_option("--spn", tk.spn, "Expected service (MsvAvTargetName), e.g. HTTP/host")
      ->type_name("SPN");
  tool.choices(token->add_option("--level", tk.level, "Enforcement level for the exit status")
                   ->type_name("LEVEL")
                   ->default_str("required"),
               {"none", "allowed", "required"});
  token->add_flag(
      "--proxy", tk.proxy,
      "TLS ends at a load balancer (ASC_REQ_PROXY_BINDINGS): bindings are unverifiable");
  tool.file_arg(token
                    ->add_option("--keytab", tk.keytab,
                                 "Service keytab (MIT): decrypt Kerberos tickets to read Bnd")
                    ->type_name("FILE"));
  return token;
}

CLI::App* add_pcap(seckit::cli::Tool& tool, PcapOptions& pc) {
  auto* pcap = tool.app().add_subcommand(
      "pcap", "Audit every NTLM/Kerberos authentication in a capture (HTTP, LDAP, SMB2)");
  seckit::cli::add_capture_options(tool, *pcap, pc.capture);
  tool.file_arg(
      pcap->add_option("--keylog", pc.keylog, "SSLKEYLOGFILE to decrypt TLS")->type_name("FILE"));
  tool.file_arg(
      pcap->add_option("--cert", pc.cert, "Server certificate when the capture does not show it")
          ->type_name("CERT"));
  tool.choices(pcap->add_option("--level", pc.level, "Level for the readiness summary")
                   ->type_name("LEVEL")
                   ->default_str("required"),
               {"none", "allowed", "required"});
  pcap->add_flag("--proxy", pc.proxy, "TLS ends at a load balancer (ASC_REQ_PROXY_BINDINGS)");
  tool.file_arg(pcap->add_option("--keytab", pc.keytab,
                                 "Service keytab (MIT): decrypt Kerberos tickets to read Bnd")
                    ->type_name("FILE"));
  return pcap;
}

CLI::App* add_probe(seckit::cli::Tool& tool, ProbeOptions& pr) {
  auto* probe = tool.app().add_subcommand(
      "probe", "Find a server's EPA level: authenticate with right, no and wrong bindings");
  probe->add_option("url", pr.url, "https://host[:port]/path, ldaps://host or ldap://host")
      ->type_name("URL");
  probe->add_option("--user", pr.user, "User name")->type_name("USER");
  probe->add_option("--domain", pr.domain, "NTLM domain")->type_name("DOMAIN");
  tool.file_arg(probe
                    ->add_option("--password-file", pr.password_file,
                                 "File holding the password (mode 0600 or stricter)")
                    ->type_name("FILE"));
  tool.file_arg(probe->add_option("--ca-file", pr.ca_file, "CA certificates (PEM) to verify with")
                    ->type_name("FILE"));
  probe->add_flag("--insecure", pr.insecure, "Do not verify the server certificate");
  probe->add_option("--spn", pr.spn, "Target name to send (default HTTP/host or ldap/host)")
      ->type_name("SPN");
  probe->add_option("--timeout", pr.timeout, "Seconds per network operation (default 10)")
      ->type_name("SECONDS");
  return probe;
}

}  // namespace

// Exceptions before tool.run() come only from CLI11 rejecting the option definitions (a
// programming error, found by every test); run() turns everything after into exit codes.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  seckit::cli::Tool tool("cbaudit",
                         "Channel binding (EPA) audit: expected bindings, token classification, "
                         "captures and live probes");
  Args args;
  CLI::App* expect = add_expect(tool, args.expect);
  CLI::App* token = add_token(tool, args.token);
  CLI::App* pcap = add_pcap(tool, args.pcap);
  CLI::App* probe = add_probe(tool, args.probe);
  return tool.run(argc, argv, [&] {
    if (expect->parsed()) return run_expect(tool, args.expect);
    if (token->parsed()) return run_token(tool, args.token);
    if (pcap->parsed()) return run_pcap(tool, args.pcap);
    if (probe->parsed()) return run_probe(tool, args.probe);
    throw seckit::usage_error("a command is required", "expect, token, pcap or probe");
  });
}
