#include "seckit/cipher.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>

namespace seckit::crypto {
namespace {

using EvpCipherPtr = std::unique_ptr<EVP_CIPHER, Deleter<EVP_CIPHER_free>>;

int as_int(std::size_t n) { return static_cast<int>(std::min<std::size_t>(n, INT32_MAX)); }

std::uint8_t* grow(Buffer& out, std::size_t n) {
  // Grown only: resize() would zero-fill again whenever a longer input follows a shorter one.
  if (out.size() < n) out.resize(n);
  return out.data();
}

}  // namespace

ParseError Cipher::failed(std::string_view step) const {
  std::string why = openssl_errors();
  return parse_error(fmt::format("{} {} failed{}", name_, step, why.empty() ? "" : ": " + why));
}

Result<Cipher> Cipher::create(std::string_view name, Bytes key, Direction direction) {
  Cipher c;
  c.name_ = std::string(name);
  c.encrypt_ = direction == Direction::kEncrypt;
  EvpCipherPtr fetched(EVP_CIPHER_fetch(nullptr, c.name_.c_str(), nullptr));
  if (!fetched) return c.failed("fetch");
  c.block_size_ = static_cast<std::size_t>(EVP_CIPHER_get_block_size(fetched.get()));
  c.iv_length_ = static_cast<std::size_t>(std::max(0, EVP_CIPHER_get_iv_length(fetched.get())));
  c.aead_ = (EVP_CIPHER_get_flags(fetched.get()) & EVP_CIPH_FLAG_AEAD_CIPHER) != 0;
  bool variable = (EVP_CIPHER_get_flags(fetched.get()) & EVP_CIPH_VARIABLE_LENGTH) != 0;
  auto want = static_cast<std::size_t>(EVP_CIPHER_get_key_length(fetched.get()));
  if (!variable && key.size() != want) {
    return parse_error(fmt::format("{} wants a {}-byte key, not {}", c.name_, want, key.size()));
  }
  c.ctx_.reset(EVP_CIPHER_CTX_new());
  if (!c.ctx_) return c.failed("EVP_CIPHER_CTX_new");
  int enc = c.encrypt_ ? 1 : 0;
  // The context keeps its own reference to the fetched cipher.
  if (EVP_CipherInit_ex(c.ctx_.get(), fetched.get(), nullptr, nullptr, nullptr, enc) != 1) {
    return c.failed("init");
  }
  if (variable && EVP_CIPHER_CTX_set_key_length(c.ctx_.get(), as_int(key.size())) != 1) {
    return c.failed("key length");
  }
  if (EVP_CIPHER_CTX_set_padding(c.ctx_.get(), 0) != 1) return c.failed("padding off");
  if (EVP_CipherInit_ex(c.ctx_.get(), nullptr, nullptr, key.data(), nullptr, enc) != 1) {
    return c.failed("key");
  }
  return c;
}

Result<Bytes> Cipher::crypt(Bytes iv, Bytes input, Buffer& out) {
  if (aead_) return parse_error(name_ + " is an AEAD cipher: use open()");
  if (block_size_ > 1 && input.size() % block_size_ != 0) {
    return parse_error(fmt::format("{} input of {} bytes is not a whole number of {}-byte blocks",
                                   name_, input.size(), block_size_));
  }
  if (!iv.empty()) {
    if (iv.size() != iv_length_) {
      return parse_error(
          fmt::format("{} wants a {}-byte IV, not {}", name_, iv_length_, iv.size()));
    }
    if (EVP_CipherInit_ex(ctx_.get(), nullptr, nullptr, nullptr, iv.data(), encrypt_ ? 1 : 0) !=
        1) {
      return failed("IV");
    }
  }
  std::uint8_t* o = grow(out, input.size() + block_size_);
  int len = 0, fin = 0;
  if (EVP_CipherUpdate(ctx_.get(), o, &len, input.data(), as_int(input.size())) != 1) {
    return failed("update");
  }
  // Unpadded whole blocks: Final writes nothing, but it must succeed.
  if (block_size_ > 1 && EVP_CipherFinal_ex(ctx_.get(), o + len, &fin) != 1) {
    return failed("final");
  }
  return Bytes(o, static_cast<std::size_t>(len) + static_cast<std::size_t>(fin));
}

Result<Buffer> Cipher::crypt(Bytes iv, Bytes input) {
  Buffer out;
  auto r = crypt(iv, input, out);
  if (!r) return r.error();
  out.resize(r->size());
  return out;
}

Result<Bytes> Cipher::open(Bytes nonce, Bytes aad, Bytes ciphertext, Bytes tag, Buffer& out) {
  if (!aead_) return parse_error(name_ + " is not an AEAD cipher");
  EVP_CIPHER_CTX* ctx = ctx_.get();
  if (nonce.size() != iv_length_) {
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, as_int(nonce.size()), nullptr) != 1) {
      return failed("nonce length");
    }
    iv_length_ = nonce.size();
  }
  std::uint8_t* o = grow(out, ciphertext.size() + 16);
  int len = 0, fin = 0, ignored = 0;
  if (EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data()) != 1) return failed("nonce");
  if (!aad.empty() &&
      EVP_DecryptUpdate(ctx, nullptr, &ignored, aad.data(), as_int(aad.size())) != 1) {
    return failed("aad");
  }
  if (EVP_DecryptUpdate(ctx, o, &len, ciphertext.data(), as_int(ciphertext.size())) != 1) {
    return failed("update");
  }
  // OpenSSL wants a writable tag buffer even when only reading it.
  std::array<std::uint8_t, 16> tag_copy{};
  if (tag.size() > tag_copy.size()) return parse_error("AEAD tag longer than 16 bytes");
  std::copy(tag.begin(), tag.end(), tag_copy.begin());
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, as_int(tag.size()), tag_copy.data()) != 1) {
    return failed("tag");
  }
  if (EVP_DecryptFinal_ex(ctx, o + len, &fin) != 1) {
    openssl_errors();  // drain the queue: the cause is known
    return parse_error("bad-tag");
  }
  return Bytes(o, static_cast<std::size_t>(len) + static_cast<std::size_t>(fin));
}

