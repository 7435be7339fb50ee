#include "krb5_ticket.hpp"

#include <fmt/format.h>

#include <ctime>

#include "krb5_crypto.hpp"
#include "seckit/asn1.hpp"
#include "seckit/enc.hpp"

namespace cbaudit::krb5 {

namespace asn1 = seckit::asn1;
using asn1::explicit_integer;
using asn1::explicit_sequence;
using asn1::unwrap_explicit;
using seckit::parse_error;
using seckit::Result;

namespace {

std::string safe(const std::string& s) { return seckit::out::is_valid_utf8(s) ? s : "(not UTF-8)"; }

Result<asn1::Tlv> top_level(Bytes data, std::uint32_t application) {
  seckit::bytes::Reader r(data);
  auto top = asn1::read_tlv(r);
  if (!top) return top.error();
  if (!top->application(application)) {
    return parse_error(fmt::format("not [APPLICATION {}]", application), top->offset);
  }
  auto seq = unwrap_explicit(*top);
  if (!seq) return seq.error();
  if (!seq->universal(asn1::kSequence)) return parse_error("SEQUENCE expected", seq->offset);
  return *seq;
}

Result<std::string> explicit_string(const std::vector<asn1::Tlv>& items, std::uint32_t n) {
  auto w = asn1::find_context(items, n);
  if (!w) return parse_error(fmt::format("field [{}] missing", n));
  auto v = unwrap_explicit(*w);
  if (!v) return v.error();
  return safe(std::string(v->value.begin(), v->value.end()));
}

Result<std::string> principal_name(const std::vector<asn1::Tlv>& items, std::uint32_t n) {
  auto w = asn1::find_context(items, n);
  if (!w) return parse_error(fmt::format("principal [{}] missing", n));
  auto fields = explicit_sequence(*w);
  if (!fields) return fields.error();
  auto strings_w = asn1::find_context(*fields, 1);
  if (!strings_w) return parse_error("PrincipalName without name-string");
  auto strings = explicit_sequence(*strings_w);
  if (!strings) return strings.error();
  std::string name;
  for (const auto& s : *strings) {
    name += (name.empty() ? "" : "/") + safe(std::string(s.value.begin(), s.value.end()));
  }
  return name;
}

// KerberosTime is GeneralizedTime "YYYYMMDDHHMMSSZ" (RFC 4120 5.2.3).
std::string kerberos_time(const std::vector<asn1::Tlv>& items, std::uint32_t n,
                          std::int32_t usec = 0) {
  auto w = asn1::find_context(items, n);
  if (!w) return "";
  auto v = unwrap_explicit(*w);
  if (!v || v->value.size() != 15 || v->value[14] != 'Z') return "";
  std::string s(v->value.begin(), v->value.end());
  for (std::size_t i = 0; i < 14; ++i) {
    if (s[i] < '0' || s[i] > '9') return "";
  }
  std::tm tm{};
  tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(s.substr(4, 2)) - 1;
  tm.tm_mday = std::stoi(s.substr(6, 2));
  tm.tm_hour = std::stoi(s.substr(8, 2));
  tm.tm_min = std::stoi(s.substr(10, 2));
  tm.tm_sec = std::stoi(s.substr(12, 2));
  return seckit::out::rfc3339(static_cast<std::int64_t>(timegm(&tm)), usec);
}

struct EncryptionKey {
  int etype = 0;
  Bytes value;
};
Result<EncryptionKey> encryption_key(const asn1::Tlv& wrapper) {
  auto fields = explicit_sequence(wrapper);
  if (!fields) return fields.error();
  auto etype = explicit_integer(*fields, 0);
  if (!etype) return etype.error();
  auto value_w = asn1::find_context(*fields, 1);
  if (!value_w) return parse_error("EncryptionKey without keyvalue");
  auto value = unwrap_explicit(*value_w);
  if (!value) return value.error();
  return EncryptionKey{static_cast<int>(*etype), value->value};
}

std::uint32_t le32(seckit::bytes::Reader& r) { return r.le32(); }

Result<GssChecksum> gss_checksum(Bytes value) {
  seckit::bytes::Reader r(value);
  GssChecksum g;
  g.bnd_length = le32(r);
  auto bnd = r.bytes(16);
  g.bnd.assign(bnd.begin(), bnd.end());
  g.flags = le32(r);
  if (!r.ok()) return r.error("GSS checksum (RFC 4121 4.1.1)");
  if (r.remaining() >= 2 && r.le16() == 1) g.delegation = true;
  return g;
}

// AD-AUTH-DATA-AP-OPTIONS inside AD-IF-RELEVANT (MS-KILE 2.2.8), at any depth we can afford.
void find_ap_options(Bytes authorization_data, KerberosDecryption& d, int depth) {
  if (depth > 4) return;
  seckit::bytes::Reader r(authorization_data);
  auto seq = asn1::read_tlv(r);
  if (!seq || !seq->universal(asn1::kSequence)) return;
  auto elements = asn1::children(*seq);
  if (!elements) return;
  for (const auto& element : *elements) {
    auto fields = asn1::children(element);
    if (!fields) continue;
    auto type = explicit_integer(*fields, 0);
    auto data_w = asn1::find_context(*fields, 1);
    if (!type || !data_w) continue;
    auto data = unwrap_explicit(*data_w);
    if (!data) continue;
    if (*type == kAdIfRelevant) {
      find_ap_options(data->value, d, depth + 1);
    } else if (*type == kAdAuthDataApOptions && data->value.size() >= 4) {
      seckit::bytes::Reader v(data->value);
      d.ap_options = v.le32();  // a little-endian 32-bit field, like the rest of Windows
    }
  }
}

}  // namespace

Result<bool> parse_enc_ticket_part(Bytes plain, KerberosDecryption& d,
                                   std::vector<std::uint8_t>& key) {
  auto seq = top_level(plain, 3);
  if (!seq) return seq.error();
  auto items = asn1::children(*seq);
  if (!items) return items.error();
  auto key_w = asn1::find_context(*items, 1);
  if (!key_w) return parse_error("EncTicketPart without key");
  auto k = encryption_key(*key_w);
  if (!k) return k.error();
  d.session_key_etype = k->etype;
  key.assign(k->value.begin(), k->value.end());
  auto realm = explicit_string(*items, 2);
  auto cname = principal_name(*items, 3);
  if (realm && cname) d.ticket_client = *cname + "@" + *realm;
  d.authtime = kerberos_time(*items, 5);
  d.endtime = kerberos_time(*items, 7);
  return true;
}

Result<bool> parse_authenticator(Bytes plain, KerberosDecryption& d) {
  auto seq = top_level(plain, 2);
  if (!seq) return seq.error();
  auto items = asn1::children(*seq);
  if (!items) return items.error();
  auto realm = explicit_string(*items, 1);
  if (!realm) return realm.error();
  auto cname = principal_name(*items, 2);
  if (!cname) return cname.error();
  d.client = *cname + "@" + *realm;
  std::int32_t usec = 0;
  if (auto cusec = explicit_integer(*items, 4); cusec && *cusec >= 0 && *cusec < 1000000) {
    usec = static_cast<std::int32_t>(*cusec);
  }
  d.ctime = kerberos_time(*items, 5, usec);
  if (auto cksum_w = asn1::find_context(*items, 3)) {
    auto fields = explicit_sequence(*cksum_w);
    if (!fields) return fields.error();
    auto type = explicit_integer(*fields, 0);
    if (!type) return type.error();
    d.checksum_type = *type;
    auto value_w = asn1::find_context(*fields, 1);
    if (!value_w) return parse_error("Checksum without value");
    auto value = unwrap_explicit(*value_w);
    if (!value) return value.error();
    if (*type == kGssChecksumType) {
      auto g = gss_checksum(value->value);
      if (!g) return g.error();
      d.gss = std::move(*g);
    }
  }
  if (auto subkey_w = asn1::find_context(*items, 6)) {
    auto k = encryption_key(*subkey_w);
    if (k) d.subkey_etype = k->etype;
  }
  if (asn1::find_context(*items, 7)) {
    auto seq_number = explicit_integer(*items, 7);
    if (seq_number) d.seq_number = static_cast<std::uint32_t>(*seq_number);
  }
  if (auto ad_w = asn1::find_context(*items, 8)) find_ap_options(ad_w->value, d, 0);
  return true;
}

namespace {
KerberosDecryption open_ap_req(const KerberosApReq& ap, const Keytab& keytab) {
  KerberosDecryption d;
  if (!etype_supported(ap.ticket_etype)) {
    d.note = fmt::format("ticket etype {} ({}) is not supported", ap.ticket_etype,
                         etype_name(ap.ticket_etype));
    return d;
  }
  auto entries =
      keytab.candidates(ap.service_name() + "@" + ap.realm, ap.ticket_kvno, ap.ticket_etype);
  if (entries.empty()) {
    d.note = ap.ticket_kvno >= 0
                 ? fmt::format("no key for kvno {} etype {} ({}) in the keytab", ap.ticket_kvno,
                               ap.ticket_etype, etype_name(ap.ticket_etype))
                 : fmt::format("no key for etype {} ({}) in the keytab", ap.ticket_etype,
                               etype_name(ap.ticket_etype));
    return d;
  }
  // The ticket's own principal first; a key that does not open the ticket is another
  // service's with the same kvno and etype (or a broken entry), so the next one is tried. When
  // none opens it, the first candidate's failure is the one reported.
  const KeytabEntry* entry = entries.front();
  auto ticket = decrypt(ap.ticket_etype, entry->key, kUsageTicket, ap.ticket_cipher);
  for (std::size_t i = 1; !ticket && i < entries.size(); ++i) {
    auto other = decrypt(ap.ticket_etype, entries[i]->key, kUsageTicket, ap.ticket_cipher);
    if (other) {
      entry = entries[i];
      ticket = std::move(other);
    }
  }
  d.key_principal = safe(entry->principal());
  d.key_kvno = entry->kvno;
  if (!ticket) {
    d.note = ticket.error().message == kIntegrityFailure
                 ? fmt::format(
                       "ticket did not decrypt with the keytab key of {} kvno {}{}: wrong "
                       "key (integrity check failed)",
                       d.key_principal, entry->kvno,
                       entries.size() > 1
                           ? fmt::format(" (nor with {} other key(s) of that kvno and etype)",
                                         entries.size() - 1)
                           : "")
                 : "ticket did not decrypt: " + ticket.error().message;
    return d;
  }
  std::vector<std::uint8_t> session_key;
  auto t = parse_enc_ticket_part(*ticket, d, session_key);
  if (!t) {
    d.note = "decrypted ticket is malformed: " + t.error().message;
    return d;
  }
  d.ticket_decrypted = true;
  if (ap.authenticator_etype != d.session_key_etype) {
    d.note = fmt::format("authenticator etype {} differs from the session key etype {}",
                         ap.authenticator_etype, d.session_key_etype);
    return d;
  }
  auto auth = decrypt(ap.authenticator_etype, session_key, kUsageApReqAuthenticator,
                      ap.authenticator_cipher);
  if (!auth) {
    d.note = "authenticator did not decrypt with the session key: " + auth.error().message;
    return d;
  }
  auto a = parse_authenticator(*auth, d);
  if (!a) {
    d.note = "decrypted authenticator is malformed: " + a.error().message;
    return d;
  }
  d.authenticator_decrypted = true;
  if (!d.gss) {
    d.note = d.checksum_type
                 ? fmt::format("authenticator checksum type {} is not the GSS checksum 0x8003",
                               *d.checksum_type)
                 : "authenticator has no checksum: no channel binding (not a GSS-API token)";
  }
  return d;
}

}  // namespace

KerberosDecryption decrypt_ap_req(const KerberosApReq& ap, const Keytab& keytab) {
  try {
    return open_ap_req(ap, keytab);
  } catch (const std::exception& e) {
    // e.g. OpenSSL's legacy provider (RC4) missing: a note, never an abort of a packet loop.
    KerberosDecryption d;
    d.note = std::string("cannot decrypt: ") + e.what();
    return d;
  }
}

std::vector<std::string> gss_flag_names(std::uint32_t flags) {
  // RFC 4121 4.1.1.1 and RFC 2744 (the GSS_C_* values), plus the Windows DCE/identify flags.
  static const std::pair<std::uint32_t, const char*> kNames[] = {
      {0x1, "GSS_C_DELEG_FLAG"},       {0x2, "GSS_C_MUTUAL_FLAG"},
      {0x4, "GSS_C_REPLAY_FLAG"},      {0x8, "GSS_C_SEQUENCE_FLAG"},
      {0x10, "GSS_C_CONF_FLAG"},       {0x20, "GSS_C_INTEG_FLAG"},
      {0x40, "GSS_C_ANON_FLAG"},       {0x80, "GSS_C_PROT_READY_FLAG"},
      {0x100, "GSS_C_TRANS_FLAG"},     {0x1000, "GSS_C_DCE_STYLE"},
      {0x2000, "GSS_C_IDENTIFY_FLAG"}, {0x4000, "GSS_C_EXTENDED_ERROR_FLAG"}};
  std::vector<std::string> out;
  std::uint32_t known = 0;
  for (const auto& [bit, name] : kNames) {
    known |= bit;
    if (flags & bit) out.emplace_back(name);
  }
  if (flags & ~known) out.push_back(fmt::format("0x{:x}", flags & ~known));
  return out;
}

seckit::out::Json describe(const KerberosDecryption& d) {
  using seckit::out::Json;
  auto opt = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  Json j = Json::object();
  j["ticket_decrypted"] = d.ticket_decrypted;
  j["authenticator_decrypted"] = d.authenticator_decrypted;
  j["note"] = opt(d.note);
  j["key_principal"] = opt(d.key_principal);
  j["session_key_etype"] = d.ticket_decrypted ? Json(etype_name(d.session_key_etype)) : Json();
  j["ticket_client"] = opt(d.ticket_client);
  j["authtime"] = opt(d.authtime);
  j["endtime"] = opt(d.endtime);
  j["client"] = opt(d.client);
  j["ctime"] = opt(d.ctime);
  j["subkey_etype"] = d.subkey_etype ? Json(etype_name(*d.subkey_etype)) : Json(nullptr);
  j["seq_number"] = d.seq_number ? Json(*d.seq_number) : Json(nullptr);
  j["checksum_type"] = d.checksum_type ? Json(*d.checksum_type) : Json(nullptr);
  if (d.gss) {
    j["bnd"] = seckit::enc::hex_encode(d.gss->bnd);
    j["gss_flags"] = fmt::format("0x{:08x}", d.gss->flags);
    j["gss_flag_names"] = gss_flag_names(d.gss->flags);
    j["delegation"] = d.gss->delegation;
  } else {
    j["bnd"] = nullptr;
    j["gss_flags"] = nullptr;
    j["gss_flag_names"] = Json::array();
    j["delegation"] = false;
  }
  j["ap_options"] = d.ap_options ? Json(fmt::format("0x{:08x}", *d.ap_options)) : Json(nullptr);
  j["kerb_ap_options_cbt"] = d.ap_options && (*d.ap_options & kKerbApOptionsCbt) != 0;
  return j;
}

}  // namespace cbaudit::krb5
