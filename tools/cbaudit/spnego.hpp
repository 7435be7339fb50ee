// SPNEGO (RFC 4178) and the GSS-API framing (RFC 2743 3.1) around NTLM and Kerberos tokens, and
// the unencrypted parts of a Kerberos AP-REQ (RFC 4120 5.5.1). The authenticator, where the
// channel-binding checksum lives, is encrypted: without a keytab it stays opaque.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "seckit/asn1.hpp"
#include "seckit/bytes.hpp"
#include "seckit/out.hpp"
#include "seckit/result.hpp"

namespace cbaudit {

using seckit::bytes::Bytes;
using seckit::out::Json;

inline constexpr const char* kOidSpnego = "1.3.6.1.5.5.2";
inline constexpr const char* kOidNtlm = "1.3.6.1.4.1.311.2.2.10";
inline constexpr const char* kOidKrb5 = "1.2.840.113554.1.2.2";
inline constexpr const char* kOidMsKrb5 = "1.2.840.48018.1.2.2";

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

struct SpnegoToken {
  std::string kind;  // "neg-token-init", "neg-token-resp", "gss-krb5", "kerberos-ap-req"
  std::vector<std::string> mech_types;
  std::optional<std::string> supported_mech;
  std::optional<std::string> neg_state;
  std::vector<std::uint8_t> inner;  // mechToken / responseToken, when present
  bool has_mech_list_mic = false;
  std::optional<KerberosApReq>
      ap_req;  // the inner token, or the token itself, as a Kerberos AP-REQ
};

// A token starting with 0x60 (GSS InitialContextToken) or 0xa1 (NegTokenResp).
seckit::Result<SpnegoToken> parse_spnego(Bytes data);
// "AP-REP" or "KRB-ERROR" when `data` is the server's Kerberos answer (GSS-framed with TOK_ID
// 02 00 / 03 00, or bare [APPLICATION 15] / [APPLICATION 30]); nullopt otherwise.
std::optional<std::string> kerberos_reply_type(Bytes data);
// A bare or GSS-framed (krb5 OID + TOK_ID 01 00) Kerberos AP-REQ.
seckit::Result<KerberosApReq> parse_ap_req(Bytes data);

// DER helpers shared with the Kerberos decoders (krb5_ticket.cpp).
// The single TLV inside a context-tagged explicit wrapper ([n] { X }).
seckit::Result<seckit::asn1::Tlv> unwrap(const seckit::asn1::Tlv& wrapper);
// The INTEGER inside [n] among items; an error when absent.
seckit::Result<std::int64_t> explicit_int(const std::vector<seckit::asn1::Tlv>& items,
                                          std::uint32_t n);
// The children of the SEQUENCE inside an explicit wrapper.
seckit::Result<std::vector<seckit::asn1::Tlv>> sequence_in(const seckit::asn1::Tlv& wrapper);

// --- our own initiator (cbaudit probe) --------------------------------------------------------
// DER MechTypeList { mech }: what the NegTokenInit offers and what the mechListMIC signs.
std::vector<std::uint8_t> mech_type_list(const std::string& mech_oid);
// GSS InitialContextToken(SPNEGO, NegTokenInit { mechTypes { mech }, mechToken }) (RFC 4178 4.2.1).
std::vector<std::uint8_t> build_neg_token_init(const std::string& mech_oid, Bytes mech_token);
// NegTokenResp { negState accept-incomplete, responseToken, mechListMIC } (RFC 4178 4.2.2), the
// initiator's second token.
std::vector<std::uint8_t> build_neg_token_resp(Bytes response_token, Bytes mech_list_mic);

std::string mech_name(const std::string& oid);
std::string etype_name(int etype);
Json describe(const SpnegoToken& token);
Json describe(const KerberosApReq& ap_req);

}  // namespace cbaudit
