#include "ike_decrypt.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>

#include "seckit/crypto.hpp"
#include "seckit/error.hpp"

namespace ikedecode {

namespace detail {

std::optional<std::vector<std::uint8_t>> parse_hex(std::string text) {
  if (text.rfind("0x", 0) == 0 || text.rfind("0X", 0) == 0) text = text.substr(2);
  std::vector<std::uint8_t> out;
  int high = -1;
  for (char c : text) {
    int v;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else if (c == ':' || c == ' ' || c == '-')
      continue;
    else
      return std::nullopt;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  if (high >= 0) return std::nullopt;
  return out;
}

}  // namespace detail

namespace {

using detail::parse_hex;

// One UAT record: comma-separated fields, text fields in double quotes (which may hold commas),
// byte fields as bare hex. Quoted hex is accepted too.
std::vector<std::string> uat_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::string current;
  bool quoted = false, any = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if (c == ',' && !quoted) {
      fields.push_back(current);
      current.clear();
    } else if (c != '\r' && c != '\n' && (quoted || (c != ' ' && c != '\t'))) {
      current += c;
      any = true;
    }
  }
  if (any) fields.push_back(current);
  if (quoted) return {};
  return fields;
}

// Wireshark's UAT names ("AES-CBC-256 [RFC3602]", "AES-GCM-128 with 16 octet ICV [RFC5282]").
bool set_cipher(const std::string& name, IkeV2Keys& k) {
  auto has = [&](const char* s) { return name.find(s) != std::string::npos; };
  int bits = has("-128") ? 128 : has("-192") ? 192 : has("-256") ? 256 : 0;
  if (has("AES-CBC") && bits) {
    k.cipher = fmt::format("aes-{}-cbc", bits);
    k.iv_length = 16;
  } else if (has("3DES")) {
    k.cipher = "des-ede3-cbc";
    k.iv_length = 8;
  } else if (has("AES-GCM") && bits) {
    k.cipher = fmt::format("aes-{}-gcm", bits);
    k.aead = true;
    k.iv_length = 8;
    k.icv_length = has("8 octet") ? 8 : has("12 octet") ? 12 : 16;
  } else if (has("NULL")) {
    k.cipher = "null";
    k.iv_length = 0;
  } else {
    return false;
  }
  return true;
}

bool set_integrity(const std::string& name, IkeV2Keys& k) {
  auto has = [&](const char* s) { return name.find(s) != std::string::npos; };
  if (k.aead) return true;
  if (has("HMAC_SHA2_256_128")) {
    k.integrity = "SHA256";
    k.icv_length = 16;
  } else if (has("HMAC_SHA2_384_192")) {
    k.integrity = "SHA384";
    k.icv_length = 24;
  } else if (has("HMAC_SHA2_512_256")) {
    k.integrity = "SHA512";
    k.icv_length = 32;
  } else if (has("HMAC_SHA1_96")) {
    k.integrity = "SHA1";
    k.icv_length = 12;
  } else if (has("HMAC_MD5_96")) {
    k.integrity = "MD5";
    k.icv_length = 12;
  } else if (has("NONE")) {
    k.integrity.clear();
    k.icv_length = 0;
  } else
    return false;
  return true;
}

}  // namespace

bool KeyStore::add_line(const std::string& line, std::string* error) {
  if (line.empty() || line[0] == '#') return false;
  if (line.rfind("ikev2 ", 0) == 0 || line.rfind("ikev2\t", 0) == 0) {
    return add_tcpdump_line(line, error);
  }
  auto fields = uat_fields(line);
  if (fields.size() == 2) return add_v1_line(fields, error);
  if (fields.size() != 8) {
    if (error && !fields.empty()) {
      *error = fmt::format("{} fields, expected 8 (IKEv2) or 2 (IKEv1)", fields.size());
    }
    return false;
  }
  IkeV2Keys k;
  auto spi_i = parse_hex(fields[0]);
  auto spi_r = parse_hex(fields[1]);
  auto ei = parse_hex(fields[2]), er = parse_hex(fields[3]);
  auto ai = parse_hex(fields[5]), ar = parse_hex(fields[6]);
  if (!spi_i || !spi_r || spi_i->size() != 8 || spi_r->size() != 8 || !ei || !er || !ai || !ar) {
    if (error) *error = "SPIs must be 8 bytes of hex and keys hex";
    return false;
  }
  if (!set_cipher(fields[4], k) || !set_integrity(fields[7], k)) {
    if (error) *error = fmt::format("unsupported algorithm \"{}\" / \"{}\"", fields[4], fields[7]);
    return false;
  }
  std::copy(spi_i->begin(), spi_i->end(), k.spi_i.begin());
  std::copy(spi_r->begin(), spi_r->end(), k.spi_r.begin());
  k.sk_ei = *ei;
  k.sk_er = *er;
  k.sk_ai = *ai;
  k.sk_ar = *ar;
  v2_[{hex(Bytes(k.spi_i)), hex(Bytes(k.spi_r))}] = std::move(k);
  return true;
}

