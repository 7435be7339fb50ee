// Decryption of IKEv1 encrypted messages (RFC 2409 Appendix B) with the phase-1 encryption key.
//
// The key alone is not enough: the cipher and hash come from the SA the responder accepted, and
// the IVs from the capture itself. Phase 1: IV = hash(g^xi | g^xr) truncated to the block size,
// then each encrypted phase-1 message's IV is the previous one's last ciphertext block (CBC
// chaining across messages, in either direction). Phase 2 / informational exchanges: the first
// IV of message ID M is hash(last phase-1 ciphertext block | M), then chaining per message ID.
// So the decryptor watches every IKEv1 message of an SA whose key is known, in capture order.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ike_decrypt.hpp"
#include "ike_message.hpp"

namespace ikedecode {

class IkeV1Decryptor {
 public:
  explicit IkeV1Decryptor(const KeyStore& keys) : keys_(keys) {}
  // Observes one IKEv1 message (sender: "address:port", to tell initiator from responder).
  // Returns the plaintext (padding included; the payload chain ends by itself) of an encrypted
  // message whose key is known, or an error; nullopt when there is nothing to decrypt.
  std::optional<DecryptResult> process(const IkeMessage& message, const std::string& sender);

 private:
  struct State {
    std::string initiator;  // sender address of the first message
    std::uint16_t encr = 0, hash = 0, key_bits = 0;
    std::vector<std::uint8_t> ke_i, ke_r;
    std::vector<std::uint8_t> phase1_iv;  // next phase-1 IV (= last phase-1 ciphertext block)
    std::map<std::uint32_t, std::vector<std::uint8_t>> phase2_iv;
    // Retransmissions repeat a ciphertext: the IV it was decrypted with, by its last block.
    std::map<std::vector<std::uint8_t>, std::vector<std::uint8_t>> seen;
    std::uint64_t order = 0;
    std::optional<seckit::crypto::Cipher> cipher;  // keyed on the first encrypted message
  };
  State& state_for(const IkeMessage& m, const std::string& sender);
  static void observe_clear(State& s, const IkeMessage& m, bool from_initiator);
  // The IV this message was encrypted with (RFC 2409 Appendix B), advancing the chain; empty
  // with `error` set when the capture does not hold what it derives from.
  static std::vector<std::uint8_t> message_iv(State& s, const IkeMessage& m, const EVP_MD* md,
                                              std::size_t block, std::string& error);
  const KeyStore& keys_;
  std::map<std::string, State> states_;  // by initiator cookie (hex)
  std::uint64_t counter_ = 0;
};

}  // namespace ikedecode
