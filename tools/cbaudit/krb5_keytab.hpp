// MIT keytab files (format version 0x0502, the one ktutil and kadmin write): every entry's
// principal, timestamp, key version number and key, read through the bounds-checked Reader.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "seckit/bytes.hpp"
#include "seckit/result.hpp"

namespace cbaudit::krb5 {

struct KeytabEntry {
  std::string realm;
  std::vector<std::string> components;
  std::uint32_t name_type = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t kvno = 0;  // the 32-bit kvno when present and non-zero, else the 8-bit one
  int etype = 0;
  std::vector<std::uint8_t> key;
  std::string principal() const;  // "HTTP/host.example.com@EXAMPLE.COM"
};

struct Keytab {
  std::vector<KeytabEntry> entries;
  // The newest entry (last written wins) with this kvno and etype; a negative kvno (the
  // EncryptedData had none) matches any.
  const KeytabEntry* find(int kvno, int etype) const;
};

seckit::Result<Keytab> parse_keytab(seckit::bytes::Bytes data);

}  // namespace cbaudit::krb5
