#include "spnego.hpp"

#include <fmt/format.h>

#include "seckit/asn1.hpp"

namespace cbaudit {

namespace asn1 = seckit::asn1;
using seckit::parse_error;
using seckit::Result;

// The single TLV inside a context-tagged explicit wrapper ([n] { X }).
Result<asn1::Tlv> unwrap(const asn1::Tlv& wrapper) {
  auto items = asn1::children(wrapper);
  if (!items) return items.error();
  if (items->size() != 1)
    return parse_error("explicit tag does not hold one value", wrapper.offset);
  return items->front();
}

Result<std::int64_t> explicit_int(const std::vector<asn1::Tlv>& items, std::uint32_t n) {
  auto w = asn1::find_context(items, n);
  if (!w) return parse_error(fmt::format("field [{}] missing", n));
  auto v = unwrap(*w);
  if (!v) return v.error();
  if (!v->universal(asn1::kInteger)) return parse_error("INTEGER expected", v->offset);
  return asn1::integer(v->value);
}

Result<std::vector<asn1::Tlv>> sequence_in(const asn1::Tlv& wrapper) {
  auto seq = unwrap(wrapper);
  if (!seq) return seq.error();
  if (!seq->universal(asn1::kSequence)) return parse_error("SEQUENCE expected", seq->offset);
  return asn1::children(*seq);
}

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
  auto items = sequence_in(wrapper);
  if (!items) return items.error();
  EncryptedData e;
  auto etype = explicit_int(*items, 0);
  if (!etype) return etype.error();
  e.etype = static_cast<int>(*etype);
  if (asn1::find_context(*items, 1)) {
    auto kvno = explicit_int(*items, 1);
    if (!kvno) return kvno.error();
    e.kvno = static_cast<int>(*kvno);
  }
  auto cipher_w = asn1::find_context(*items, 2);
  if (!cipher_w) return parse_error("EncryptedData without cipher");
  auto cipher = unwrap(*cipher_w);
  if (!cipher) return cipher.error();
  if (!cipher->universal(asn1::kOctetString)) {
    return parse_error("EncryptedData cipher is not an OCTET STRING", cipher->offset);
  }
  e.cipher = cipher->value;
  return e;
}

