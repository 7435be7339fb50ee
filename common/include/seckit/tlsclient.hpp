// The one outbound TLS client of seckit (certcheck --connect, cbaudit expect --connect and probe,
// the LDAP handshake diagnosis): TCP with one deadline for connect + STARTTLS + handshake, the
// STARTTLS dialogues of SMTP (RFC 3207), IMAP (RFC 3501 6.2.1), FTP (RFC 4217 AUTH TLS), LDAP
// (RFC 4511 4.14) and PostgreSQL (SSLRequest), and one verification policy:
//
//   - trust: the system store (OpenSSL's default paths, like curl), or --ca-file FILE;
//   - name: --sni when given, else the host dialled (an IP literal is checked as an iPAddress);
//   - purpose sslserver, at the security level of a default client context;
//   - the handshake itself never verifies: the chain is checked afterwards from what the server
//     sent, so a broken chain can still be inspected and the result always says why it failed.
//     VerifyMode::kRequire turns a failed verification into an environment error (exit 3).
//
// Replies of the plaintext phase are read line by line (at most kMaxLine bytes, kMaxLines lines)
// or, for LDAP, as one length-checked BER message; the parsers below are pure and unit-tested.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/bytes.hpp"
#include "seckit/result.hpp"

namespace seckit::tlsclient {

using Buffer = std::vector<std::uint8_t>;

enum class StartTls { kNone, kSmtp, kImap, kFtp, kLdap, kPostgres };
// "smtp", "imap", "ftp", "ldap", "postgres" (and "" for kNone).
std::string_view starttls_name(StartTls protocol);
std::optional<StartTls> starttls_from_name(std::string_view name);
// The names --starttls accepts, in the order --help lists them.
std::vector<std::string> starttls_names();

struct Endpoint {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 0;
  std::string text() const;  // host:port, [v6]:port
};
// HOST:PORT or [V6]:PORT. Without a port, default_port when given, else a usage error (exit 2).
Endpoint parse_endpoint(std::string_view spec, std::optional<std::uint16_t> default_port);

enum class VerifyMode {
  kRequire,  // a chain that does not verify is an environment error (cbaudit)
  kReport,   // the handshake completes; Session::verification says whether and why not
  kOff,      // not checked at all (--insecure)
};

struct ConnectSpec {
  Endpoint endpoint;
  std::string sni;          // empty: the host unless it is an IP literal
  std::string verify_name;  // empty: sni, else the host
  StartTls starttls = StartTls::kNone;
  std::string ca_file;  // empty: the system trust store
  VerifyMode verify = VerifyMode::kRequire;
  int timeout_seconds = 10;     // connect + STARTTLS + handshake; then per read or write
  bool request_ocsp = false;    // RFC 6066 status_request: ask for a stapled response
  bool legacy_servers = false;  // security level 0, so SHA-1 and small keys still handshake
  std::string client_name = "seckit.invalid";  // EHLO argument
};
// The SNI sent and the name verified (pure).
std::string effective_sni(const ConnectSpec& spec);
std::string effective_verify_name(const ConnectSpec& spec);

// The shared option group's values (seckit/connect_cli.hpp fills them from the command line).
struct ConnectFlags {
  std::string connect;  // HOST:PORT
  std::string sni;
  std::string starttls;
  std::string ca_file;
  int timeout_seconds = 10;
};
// The spec the flags describe; usage_error (exit 2) for a bad HOST:PORT, an unknown protocol, a
// timeout below 1 second or --starttls/--sni without --connect. nullopt when --connect is absent.
std::optional<ConnectSpec> resolve_connect(const ConnectFlags& flags,
                                           std::optional<std::uint16_t> default_port = {});

struct Verification {
  bool checked = false;   // false with VerifyMode::kOff
  bool verified = false;  // chain_trusted && name_matched
  bool chain_trusted = false;
  bool name_matched = false;
  std::string trust;  // "system trust store" or "CA file FILE"
  std::string name;   // the name checked
  std::string error;  // OpenSSL's reason when !verified, e.g. "self-signed certificate"
  int error_depth = -1;
  std::string error_subject;  // subject of the certificate at error_depth
};
// "verified against the system trust store for vpn.example.test" or "NOT verified against ...:
// reason (at depth 0, CN=...)".
std::string describe(const Verification& v);

struct Session {
  std::string protocol;  // "TLSv1.3"
  std::string cipher;
  std::string sni;                      // sent, or empty
  std::vector<Buffer> chain;            // DER, as the server sent it (leaf first)
  std::optional<Buffer> ocsp_response;  // stapled, when requested and sent
  bool extended_master_secret = false;
  Verification verification;
};

// ---- pure parsers of the plaintext phase (unit-tested) ---------------------------------------

inline constexpr std::size_t kMaxLine = 8192;
inline constexpr int kMaxLines = 512;

// One SMTP (RFC 5321 4.2) or FTP (RFC 959 4.2) reply line: three digits, then '-' when more
// lines follow or ' ' (or the end) on the last one.
struct ReplyLine {
  int code = 0;
  bool more = false;
  std::string text;
};
Result<ReplyLine> parse_reply_line(std::string_view line);
// The EHLO reply lines (after the code) offer STARTTLS (RFC 3207 4).
bool ehlo_offers_starttls(const std::vector<std::string>& lines);

// One IMAP response line (RFC 3501 7.1): "* OK ...", "a1 NO ...", "+ ...".
struct ImapLine {
  std::string tag;     // "*" untagged, "+" continuation, else the command tag
  std::string status;  // OK, NO, BAD, PREAUTH, BYE (upper case), or empty
  std::string text;
};
ImapLine parse_imap_line(std::string_view line);

// LDAP StartTLS (RFC 4511 4.14.1): the ExtendedRequest and its ExtendedResponse.
inline constexpr std::string_view kLdapStartTlsOid = "1.3.6.1.4.1.1466.20037";
Buffer ldap_starttls_request(int message_id);
// The size of the BER element at the front of `data` once its header is complete (nullopt: need
// more bytes); an error for a malformed header or one larger than max_size.
Result<std::optional<std::size_t>> ber_element_size(bytes::Bytes data, std::size_t max_size);
struct LdapExtendedResult {
  std::int64_t message_id = 0;
  std::int64_t result_code = -1;
  std::string diagnostic;
};
Result<LdapExtendedResult> parse_ldap_extended_response(bytes::Bytes message);

// PostgreSQL SSLRequest (protocol 3, "SSLSessionEncryption"): Int32 8, Int32 80877103.
Buffer postgres_ssl_request();

// ---- the connection ---------------------------------------------------------------------------

class Connection {
 public:
  // Connects, speaks STARTTLS when asked, handshakes and verifies per spec.verify. Throws
  // seckit::ToolError: environment_error (exit 3) for network, protocol and (kRequire)
  // verification failures, input_error (exit 2) for an unreadable --ca-file.
  explicit Connection(const ConnectSpec& spec);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const Session& session() const { return session_; }
  void write(std::string_view data);
  // Up to max bytes; empty at the end of the stream. Throws on errors and timeouts.
  std::string read_some(std::size_t max = 16384);

  // Channel bindings only an endpoint knows: tls-unique (RFC 5929 3; nullopt for TLS 1.3) and
  // tls-exporter (RFC 9266).
  std::optional<Buffer> tls_unique() const;
  Buffer tls_exporter() const;

 private:
  struct Handles;
  std::unique_ptr<Handles> handles_;
  ConnectSpec spec_;
  Session session_;
};

}  // namespace seckit::tlsclient
