// The STARTTLS dialogues, each ending where the server expects our ClientHello. Every reply is
// read line by line (or as one length-checked BER message) and judged by the pure parsers.
#include <fmt/format.h>

#include "seckit/bytes.hpp"
#include "socket.hpp"

namespace seckit::tlsclient::detail {
namespace {

constexpr int kSmtpReady = 220;  // RFC 5321 4.2.3 greeting; RFC 3207 4 "Ready to start TLS"
constexpr int kSmtpOk = 250;     // EHLO accepted
constexpr int kFtpReady = 220;   // RFC 959 greeting
constexpr int kFtpDelay = 120;   // RFC 959 "service ready in nnn minutes": 220 follows
constexpr int kFtpAuthOk = 234;  // RFC 4217 4: "AUTH TLS" accepted
constexpr int kLdapMessageId = 1;
constexpr std::size_t kMaxLdapResponse = std::size_t{64} * 1024;

std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 120)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

// A complete SMTP or FTP reply: its code and the text of every line (RFC 5321 4.2.1: lines
// "250-..." continue, "250 ..." ends; RFC 959 4.2 likewise with the same code).
struct Reply {
  int code = 0;
  std::vector<std::string> lines;
};

Reply read_reply(Socket& s, Clock::time_point deadline, std::string_view protocol) {
  Reply reply;
  for (int i = 0; i < kMaxLines; ++i) {
    std::string raw = s.read_line(deadline);
    auto line = parse_reply_line(raw);
    if (!line) {
      // RFC 959 4.2: lines inside a multi-line reply need not start with the code.
      if (!reply.lines.empty()) {
        reply.lines.push_back(raw);
        continue;
      }
      s.fail(fmt::format("STARTTLS {}: {}", protocol, line.error().message),
             "is this port speaking " + std::string(protocol) + "?");
    }
    if (reply.lines.empty()) reply.code = line->code;
    reply.lines.push_back(line->text);
    if (!line->more && line->code == reply.code) return reply;
  }
  s.fail(fmt::format("STARTTLS {}: reply of more than {} lines", protocol, kMaxLines));
}

void expect(Socket& s, const Reply& reply, int code, std::string_view protocol,
            std::string_view step, std::string hint = {}) {
  if (reply.code == code) return;
  s.fail(fmt::format("STARTTLS {}: {} answered {} {}", protocol, step, reply.code,
                     printable(reply.lines.empty() ? "" : reply.lines.front())),
         std::move(hint));
}

void send_text(Socket& s, std::string_view text, Clock::time_point deadline) {
  s.send_all(bytes::as_bytes(text), deadline);
}

void smtp(Socket& s, const ConnectSpec& spec, Clock::time_point deadline) {
  expect(s, read_reply(s, deadline, "smtp"), kSmtpReady, "smtp", "the greeting");
  // RFC 3207 4: the client issues EHLO first and learns from its reply whether STARTTLS exists.
  send_text(s, fmt::format("EHLO {}\r\n", spec.client_name), deadline);
  Reply ehlo = read_reply(s, deadline, "smtp");
  expect(s, ehlo, kSmtpOk, "smtp", "EHLO");
  bool offered =
      ehlo_offers_starttls(std::vector<std::string>(ehlo.lines.begin() + 1, ehlo.lines.end()));
  send_text(s, "STARTTLS\r\n", deadline);
  expect(s, read_reply(s, deadline, "smtp"), kSmtpReady, "smtp", "STARTTLS",
         offered ? std::string() : "the EHLO reply does not offer STARTTLS");
}

void imap(Socket& s, Clock::time_point deadline) {
  ImapLine greeting = parse_imap_line(s.read_line(deadline));
  if (greeting.tag != "*" || greeting.status != "OK") {
    // RFC 3501 6.2.1: STARTTLS only in the not-authenticated state; PREAUTH and BYE end it.
    s.fail(fmt::format("STARTTLS imap: greeting '{} {} {}'", printable(greeting.tag),
                       greeting.status, printable(greeting.text)),
           greeting.status == "PREAUTH" ? "the server pre-authenticated: no STARTTLS possible"
                                        : "is this port speaking IMAP?");
  }
  send_text(s, "a1 STARTTLS\r\n", deadline);
  for (int i = 0; i < kMaxLines; ++i) {
    ImapLine line = parse_imap_line(s.read_line(deadline));
    if (line.tag == "*" || line.tag == "+") continue;  // untagged data, e.g. CAPABILITY
    if (line.tag != "a1") s.fail("STARTTLS imap: a tagged reply to a command we did not send");
    if (line.status == "OK") return;
    s.fail(fmt::format("STARTTLS imap: refused: {} {}", line.status, printable(line.text)));
  }
  s.fail("STARTTLS imap: no tagged reply");
}

void ftp(Socket& s, Clock::time_point deadline) {
  Reply greeting = read_reply(s, deadline, "ftp");
  if (greeting.code == kFtpDelay) greeting = read_reply(s, deadline, "ftp");
  expect(s, greeting, kFtpReady, "ftp", "the greeting");
  send_text(s, "AUTH TLS\r\n", deadline);
  expect(s, read_reply(s, deadline, "ftp"), kFtpAuthOk, "ftp", "AUTH TLS");
}

void ldap(Socket& s, Clock::time_point deadline) {
  s.send_all(ldap_starttls_request(kLdapMessageId), deadline);
  Buffer message = s.read_exact(2, deadline);
  for (;;) {
    auto size = ber_element_size(message, kMaxLdapResponse);
    if (!size) s.fail("STARTTLS ldap: " + size.error().message, "is this port speaking LDAP?");
    if (*size) {
      Buffer rest = s.read_exact(**size - message.size(), deadline);
      message.insert(message.end(), rest.begin(), rest.end());
      break;
    }
    Buffer more = s.read_exact(1, deadline);
    message.insert(message.end(), more.begin(), more.end());
  }
  auto result = parse_ldap_extended_response(message);
  if (!result) s.fail("STARTTLS ldap: " + result.error().message, "is this port speaking LDAP?");
  if (result->message_id != kLdapMessageId) {
    // messageID 0 is an unsolicited notification (RFC 4511 4.4), e.g. Notice of Disconnection.
    s.fail(fmt::format("STARTTLS ldap: unsolicited notification, resultCode {} {}",
                       result->result_code, printable(result->diagnostic)));
  }
  if (result->result_code != 0) {
    s.fail(fmt::format("STARTTLS ldap: refused with resultCode {}{}{}", result->result_code,
                       result->diagnostic.empty() ? "" : ": ", printable(result->diagnostic)));
  }
}

void postgres(Socket& s, Clock::time_point deadline) {
  s.send_all(postgres_ssl_request(), deadline);
  // The answer is one byte: 'S' go ahead, 'N' no TLS; an old server sends an ErrorResponse 'E'.
  Buffer answer = s.read_exact(1, deadline);
  if (answer[0] == 'S') return;
  s.fail(answer[0] == 'N' ? "STARTTLS postgres: the server refused SSL ('N')"
                          : fmt::format("STARTTLS postgres: unexpected answer 0x{:02x}", answer[0]),
         answer[0] == 'N' ? "enable ssl in postgresql.conf" : "is this port speaking PostgreSQL?");
}

}  // namespace

void starttls(Socket& socket, const ConnectSpec& spec, Clock::time_point deadline) {
  switch (spec.starttls) {
    case StartTls::kNone:
      return;
    case StartTls::kSmtp:
      return smtp(socket, spec, deadline);
    case StartTls::kImap:
      return imap(socket, deadline);
    case StartTls::kFtp:
      return ftp(socket, deadline);
    case StartTls::kLdap:
      return ldap(socket, deadline);
    case StartTls::kPostgres:
      return postgres(socket, deadline);
  }
}

}  // namespace seckit::tlsclient::detail