// tcpdump's "ikev2 I|R 0xSPIi 0xSPIr INTEG:0xKEY ENCR:0xKEY": one direction per line, merged
// with the other direction's line of the same SPIs.
bool KeyStore::add_tcpdump_line(const std::string& line, std::string* error) {
  std::vector<std::string> words;
  std::string word;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  auto fail = [&](std::string why) {
    if (error) *error = std::move(why);
    return false;
  };
  if (words.size() != 6)
    return fail("tcpdump ikev2 line needs: ikev2 I|R 0xSPIi 0xSPIr a:0xK e:0xK");
  if (words[1] != "I" && words[1] != "R") return fail("tcpdump ikev2 line: I or R expected");
  bool initiator = words[1] == "I";
  auto spi_i = words[2].size() == 18 ? parse_hex(words[2]) : std::nullopt;
  auto spi_r = words[3].size() == 18 ? parse_hex(words[3]) : std::nullopt;
  if (!spi_i || !spi_r || spi_i->size() != 8 || spi_r->size() != 8) {
    return fail("tcpdump ikev2 line: SPIs must be 0x and 16 hex digits");
  }
  auto split = [](const std::string& w) -> std::pair<std::string, std::string> {
    auto colon = w.find(':');
    if (colon == std::string::npos) return {};
    return {w.substr(0, colon), w.substr(colon + 1)};
  };
  auto [integ, integ_key] = split(words[4]);
  auto [encr, encr_key] = split(words[5]);
  auto ak = parse_hex(integ_key), ek = parse_hex(encr_key);
  if (!ak || !ek || ek->empty()) return fail("tcpdump ikev2 line: keys must be 0x hex");
  IkeV2Keys k;
  // tcpdump passes the name to OpenSSL after removing -hmac96 and -cbc.
  for (const char* suffix : {"-hmac96", "-cbc"}) {
    std::size_t n = std::strlen(suffix);
    if (encr.size() > n && encr.compare(encr.size() - n, n, suffix) == 0)
      encr.resize(encr.size() - n);
  }
  if (encr == "aes128" || encr == "aes192" || encr == "aes256") {
    k.cipher = fmt::format("aes-{}-cbc", encr.substr(3));
    k.iv_length = 16;
  } else if (encr == "3des" || encr == "des-ede3") {
    k.cipher = "des-ede3-cbc";
    k.iv_length = 8;
  } else {
    return fail(fmt::format("tcpdump ikev2 line: unsupported cipher \"{}\"", encr));
  }
  static const std::map<std::string, std::pair<const char*, std::size_t>> kInteg{
      {"sha1", {"SHA1", 12}},
      {"md5", {"MD5", 12}},
      {"sha256", {"SHA256", 16}},
      {"sha384", {"SHA384", 24}},
      {"sha512", {"SHA512", 32}}};
  auto it = kInteg.find(integ);
  if (it == kInteg.end())
    return fail(fmt::format("tcpdump ikev2 line: unsupported integrity \"{}\"", integ));
  k.integrity = it->second.first;
  k.icv_length = it->second.second;
  std::copy(spi_i->begin(), spi_i->end(), k.spi_i.begin());
  std::copy(spi_r->begin(), spi_r->end(), k.spi_r.begin());
  auto key = std::make_pair(hex(Bytes(k.spi_i)), hex(Bytes(k.spi_r)));
  auto found = v2_.find(key);
  if (found != v2_.end()) {
    if (found->second.cipher != k.cipher || found->second.integrity != k.integrity) {
      return fail("tcpdump ikev2 lines of one SA disagree on the algorithms");
    }
    k.sk_ei = found->second.sk_ei;
    k.sk_er = found->second.sk_er;
    k.sk_ai = found->second.sk_ai;
    k.sk_ar = found->second.sk_ar;
  }
  (initiator ? k.sk_ei : k.sk_er) = *ek;
  (initiator ? k.sk_ai : k.sk_ar) = *ak;
  v2_[key] = std::move(k);
  return true;
}

