#include "krb5_apreq.hpp"

#include <fmt/format.h>

#include "seckit/asn1.hpp"

namespace cbaudit {

namespace asn1 = seckit::asn1;
using asn1::explicit_integer;
using asn1::explicit_sequence;
using asn1::unwrap_explicit;
using seckit::parse_error;
using seckit::Result;
using seckit::bytes::Bytes;
using seckit::out::Json;

namespace {

Result<asn1::Tlv> one(Bytes data, std::size_t base = 0) {
  seckit::bytes::Reader r(data, base);
  return asn1::read_tlv(r);
}

struct EncryptedData {
  int etype = 0;
  int kvno = -1;
  Bytes cipher;
};
Result<EncryptedData> encrypted_data(const asn1::Tlv& wrapper) {
  auto items = explicit_sequence(wrapper);
  if (!items) return items.error();
  EncryptedData e;
  auto etype = explicit_integer(*items, 0);
  if (!etype) return etype.error();
  e.etype = static_cast<int>(*etype);
  if (asn1::find_context(*items, 1)) {
    auto kvno = explicit_integer(*items, 1);
    if (!kvno) return kvno.error();
    e.kvno = static_cast<int>(*kvno);
  }
  auto cipher_w = asn1::find_context(*items, 2);
  if (!cipher_w) return parse_error("EncryptedData without cipher");
  auto cipher = unwrap_explicit(*cipher_w);
  if (!cipher) return cipher.error();
  if (!cipher->universal(asn1::kOctetString)) {
    return parse_error("EncryptedData cipher is not an OCTET STRING", cipher->offset);
  }
  e.cipher = cipher->value;
  return e;
}

Result<KerberosApReq> parse_bare_ap_req(const asn1::Tlv& top) {
  if (!top.application(kApplicationApReq)) return parse_error("not a Kerberos AP-REQ", top.offset);
  auto items = explicit_sequence(top);
  if (!items) return items.error();
  auto msg_type = explicit_integer(*items, 1);
  if (!msg_type) return msg_type.error();
  if (*msg_type != 14)
    return parse_error(fmt::format("Kerberos msg-type {} is not AP-REQ", *msg_type));
  KerberosApReq ap;
  if (auto options = asn1::find_context(*items, 2)) {
    auto bits = unwrap_explicit(*options);
    if (bits && bits->universal(asn1::kBitString) && bits->value.size() >= 2) {
      ap.mutual_required = (bits->value[1] & 0x20) != 0;  // bit 2 of ap-options
    }
  }
  auto ticket_w = asn1::find_context(*items, 3);
  if (!ticket_w) return parse_error("AP-REQ without ticket");
  auto ticket = unwrap_explicit(*ticket_w);
  if (!ticket) return ticket.error();
  if (!ticket->application(1)) return parse_error("ticket is not [APPLICATION 1]", ticket->offset);
  auto t_seq = unwrap_explicit(*ticket);
  if (!t_seq) return t_seq.error();
  auto t_items = asn1::children(*t_seq);
  if (!t_items) return t_items.error();
  auto realm_w = asn1::find_context(*t_items, 1);
  if (!realm_w) return parse_error("ticket without realm");
  auto realm = unwrap_explicit(*realm_w);
  if (!realm) return realm.error();
  ap.realm.assign(realm->value.begin(), realm->value.end());
  auto sname_w = asn1::find_context(*t_items, 2);
  if (!sname_w) return parse_error("ticket without sname");
  auto sname = explicit_sequence(*sname_w);
  if (!sname) return sname.error();
  auto name_type = explicit_integer(*sname, 0);
  if (!name_type) return name_type.error();
  ap.sname_type = static_cast<int>(*name_type);
  auto strings_w = asn1::find_context(*sname, 1);
  if (!strings_w) return parse_error("sname without name-string");
  auto strings = explicit_sequence(*strings_w);
  if (!strings) return strings.error();
  for (const auto& s : *strings) ap.sname.emplace_back(s.value.begin(), s.value.end());
  auto enc_w = asn1::find_context(*t_items, 3);
  if (!enc_w) return parse_error("ticket without enc-part");
  auto enc = encrypted_data(*enc_w);
  if (!enc) return enc.error();
  ap.ticket_etype = enc->etype;
  ap.ticket_kvno = enc->kvno;
  ap.ticket_cipher.assign(enc->cipher.begin(), enc->cipher.end());
  auto auth_w = asn1::find_context(*items, 4);
  if (!auth_w) return parse_error("AP-REQ without authenticator");
  auto auth = encrypted_data(*auth_w);
  if (!auth) return auth.error();
  ap.authenticator_etype = auth->etype;
  ap.authenticator_cipher.assign(auth->cipher.begin(), auth->cipher.end());
  for (auto* s : {&ap.realm}) {
    if (!seckit::out::is_valid_utf8(*s)) *s = "(not UTF-8)";
  }
  for (auto& s : ap.sname) {
    if (!seckit::out::is_valid_utf8(s)) s = "(not UTF-8)";
  }
  return ap;
}

}  // namespace

std::optional<std::string> kerberos_reply_type(Bytes data) {
  auto top = one(data);
  if (!top) return std::nullopt;
  if (top->application(15)) return "AP-REP";
  if (top->application(30)) return "KRB-ERROR";
  if (!top->application(0)) return std::nullopt;
  seckit::bytes::Reader r(top->value);
  auto oid = asn1::read_tlv(r);
  if (!oid || !oid->universal(asn1::kOid)) return std::nullopt;
  auto text = asn1::oid_text(oid->value);
  if (!text || (*text != kOidKrb5 && *text != kOidMsKrb5)) return std::nullopt;
  std::uint16_t tok_id = r.be16();
  if (!r.ok()) return std::nullopt;
  if (tok_id == 0x0200) return "AP-REP";
  if (tok_id == 0x0300) return "KRB-ERROR";
  return std::nullopt;
}

Result<KerberosApReq> parse_ap_req(Bytes data) {
  auto top = one(data);
  if (!top) return top.error();
  if (top->application(0)) {
    // GSS framing: OID, then the 2-byte TOK_ID (01 00 = AP-REQ), then the AP-REQ.
    seckit::bytes::Reader r(top->value, top->offset + (top->whole.size() - top->value.size()));
    auto oid = asn1::read_tlv(r);
    if (!oid) return oid.error();
    auto text = asn1::oid_text(oid->value);
    if (!text) return text.error();
    if (*text != kOidKrb5 && *text != kOidMsKrb5) {
      return parse_error("GSS token for mechanism " + *text + " is not Kerberos", oid->offset);
    }
    std::uint16_t tok_id = r.be16();
    if (!r.ok()) return r.error("Kerberos TOK_ID");
    if (tok_id != 0x0100)
      return parse_error(fmt::format("Kerberos TOK_ID {:04x} is not AP-REQ", tok_id));
    auto inner = asn1::read_tlv(r);
    if (!inner) return inner.error();
    return parse_bare_ap_req(*inner);
  }
  return parse_bare_ap_req(*top);
}

std::string etype_name(int etype) {
  switch (etype) {
    case 1:
      return "des-cbc-crc";
    case 3:
      return "des-cbc-md5";
    case 17:
      return "aes128-cts-hmac-sha1-96";
    case 18:
      return "aes256-cts-hmac-sha1-96";
    case 19:
      return "aes128-cts-hmac-sha256-128";
    case 20:
      return "aes256-cts-hmac-sha384-192";
    case 23:
      return "rc4-hmac";
    case 24:
      return "rc4-hmac-exp";
    default:
      return fmt::format("etype-{}", etype);
  }
}

std::string KerberosApReq::service_name() const {
  std::string name;
  for (const auto& component : sname) name += (name.empty() ? "" : "/") + component;
  return name;
}

Json describe(const KerberosApReq& ap) {
  Json j = Json::object();
  j["mechanism"] = "kerberos";
  j["message_type"] = "AP-REQ";
  j["realm"] = ap.realm;
  j["sname"] = ap.service_name();
  j["sname_type"] = ap.sname_type;
  j["ticket_etype"] = etype_name(ap.ticket_etype);
  j["ticket_kvno"] = ap.ticket_kvno >= 0 ? Json(ap.ticket_kvno) : Json(nullptr);
  j["authenticator_etype"] = etype_name(ap.authenticator_etype);
  j["mutual_required"] = ap.mutual_required;
  j["channel_bindings"] = "opaque";
  return j;
}

}  // namespace cbaudit
