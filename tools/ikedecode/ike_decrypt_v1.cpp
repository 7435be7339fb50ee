#include "ike_decrypt_v1.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "seckit/crypto.hpp"

namespace ikedecode {

// Wireshark's ikev1_decryption_table: "initiator cookie,encryption key", both bare hex.
bool KeyStore::add_v1_line(const std::vector<std::string>& fields, std::string* error) {
  auto cookie = detail::parse_hex(fields[0]);
  auto key = detail::parse_hex(fields[1]);
  if (!cookie || cookie->size() != 8 || !key || key->empty()) {
    if (error) *error = "IKEv1 line: the initiator cookie must be 8 bytes of hex, the key hex";
    return false;
  }
  v1_[hex(Bytes(cookie->data(), cookie->size()))] = *key;
  return true;
}

namespace {

// RFC 2409 Appendix A: phase-1 attribute values.
constexpr std::uint16_t kAttrEncryption = 1, kAttrHash = 2, kAttrKeyLength = 14;

// OpenSSL's name of the phase-1 cipher for this key size; nullptr when not supported.
const char* v1_cipher(std::uint16_t encr, std::size_t key_size) {
  switch (encr) {
    case 5:
      return key_size == 24 ? "DES-EDE3-CBC" : nullptr;
    case 7:
      return key_size == 16   ? "AES-128-CBC"
             : key_size == 24 ? "AES-192-CBC"
             : key_size == 32 ? "AES-256-CBC"
                              : nullptr;
    default:
      return nullptr;
  }
}

// The phase-1 hash, fetched once for the process (crypto::evp_md).
const EVP_MD* v1_hash(std::uint16_t hash) {
  using seckit::crypto::Digest;
  switch (hash) {
    case 1:
      return seckit::crypto::evp_md(Digest::kMd5);
    case 2:
      return seckit::crypto::evp_md(Digest::kSha1);
    case 4:
      return seckit::crypto::evp_md(Digest::kSha256);
    case 5:
      return seckit::crypto::evp_md(Digest::kSha384);
    case 6:
      return seckit::crypto::evp_md(Digest::kSha512);
    default:
      return nullptr;
  }
}

// H(a | b), empty when OpenSSL fails.
std::vector<std::uint8_t> digest(const EVP_MD* md, Bytes a, Bytes b) {
  seckit::crypto::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), a.data(), a.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1) {
    return {};
  }
  out.resize(len);
  return out;
}

}  // namespace

IkeV1Decryptor::State& IkeV1Decryptor::state_for(const IkeMessage& m, const std::string& sender) {
  std::string cookie = hex(m.spi_i);
  auto found = states_.find(cookie);
  if (found == states_.end()) {
    if (states_.size() >= 1024) {
      states_.erase(std::min_element(states_.begin(), states_.end(), [](auto& a, auto& b) {
        return a.second.order < b.second.order;
      }));
    }
    found = states_.emplace(cookie, State{}).first;
    found->second.initiator = sender;
  }
  found->second.order = ++counter_;
  return found->second;
}

// Phase 1 in clear: the SA the responder accepted (the last one seen) and both KE values.
void IkeV1Decryptor::observe_clear(State& s, const IkeMessage& m, bool from_initiator) {
  if (m.message_id != 0) return;
  for (const Payload& p : m.payloads) {
    if (p.type == 1 && !p.proposals().empty() && !p.proposals()[0].transforms.empty()) {
      const Transform& t = p.proposals()[0].transforms[0];
      s.key_bits = 0;
      for (auto [type, value] : t.attributes) {
        if (type == kAttrEncryption) s.encr = static_cast<std::uint16_t>(value);
        if (type == kAttrHash) s.hash = static_cast<std::uint16_t>(value);
        if (type == kAttrKeyLength) s.key_bits = static_cast<std::uint16_t>(value);
      }
    }
    if (p.type == 4) (from_initiator ? s.ke_i : s.ke_r).assign(p.body.begin(), p.body.end());
  }
}

