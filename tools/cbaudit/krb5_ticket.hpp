// Opening a Kerberos AP-REQ with the service's keytab: the ticket (RFC 4120 5.3, key usage 2)
// gives the session key, the session key opens the authenticator (5.5.1, usage 11), and the
// authenticator's checksum of type 0x8003 (RFC 4121 4.1.1) carries the channel-binding hash Bnd
// and the GSS flags. MS-KILE 2.2.8: a Windows client that knows channel binding adds
// AD-AUTH-DATA-AP-OPTIONS (ad-type 143) with KERB_AP_OPTIONS_CBT inside AD-IF-RELEVANT.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "krb5_keytab.hpp"
#include "seckit/out.hpp"
#include "spnego.hpp"

namespace cbaudit::krb5 {

inline constexpr std::int64_t kGssChecksumType = 0x8003;
inline constexpr std::int64_t kAdIfRelevant = 1;
inline constexpr std::int64_t kAdAuthDataApOptions = 143;
inline constexpr std::uint32_t kKerbApOptionsCbt = 0x4000;

struct GssChecksum {
  std::uint32_t bnd_length = 0;
  std::vector<std::uint8_t> bnd;
  std::uint32_t flags = 0;
  bool delegation = false;  // a KRB-CRED follows (DlgOpt 1)
};

struct KerberosDecryption {
  bool ticket_decrypted = false;
  bool authenticator_decrypted = false;
  std::string note;           // why a part stayed closed (empty when both opened)
  std::string key_principal;  // the keytab entry that opened the ticket
  std::uint32_t key_kvno = 0;
  // EncTicketPart
  int session_key_etype = 0;
  std::string ticket_client;  // cname@crealm
  std::string authtime, endtime;
  // Authenticator
  std::string client;  // cname@crealm
  std::string ctime;   // with cusec
  std::optional<int> subkey_etype;
  std::optional<std::uint32_t> seq_number;
  std::optional<std::int64_t> checksum_type;
  std::optional<GssChecksum> gss;
  std::optional<std::uint32_t> ap_options;  // AD-AUTH-DATA-AP-OPTIONS, when present
};

// The decrypted parts (exposed for the fuzz target): EncTicketPart fills the ticket fields and
// the session key, Authenticator the authenticator fields.
seckit::Result<bool> parse_enc_ticket_part(seckit::bytes::Bytes plain, KerberosDecryption& d,
                                           std::vector<std::uint8_t>& session_key);
seckit::Result<bool> parse_authenticator(seckit::bytes::Bytes plain, KerberosDecryption& d);

// Never throws; a wrong key, a missing entry or malformed plaintext end up in `note`.
KerberosDecryption decrypt_ap_req(const KerberosApReq& ap, const Keytab& keytab);

std::vector<std::string> gss_flag_names(std::uint32_t flags);
seckit::out::Json describe(const KerberosDecryption& d);

}  // namespace cbaudit::krb5
