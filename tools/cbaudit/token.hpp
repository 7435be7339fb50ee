// A security token as users paste it: base64, an HTTP `Authorization:`/`WWW-Authenticate:`
// header (value) with its NTLM/Negotiate scheme, or raw bytes from a file; then whatever it holds
// (NTLM, SPNEGO around NTLM or Kerberos, a Kerberos AP-REQ) described and reduced to Evidence.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "audit.hpp"
#include "krb5_keytab.hpp"
#include "krb5_ticket.hpp"
#include "ntlm.hpp"
#include "seckit/result.hpp"
#include "spnego.hpp"

namespace cbaudit {

struct DecodedToken {
  std::string form;    // "base64", "http-header", "raw"
  std::string scheme;  // "NTLM", "Negotiate", "Kerberos" or ""
  std::vector<std::uint8_t> bytes;
};

seckit::Result<DecodedToken> decode_token_text(std::string_view text);
// File contents: raw binary tokens are taken as they are, text goes through decode_token_text.
seckit::Result<DecodedToken> decode_token_file(std::string_view contents);

// (clang-tidy 14 reports its implicit move constructor as throwing because of the Json member,
// whose move constructor is noexcept; the same false positive as ike_session.hpp MessageRelation.)
struct TokenAnalysis {    // NOLINT(bugprone-exception-escape)
  std::string mechanism;  // "ntlm", "kerberos", "spnego"
  std::string wrapping;   // "raw", "spnego-init", "spnego-resp", "gss"
  Json description;       // the `token` record fields
  Evidence evidence;
  std::optional<ntlm::Message> ntlm;
  std::optional<KerberosApReq> kerberos;
  std::optional<krb5::KerberosDecryption> kerberos_decryption;  // with a keytab
};

// Whether the `token` record fields (description) are built: a capture audit reads the typed
// structs and skips them for NTLM and SPNEGO (most of its time went into JSON it dropped).
enum class Describe { kYes, kNo };

// With a keytab, a Kerberos AP-REQ is opened and its Bnd becomes the evidence; the token
// record gains "decrypted" (krb5_ticket.hpp describe()). Kerberos tokens are always described.
seckit::Result<TokenAnalysis> analyze_token(seckit::bytes::Bytes token,
                                            const krb5::Keytab* keytab = nullptr,
                                            Describe describe = Describe::kYes);

}  // namespace cbaudit