namespace {

// strongSwan's algorithm names in "selected proposal: IKE:AES_CBC_128/HMAC_SHA2_256_128/...".
bool charon_algorithms(const std::string& proposal, IkeV2Keys& k) {
  auto has = [&](const char* s) { return proposal.find(s) != std::string::npos; };
  if (has("AES_CBC_")) {
    int key = has("AES_CBC_128") ? 128 : has("AES_CBC_192") ? 192 : 256;
    k.cipher = fmt::format("aes-{}-cbc", key);
    k.iv_length = 16;
  } else if (has("3DES_CBC")) {
    k.cipher = "des-ede3-cbc";
    k.iv_length = 8;
  } else if (has("AES_GCM_")) {
    int key = has("AES_GCM_16_128") || has("AES_GCM_12_128") || has("AES_GCM_8_128") ? 128
              : has("_192")                                                          ? 192
                                                                                     : 256;
    k.cipher = fmt::format("aes-{}-gcm", key);
    k.aead = true;
    k.iv_length = 8;
    k.icv_length = has("AES_GCM_8_") ? 8 : has("AES_GCM_12_") ? 12 : 16;
    return true;
  } else {
    return false;
  }
  // The integrity names are the same words as in Wireshark's table.
  return set_integrity(proposal, k);
}

}  // namespace

std::size_t KeyStore::add_charon_log(std::istream& in) {
  // charon dumps buffers as "  0: 2B 28 ..." lines after a title line. We collect each dump,
  // remember the last NAT-D input that holds both SPIs (8 + 8 + 4 or 16 + 2 bytes), and take
  // the four Sk_e*/Sk_a* dumps that follow "selected proposal".
  std::string line, proposal, pending_key;
  std::vector<std::uint8_t> dump, spis;
  std::map<std::string, std::vector<std::uint8_t>> keys;
  std::size_t added = 0, lines = 0;
  auto end_dump = [&]() {
    if (dump.empty()) return;
    if (!pending_key.empty()) {
      keys[pending_key] = dump;
    } else if ((dump.size() == 22 || dump.size() == 34) &&
               std::any_of(dump.begin() + 8, dump.begin() + 16, [](auto b) { return b != 0; })) {
      spis.assign(dump.begin(), dump.begin() + 16);
    }
    pending_key.clear();
    dump.clear();
    if (keys.count("Ka") && spis.size() == 16) {
      // IKEv1: the phase-1 encryption key; cipher and IVs come from the capture.
      v1_[hex(Bytes(spis.data(), 8))] = keys["Ka"];
      ++added;
      keys.clear();
    }
    if (keys.size() == 4 && spis.size() == 16 && !proposal.empty()) {
      IkeV2Keys k;
      if (charon_algorithms(proposal, k)) {
        std::copy(spis.begin(), spis.begin() + 8, k.spi_i.begin());
        std::copy(spis.begin() + 8, spis.end(), k.spi_r.begin());
        k.sk_ei = keys["Sk_ei"];
        k.sk_er = keys["Sk_er"];
        k.sk_ai = keys["Sk_ai"];
        k.sk_ar = keys["Sk_ar"];
        v2_[{hex(Bytes(k.spi_i)), hex(Bytes(k.spi_r))}] = std::move(k);
        ++added;
      }
      keys.clear();
    }
  };
  while (std::getline(in, line) && ++lines < 10000000) {
    std::size_t tag = line.find("] ");
    std::string text = tag == std::string::npos ? line : line.substr(tag + 2);
    // A dump line: optional spaces, offset, colon, then up to 16 hex pairs. (colon < 10 also
    // rules out npos, no colon at all.)
    std::size_t colon = text.find(':');
    bool dump_line = colon < 10 && text.find_first_not_of(" 0123456789") == colon;
    if (dump_line) {
      if (text.compare(text.find_first_not_of(' '), 2, "0:") == 0) end_dump();
      for (std::size_t i = colon + 2; i + 1 < text.size() && dump.size() < 4096; i += 3) {
        auto byte = parse_hex(text.substr(i, 2));
        if (!byte || byte->size() != 1 || (i + 2 < text.size() && text[i + 2] != ' ')) break;
        dump.push_back((*byte)[0]);
      }
      continue;
    }
    end_dump();
    if (auto at = text.find("selected proposal: IKE:"); at != std::string::npos) {
      proposal = text.substr(at + 23);
      keys.clear();
    }
    for (const char* name : {"Sk_ei", "Sk_er", "Sk_ai", "Sk_ar"}) {
      if (text.rfind(fmt::format("{} secret =>", name), 0) == 0) pending_key = name;
    }
    if (text.rfind("encryption key Ka =>", 0) == 0) pending_key = "Ka";
  }
  end_dump();
  return added;
}

