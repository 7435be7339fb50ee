// The Kerberos AP-REQ (RFC 4120 5.5.1), bare or in its GSS framing (RFC 4121 4.1: krb5 OID,
// TOK_ID 01 00): the one parser of it, used by the SPNEGO reader, the token analysis and the
// keytab decryption (krb5_ticket.hpp). The authenticator, where the channel-binding checksum
// lives, is encrypted: without a keytab it stays opaque.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "seckit/bytes.hpp"
#include "seckit/out.hpp"
#include "seckit/result.hpp"

namespace cbaudit {

inline constexpr const char* kOidKrb5 = "1.2.840.113554.1.2.2";
inline constexpr const char* kOidMsKrb5 = "1.2.840.48018.1.2.2";
inline constexpr std::uint32_t kApplicationApReq = 14;  // AP-REQ ::= [APPLICATION 14]

struct KerberosApReq {
  std::string realm;
  std::vector<std::string> sname;
  int sname_type = 0;
  // The service principal's name components joined with "/" ("HTTP/www.example.com").
  std::string service_name() const;
  int ticket_etype = 0;
  int ticket_kvno = -1;
  int authenticator_etype = 0;
  bool mutual_required = false;
  // The encrypted parts, opened with --keytab (krb5_ticket.hpp).
  std::vector<std::uint8_t> ticket_cipher;         // EncTicketPart, service key, usage 2
  std::vector<std::uint8_t> authenticator_cipher;  // Authenticator, session key, usage 11
};

// A bare or GSS-framed (krb5 OID + TOK_ID 01 00) Kerberos AP-REQ.
seckit::Result<KerberosApReq> parse_ap_req(seckit::bytes::Bytes data);
// "AP-REP" or "KRB-ERROR" when `data` is the server's Kerberos answer (GSS-framed with TOK_ID
// 02 00 / 03 00, or bare [APPLICATION 15] / [APPLICATION 30]); nullopt otherwise.
std::optional<std::string> kerberos_reply_type(seckit::bytes::Bytes data);

std::string etype_name(int etype);
seckit::out::Json describe(const KerberosApReq& ap_req);

}  // namespace cbaudit
