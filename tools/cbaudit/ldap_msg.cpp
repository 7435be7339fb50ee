#include "ldap_msg.hpp"

#include "seckit/asn1.hpp"

namespace cbaudit::ldap {

namespace asn1 = seckit::asn1;

seckit::Result<std::size_t> message_size(seckit::bytes::Bytes data) {
  if (data.empty()) return std::size_t{0};
  if (data[0] != 0x30) return seckit::parse_error("not an LDAP message (no SEQUENCE)");
  if (data.size() < 2) return std::size_t{0};
  std::size_t header = 2, length = data[1];
  if (data[1] & 0x80) {
    std::size_t count = data[1] & 0x7f;
    if (count == 0 || count > 4) return seckit::parse_error("unsupported LDAP message length");
    if (data.size() < 2 + count) return std::size_t{0};
    length = 0;
    for (std::size_t i = 0; i < count; ++i) length = (length << 8) | data[2 + i];
    header += count;
  }
  if (data.size() < header + length) return std::size_t{0};
  return header + length;
}

seckit::Result<std::optional<BindMessage>> parse_message(seckit::bytes::Bytes data) {
  seckit::bytes::Reader r(data);
  auto msg = asn1::read_tlv(r);
  if (!msg) return msg.error();
  if (!msg->universal(asn1::kSequence)) return seckit::parse_error("LDAPMessage is not a SEQUENCE");
  auto items = asn1::children(*msg, 64);
  if (!items) return items.error();
  if (items->size() < 2 || !(*items)[0].universal(asn1::kInteger)) {
    return seckit::parse_error("LDAPMessage without messageID");
  }
  BindMessage b;
  auto id = asn1::integer((*items)[0].value);
  if (!id) return id.error();
  b.message_id = *id;
  const asn1::Tlv& op = (*items)[1];
  if (op.application(0)) {
    b.request = true;
    auto fields = asn1::children(op, 16);
    if (!fields) return fields.error();
    if (fields->size() < 3) return seckit::parse_error("BindRequest too short", op.offset);
    b.name.assign((*fields)[1].value.begin(), (*fields)[1].value.end());
    const asn1::Tlv& auth = (*fields)[2];
    if (auth.tag_class != asn1::TagClass::kContext) {
      return seckit::parse_error("BindRequest authentication is not a context choice", auth.offset);
    }
    switch (auth.tag) {
      case 0:
        b.auth_kind = "simple";
        break;  // the password itself is never kept
      case 3: {
        b.auth_kind = "sasl";
        auto sasl = asn1::children(auth, 4);
        if (!sasl) return sasl.error();
        if (sasl->empty()) return seckit::parse_error("SASL bind without mechanism", auth.offset);
        b.sasl_mechanism.assign((*sasl)[0].value.begin(), (*sasl)[0].value.end());
        if (sasl->size() > 1)
          b.credentials.assign((*sasl)[1].value.begin(), (*sasl)[1].value.end());
        break;
      }
      case 9:
        b.auth_kind = "sicily-discovery";
        break;
      case 10:
      case 11:
        b.auth_kind = auth.tag == 10 ? "sicily-negotiate" : "sicily-response";
        b.credentials.assign(auth.value.begin(), auth.value.end());
        break;
      default:
        b.auth_kind = "other";
    }
    return std::optional<BindMessage>(b);
  }
  if (op.application(1)) {
    auto fields = asn1::children(op, 16);
    if (!fields) return fields.error();
    if (fields->size() < 3) return seckit::parse_error("BindResponse too short", op.offset);
    auto code = asn1::integer((*fields)[0].value);
    if (!code) return code.error();
    b.result_code = *code;
    b.matched_dn.assign((*fields)[1].value.begin(), (*fields)[1].value.end());
    b.diagnostic.assign((*fields)[2].value.begin(), (*fields)[2].value.end());
    for (const auto& f : *fields) {
      if (f.context(7)) b.server_sasl_creds.assign(f.value.begin(), f.value.end());
    }
    return std::optional<BindMessage>(b);
  }
  return std::optional<BindMessage>();
}

namespace {
using seckit::asn1::der;
using seckit::asn1::der_concat;
Buffer message(std::int64_t id, const Buffer& op) {
  return der(0x30, der_concat({der(0x02, Buffer{static_cast<std::uint8_t>(id)}), op}));
}
}  // namespace

Buffer encode_sicily_bind(std::int64_t id, std::uint32_t tag, const Buffer& token) {
  // version 3, empty name (sicily sends the identity inside NTLM), [tag] token
  std::uint8_t id_octet = static_cast<std::uint8_t>(0x80 | tag);
  return message(
      id, der(0x60, der_concat({der(0x02, Buffer{3}), der(0x04, {}), der(id_octet, token)})));
}

Buffer encode_sasl_bind(std::int64_t id, const std::string& mechanism, const Buffer& credentials) {
  Buffer mech(mechanism.begin(), mechanism.end());
  return message(
      id,
      der(0x60, der_concat({der(0x02, Buffer{3}), der(0x04, {}),
                            der(0xa3, der_concat({der(0x04, mech), der(0x04, credentials)}))})));
}

}  // namespace cbaudit::ldap
