#include "krb5_keytab.hpp"

#include <fmt/format.h>

namespace cbaudit::krb5 {

using seckit::parse_error;
using seckit::Result;

namespace {

std::string counted_string(seckit::bytes::Reader& r) {
  std::uint16_t n = r.be16();
  return std::string(r.text(n));
}

Result<KeytabEntry> parse_entry(seckit::bytes::Reader& r) {
  KeytabEntry e;
  std::uint16_t count = r.be16();  // components, not counting the realm (version 0x0502)
  e.realm = counted_string(r);
  for (std::uint16_t i = 0; i < count && r.ok(); ++i) e.components.push_back(counted_string(r));
  e.name_type = r.be32();
  e.timestamp = r.be32();
  e.kvno = r.u8();
  e.etype = r.be16();
  std::uint16_t key_length = r.be16();
  auto key = r.bytes(key_length);
  e.key.assign(key.begin(), key.end());
  // A 32-bit kvno follows when the entry has room for it; zero means "use the 8-bit one".
  if (r.ok() && r.remaining() >= 4) {
    std::uint32_t kvno32 = r.be32();
    if (kvno32 != 0) e.kvno = kvno32;
  }
  if (!r.ok()) return r.error("keytab entry");
  return e;
}

}  // namespace

std::string KeytabEntry::principal() const {
  std::string name;
  for (const auto& c : components) name += (name.empty() ? "" : "/") + c;
  return name + "@" + realm;
}

std::vector<const KeytabEntry*> Keytab::candidates(const std::string& principal, int kvno,
                                                   int etype) const {
  std::vector<const KeytabEntry*> same, others;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const KeytabEntry& e = *it;
    if (e.etype != etype) continue;
    if (kvno >= 0 && (e.kvno & 0xff) != (static_cast<std::uint32_t>(kvno) & 0xff)) continue;
    if (kvno >= 0 && e.kvno > 0xff && e.kvno != static_cast<std::uint32_t>(kvno)) continue;
    (e.principal() == principal ? same : others).push_back(&e);
  }
  same.insert(same.end(), others.begin(), others.end());
  return same;
}

Result<Keytab> parse_keytab(seckit::bytes::Bytes data) {
  seckit::bytes::Reader r(data);
  std::uint16_t version = r.be16();
  if (!r.ok()) return r.error("keytab version");
  if (version == 0x0501) {
    return parse_error(
        "keytab version 0x0501 (host byte order) is not supported: rewrite it "
        "with ktutil");
  }
  if (version != 0x0502) {
    return parse_error(fmt::format("not an MIT keytab (version {:04x}, expected 0502)", version));
  }
  Keytab keytab;
  while (!r.empty()) {
    std::uint32_t raw = r.be32();
    if (!r.ok()) return r.error("keytab entry size");
    auto size = static_cast<std::int32_t>(raw);
    if (size < 0) {
      // A hole left by a deleted entry: skip it.
      if (!r.skip(static_cast<std::size_t>(-static_cast<std::int64_t>(size)))) {
        return r.error("keytab hole");
      }
      continue;
    }
    if (size == 0) break;  // MIT pads the end of some files with zeros
    std::size_t at = r.absolute_offset();
    auto sub = r.sub(static_cast<std::size_t>(size));
    if (!r.ok()) return parse_error("keytab entry longer than the file", at);
    auto entry = parse_entry(sub);
    if (!entry) return entry.error();
    keytab.entries.push_back(std::move(*entry));
  }
  return keytab;
}

}  // namespace cbaudit::krb5
