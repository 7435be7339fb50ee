// SPNEGO (RFC 4178) and the GSS-API framing (RFC 2743 3.1) around NTLM and Kerberos tokens;
// Kerberos AP-REQs are read by krb5_apreq.hpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "krb5_apreq.hpp"
#include "seckit/asn1.hpp"
#include "seckit/bytes.hpp"
#include "seckit/out.hpp"
#include "seckit/result.hpp"

namespace cbaudit {

using seckit::bytes::Bytes;
using seckit::out::Json;

inline constexpr const char* kOidSpnego = "1.3.6.1.5.5.2";
inline constexpr const char* kOidNtlm = "1.3.6.1.4.1.311.2.2.10";
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

// A token starting with 0x60 (GSS InitialContextToken) or 0xa1 (NegTokenResp), or a bare
// Kerberos AP-REQ; Kerberos tokens are read by parse_ap_req (krb5_apreq.hpp).
seckit::Result<SpnegoToken> parse_spnego(Bytes data);

// --- our own initiator (cbaudit probe) --------------------------------------------------------
// DER MechTypeList { mech }: what the NegTokenInit offers and what the mechListMIC signs.
std::vector<std::uint8_t> mech_type_list(const std::string& mech_oid);
// GSS InitialContextToken(SPNEGO, NegTokenInit { mechTypes { mech }, mechToken }) (RFC 4178 4.2.1).
std::vector<std::uint8_t> build_neg_token_init(const std::string& mech_oid, Bytes mech_token);
// NegTokenResp { negState accept-incomplete, responseToken, mechListMIC } (RFC 4178 4.2.2), the
// initiator's second token.
std::vector<std::uint8_t> build_neg_token_resp(Bytes response_token, Bytes mech_list_mic);

std::string mech_name(const std::string& oid);
Json describe(const SpnegoToken& token);

}  // namespace cbaudit