std::vector<std::uint8_t> IkeV1Decryptor::message_iv(State& s, const IkeMessage& m,
                                                     const EVP_MD* md, std::size_t block,
                                                     std::string& error) {
  Bytes ciphertext = m.raw.subspan(kIkeHeaderSize);
  std::vector<std::uint8_t> last_block(ciphertext.end() - static_cast<std::ptrdiff_t>(block),
                                       ciphertext.end());
  if (auto again = s.seen.find(last_block); again != s.seen.end()) {
    return again->second;  // a retransmission: same IV, and no chaining step
  }
  std::vector<std::uint8_t> iv;
  if (m.message_id == 0) {
    if (s.phase1_iv.empty()) {
      if (s.ke_i.empty() || s.ke_r.empty()) {
        error = "both phase-1 KE payloads are needed for the IV and are not in the capture";
        return {};
      }
      s.phase1_iv = digest(md, s.ke_i, s.ke_r);
      if (s.phase1_iv.size() < block) {
        error = "the phase-1 IV digest failed";
        s.phase1_iv.clear();
        return {};
      }
      s.phase1_iv.resize(block);
    }
    iv = s.phase1_iv;
    s.phase1_iv = last_block;
  } else {
    auto& chained = s.phase2_iv[m.message_id];
    if (chained.empty()) {
      if (s.phase1_iv.empty()) {
        error = "phase 1 was not decrypted, so the phase-2 IV is unknown";
        s.phase2_iv.erase(m.message_id);
        return {};
      }
      std::uint8_t id[4] = {static_cast<std::uint8_t>(m.message_id >> 24),
                            static_cast<std::uint8_t>(m.message_id >> 16),
                            static_cast<std::uint8_t>(m.message_id >> 8),
                            static_cast<std::uint8_t>(m.message_id)};
      chained = digest(md, s.phase1_iv, Bytes(id, 4));
      if (chained.size() < block) {
        error = "the phase-2 IV digest failed";
        s.phase2_iv.erase(m.message_id);
        return {};
      }
      chained.resize(block);
    }
    iv = chained;
    chained = last_block;
    if (s.phase2_iv.size() > 256) s.phase2_iv.erase(s.phase2_iv.begin());
  }
  if (s.seen.size() >= 64) s.seen.erase(s.seen.begin());
  s.seen[last_block] = iv;
  return iv;
}

namespace {

// CBC without padding removal (IKEv1 pads to the block size, not PKCS#7). No integrity check in
// IKEv1 encryption (the HASH payload needs SKEYID_a): a wrong key or IV shows as a first
// payload whose generic header does not fit.
void decrypt_cbc(seckit::crypto::Cipher& cipher, const std::vector<std::uint8_t>& iv,
                 Bytes ciphertext, DecryptResult& result) {
  std::vector<std::uint8_t> out;
  auto plain = cipher.crypt(iv, ciphertext, out);
  if (!plain) {
    result.error = plain.error().message;
    return;
  }
  out.resize(plain->size());
  std::size_t first_length = out.size() >= 4 ? (std::size_t{out[2]} << 8 | out[3]) : 0;
  if (first_length < 4 || first_length > out.size() || out[1] != 0) {
    result.error = "the plaintext does not start with a payload header (wrong key?)";
    return;
  }
  result.integrity_ok = true;
  result.plaintext = std::move(out);
}

}  // namespace

std::optional<DecryptResult> IkeV1Decryptor::process(const IkeMessage& m,
                                                     const std::string& sender) {
  if (m.major != 1) return std::nullopt;
  const std::vector<std::uint8_t>* key = keys_.find_v1(m.spi_i);
  if (key == nullptr) return std::nullopt;  // state only for SAs whose key is known: bounded
  State& s = state_for(m, sender);
  if (!m.encrypted) {
    observe_clear(s, m, sender == s.initiator);
    return std::nullopt;
  }
  DecryptResult result;
  const char* cipher = v1_cipher(s.encr, key->size());
  const EVP_MD* md = v1_hash(s.hash);
  if (cipher == nullptr || md == nullptr) {
    result.error = s.encr == 0
                       ? "the phase-1 SA negotiation is not in the capture"
                       : fmt::format("phase-1 cipher {} / hash {} with a {}-byte key not supported",
                                     s.encr, s.hash, key->size());
    return result;
  }
  if (s.key_bits != 0 && s.key_bits != key->size() * 8) {
    result.error = fmt::format("the SA negotiated a {}-bit key, the key file has {} bytes",
                               s.key_bits, key->size());
    return result;
  }
  if (!s.cipher) {  // fetched and keyed once per SA
    auto created = seckit::crypto::Cipher::create(cipher, *key);
    if (!created) {
      result.error = created.error().message;
      return result;
    }
    s.cipher = std::move(*created);
  }
  std::size_t block = s.cipher->block_size();
  Bytes ciphertext = m.raw.subspan(kIkeHeaderSize);
  if (ciphertext.empty() || ciphertext.size() % block != 0) {
    result.error = "ciphertext is not a whole number of blocks";
    return result;
  }
  std::vector<std::uint8_t> iv = message_iv(s, m, md, block, result.error);
  if (iv.empty()) return result;
  decrypt_cbc(*s.cipher, iv, ciphertext, result);
  return result;
}

}  // namespace ikedecode
