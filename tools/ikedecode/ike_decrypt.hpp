// Decryption of IKEv2 SK and SKF payloads (RFC 7296 3.14, RFC 7383) with keys the user already
// has, and RFC 7383 fragment reassembly (with or without keys).
//
// Key files (--keys, repeatable; the format is detected per line):
//   Wireshark's ikev2_decryption_table UAT file (~/.config/wireshark/ikev2_decryption_table):
//     spii,spir,sk_ei,sk_er,"AES-CBC-256 [RFC3602]",sk_ai,sk_ar,"HMAC_SHA2_256_128 [RFC4868]"
//   Wireshark's ikev1_decryption_table: initiator cookie,phase-1 encryption key (both hex)
//   tcpdump's IKEv2 secrets (-E "file F"), one line per direction (I: initiator's keys):
//     ikev2 I|R 0xSPIi 0xSPIr INTEG:0xSK_a ENCR:0xSK_e   (ENCR an OpenSSL cipher name such as
//     aes128 or 3des, optionally with -cbc / -hmac96; INTEG sha1, md5, sha256, sha384, sha512)
//   strongSwan charon logs at "ike 4": "selected proposal: IKE:AES_CBC_128/HMAC_SHA2_256_128/...",
//     the NAT-D hash input dumps (SPIi|SPIr|address|port) and "Sk_ei secret => 16 bytes" dumps;
//     for IKEv1 the "encryption key Ka => 24 bytes" dump.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ike_message.hpp"
#include "seckit/cipher.hpp"

namespace ikedecode {

struct IkeV2Keys {
  std::array<std::uint8_t, 8> spi_i{}, spi_r{};
  std::vector<std::uint8_t> sk_ei, sk_er, sk_ai, sk_ar;
  std::string cipher;  // OpenSSL name: aes-128-cbc, des-ede3-cbc, aes-256-gcm, null
  bool aead = false;
  std::size_t iv_length = 16;  // on the wire
  std::size_t icv_length = 0;  // ICV of the integrity algorithm or AEAD tag
  std::string integrity;       // OpenSSL digest name for HMAC: SHA256...; empty for AEAD/none
};

namespace detail {
std::optional<std::vector<std::uint8_t>> parse_hex(std::string text);
}

class KeyStore {
 public:
  // Loads every recognised line of a key file; throws seckit::ToolError (exit 2) when the file
  // is unreadable or holds no usable key line.
  void load_file(const std::string& path);
  // Parses one line; returns false when it is not a key line (comments, blank lines).
  bool add_line(const std::string& line, std::string* error);
  // A whole charon log (returns how many IKE SAs' keys it held).
  std::size_t add_charon_log(std::istream& in);
  const IkeV2Keys* find(const std::array<std::uint8_t, 8>& spi_i,
                        const std::array<std::uint8_t, 8>& spi_r) const;
  // IKEv1: the phase-1 encryption key of the SA with this initiator cookie.
  const std::vector<std::uint8_t>* find_v1(const std::array<std::uint8_t, 8>& cookie_i) const;
  std::size_t size() const { return v2_.size() + v1_.size(); }
  // The SAs the key files hold: "SPIi/SPIr" (IKEv2) and "cookie (IKEv1)", in hex.
  std::vector<std::string> sa_names() const;

 private:
  bool add_tcpdump_line(const std::string& line, std::string* error);
  bool add_v1_line(const std::vector<std::string>& fields, std::string* error);
  std::map<std::pair<std::string, std::string>, IkeV2Keys> v2_;
  std::map<std::string, std::vector<std::uint8_t>> v1_;
};

struct DecryptResult {
  bool integrity_ok = false;
  std::vector<std::uint8_t> plaintext;  // inner payloads, padding removed
  std::string error;
};

// The SAs' ciphers, fetched and keyed once per SA and direction on first use and reused for the
// SA's later messages; a cipher OpenSSL lacks or a key it refuses stays an error for each.
class SkCipherCache {
 public:
  seckit::Result<seckit::crypto::Cipher*> get(const IkeV2Keys& keys, bool initiator);

 private:
  std::map<std::pair<const IkeV2Keys*, bool>, seckit::Result<seckit::crypto::Cipher>> ciphers_;
};

// Decrypts the SK or SKF payload of `message` (message.raw must hold the whole message).
// nullopt when there is nothing to decrypt or no key for the sender's direction (tcpdump
// secrets may hold only one direction). Every cipher or HMAC failure is the result's error; a
// tag or ICV that does not verify leaves integrity_ok false. The second form keys a cipher for
// this message only.
std::optional<DecryptResult> decrypt_sk(const IkeMessage& message, const IkeV2Keys& keys,
                                        SkCipherCache& ciphers);
std::optional<DecryptResult> decrypt_sk(const IkeMessage& message, const IkeV2Keys& keys);

// RFC 7383 fragments: collected per (SA, message ID, sender) until every number up to the total
// has arrived. Bounded: max_pending messages in progress, fragment numbers up to 512.
class SkfReassembler {
 public:
  struct Complete {
    std::uint8_t first_payload = 0;
    std::vector<std::uint8_t> plaintext;  // empty when not decrypted
    bool decrypted = false;
    std::vector<std::uint64_t> frames;
    std::uint16_t total = 0;
  };
  struct Incomplete {
    std::string spi_i;
    std::uint32_t message_id = 0;
    std::uint16_t total = 0;
    std::vector<std::uint16_t> missing;
    std::vector<std::uint64_t> frames;
  };
  // Adds one SKF message (plaintext empty when not decrypted). Returns the whole message once
  // the last missing fragment arrives.
  std::optional<Complete> add(const IkeMessage& message, std::uint64_t frame,
                              const std::vector<std::uint8_t>* plaintext);
  // Everything still incomplete (end of capture), then forgets it.
  std::vector<Incomplete> take_incomplete();

 private:
  struct Pending {
    std::uint16_t total = 0;
    std::uint8_t first_payload = 0;
    std::map<std::uint16_t, std::vector<std::uint8_t>> fragments;
    bool all_decrypted = true;
    std::vector<std::uint64_t> frames;
    std::uint64_t order = 0;
  };
  std::map<std::tuple<std::string, std::uint32_t, bool>, Pending> pending_;
  std::uint64_t counter_ = 0;
  std::vector<Incomplete> evicted_;
};

}  // namespace ikedecode
