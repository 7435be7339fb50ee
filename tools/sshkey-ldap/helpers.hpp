// Small pieces shared by the commands: JSON for a key, the name of an entry, value checks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "seckit/ldap.hpp"
#include "seckit/out.hpp"
#include "sshkey.hpp"

namespace sshkey_ldap {

// An LDAP value as the lines sshd reads from it. Real directories hold values ending in "\n" or
// "\r\n" (an LDIF `sshPublicKey:< file:///.../id.pub` stores the file's newline) and values with
// several keys on several lines; sshd reads the command's output line by line, so both work
// there. The value is split at "\n", each line loses one trailing "\r", blank and comment lines
// are dropped. Refused as a whole: over 8 KiB (the longest real key lines, RSA-16384
// certificates, stay well below), a NUL byte, a carriage return inside a line.
inline constexpr std::size_t kMaxKeyValue = 8192;
struct KeyValueLines {
  std::vector<std::string> lines;
  std::optional<std::string> problem;
};
KeyValueLines split_key_value(const std::string& value);

// The fields of a `key` record (type, bits, sha256, md5, comment, options, certificate) written
// into the object `w` has open; the caller adds its own (audit: user, dn) and closes it. sha256
// is the key's fingerprint, already computed by the caller (audit hashes every key once).
void write_key_fields(seckit::out::JsonWriter& w, const sshkey::AuthorizedKey& key,
                      const std::string& sha256);
// The same fields as a tree, for the commands that add to a record before writing it.
seckit::out::Json key_json(const sshkey::AuthorizedKey& key);
// uid, else cn, else the DN.
std::string entry_name(const seckit::ldap::Entry& entry);
// "2026-11-22T17:05:05Z" or "forever" for certificate validity bounds.
std::string cert_time(std::uint64_t t);

}  // namespace sshkey_ldap
