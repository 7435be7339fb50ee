#include "spnego.hpp"

#include <fmt/format.h>

#include "seckit/asn1.hpp"

namespace cbaudit {

namespace asn1 = seckit::asn1;
using seckit::parse_error;
using seckit::Result;

using asn1::explicit_sequence;
using asn1::unwrap_explicit;

namespace {

Result<asn1::Tlv> one(Bytes data, std::size_t base = 0) {
  seckit::bytes::Reader r(data, base);
  return asn1::read_tlv(r);
}

}  // namespace

namespace {

// NegTokenInit inside the GSS InitialContextToken (RFC 4178 4.2.1): mechTypes [0],
// mechToken [2], mechListMIC [3].
Result<SpnegoToken> parse_neg_token_init(const std::vector<asn1::Tlv>& items,
                                         const asn1::Tlv& top) {
  if (items.size() != 2 || !items[1].context(0)) {
    return parse_error("SPNEGO token without NegTokenInit", top.offset);
  }
  SpnegoToken token;
  token.kind = "neg-token-init";
  auto fields = explicit_sequence(items[1]);
  if (!fields) return fields.error();
  if (auto mechs_w = asn1::find_context(*fields, 0)) {
    auto mechs = explicit_sequence(*mechs_w);
    if (!mechs) return mechs.error();
    for (const auto& m : *mechs) {
      auto t = asn1::oid_text(m.value);
      if (!t) return t.error();
      token.mech_types.push_back(*t);
    }
  }
  if (auto tok_w = asn1::find_context(*fields, 2)) {
    auto tok = unwrap_explicit(*tok_w);
    if (!tok) return tok.error();
    token.inner.assign(tok->value.begin(), tok->value.end());
  }
  token.has_mech_list_mic = asn1::find_context(*fields, 3).has_value();
  return token;
}

// NegTokenResp (RFC 4178 4.2.2): negState [0], supportedMech [1], responseToken [2],
// mechListMIC [3].
Result<SpnegoToken> parse_neg_token_resp(const asn1::Tlv& top) {
  SpnegoToken token;
  token.kind = "neg-token-resp";
  auto fields = explicit_sequence(top);
  if (!fields) return fields.error();
  if (auto state_w = asn1::find_context(*fields, 0)) {
    auto state = unwrap_explicit(*state_w);
    if (!state) return state.error();
    auto v = asn1::integer(state->value);
    if (!v) return v.error();
    static const char* const kStates[] = {"accept-completed", "accept-incomplete", "reject",
                                          "request-mic"};
    token.neg_state = (*v >= 0 && *v < 4) ? kStates[*v] : fmt::format("{}", *v);
  }
  if (auto mech_w = asn1::find_context(*fields, 1)) {
    auto mech = unwrap_explicit(*mech_w);
    if (!mech) return mech.error();
    auto t = asn1::oid_text(mech->value);
    if (!t) return t.error();
    token.supported_mech = *t;
  }
  if (auto tok_w = asn1::find_context(*fields, 2)) {
    auto tok = unwrap_explicit(*tok_w);
    if (!tok) return tok.error();
    token.inner.assign(tok->value.begin(), tok->value.end());
  }
  token.has_mech_list_mic = asn1::find_context(*fields, 3).has_value();
  return token;
}

// A whole token that is a Kerberos AP-REQ (GSS-framed krb5, or bare [APPLICATION 14]): the
// one AP-REQ parser (krb5_apreq.hpp) reads it.
Result<SpnegoToken> kerberos_token(Bytes data, const char* kind) {
  auto ap = parse_ap_req(data);
  if (!ap) return ap.error();
  SpnegoToken token;
  token.kind = kind;
  token.ap_req = *ap;
  return token;
}

Result<SpnegoToken> parse_gss_token(Bytes data, const asn1::Tlv& top) {
  auto items = asn1::children(top);
  if (!items) return items.error();
  if (items->empty() || !(*items)[0].universal(asn1::kOid)) {
    return parse_error("GSS token without mechanism OID", top.offset);
  }
  auto oid = asn1::oid_text((*items)[0].value);
  if (!oid) return oid.error();
  if (*oid == kOidKrb5 || *oid == kOidMsKrb5) return kerberos_token(data, "gss-krb5");
  if (*oid != kOidSpnego) return parse_error("GSS token for unsupported mechanism " + *oid);
  return parse_neg_token_init(*items, top);
}

}  // namespace

Result<SpnegoToken> parse_spnego(Bytes data) {
  auto top = one(data);
  if (!top) return top.error();
  Result<SpnegoToken> token = parse_error("not a SPNEGO or Kerberos token", top->offset);
  if (top->application(0)) {
    token = parse_gss_token(data, *top);
  } else if (top->context(1)) {
    token = parse_neg_token_resp(*top);
  } else if (top->application(kApplicationApReq)) {
    return kerberos_token(data, "kerberos-ap-req");
  }
  if (!token) return token;
  // A Kerberos inner token (mechToken of a NegTokenInit) is described too.
  if (!token->inner.empty() && token->inner[0] == 0x60) {
    auto ap = parse_ap_req(token->inner);
    if (ap) token->ap_req = *ap;
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
