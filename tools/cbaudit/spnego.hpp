// SPNEGO (RFC 4178) and the GSS-API framing (RFC 2743 3.1) around NTLM and Kerberos tokens, and
// the unencrypted parts of a Kerberos AP-REQ (RFC 4120 5.5.1). The authenticator, where the
// channel-binding checksum lives, is encrypted: without a keytab it stays opaque.
#pragma once

#include <optional>
#include <string>
#include <vector>

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
  int ticket_etype = 0;
  int ticket_kvno = -1;
  int authenticator_etype = 0;
  bool mutual_required = false;
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
// A bare or GSS-framed (krb5 OID + TOK_ID 01 00) Kerberos AP-REQ.
seckit::Result<KerberosApReq> parse_ap_req(Bytes data);

std::string mech_name(const std::string& oid);
std::string etype_name(int etype);
Json describe(const SpnegoToken& token);
Json describe(const KerberosApReq& ap_req);

}  // namespace cbaudit
