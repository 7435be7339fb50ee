// NTLM messages (MS-NLMP 2.2.1): NEGOTIATE, CHALLENGE, AUTHENTICATE, the NTLMv2 response and its
// AV pairs. Parsing only reads through seckit::bytes::Reader; build_* are for our own client
// (cbaudit probe).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "seckit/bytes.hpp"
#include "seckit/out.hpp"
#include "seckit/result.hpp"

namespace cbaudit::ntlm {

using Buffer = std::vector<std::uint8_t>;
using seckit::bytes::Bytes;
using seckit::out::Json;

enum AvId : std::uint16_t {
  kAvEol = 0,
  kAvNbComputerName = 1,
  kAvNbDomainName = 2,
  kAvDnsComputerName = 3,
  kAvDnsDomainName = 4,
  kAvDnsTreeName = 5,
  kAvFlags = 6,
  kAvTimestamp = 7,
  kAvSingleHost = 8,
  kAvTargetName = 9,
  kAvChannelBindings = 10,
};
inline constexpr std::uint32_t kMessageNegotiate = 1;  // MS-NLMP 2.2.1.1 MessageType
inline constexpr std::uint32_t kMessageChallenge = 2;
inline constexpr std::uint32_t kMessageAuthenticate = 3;
inline constexpr std::uint32_t kAvFlagMicPresent = 0x2;

inline constexpr std::uint32_t kNegotiateUnicode = 0x1, kNegotiateOem = 0x2, kRequestTarget = 0x4,
                               kNegotiateSign = 0x10, kNegotiateSeal = 0x20, kNegotiateNtlm = 0x200,
                               kNegotiateAlwaysSign = 0x8000,
                               kNegotiateExtendedSessionSecurity = 0x80000,
                               kNegotiateTargetInfo = 0x800000, kNegotiateVersion = 0x2000000,
                               kNegotiate128 = 0x20000000, kNegotiateKeyExch = 0x40000000,
                               kNegotiate56 = 0x80000000;

struct AvPair {
  std::uint16_t id = 0;
  Buffer value;
};

struct Message {
  std::uint32_t type = 0;  // 1, 2, 3
  std::uint32_t flags = 0;
  std::optional<std::string> version;  // "10.0.19041 (NTLM revision 15)"
  // NEGOTIATE / AUTHENTICATE
  std::string domain, workstation;
  // CHALLENGE
  std::string target_name;
  Buffer server_challenge;
  std::vector<AvPair> target_info;
  // AUTHENTICATE
  std::string user;
  Buffer lm_response, nt_response, encrypted_session_key;
  std::optional<Buffer> mic;
  // NTLMv2 response details (AUTHENTICATE with an NT response longer than 24 bytes)
  bool ntlmv2 = false;
  Buffer nt_proof;
  std::uint64_t client_timestamp = 0;
  Buffer client_challenge;
  std::vector<AvPair> client_av_pairs;
  bool anonymous = false;
};

// Parses one NTLMSSP message (starting with "NTLMSSP\0").
seckit::Result<Message> parse(Bytes data);
bool looks_like_ntlm(Bytes data);

const AvPair* find_av(const std::vector<AvPair>& pairs, std::uint16_t id);
std::string av_name(std::uint16_t id);
std::vector<std::string> flag_names(std::uint32_t flags);
std::string message_type_name(std::uint32_t type);

// JSON description of a message (fields as the `token` record carries them).
Json describe(const Message& message);
// The AUTHENTICATE facts a cb_audit record carries, read from the struct (no JSON on the way).
std::string_view ntlm_version(const Message& message);  // anonymous, ntlmv2, ntlmv1
bool mic_flag(const Message& message);                  // MsvAvFlags has MIC-present (NTLMv2)
std::optional<std::string> target_spn(const Message& message);  // MsvAvTargetName (NTLMv2)

// --- our own client -------------------------------------------------------------------------

struct ClientCredentials {
  std::string user, domain, password, workstation = "CBAUDIT";
};
// sign: request NTLMSSP_NEGOTIATE_SIGN (what Windows HTTP clients send; it makes SPNEGO
// acceptors verify the mechListMIC). LDAP over TLS must not: AD and Samba refuse SASL
// security layers on a TLS connection.
Buffer build_negotiate(bool sign);
struct Authenticate {
  Buffer message;
  // Without KEY_EXCH the exported session key is the NTLMv2 session base key; it keys the
  // MIC and the client's signatures (MS-NLMP 3.4.5).
  Buffer exported_session_key;
  std::uint32_t flags = 0;  // the negotiated flags sent in the message
};
// NTLMv2 AUTHENTICATE answering `challenge`. channel_bindings: nullopt = no AV pair at all
// (an unaware client); otherwise the 16 bytes to send (zeros = aware client without a channel).
Authenticate build_authenticate(Bytes negotiate_raw, Bytes challenge_raw, const Message& challenge,
                                const ClientCredentials& creds,
                                const std::optional<Buffer>& channel_bindings,
                                const std::string& target_name);
// The client's GSS_GetMIC token over `message` (MS-NLMP 3.4.4.2 with extended session security):
// version 1, HMAC-MD5(ClientSigningKey, seq | message)[0..8], seq. What SPNEGO's mechListMIC
// carries (sequence number 0). Our client never negotiates KEY_EXCH, so no RC4 step.
Buffer client_signature(const Authenticate& auth, std::uint32_t seq, Bytes message);

// NTOWFv2 (MS-NLMP 3.3.2): HMAC-MD5(MD4(UTF-16LE(password)), UTF-16LE(UPPER(user) + domain)).
Buffer ntowf_v2(const std::string& user, const std::string& domain, const std::string& password);
// NTProofStr: HMAC-MD5(NTOWFv2, server challenge + temp), temp = the NTLMv2_CLIENT_CHALLENGE.
Buffer nt_proof_str(const Buffer& ntowf, const Buffer& server_challenge, const Buffer& temp);

// MD4 lives in OpenSSL 3's legacy provider: loaded on first use. Throws ToolError (exit 3)
// when the provider is not installed.
Buffer nt_hash(const std::string& password);

// Loads OpenSSL 3's legacy provider (MD4, RC4) once; throws ToolError (exit 3) naming `what`
// when it is not installed.
void require_legacy_provider(const char* what);

}  // namespace cbaudit::ntlm