void KeyStore::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw seckit::input_error(path, "cannot open key file");
  {
    // A charon log announces itself with its daemon banner or its key dumps.
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    in.clear();
    in.seekg(0);
    if (head.find("[IKE]") != std::string::npos || head.find("[DMN]") != std::string::npos) {
      if (add_charon_log(in) == 0) {
        throw seckit::input_error(path, "no IKE SA keys in this charon log",
                                  "log at \"ike 4\" (filelog ike = 4) so charon prints Sk_ei... "
                                  "(IKEv2) or \"encryption key Ka\" (IKEv1)");
      }
      return;
    }
  }
  std::string line, first_error;
  std::size_t loaded = 0, number = 0;
  while (std::getline(in, line) && number < 1000000) {
    ++number;
    std::string error;
    if (add_line(line, &error)) {
      ++loaded;
    } else if (!error.empty() && first_error.empty()) {
      first_error = fmt::format("line {}: {}", number, error);
    }
  }
  if (loaded == 0) {
    throw seckit::input_error(path, first_error.empty() ? "no key lines found" : first_error,
                              "expected Wireshark ikev2_decryption_table or ikev1_decryption_table "
                              "lines, tcpdump \"ikev2 I|R ...\" lines or a charon log");
  }
}

const std::vector<std::uint8_t>* KeyStore::find_v1(
    const std::array<std::uint8_t, 8>& cookie_i) const {
  auto it = v1_.find(hex(Bytes(cookie_i)));
  return it == v1_.end() ? nullptr : &it->second;
}

std::vector<std::string> KeyStore::sa_names() const {
  std::vector<std::string> names;
  for (const auto& [spis, keys] : v2_) names.push_back(spis.first + "/" + spis.second);
  for (const auto& [cookie, key] : v1_) names.push_back(cookie + " (IKEv1)");
  return names;
}

const IkeV2Keys* KeyStore::find(const std::array<std::uint8_t, 8>& spi_i,
                                const std::array<std::uint8_t, 8>& spi_r) const {
  auto it = v2_.find({hex(Bytes(spi_i)), hex(Bytes(spi_r))});
  return it == v2_.end() ? nullptr : &it->second;
}

