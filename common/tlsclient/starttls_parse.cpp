// The replies of the plaintext phase, parsed without sockets so that every protocol's answers
// (good, refused, malformed, cut short) are unit-tested on their own.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "seckit/asn1.hpp"
#include "seckit/tlsclient.hpp"

namespace seckit::tlsclient {
namespace {

constexpr std::uint8_t kBerSequence = 0x30;
constexpr std::uint8_t kBerInteger = 0x02;
constexpr std::uint8_t kLdapExtendedRequest = 0x77;  // [APPLICATION 23] constructed
constexpr std::uint8_t kLdapRequestName = 0x80;      // [0] primitive
constexpr std::uint32_t kLdapExtendedResponse = 24;  // [APPLICATION 24]

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// A definite BER length (short form, or long form of up to 4 octets), appended.
void append_length(Buffer& out, std::size_t length) {
  if (length < 0x80) {
    out.push_back(static_cast<std::uint8_t>(length));
    return;
  }
  Buffer octets;
  for (std::size_t n = length; n > 0; n >>= 8) octets.insert(octets.begin(), n & 0xff);
  out.push_back(static_cast<std::uint8_t>(0x80 | octets.size()));
  out.insert(out.end(), octets.begin(), octets.end());
}

void append_tlv(Buffer& out, std::uint8_t tag, const Buffer& content) {
  out.push_back(tag);
  append_length(out, content.size());
  out.insert(out.end(), content.begin(), content.end());
}

}  // namespace

Result<ReplyLine> parse_reply_line(std::string_view line) {
  // RFC 959 4.2 / RFC 5321 4.2: three digits, the first one 1-5 (what kind of reply it is).
  if (line.size() < 3 || line[0] < '1' || line[0] > '5' ||
      !std::all_of(line.begin(), line.begin() + 3, [](char c) { return c >= '0' && c <= '9'; })) {
    return parse_error(fmt::format("not a reply line: '{}'", line.substr(0, 80)));
  }
  ReplyLine reply;
  reply.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (line.size() > 3 && line[3] != '-' && line[3] != ' ') {
    return parse_error(fmt::format("not a reply line: '{}'", line.substr(0, 80)), 3);
  }
  reply.more = line.size() > 3 && line[3] == '-';
  reply.text = std::string(line.size() > 4 ? line.substr(4) : std::string_view());
  return reply;
}

bool ehlo_offers_starttls(const std::vector<std::string>& lines) {
  // RFC 5321 4.1.1.1: each line after the first is an EHLO keyword with optional parameters.
  return std::any_of(lines.begin(), lines.end(), [](const std::string& line) {
    std::string keyword = upper(line.substr(0, line.find(' ')));
    return keyword == "STARTTLS";
  });
}

ImapLine parse_imap_line(std::string_view line) {
  ImapLine out;
  auto space = line.find(' ');
  out.tag = std::string(line.substr(0, space));
  if (space == std::string_view::npos) return out;
  std::string_view rest = line.substr(space + 1);
  auto next = rest.find(' ');
  std::string word = upper(rest.substr(0, next));
  if (word == "OK" || word == "NO" || word == "BAD" || word == "PREAUTH" || word == "BYE") {
    out.status = word;
    out.text = next == std::string_view::npos ? std::string() : std::string(rest.substr(next + 1));
  } else {
    out.text = std::string(rest);
  }
  return out;
}

Buffer ldap_starttls_request(int message_id) {
  // LDAPMessage ::= SEQUENCE { messageID INTEGER, protocolOp ExtendedRequest }
  // ExtendedRequest ::= [APPLICATION 23] SEQUENCE { requestName [0] LDAPOID, ... }
  Buffer name(kLdapStartTlsOid.begin(), kLdapStartTlsOid.end());
  Buffer op;
  append_tlv(op, kLdapRequestName, name);
  Buffer id;
  for (int n = message_id; n > 0 || id.empty(); n >>= 8) id.insert(id.begin(), n & 0xff);
  if (id.front() & 0x80) id.insert(id.begin(), 0);  // INTEGER is signed
  Buffer body;
  append_tlv(body, kBerInteger, id);
  append_tlv(body, kLdapExtendedRequest, op);
  Buffer message;
  append_tlv(message, kBerSequence, body);
  return message;
}

Result<std::optional<std::size_t>> ber_element_size(bytes::Bytes data, std::size_t max_size) {
  bytes::Reader r(data);
  std::uint8_t tag = r.u8();
  std::uint8_t first = r.u8();
  if (!r.ok()) return std::optional<std::size_t>{};
  if ((tag & 0x1f) == 0x1f) return parse_error("multi-octet BER tag where an LDAP message starts");
  std::size_t length = first;
  if (first == 0x80) return parse_error("indefinite BER length (LDAP forbids it)", 1);
  if (first & 0x80) {
    std::size_t count = first & 0x7f;
    if (count > 4) return parse_error("BER length of more than 4 octets", 1);
    bytes::Bytes octets = r.bytes(count);
    if (!r.ok()) return std::optional<std::size_t>{};
    length = 0;
    for (std::uint8_t o : octets) length = (length << 8) | o;
  }
  std::size_t total = r.position() + length;
  if (total > max_size) {
    return parse_error(
        fmt::format("BER element of {} bytes (at most {} expected)", total, max_size));
  }
  return std::optional<std::size_t>{total};
}

Result<LdapExtendedResult> parse_ldap_extended_response(bytes::Bytes message) {
  bytes::Reader r(message);
  auto outer = asn1::read_tlv(r);
  if (!outer || !outer->universal(asn1::kSequence)) return parse_error("not an LDAP message");
  auto items = asn1::children(*outer);
  if (!items || items->size() < 2) return parse_error("not an LDAP message");
  LdapExtendedResult out;
  auto id = asn1::integer((*items)[0].value);
  if (!(*items)[0].universal(asn1::kInteger) || !id) return parse_error("bad LDAP messageID");
  out.message_id = *id;
  if (!(*items)[1].application(kLdapExtendedResponse)) {
    return parse_error("not an ExtendedResponse", (*items)[1].offset);
  }
  auto fields = asn1::children((*items)[1]);
  if (!fields || fields->size() < 3 || !(*fields)[0].universal(asn1::kEnumerated)) {
    return parse_error("ExtendedResponse without an LDAPResult", (*items)[1].offset);
  }
  auto code = asn1::integer((*fields)[0].value);
  if (!code) return parse_error("bad resultCode", (*fields)[0].offset);
  out.result_code = *code;
  if ((*fields)[2].universal(asn1::kOctetString)) {
    const auto& text = (*fields)[2].value;
    out.diagnostic.assign(text.begin(), text.begin() + std::min<std::size_t>(text.size(), 200));
  }
  return out;
}

Buffer postgres_ssl_request() {
  // Int32(8) length, Int32(80877103) = 1234 << 16 | 5679, the SSLRequest code.
  return {0x00, 0x00, 0x00, 0x08, 0x04, 0xd2, 0x16, 0x2f};
}

}  // namespace seckit::tlsclient