namespace {
constexpr std::size_t kCtsBlock = 16;

// One block through the ECB cipher; `scratch` is reused across the blocks of one message.
Result<bool> block(Cipher& ecb, const std::uint8_t* in, std::uint8_t* out, Buffer& scratch) {
  auto r = ecb.crypt({}, Bytes(in, kCtsBlock), scratch);
  if (!r) return r.error();
  std::copy(r->begin(), r->end(), out);
  return true;
}

Result<bool> check_cts(const Cipher& ecb, std::size_t size) {
  if (ecb.block_size() != kCtsBlock || ecb.iv_length() != 0) {
    return parse_error("ciphertext stealing wants a 16-byte block cipher in ECB mode");
  }
  if (size < kCtsBlock) return parse_error("CBC-CTS input shorter than one block");
  return true;
}
}  // namespace

Result<Buffer> cts_encrypt(Cipher& ecb, Bytes plain) {
  if (auto ok = check_cts(ecb, plain.size()); !ok) return ok.error();
  Buffer scratch;
  std::size_t blocks = (plain.size() + kCtsBlock - 1) / kCtsBlock;
  std::size_t last = plain.size() - (blocks - 1) * kCtsBlock;  // 1..16 bytes in the last block
  // Plain CBC over the zero-padded input, then swap the last two blocks and cut the (now last)
  // penultimate block to the length of the final plaintext block.
  Buffer padded(plain.begin(), plain.end());
  padded.resize(blocks * kCtsBlock, 0);
  Buffer cbc(blocks * kCtsBlock);
  std::array<std::uint8_t, kCtsBlock> chain{};
  for (std::size_t i = 0; i < blocks; ++i) {
    std::array<std::uint8_t, kCtsBlock> x{};
    for (std::size_t j = 0; j < kCtsBlock; ++j) x[j] = padded[i * kCtsBlock + j] ^ chain[j];
    if (auto ok = block(ecb, x.data(), &cbc[i * kCtsBlock], scratch); !ok) return ok.error();
    std::copy_n(&cbc[i * kCtsBlock], kCtsBlock, chain.begin());
  }
  if (blocks == 1) return cbc;
  auto at = [&cbc](std::size_t b) {
    return cbc.begin() + static_cast<std::ptrdiff_t>(b * kCtsBlock);
  };
  Buffer out(cbc.begin(), at(blocks - 2));
  out.insert(out.end(), at(blocks - 1), cbc.end());
  out.insert(out.end(), at(blocks - 2), at(blocks - 2) + static_cast<std::ptrdiff_t>(last));
  return out;
}

Result<Buffer> cts_decrypt(Cipher& ecb, Bytes ciphertext) {
  if (auto ok = check_cts(ecb, ciphertext.size()); !ok) return ok.error();
  Buffer scratch;
  std::size_t blocks = (ciphertext.size() + kCtsBlock - 1) / kCtsBlock;
  std::size_t last = ciphertext.size() - (blocks - 1) * kCtsBlock;
  Buffer out(ciphertext.size());
  if (blocks == 1) {
    if (auto ok = block(ecb, ciphertext.data(), out.data(), scratch); !ok) return ok.error();
    return out;
  }
  std::array<std::uint8_t, kCtsBlock> chain{};
  std::array<std::uint8_t, kCtsBlock> x{};
  for (std::size_t i = 0; i + 2 < blocks; ++i) {
    if (auto ok = block(ecb, &ciphertext[i * kCtsBlock], x.data(), scratch); !ok) return ok.error();
    for (std::size_t j = 0; j < kCtsBlock; ++j) out[i * kCtsBlock + j] = x[j] ^ chain[j];
    std::copy_n(&ciphertext[i * kCtsBlock], kCtsBlock, chain.begin());
  }
  // On the wire: ... C(n-1)' = the full last CBC block, then the stolen head of C(n-2).
  const std::uint8_t* full_last = &ciphertext[(blocks - 2) * kCtsBlock];
  const std::uint8_t* stolen = &ciphertext[(blocks - 1) * kCtsBlock];
  std::array<std::uint8_t, kCtsBlock> t{};
  if (auto ok = block(ecb, full_last, t.data(), scratch); !ok) return ok.error();
  // D(Cn) = C(n-1) xor Pn padded with zeros: the tail of D(Cn) is the tail of C(n-1).
  std::array<std::uint8_t, kCtsBlock> penultimate{};
  std::copy_n(stolen, last, penultimate.begin());
  std::copy(t.begin() + static_cast<std::ptrdiff_t>(last), t.end(),
            penultimate.begin() + static_cast<std::ptrdiff_t>(last));
  for (std::size_t j = 0; j < last; ++j) out[(blocks - 1) * kCtsBlock + j] = t[j] ^ stolen[j];
  if (auto ok = block(ecb, penultimate.data(), x.data(), scratch); !ok) return ok.error();
  for (std::size_t j = 0; j < kCtsBlock; ++j) out[(blocks - 2) * kCtsBlock + j] = x[j] ^ chain[j];
  return out;
}

}  // namespace seckit::crypto