namespace {

// The SK/SKF body cut at the key's IV and ICV lengths (RFC 7296 3.14, RFC 7383 2.5).
struct SkParts {
  Bytes iv, ciphertext, icv;
  Bytes aad;            // AEAD: the header through the SK/SKF generic header (RFC 5282 5.1)
  Bytes authenticated;  // integrity: everything from the IKE header to the end of the ciphertext
};

std::optional<SkParts> split_sk(const IkeMessage& m, const Payload& sk, const IkeV2Keys& keys) {
  Bytes body = sk.body;
  if (sk.type == 53) body = body.size() >= 4 ? body.subspan(4) : Bytes{};
  if (body.size() < keys.iv_length + keys.icv_length + 1) return std::nullopt;
  SkParts parts;
  parts.iv = body.subspan(0, keys.iv_length);
  parts.ciphertext = body.subspan(keys.iv_length, body.size() - keys.iv_length - keys.icv_length);
  parts.icv = body.subspan(body.size() - keys.icv_length);
  parts.aad = m.raw.subspan(0, static_cast<std::size_t>(parts.iv.data() - m.raw.data()));
  parts.authenticated = m.raw.subspan(0, static_cast<std::size_t>(parts.icv.data() - m.raw.data()));
  return parts;
}

using seckit::crypto::Cipher;

// RFC 5282: 4-byte salt from the end of the key, 8-byte IV from the payload. A tag that does
// not verify leaves integrity_ok false (wrong keys); any other failure is an error.
void decrypt_aead(Cipher& cipher, const std::vector<std::uint8_t>& ek, const SkParts& parts,
                  DecryptResult& result) {
  std::vector<std::uint8_t> nonce(ek.end() - 4, ek.end());
  nonce.insert(nonce.end(), parts.iv.begin(), parts.iv.end());
  auto plain = cipher.open(nonce, parts.aad, parts.ciphertext, parts.icv, result.plaintext);
  if (!plain) {
    if (plain.error().message != "bad-tag") result.error = plain.error().message;
    result.plaintext.clear();
    return;
  }
  result.integrity_ok = true;
  result.plaintext.resize(plain->size());
}

// The integrity digest by its OpenSSL name, fetched once for the process (crypto::evp_md).
const EVP_MD* integrity_md(const std::string& name) {
  auto digest = seckit::crypto::parse_digest(name);
  return digest ? seckit::crypto::evp_md(*digest) : nullptr;
}

// CBC (IKE's own padding, not PKCS#7) then the HMAC over the authenticated span.
void decrypt_cbc(Cipher& cipher, const IkeV2Keys& keys, const std::vector<std::uint8_t>& ak,
                 const SkParts& parts, DecryptResult& result) {
  auto plain = cipher.crypt(parts.iv, parts.ciphertext, result.plaintext);
  if (!plain) {
    result.error = plain.error().message;
    result.plaintext.clear();
    return;
  }
  result.plaintext.resize(plain->size());
  if (keys.integrity.empty()) {
    result.integrity_ok = true;
    return;
  }
  const EVP_MD* md = integrity_md(keys.integrity);
  static const unsigned char kNoKey = 0;  // HMAC() wants a non-null key even when it is empty
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (md == nullptr ||
      HMAC(md, ak.empty() ? &kNoKey : ak.data(), static_cast<int>(ak.size()),
           parts.authenticated.data(), parts.authenticated.size(), mac, &mac_len) == nullptr) {
    result.error =
        fmt::format("HMAC-{} not available: {}", keys.integrity, seckit::crypto::openssl_errors());
    result.plaintext.clear();
    return;
  }
  result.integrity_ok =
      mac_len >= keys.icv_length && CRYPTO_memcmp(mac, parts.icv.data(), keys.icv_length) == 0;
}

// RFC 7296 3.14: the last plaintext byte is the pad length.
void strip_padding(DecryptResult& result) {
  if (result.plaintext.empty()) {
    result.error = "empty plaintext";
    return;
  }
  std::size_t pad = result.plaintext.back();
  if (pad + 1 > result.plaintext.size()) {
    result.error = "pad length beyond the plaintext (wrong key?)";
    result.plaintext.clear();
    return;
  }
  result.plaintext.resize(result.plaintext.size() - pad - 1);
}

}  // namespace

seckit::Result<seckit::crypto::Cipher*> SkCipherCache::get(const IkeV2Keys& keys, bool initiator) {
  auto key = std::make_pair(&keys, initiator);
  auto it = ciphers_.find(key);
  if (it == ciphers_.end()) {
    const auto& ek = initiator ? keys.sk_ei : keys.sk_er;
    // AEAD keys end with the 4-byte salt (RFC 5282 7.1): the cipher takes the rest.
    Bytes cipher_key(ek);
    if (keys.aead) cipher_key = ek.size() >= 4 ? cipher_key.first(ek.size() - 4) : Bytes{};
    it = ciphers_.emplace(key, seckit::crypto::Cipher::create(keys.cipher, cipher_key)).first;
  }
  if (!it->second) return it->second.error();
  return &*it->second;
}

std::optional<DecryptResult> decrypt_sk(const IkeMessage& m, const IkeV2Keys& keys) {
  SkCipherCache ciphers;
  return decrypt_sk(m, keys, ciphers);
}

