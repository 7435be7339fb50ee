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
  // The entries that may hold the key of a ticket for `principal` ("HTTP/host@REALM") with
  // this kvno and etype (a negative kvno, when the EncryptedData had none, matches any): those
  // of that principal first, newest (last written) first, then every other principal's, newest
  // first. A keytab usually holds several services with the same kvno and etype (host/ and
  // HTTP/, or many HTTP/ names), so kvno and etype alone do not pick the key; the others come
  // after because MIT's acceptor without a name also tries every entry (aliases, case).
  std::vector<const KeytabEntry*> candidates(const std::string& principal, int kvno,
                                             int etype) const;
};

seckit::Result<Keytab> parse_keytab(seckit::bytes::Bytes data);

}  // namespace cbaudit::krb5
