#include "ntlm.hpp"

#include <fmt/format.h>
#include <openssl/provider.h>

#include <chrono>
#include <cstring>

#include "seckit/crypto.hpp"
#include "seckit/enc.hpp"
#include "seckit/error.hpp"

namespace cbaudit::ntlm {

namespace {

constexpr std::uint8_t kSignature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};

struct Field {
  std::uint16_t length = 0;
  std::uint32_t offset = 0;
};

Field read_field(seckit::bytes::Reader& r) {
  Field f;
  f.length = r.le16();
  r.le16();  // MaximumLength: ignored on receipt (MS-NLMP 2.2.1)
  f.offset = r.le32();
  return f;
}

seckit::Result<Buffer> field_bytes(Bytes message, const Field& f, const char* name) {
  if (f.length == 0) return Buffer{};
  if (static_cast<std::uint64_t>(f.offset) + f.length > message.size()) {
    return seckit::parse_error(
        fmt::format("{} field (offset {}, length {}) runs past the {}-byte message", name, f.offset,
                    f.length, message.size()),
        f.offset);
  }
  return Buffer(message.begin() + f.offset, message.begin() + f.offset + f.length);
}

std::string utf16le_to_utf8(const Buffer& in) {
  std::string out;
  for (std::size_t i = 0; i + 1 < in.size(); i += 2) {
    std::uint32_t cp = in[i] | (in[i + 1] << 8);
    if (cp >= 0xd800 && cp < 0xdc00 && i + 3 < in.size()) {
      std::uint32_t lo = in[i + 2] | (in[i + 3] << 8);
      if (lo >= 0xdc00 && lo < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i += 2;
      } else {
        cp = 0xfffd;
      }
    } else if (cp >= 0xd800 && cp < 0xe000) {
      cp = 0xfffd;
    }
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xc0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xe0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }
  return out;
}

// UTF-8 to UTF-16LE for our own client (BMP and surrogate pairs).
Buffer utf16le(const std::string& in) {
  Buffer out;
  auto put = [&](std::uint32_t u) {
    out.push_back(static_cast<std::uint8_t>(u));
    out.push_back(static_cast<std::uint8_t>(u >> 8));
  };
  for (std::size_t i = 0; i < in.size();) {
    auto c = static_cast<unsigned char>(in[i]);
    std::uint32_t cp = c;
    int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
    if (extra) cp = c & (0x3f >> extra);
    for (int k = 1; k <= extra && i + k < in.size(); ++k) cp = (cp << 6) | (in[i + k] & 0x3f);
    i += 1 + extra;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put(0xd800 + (cp >> 10));
      put(0xdc00 + (cp & 0x3ff));
    } else {
      put(cp);
    }
  }
  return out;
}

std::string text_of(const Buffer& raw, bool unicode) {
  if (unicode) return utf16le_to_utf8(raw);
  std::string s(raw.begin(), raw.end());
  return seckit::out::is_valid_utf8(s) ? s : seckit::enc::hex_encode(raw);
}

seckit::Result<std::vector<AvPair>> parse_av_pairs(Bytes data, std::size_t base) {
  std::vector<AvPair> pairs;
  seckit::bytes::Reader r(data, base);
  while (!r.empty()) {
    AvPair pair;
    pair.id = r.le16();
    std::uint16_t length = r.le16();
    Bytes value = r.bytes(length);
    if (!r.ok()) return r.error("AV pair runs past the end of its list");
    pair.value.assign(value.begin(), value.end());
    if (pair.id == kAvEol) return pairs;
    pairs.push_back(std::move(pair));
    if (pairs.size() > 256) return seckit::parse_error("more than 256 AV pairs", base);
  }
  // MS-NLMP requires MsvAvEOL; a missing terminator is tolerated (some clients omit it).
  return pairs;
}

std::string version_text(Bytes v) {
  return fmt::format("{}.{}.{} (NTLM revision {})", v[0], v[1], v[2] | (v[3] << 8), v[7]);
}