std::optional<DecryptResult> decrypt_sk(const IkeMessage& m, const IkeV2Keys& keys,
                                        SkCipherCache& ciphers) {
  if (!m.encrypted || m.major != 2) return std::nullopt;
  const Payload* sk = nullptr;
  for (const Payload& p : m.payloads) {
    if (p.type == 46 || p.type == 53) sk = &p;
  }
  if (sk == nullptr) return std::nullopt;
  DecryptResult result;
  bool initiator = m.from_initiator();
  const auto& ek = initiator ? keys.sk_ei : keys.sk_er;
  const auto& ak = initiator ? keys.sk_ai : keys.sk_ar;
  if (ek.empty() && keys.cipher != "null") return std::nullopt;  // only the other direction known
  auto parts = split_sk(m, *sk, keys);
  if (!parts) {
    result.error = "encrypted payload shorter than IV + ICV";
    return result;
  }
  if (keys.cipher == "null") {
    result.integrity_ok = true;
    result.plaintext.assign(parts->ciphertext.begin(), parts->ciphertext.end());
  } else {
    auto cipher = ciphers.get(keys, initiator);
    if (!cipher) {
      result.error = cipher.error().message;
      return result;
    }
    if (keys.aead) {
      decrypt_aead(**cipher, ek, *parts, result);
    } else {
      decrypt_cbc(**cipher, keys, ak, *parts, result);
    }
    if (!result.error.empty() || !result.integrity_ok) return result;
  }
  strip_padding(result);
  return result;
}

std::optional<SkfReassembler::Complete> SkfReassembler::add(
    const IkeMessage& m, std::uint64_t frame, const std::vector<std::uint8_t>* plaintext) {
  if (!m.fragment_number || !m.fragment_total || *m.fragment_number == 0 ||
      *m.fragment_number > *m.fragment_total || *m.fragment_total > 512) {
    return std::nullopt;
  }
  auto key = std::make_tuple(hex(m.spi_i), m.message_id, m.from_initiator());
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    if (pending_.size() >= 64) {
      auto oldest = std::min_element(pending_.begin(), pending_.end(), [](auto& a, auto& b) {
        return a.second.order < b.second.order;
      });
      Incomplete gone{std::get<0>(oldest->first),
                      std::get<1>(oldest->first),
                      oldest->second.total,
                      {},
                      oldest->second.frames};
      for (std::uint16_t n = 1; n <= oldest->second.total; ++n) {
        if (!oldest->second.fragments.count(n)) gone.missing.push_back(n);
      }
      evicted_.push_back(std::move(gone));
      pending_.erase(oldest);
    }
    it = pending_.emplace(key, Pending{}).first;
    it->second.order = ++counter_;
  }
  Pending& p = it->second;
  if (p.total == 0) p.total = *m.fragment_total;
  if (*m.fragment_total > p.total) p.total = *m.fragment_total;  // a resend with a smaller MTU
  if (*m.fragment_number == 1) p.first_payload = m.encrypted_first_payload;
  if (p.frames.size() < 1024) p.frames.push_back(frame);
  if (p.fragments.count(*m.fragment_number)) return std::nullopt;  // retransmitted fragment
  if (plaintext) {
    p.fragments[*m.fragment_number] = *plaintext;
  } else {
    p.all_decrypted = false;
    p.fragments[*m.fragment_number] = {};
  }
  if (p.fragments.size() < p.total) return std::nullopt;
  Complete done;
  done.first_payload = p.first_payload;
  done.decrypted = p.all_decrypted;
  done.total = p.total;
  done.frames = p.frames;
  if (p.all_decrypted) {
    for (auto& [n, data] : p.fragments) {
      done.plaintext.insert(done.plaintext.end(), data.begin(), data.end());
    }
  }
  pending_.erase(it);
  return done;
}

std::vector<SkfReassembler::Incomplete> SkfReassembler::take_incomplete() {
  std::vector<Incomplete> out = std::move(evicted_);
  evicted_.clear();
  for (auto& [key, p] : pending_) {
    Incomplete gone{std::get<0>(key), std::get<1>(key), p.total, {}, p.frames};
    for (std::uint16_t n = 1; n <= p.total; ++n) {
      if (!p.fragments.count(n)) gone.missing.push_back(n);
    }
    out.push_back(std::move(gone));
  }
  pending_.clear();
  return out;
}

}  // namespace ikedecode
