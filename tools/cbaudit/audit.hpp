// Classification of one authentication against an expected channel binding, with the Windows
// SEC_CHANNEL_BINDINGS_RESULT_* flags and the interpretation flow of Microsoft's "Supporting EPA in
// a service" guidance, and the verdict at each enforcement level (None / Allowed / Required).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "krb5_ticket.hpp"
#include "ntlm.hpp"
#include "seckit/out.hpp"
#include "spnego.hpp"

namespace cbaudit {

using seckit::out::Json;

enum ResultFlag : std::uint32_t {
  kClientSupport = 0x01,
  kAbsent = 0x02,
  kNotValidMismatch = 0x04,
  kNotValidMissing = 0x08,
  kValidMatched = 0x10,
  kValidProxy = 0x20,
  kValidMissing = 0x40,
};
inline constexpr std::uint32_t kResultValid = kValidMatched | kValidProxy | kValidMissing;
inline constexpr std::uint32_t kResultNotValid = kNotValidMismatch | kNotValidMissing;

std::vector<std::string> result_flag_names(std::uint32_t flags);

enum class Level { kNone, kAllowed, kRequired };
std::string level_name(Level level);

// What the client's token says about bindings.
enum class Binding {
  kNotAuthentication,  // NEGOTIATE/CHALLENGE/NegTokenResp without an AUTHENTICATE: nothing to judge
  kOpaque,             // Kerberos: inside the encrypted authenticator
  kNone,               // no MsvAvChannelBindings (old or unaware client, or NTLMv1)
  kZero,               // 16 zero bytes: an aware client that had no channel to bind
  kValue,              // a real binding hash
};

// "not-applicable", "opaque", "absent", "zero", "present" (client_binding in records).
std::string binding_name(Binding binding);

struct Evidence {
  Binding binding = Binding::kNotAuthentication;
  std::vector<std::uint8_t> value;
};

struct LevelOutcome {
  std::optional<std::uint32_t> flags;  // nullopt when it cannot be known (opaque / no expectation)
  std::string verdict;                 // "accepted", "rejected", "unknown"
  std::string explanation;
};

struct AuditOptions {
  std::optional<std::vector<std::uint8_t>> expected;  // expected 16-byte CBT
  bool proxy = false;                                 // ASC_REQ_PROXY_BINDINGS
  // The authentication is not inside TLS (SMB2 over TCP, plain HTTP/LDAP) and no certificate
  // was named: the server has no channel to bind, so EPA does not apply to it.
  bool no_channel = false;
};

LevelOutcome classify(const Evidence& evidence, Level level, const AuditOptions& options);

// Evidence from parsed tokens.
Evidence evidence_of(const ntlm::Message& message);
// A Kerberos authenticator opened with --keytab: Bnd of the GSS checksum like NTLM's
// MsvAvChannelBindings; all zeros is kZero only when KERB_AP_OPTIONS_CBT says the client knows
// channel binding, else kNone. Opaque while the authenticator stays closed.
Evidence evidence_of(const krb5::KerberosDecryption& decryption);

// {"none":{...},"allowed":{...},"required":{...}} plus the flags at `level` at top level.
Json audit_json(const Evidence& evidence, Level level, const AuditOptions& options);
Json outcome_json(const LevelOutcome& outcome);

}  // namespace cbaudit