std::uint64_t filetime_now() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto units = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() / 100;
  return static_cast<std::uint64_t>(units) + 116444736000000000ULL;
}

void put_le16(Buffer& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_le32(Buffer& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_le64(Buffer& b, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_av(Buffer& b, std::uint16_t id, const Buffer& value) {
  put_le16(b, id);
  put_le16(b, static_cast<std::uint16_t>(value.size()));
  b.insert(b.end(), value.begin(), value.end());
}

}  // namespace

bool looks_like_ntlm(Bytes data) {
  return data.size() >= 12 && std::memcmp(data.data(), kSignature, 8) == 0;
}

namespace {

// The minimum payload offset decides which optional fixed fields (Version, MIC) are present.
void read_version(Bytes data, Message& m, std::size_t offset, std::uint32_t min_payload) {
  if (data.size() >= offset + 8 && min_payload >= offset + 8) {
    m.version = version_text(data.subspan(offset, 8));
  }
}

// NEGOTIATE (MS-NLMP 2.2.1.1).
seckit::Result<Message> parse_negotiate(Bytes data, seckit::bytes::Reader& r, Message m) {
  m.flags = r.le32();
  Field domain = read_field(r), workstation = read_field(r);
  if (!r.ok()) return r.error("NTLM NEGOTIATE header");
  std::uint32_t min_payload = static_cast<std::uint32_t>(data.size());
  for (const auto* f : {&domain, &workstation}) {
    if (f->length) min_payload = std::min(min_payload, f->offset);
  }
  if (m.flags & kNegotiateVersion) read_version(data, m, 32, min_payload);
  auto d = field_bytes(data, domain, "DomainName");
  auto w = field_bytes(data, workstation, "Workstation");
  if (!d) return d.error();
  if (!w) return w.error();
  // NEGOTIATE carries OEM strings (MS-NLMP 2.2.1.1).
  m.domain = text_of(*d, false);
  m.workstation = text_of(*w, false);
  return m;
}

// CHALLENGE (MS-NLMP 2.2.1.2).
seckit::Result<Message> parse_challenge(Bytes data, seckit::bytes::Reader& r, Message m) {
  Field target = read_field(r);
  m.flags = r.le32();
  Bytes challenge = r.bytes(8);
  r.skip(8);
  Field info = read_field(r);
  if (!r.ok()) return r.error("NTLM CHALLENGE header");
  m.server_challenge.assign(challenge.begin(), challenge.end());
  std::uint32_t min_payload = static_cast<std::uint32_t>(data.size());
  for (const auto* f : {&target, &info}) {
    if (f->length) min_payload = std::min(min_payload, f->offset);
  }
  if (m.flags & kNegotiateVersion) read_version(data, m, 48, min_payload);
  auto t = field_bytes(data, target, "TargetName");
  if (!t) return t.error();
  m.target_name = text_of(*t, m.flags & kNegotiateUnicode);
  auto ti = field_bytes(data, info, "TargetInfo");
  if (!ti) return ti.error();
  auto pairs = parse_av_pairs(*ti, info.offset);
  if (!pairs) return pairs.error();
  m.target_info = std::move(*pairs);
  return m;
}

// The NTLMv2 response: NTProofStr(16) + NTLMv2_CLIENT_CHALLENGE (MS-NLMP 2.2.2.7).
seckit::Result<bool> parse_ntlmv2_response(Message& m, std::size_t nt_offset) {
  m.ntlmv2 = true;
  seckit::bytes::Reader v(m.nt_response, nt_offset);
  Bytes proof = v.bytes(16);
  std::uint8_t resp_type = v.u8();
  std::uint8_t hi_resp_type = v.u8();
  v.skip(6);
  m.client_timestamp = v.le64();
  Bytes cc = v.bytes(8);
  v.skip(4);
  if (!v.ok()) return v.error("NTLMv2 client challenge");
  if (resp_type != 1 || hi_resp_type != 1) {
    return seckit::parse_error(
        fmt::format("NTLMv2 client challenge has RespType {} HiRespType {} (expected 1, 1)",
                    resp_type, hi_resp_type),
        nt_offset + 16);
  }
  m.nt_proof.assign(proof.begin(), proof.end());
  m.client_challenge.assign(cc.begin(), cc.end());
  auto pairs = parse_av_pairs(v.rest(), nt_offset + 44);
  if (!pairs) return pairs.error();
  m.client_av_pairs = std::move(*pairs);
  return true;
}

// AUTHENTICATE (MS-NLMP 2.2.1.3).
seckit::Result<Message> parse_authenticate(Bytes data, seckit::bytes::Reader& r, Message m) {
  Field lm = read_field(r), nt = read_field(r), domain = read_field(r), user = read_field(r),
        workstation = read_field(r), key = read_field(r);
  m.flags = r.le32();
  if (!r.ok()) return r.error("NTLM AUTHENTICATE header");
  std::uint32_t min_payload = static_cast<std::uint32_t>(data.size());
  for (const auto* f : {&lm, &nt, &domain, &user, &workstation, &key}) {
    if (f->length) min_payload = std::min(min_payload, f->offset);
  }
  // Version (8 bytes at 64) and MIC (16 bytes at 72) exist when the payload starts after them.
  read_version(data, m, 64, min_payload);
  if (min_payload >= 88 && data.size() >= 88) {
    m.mic = Buffer(data.begin() + 72, data.begin() + 88);
  }
  bool unicode = m.flags & kNegotiateUnicode;
  struct Target {
    const Field* field;
    const char* name;
    Buffer* raw;
    std::string* text;
  };
  Buffer domain_raw, user_raw, ws_raw;
  for (const Target& t :
       {Target{&lm, "LmChallengeResponse", &m.lm_response, nullptr},
        Target{&nt, "NtChallengeResponse", &m.nt_response, nullptr},
        Target{&domain, "DomainName", &domain_raw, &m.domain},
        Target{&user, "UserName", &user_raw, &m.user},
        Target{&workstation, "Workstation", &ws_raw, &m.workstation},
        Target{&key, "EncryptedRandomSessionKey", &m.encrypted_session_key, nullptr}}) {
    auto b = field_bytes(data, *t.field, t.name);
    if (!b) return b.error();
    *t.raw = std::move(*b);
    if (t.text) *t.text = text_of(*t.raw, unicode);
  }
  m.anonymous = m.user.empty() && m.nt_response.empty();
  if (m.nt_response.size() > 24) {
    auto v2 = parse_ntlmv2_response(m, nt.offset);
    if (!v2) return v2.error();
  }
  return m;
}

}  // namespace

seckit::Result<Message> parse(Bytes data) {
  seckit::bytes::Reader r(data);
  Bytes sig = r.bytes(8);
  if (!r.ok() || std::memcmp(sig.data(), kSignature, 8) != 0) {
    return seckit::parse_error("not an NTLM message (no NTLMSSP signature)");
  }
  Message m;
  m.type = r.le32();
  if (!r.ok()) return r.error("NTLM message type");
  switch (m.type) {
    case kMessageNegotiate:
      return parse_negotiate(data, r, std::move(m));
    case kMessageChallenge:
      return parse_challenge(data, r, std::move(m));
    case kMessageAuthenticate:
      return parse_authenticate(data, r, std::move(m));
    default:
      return seckit::parse_error(fmt::format("unknown NTLM message type {}", m.type), 8);
  }
}

const AvPair* find_av(const std::vector<AvPair>& pairs, std::uint16_t id) {
  for (const auto& p : pairs) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

std::string av_name(std::uint16_t id) {
  static const char* const kNames[] = {
      "MsvAvEOL",           "MsvAvNbComputerName", "MsvAvNbDomainName",   "MsvAvDnsComputerName",
      "MsvAvDnsDomainName", "MsvAvDnsTreeName",    "MsvAvFlags",          "MsvAvTimestamp",
      "MsvAvSingleHost",    "MsvAvTargetName",     "MsvAvChannelBindings"};
  if (id < std::size(kNames)) return kNames[id];
  return fmt::format("MsvAv{}", id);
}

std::vector<std::string> flag_names(std::uint32_t flags) {
  static const std::pair<std::uint32_t, const char*> kFlags[] = {
      {0x1, "NEGOTIATE_UNICODE"},
      {0x2, "NEGOTIATE_OEM"},
      {0x4, "REQUEST_TARGET"},
      {0x10, "NEGOTIATE_SIGN"},
      {0x20, "NEGOTIATE_SEAL"},
      {0x40, "NEGOTIATE_DATAGRAM"},
      {0x80, "NEGOTIATE_LM_KEY"},
      {0x200, "NEGOTIATE_NTLM"},
      {0x800, "ANONYMOUS"},
      {0x1000, "NEGOTIATE_OEM_DOMAIN_SUPPLIED"},
      {0x2000, "NEGOTIATE_OEM_WORKSTATION_SUPPLIED"},
      {0x8000, "NEGOTIATE_ALWAYS_SIGN"},
      {0x10000, "TARGET_TYPE_DOMAIN"},
      {0x20000, "TARGET_TYPE_SERVER"},
      {0x80000, "NEGOTIATE_EXTENDED_SESSIONSECURITY"},
      {0x100000, "NEGOTIATE_IDENTIFY"},
      {0x400000, "REQUEST_NON_NT_SESSION_KEY"},
      {0x800000, "NEGOTIATE_TARGET_INFO"},
      {0x2000000, "NEGOTIATE_VERSION"},
      {0x20000000, "NEGOTIATE_128"},
      {0x40000000, "NEGOTIATE_KEY_EXCH"},
      {0x80000000, "NEGOTIATE_56"}};
  std::vector<std::string> out;
  for (const auto& [bit, name] : kFlags) {
    if (flags & bit) out.emplace_back(name);
  }
  return out;
}

std::string message_type_name(std::uint32_t type) {
  switch (type) {
    case 1:
      return "NEGOTIATE";
    case 2:
      return "CHALLENGE";
    case 3:
      return "AUTHENTICATE";
    default:
      return fmt::format("type-{}", type);
  }
}

namespace {
Json describe_av_pairs(const std::vector<AvPair>& pairs) {
  Json out = Json::array();
  for (const auto& p : pairs) {
    Json j = Json::object();
    j["id"] = p.id;
    j["name"] = av_name(p.id);
    switch (p.id) {
      case kAvNbComputerName:
      case kAvNbDomainName:
      case kAvDnsComputerName:
      case kAvDnsDomainName:
      case kAvDnsTreeName:
      case kAvTargetName:
        j["value"] = utf16le_to_utf8(p.value);
        break;
      case kAvFlags:
        if (p.value.size() == 4) {
          std::uint32_t f = p.value[0] | (p.value[1] << 8) | (p.value[2] << 16) |
                            (static_cast<std::uint32_t>(p.value[3]) << 24);
          j["value"] = f;
          j["mic_present"] = (f & kAvFlagMicPresent) != 0;
          j["constrained"] = (f & 0x1) != 0;
          j["untrusted_spn_source"] = (f & 0x4) != 0;
        } else {
          j["hex"] = seckit::enc::hex_encode(p.value);
        }
        break;
      case kAvTimestamp:
        if (p.value.size() == 8) {
          std::uint64_t ft = 0;
          for (int i = 7; i >= 0; --i) ft = (ft << 8) | p.value[i];
          if (ft >= 116444736000000000ULL) {
            std::uint64_t unix100 = ft - 116444736000000000ULL;
            j["value"] = seckit::out::rfc3339(static_cast<std::int64_t>(unix100 / 10000000),
                                              static_cast<std::int32_t>((unix100 % 10000000) / 10));
          }
        }
        j["hex"] = seckit::enc::hex_encode(p.value);
        break;
      default:
        j["hex"] = seckit::enc::hex_encode(p.value);
    }
    out.push_back(std::move(j));
  }
  return out;
}
}  // namespace

std::string_view ntlm_version(const Message& m) {
  return m.anonymous ? "anonymous" : m.ntlmv2 ? "ntlmv2" : "ntlmv1";
}

bool mic_flag(const Message& m) {
  if (!m.ntlmv2) return false;
  const AvPair* flags = find_av(m.client_av_pairs, kAvFlags);
  return flags && flags->value.size() == 4 && (flags->value[0] & kAvFlagMicPresent);
}

std::optional<std::string> target_spn(const Message& m) {
  if (!m.ntlmv2) return std::nullopt;
  const AvPair* target = find_av(m.client_av_pairs, kAvTargetName);
  if (!target) return std::nullopt;
  return utf16le_to_utf8(target->value);
}

Json describe(const Message& m) {
  Json j = Json::object();
  j["mechanism"] = "ntlm";
  j["message_type"] = message_type_name(m.type);
  j["negotiate_flags"] = fmt::format("{:08x}", m.flags);
  j["negotiate_flag_names"] = flag_names(m.flags);
  j["version"] = m.version ? Json(*m.version) : Json(nullptr);
  if (m.type == 1) {
    j["domain"] = m.domain;
    j["workstation"] = m.workstation;
  } else if (m.type == 2) {
    j["target_name"] = m.target_name;
    j["server_challenge"] = seckit::enc::hex_encode(m.server_challenge);
    j["target_info"] = describe_av_pairs(m.target_info);
  } else if (m.type == 3) {
    j["user"] = m.user;
    j["domain"] = m.domain;
    j["workstation"] = m.workstation;
    j["anonymous"] = m.anonymous;
    j["ntlm_version"] = ntlm_version(m);
    j["lm_response_length"] = m.lm_response.size();
    j["nt_response_length"] = m.nt_response.size();
    j["mic"] = m.mic ? Json(seckit::enc::hex_encode(*m.mic)) : Json(nullptr);
    if (m.ntlmv2) {
      j["nt_proof_str"] = seckit::enc::hex_encode(m.nt_proof);
      j["client_challenge"] = seckit::enc::hex_encode(m.client_challenge);
      j["av_pairs"] = describe_av_pairs(m.client_av_pairs);
      j["mic_flag"] = mic_flag(m);
      auto spn = target_spn(m);
      j["target_spn"] = spn ? Json(*spn) : Json(nullptr);
      const AvPair* cb = find_av(m.client_av_pairs, kAvChannelBindings);
      j["channel_bindings"] = cb ? Json(seckit::enc::hex_encode(cb->value)) : Json(nullptr);
    }
  }
  return j;
}

// --- client ---------------------------------------------------------------------------------

namespace {
// Loaded once and unloaded at exit (LeakSanitizer counts a provider that is never unloaded).
// The default provider is loaded explicitly too: loading any provider disables the implicit one.
struct LegacyProviders {
  OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(nullptr, "legacy");
  OSSL_PROVIDER* fallback = OSSL_PROVIDER_load(nullptr, "default");
  ~LegacyProviders() {
    if (legacy) OSSL_PROVIDER_unload(legacy);
    if (fallback) OSSL_PROVIDER_unload(fallback);
  }
  bool ok() const { return legacy && fallback; }
};
}  // namespace

void require_legacy_provider(const char* what) {
  static const LegacyProviders providers;
  if (!providers.ok()) {
    throw seckit::environment_error(
        "cbaudit", std::string("cannot load OpenSSL's legacy provider (") + what + ")",
        "is ossl-modules/legacy.so installed?");
  }
}

Buffer nt_hash(const std::string& password) {
  require_legacy_provider("MD4");
  Buffer unicode = utf16le(password);
  Buffer out(16);
  unsigned int len = 0;
  seckit::crypto::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_MD* md4 = EVP_MD_fetch(nullptr, "MD4", nullptr);
  bool ok = md4 && ctx && EVP_DigestInit_ex(ctx.get(), md4, nullptr) == 1 &&
            EVP_DigestUpdate(ctx.get(), unicode.data(), unicode.size()) == 1 &&
            EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1;
  EVP_MD_free(md4);
  if (!ok) seckit::crypto::throw_openssl("MD4 (legacy provider)");
  return out;
}

Buffer ntowf_v2(const std::string& user, const std::string& domain, const std::string& password) {
  std::string upper_user = user;
  for (char& c : upper_user) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return seckit::crypto::hmac(seckit::crypto::Digest::kMd5, nt_hash(password),
                              utf16le(upper_user + domain));
}

Buffer nt_proof_str(const Buffer& ntowf, const Buffer& server_challenge, const Buffer& temp) {
  Buffer input = server_challenge;
  input.insert(input.end(), temp.begin(), temp.end());
  return seckit::crypto::hmac(seckit::crypto::Digest::kMd5, ntowf, input);
}

Buffer build_negotiate(bool sign) {
  Buffer b(kSignature, kSignature + 8);
  put_le32(b, 1);
  put_le32(b, kNegotiateUnicode | kNegotiateOem | kRequestTarget | kNegotiateNtlm |
                  kNegotiateAlwaysSign | kNegotiateExtendedSessionSecurity | kNegotiateVersion |
                  kNegotiate128 | kNegotiate56 | (sign ? kNegotiateSign : 0));
  put_le16(b, 0), put_le16(b, 0), put_le32(b, 0);  // DomainNameFields
  put_le16(b, 0), put_le16(b, 0), put_le32(b, 0);  // WorkstationFields
  for (std::uint8_t v : {10, 0, 0, 0, 0, 0, 0, 15}) b.push_back(v);
  return b;
}

Authenticate build_authenticate(Bytes negotiate_raw, Bytes challenge_raw, const Message& challenge,
                                const ClientCredentials& creds,
                                const std::optional<Buffer>& channel_bindings,
                                const std::string& target_name) {
  using seckit::crypto::Digest;
  using seckit::crypto::hmac;
  Buffer ntowf = ntowf_v2(creds.user, creds.domain, creds.password);

  std::uint64_t timestamp = filetime_now();
  const AvPair* server_time = find_av(challenge.target_info, kAvTimestamp);
  if (server_time && server_time->value.size() == 8) {
    timestamp = 0;
    for (int i = 7; i >= 0; --i) timestamp = (timestamp << 8) | server_time->value[i];
  }
  Buffer client_challenge = seckit::crypto::random_bytes(8);

  // The client's AV pairs: the server's list, then MsvAvFlags (MIC present), the channel
  // bindings and the target SPN, as Windows clients send them.
  Buffer pairs;
  for (const auto& p : challenge.target_info) {
    if (p.id == kAvFlags || p.id == kAvChannelBindings || p.id == kAvTargetName) continue;
    put_av(pairs, p.id, p.value);
  }
  Buffer flags_value;
  put_le32(flags_value, kAvFlagMicPresent);
  put_av(pairs, kAvFlags, flags_value);
  if (channel_bindings) put_av(pairs, kAvChannelBindings, *channel_bindings);
  if (!target_name.empty()) put_av(pairs, kAvTargetName, utf16le(target_name));
  put_av(pairs, kAvEol, {});

  Buffer temp = {1, 1, 0, 0, 0, 0, 0, 0};
  put_le64(temp, timestamp);
  temp.insert(temp.end(), client_challenge.begin(), client_challenge.end());
  put_le32(temp, 0);
  temp.insert(temp.end(), pairs.begin(), pairs.end());
  put_le32(temp, 0);

  Buffer nt_proof = nt_proof_str(ntowf, challenge.server_challenge, temp);
  Buffer nt_response = nt_proof;
  nt_response.insert(nt_response.end(), temp.begin(), temp.end());
  Buffer lm_response(24, 0);  // MS-NLMP 3.1.5.1.2: zeros when the server sent a timestamp
  Buffer session_key = hmac(Digest::kMd5, ntowf, nt_proof);

  std::uint32_t flags =
      challenge.flags & (kNegotiateUnicode | kRequestTarget | kNegotiateSign | kNegotiateNtlm |
                         kNegotiateAlwaysSign | kNegotiateExtendedSessionSecurity |
                         kNegotiateTargetInfo | kNegotiateVersion | kNegotiate128 | kNegotiate56);
  flags |= kNegotiateUnicode;
  // SIGN only when our NEGOTIATE asked for it (a server may offer it unasked).
  if (negotiate_raw.size() >= 16 && !(negotiate_raw[12] & kNegotiateSign)) flags &= ~kNegotiateSign;
  Buffer domain = utf16le(creds.domain), user = utf16le(creds.user),
         workstation = utf16le(creds.workstation);

  Buffer b(kSignature, kSignature + 8);
  put_le32(b, 3);
  std::uint32_t offset = 88;
  for (const Buffer* field : {&lm_response, &nt_response, &domain, &user, &workstation}) {
    put_le16(b, static_cast<std::uint16_t>(field->size()));
    put_le16(b, static_cast<std::uint16_t>(field->size()));
    put_le32(b, offset);
    offset += static_cast<std::uint32_t>(field->size());
  }
  put_le16(b, 0), put_le16(b, 0), put_le32(b, offset);  // EncryptedRandomSessionKey: none
  put_le32(b, flags);
  for (std::uint8_t v : {10, 0, 0, 0, 0, 0, 0, 15}) b.push_back(v);
  std::size_t mic_at = b.size();
  b.resize(b.size() + 16, 0);
  for (const Buffer* field : {&lm_response, &nt_response, &domain, &user, &workstation}) {
    b.insert(b.end(), field->begin(), field->end());
  }
  // MIC over the three messages with the MIC field zeroed (MS-NLMP 3.1.5.1.2); without
  // KEY_EXCH the exported session key is the session base key.
  Buffer all(negotiate_raw.begin(), negotiate_raw.end());
  all.insert(all.end(), challenge_raw.begin(), challenge_raw.end());
  all.insert(all.end(), b.begin(), b.end());
  Buffer mic = hmac(Digest::kMd5, session_key, all);
  std::copy(mic.begin(), mic.end(), b.begin() + static_cast<std::ptrdiff_t>(mic_at));
  return {std::move(b), std::move(session_key), flags};
}

Buffer client_signature(const Authenticate& auth, std::uint32_t seq, Bytes message) {
  using seckit::crypto::Digest;
  static constexpr char kMagic[] = "session key to client-to-server signing key magic constant";
  Buffer key_input = auth.exported_session_key;
  key_input.insert(key_input.end(), kMagic, kMagic + sizeof kMagic);  // with its NUL (3.4.5.2)
  Buffer signing_key = seckit::crypto::digest(Digest::kMd5, key_input);
  Buffer input;
  put_le32(input, seq);
  input.insert(input.end(), message.begin(), message.end());
  Buffer checksum = seckit::crypto::hmac(Digest::kMd5, signing_key, input);
  Buffer out;
  put_le32(out, 1);
  out.insert(out.end(), checksum.begin(), checksum.begin() + 8);
  put_le32(out, seq);
  return out;
}

}  // namespace cbaudit::ntlm
