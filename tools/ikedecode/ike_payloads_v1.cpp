// IKEv1 payload bodies (RFC 2408 3.x, RFC 2407 4.6, RFC 3947 NAT-D/NAT-OA, Cisco fragments),
// and the Vendor ID payload, identical in both versions.
#include <fmt/format.h>

#include "ike_payloads.hpp"
#include "ike_tables.hpp"

namespace ikedecode {

using seckit::bytes::Reader;
using namespace detail;

void decode_ikev1_payload(IkeMessage& m, Payload& p) {
  Reader r(p.body);
  Json& f = p.fields;
  std::uint8_t t = p.type;
  auto short_of = [&](const char* what) {
    m.anomalies.push_back(fmt::format("{} payload at offset {} too short for its {}",
                                      payload_abbrev(m.major, p.type), p.offset, what));
  };
  switch (t) {
    case 43:
    case 13: {
      f["vendor_id"] = hex(p.body, kMaxHex);
      if (auto known = vendor_id_name(p.body)) {
        f["vendor_name"] = known->name;
        if (known->version) f["vendor_version"] = *known->version;
      }
      return;
    }
    case 1: {
      std::uint32_t doi = r.be32();
      std::uint32_t situation = r.be32();
      if (!r.ok()) return short_of("DOI and situation");
      f["doi"] = doi;
      f["situation"] = situation;
      security_association(m, p, r);
      return;
    }
    case 4:
      f["key_data_length"] = p.body.size();
      return;
    case 5: {
      std::uint8_t type = r.u8();
      std::uint8_t protocol = r.u8();
      std::uint16_t port = r.be16();
      if (!r.ok()) return short_of("ID header");
      f["id_type"] = type;
      f["id_type_name"] = id_type_name(1, type);
      f["protocol_id"] = protocol;
      f["port"] = port;
      if (Json id = identification(1, type, r.rest()); id.is_object()) f.update(id);
      return;
    }
    case 6:
    case 7: {
      if (!cert_body(p, r)) return short_of("encoding");
      if (t == 7 && r.remaining() > 0) {
        std::string dn = dn_text(r.rest());
        if (!dn.empty()) f["authority"] = dn;
      }
      return;
    }
    case 8:
    case 9:
      f["data_length"] = p.body.size();
      f["hex"] = hex(p.body, kMaxHex);
      return;
    case 10:
      nonce_body(p);
      return;
    case 11:
    case 12: {
      // RFC 2408 3.14/3.15: a DOI in front of what IKEv2 kept.
      std::uint32_t doi = r.be32();
      if (!r.ok()) return short_of("DOI");
      f["doi"] = doi;
      if (t == 11 ? !notify_body(1, p, r) : !delete_body(1, m, p, r)) {
        return short_of(t == 11 ? "notification header" : "delete header");
      }
      return;
    }
    case 14: {
      std::uint8_t type = r.u8();
      r.u8();
      std::uint16_t identifier = r.be16();
      if (!r.ok()) return short_of("attribute header");
      f["cfg_type"] = type;
      f["cfg_type_name"] = cp_type_name(type);
      f["identifier"] = identifier;
      Json attrs = Json::array();
      while (!r.empty() && attrs.size() < 256) {
        std::uint16_t at = r.be16();
        bool tv = (at & 0x8000) != 0;
        at &= 0x7fff;
        Json a{{"type", at}, {"name", cp_attribute_name(at)}};
        if (tv) {
          a["value"] = r.be16();
        } else {
          std::uint16_t len = r.be16();
          Bytes value = r.bytes(len);
          if (r.ok() && len > 0) a["hex"] = hex(value, kMaxHex);
        }
        if (!r.ok()) {
          m.anomalies.push_back("mode-config attribute runs past the payload");
          break;
        }
        attrs.push_back(a);
      }
      f["attributes"] = attrs;
      return;
    }
    case 20:
    case 130:
      f["hash"] = hex(p.body);
      return;
    case 21:
    case 131: {
      std::uint8_t type = r.u8();
      r.skip(3);
      if (!r.ok()) return short_of("NAT-OA header");
      f["id_type"] = type;
      f["value"] = ip_text(r.rest());
      return;
    }
    case 132: {  // Cisco IKEv1 fragmentation: id(2) number(1) flags(1, 1 = last)
      std::uint16_t id = r.be16();
      std::uint8_t number = r.u8();
      std::uint8_t flags = r.u8();
      if (!r.ok()) return short_of("fragment header");
      f["fragment_id"] = id;
      f["fragment_number"] = number;
      f["last"] = (flags & 1) != 0;
      f["data_length"] = r.remaining();
      m.fragment_number = number;
      if (flags & 1) m.fragment_total = number;
      return;
    }
    default:
      f["data_length"] = p.body.size();
      return;
  }
}

}  // namespace ikedecode