Result<KerberosApReq> parse_bare_ap_req(const asn1::Tlv& top) {
  if (!top.application(14)) return parse_error("not a Kerberos AP-REQ", top.offset);
  auto items = sequence_in(top);
  if (!items) return items.error();
  auto msg_type = explicit_int(*items, 1);
  if (!msg_type) return msg_type.error();
  if (*msg_type != 14)
    return parse_error(fmt::format("Kerberos msg-type {} is not AP-REQ", *msg_type));
  KerberosApReq ap;
  if (auto options = asn1::find_context(*items, 2)) {
    auto bits = unwrap(*options);
    if (bits && bits->universal(asn1::kBitString) && bits->value.size() >= 2) {
      ap.mutual_required = (bits->value[1] & 0x20) != 0;  // bit 2 of ap-options
    }
  }
  auto ticket_w = asn1::find_context(*items, 3);
  if (!ticket_w) return parse_error("AP-REQ without ticket");
  auto ticket = unwrap(*ticket_w);
  if (!ticket) return ticket.error();
  if (!ticket->application(1)) return parse_error("ticket is not [APPLICATION 1]", ticket->offset);
  auto t_seq = unwrap(*ticket);
  if (!t_seq) return t_seq.error();
  auto t_items = asn1::children(*t_seq);
  if (!t_items) return t_items.error();
  auto realm_w = asn1::find_context(*t_items, 1);
  if (!realm_w) return parse_error("ticket without realm");
  auto realm = unwrap(*realm_w);
  if (!realm) return realm.error();
  ap.realm.assign(realm->value.begin(), realm->value.end());
  auto sname_w = asn1::find_context(*t_items, 2);
  if (!sname_w) return parse_error("ticket without sname");
  auto sname = sequence_in(*sname_w);
  if (!sname) return sname.error();
  auto name_type = explicit_int(*sname, 0);
  if (!name_type) return name_type.error();
  ap.sname_type = static_cast<int>(*name_type);
  auto strings_w = asn1::find_context(*sname, 1);
  if (!strings_w) return parse_error("sname without name-string");
  auto strings = sequence_in(*strings_w);
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

Result<SpnegoToken> parse_spnego(Bytes data) {
  auto top = one(data);
  if (!top) return top.error();
  SpnegoToken token;
  if (top->application(0)) {
    auto items = asn1::children(*top);
    if (!items) return items.error();
    if (items->empty() || !(*items)[0].universal(asn1::kOid)) {
      return parse_error("GSS token without mechanism OID", top->offset);
    }
    auto oid = asn1::oid_text((*items)[0].value);
    if (!oid) return oid.error();
    if (*oid == kOidKrb5 || *oid == kOidMsKrb5) {
      auto ap = parse_ap_req(data);
      if (!ap) return ap.error();
      token.kind = "gss-krb5";
      token.ap_req = *ap;
      return token;
    }
    if (*oid != kOidSpnego) return parse_error("GSS token for unsupported mechanism " + *oid);
    if (items->size() != 2 || !(*items)[1].context(0)) {
      return parse_error("SPNEGO token without NegTokenInit", top->offset);
    }
    token.kind = "neg-token-init";
    auto fields = sequence_in((*items)[1]);
    if (!fields) return fields.error();
    if (auto mechs_w = asn1::find_context(*fields, 0)) {
      auto mechs = sequence_in(*mechs_w);
      if (!mechs) return mechs.error();
      for (const auto& m : *mechs) {
        auto t = asn1::oid_text(m.value);
        if (!t) return t.error();
        token.mech_types.push_back(*t);
      }
    }
    if (auto tok_w = asn1::find_context(*fields, 2)) {
      auto tok = unwrap(*tok_w);
      if (!tok) return tok.error();
      token.inner.assign(tok->value.begin(), tok->value.end());
    }
    token.has_mech_list_mic = asn1::find_context(*fields, 3).has_value();
  } else if (top->context(1)) {
    token.kind = "neg-token-resp";
    auto fields = sequence_in(*top);
    if (!fields) return fields.error();
    if (auto state_w = asn1::find_context(*fields, 0)) {
      auto state = unwrap(*state_w);
      if (!state) return state.error();
      auto v = asn1::integer(state->value);
      if (!v) return v.error();
      static const char* const kStates[] = {"accept-completed", "accept-incomplete", "reject",
                                            "request-mic"};
      token.neg_state = (*v >= 0 && *v < 4) ? kStates[*v] : fmt::format("{}", *v);
    }
    if (auto mech_w = asn1::find_context(*fields, 1)) {
      auto mech = unwrap(*mech_w);
      if (!mech) return mech.error();
      auto t = asn1::oid_text(mech->value);
      if (!t) return t.error();
      token.supported_mech = *t;
    }
    if (auto tok_w = asn1::find_context(*fields, 2)) {
      auto tok = unwrap(*tok_w);
      if (!tok) return tok.error();
      token.inner.assign(tok->value.begin(), tok->value.end());
    }
    token.has_mech_list_mic = asn1::find_context(*fields, 3).has_value();
  } else if (top->application(14)) {
    auto ap = parse_bare_ap_req(*top);
    if (!ap) return ap.error();
    token.kind = "kerberos-ap-req";
    token.ap_req = *ap;
    return token;
  } else {
    return parse_error("not a SPNEGO or Kerberos token", top->offset);
  }
  // A Kerberos inner token (mechToken of a NegTokenInit) is described too.
  if (!token.inner.empty() && token.inner[0] == 0x60) {
    auto ap = parse_ap_req(token.inner);
    if (ap) token.ap_req = *ap;
  }
  return token;
}

std::string mech_name(const std::string& oid) {
  if (oid == kOidNtlm) return "ntlm";
  if (oid == kOidKrb5) return "kerberos";
  if (oid == kOidMsKrb5) return "kerberos-ms";
  if (oid == kOidSpnego) return "spnego";
  if (oid == "1.3.6.1.4.1.311.2.2.30") return "negoex";
  return oid;
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

Json describe(const SpnegoToken& t) {
  Json j = Json::object();
  j["kind"] = t.kind;
  Json mechs = Json::array();
  for (const auto& m : t.mech_types) mechs.push_back(mech_name(m));
  j["mech_types"] = mechs;
  j["supported_mech"] = t.supported_mech ? Json(mech_name(*t.supported_mech)) : Json(nullptr);
  j["neg_state"] = t.neg_state ? Json(*t.neg_state) : Json(nullptr);
  j["mech_list_mic"] = t.has_mech_list_mic;
  return j;
}

std::vector<std::uint8_t> mech_type_list(const std::string& mech_oid) {
  return asn1::der(0x30, asn1::der_oid(mech_oid));
}

std::vector<std::uint8_t> build_neg_token_init(const std::string& mech_oid, Bytes mech_token) {
  using asn1::der;
  auto init = der(0x30, asn1::der_concat({der(0xa0, mech_type_list(mech_oid)),
                                          der(0xa2, der(0x04, mech_token))}));
  return der(0x60, asn1::der_concat({asn1::der_oid(kOidSpnego), der(0xa0, init)}));
}

std::vector<std::uint8_t> build_neg_token_resp(Bytes response_token, Bytes mech_list_mic) {
  using asn1::der;
  const std::vector<std::uint8_t> accept_incomplete = {1};
  return der(0xa1, der(0x30, asn1::der_concat({der(0xa0, der(0x0a, accept_incomplete)),
                                               der(0xa2, der(0x04, response_token)),
                                               der(0xa3, der(0x04, mech_list_mic))})));
}

}  // namespace cbaudit
