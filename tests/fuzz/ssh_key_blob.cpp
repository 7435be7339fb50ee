// Public key / certificate blob parser: any bytes, never a crash, never an out-of-bounds read.
#include "sshkey.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto key = sshkey::parse_public_key_blob(sshkey::Bytes(data, size));
  if (key.ok()) {
    (void)sshkey::fingerprint_md5(*key);
    (void)sshkey::type_label(*key);
  }
  return 0;
}
