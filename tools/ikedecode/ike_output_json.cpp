// The ike_message record body: JSON rendered from the typed message and payload structs (the
// edge of ikedecode; nothing upstream builds JSON for a message).
#include <fmt/format.h>
#include <openssl/x509.h>

#include "ike_message.hpp"
#include "ike_tables.hpp"
#include "seckit/enc.hpp"

namespace ikedecode {

using seckit::bytes::Reader;

namespace {

constexpr std::size_t kMaxHex = 512;  // long opaque blobs are summarised by length

std::string ip_text(Bytes data) {
  if (data.size() == 4) return fmt::format("{}.{}.{}.{}", data[0], data[1], data[2], data[3]);
  if (data.size() == 16) {
    std::string out;
    for (std::size_t i = 0; i < 16; i += 2) {
      if (i) out += ':';
      out += fmt::format("{:x}", (data[i] << 8) | data[i + 1]);
    }
    return out;
  }
  return hex(data);
}

std::string dn_text(Bytes der) {
  const unsigned char* p = der.data();
  X509_NAME* name = d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size()));
  if (name == nullptr) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* text = nullptr;
  long n = BIO_get_mem_data(bio, &text);
  std::string out(text, static_cast<std::size_t>(n));
  BIO_free(bio);
  X509_NAME_free(name);
  return out;
}

// The identity in an ID payload, by type (the IPv4/IPv6/FQDN/DN numbers agree across versions).
void identification_json(std::uint8_t version, std::uint8_t type, Bytes data, Json& j) {
  std::uint8_t ip = type == 1 ? 4 : type == 5 ? 6 : 0;
  if (ip != 0 && data.size() == (ip == 4 ? 4u : 16u)) {
    j["value"] = ip_text(data);
  } else if (type == 2 || type == 3) {
    j["value"] = seckit::out::wire_text(data);
  } else if (type == 9) {
    std::string dn = dn_text(data);
    if (!dn.empty()) j["value"] = dn;
    j["der"] = seckit::enc::base64_encode(data);
  } else if (version == 1 && (type == 4 || type == 6 || type == 7 || type == 8) &&
             (data.size() == 8 || data.size() == 32)) {
    std::size_t half = data.size() / 2;
    j["value"] = ip_text(data.subspan(0, half)) + (type == 4 || type == 6 ? "/" : "-") +
                 ip_text(data.subspan(half));
  } else if (type != 13) {  // ID_NULL carries nothing
    j["hex"] = hex(data, kMaxHex);
  }
}

Json transform_json(std::uint8_t version, std::uint8_t protocol, const Transform& t) {
  Json out;
  Json attrs = Json::array();
  if (version == 1) {
    bool phase1 = protocol == 1;
    out["number"] = t.type;
    out["id"] = t.id;
    out["id_name"] = ikev1_transform_id_name(protocol, static_cast<std::uint8_t>(t.id));
    for (const TransformAttribute& a : t.wire_attributes) {
      Json aj{{"type", a.type}, {"name", ikev1_attribute_name(phase1, a.type)}};
      if (!a.numeric) {
        aj["hex"] = hex(a.data, kMaxHex);
      } else {
        aj["value"] = a.value;
        if (auto name = ikev1_attribute_value_name(phase1, a.type, a.value)) {
          aj["value_name"] = *name;
        }
      }
      attrs.push_back(std::move(aj));
    }
    out["attributes"] = std::move(attrs);
    return out;
  }
  out["type"] = t.type;
  out["type_name"] = transform_type_name(t.type);
  out["id"] = t.id;
  out["id_name"] = transform_id_name(t.type, t.id);
  if (t.key_length) out["key_length"] = *t.key_length;
  for (const TransformAttribute& a : t.wire_attributes) {
    attrs.push_back(a.tv ? Json{{"type", a.type}, {"value", a.value}}
                         : Json{{"type", a.type}, {"hex", hex(a.data, kMaxHex)}});
  }
  if (!attrs.empty()) out["attributes"] = std::move(attrs);
  return out;
}

Json proposals_json(std::uint8_t version, const std::vector<Proposal>& proposals) {
  Json out = Json::array();
  for (const Proposal& p : proposals) {
    Json pj{{"number", p.number},
            {"protocol", p.protocol},
            {"protocol_name", protocol_name(version, p.protocol)},
            {"spi", hex(Bytes(p.spi))}};
    Json transforms = Json::array();
    for (const Transform& t : p.transforms) {
      transforms.push_back(transform_json(version, p.protocol, t));
    }
    pj["transforms"] = std::move(transforms);
    out.push_back(std::move(pj));
  }
  return out;
}

Json selector_json(const TrafficSelector& s) {
  Json j{{"type", s.type}, {"type_name", ts_type_name(s.type)}, {"ip_protocol", s.ip_protocol}};
  if (s.range) {
    j["start_port"] = s.start_port;
    j["end_port"] = s.end_port;
    j["start_address"] = ip_text(s.start_address);
    j["end_address"] = ip_text(s.end_address);
  } else {
    j["hex"] = hex(s.data, kMaxHex);
  }
  return j;
}

Json config_attribute_json(std::uint8_t version, const ConfigAttribute& a) {
  Json j{{"type", a.type}, {"name", cp_attribute_name(a.type)}};
  if (version == 1) {
    if (a.tv) {
      j["value"] = a.value;
    } else if (a.length > 0) {
      j["hex"] = hex(a.data, kMaxHex);
    }
    return j;
  }
  std::uint16_t at = a.type;
  j["length"] = a.length;
  if ((at == 1 || at == 2 || at == 3 || at == 4 || at == 6 || at == 20) && a.length == 4) {
    j["value"] = ip_text(a.data);
  } else if ((at == 8 || at == 10 || at == 15) && a.length >= 16) {
    j["value"] = ip_text(a.data.subspan(0, 16));
  } else if (at == 7 || at == 25) {
    j["value"] = seckit::out::wire_text(a.data);
  } else if (a.length > 0) {
    j["hex"] = hex(a.data, kMaxHex);
  }
  return j;
}

const char* eap_type_name(std::uint8_t type) {
  switch (type) {
    case 1:
      return "Identity";
    case 2:
      return "Notification";
    case 3:
      return "Nak";
    case 4:
      return "MD5-Challenge";
    case 13:
      return "EAP-TLS";
    case 18:
      return "EAP-SIM";
    case 21:
      return "EAP-TTLS";
    case 23:
      return "EAP-AKA";
    case 25:
      return "PEAP";
    case 26:
      return "EAP-MSCHAP-V2";
    case 50:
      return "EAP-AKA'";
    default:
      return nullptr;
  }
}

// Writes the fields of one typed payload body into the payload's JSON object.
struct BodyJson {
  std::uint8_t version;
  std::uint8_t type;
  Json& f;

  void operator()(std::monostate /*short*/) const {}
  void operator()(const UnknownPayload& p) const { f["data_length"] = p.data_length; }
  void operator()(const SaPayload& p) const {
    if (p.doi) f["doi"] = *p.doi;
    if (p.situation) f["situation"] = *p.situation;
    f["proposals"] = proposals_json(version, p.proposals);
  }
  void operator()(const KePayload& p) const {
    if (p.group) {
      f["group"] = *p.group;
      f["group_name"] = dh_group_name(*p.group);
    }
    f["key_data_length"] = p.key_data_length;
  }
  void operator()(const IdPayload& p) const {
    f["id_type"] = p.id_type;
    f["id_type_name"] = id_type_name(version, p.id_type);
    if (p.protocol_id) f["protocol_id"] = *p.protocol_id;
    if (p.port) f["port"] = *p.port;
    identification_json(version, p.id_type, p.data, f);
  }
  void operator()(const CertPayload& p) const;
  void operator()(const AuthPayload& p) const {
    f["method"] = p.method;
    f["method_name"] = ikev2_auth_method_name(p.method);
    f["data_length"] = p.data_length;
  }
  void operator()(const NoncePayload& p) const {
    f["nonce_length"] = p.data.size();
    f["nonce"] = hex(p.data, kMaxHex);
  }
  void operator()(const NotifyPayload& p) const;
  void operator()(const DeletePayload& p) const {
    if (p.doi) f["doi"] = *p.doi;
    f["protocol"] = p.protocol;
    f["protocol_name"] = protocol_name(version, p.protocol);
    Json spis = Json::array();
    for (Bytes spi : p.spis) spis.push_back(hex(spi));
    f["spis"] = std::move(spis);
  }
  void operator()(const DoiOnlyPayload& p) const { f["doi"] = p.doi; }
  void operator()(const VendorIdPayload& p) const {
    f["vendor_id"] = hex(p.data, kMaxHex);
    if (auto known = vendor_id_name(p.data)) {
      f["vendor_name"] = known->name;
      if (known->version) f["vendor_version"] = *known->version;
    }
  }
  void operator()(const TsPayload& p) const {
    Json selectors = Json::array();
    for (const TrafficSelector& s : p.selectors) selectors.push_back(selector_json(s));
    f["selectors"] = std::move(selectors);
  }
  void operator()(const EncryptedPayload& p) const {
    if (p.fragment_number) {
      f["fragment_number"] = *p.fragment_number;
      f["total_fragments"] = p.total_fragments.value_or(0);
    }
    f["encrypted_length"] = p.encrypted_length;
  }
  void operator()(const ConfigPayload& p) const {
    f["cfg_type"] = p.cfg_type;
    f["cfg_type_name"] = cp_type_name(p.cfg_type);
    if (p.identifier) f["identifier"] = *p.identifier;
    Json attrs = Json::array();
    for (const ConfigAttribute& a : p.attributes)
      attrs.push_back(config_attribute_json(version, a));
    f["attributes"] = std::move(attrs);
  }
  void operator()(const EapPayload& p) const;
  void operator()(const HashPayload& p) const {
    f["data_length"] = p.data.size();
    f["hex"] = hex(p.data, kMaxHex);
  }
  void operator()(const NatDPayload& p) const { f["hash"] = hex(p.hash); }
  void operator()(const NatOaPayload& p) const {
    f["id_type"] = p.id_type;
    f["value"] = ip_text(p.address);
  }
  void operator()(const CiscoFragmentPayload& p) const {
    f["fragment_id"] = p.id;
    f["fragment_number"] = p.number;
    f["last"] = p.last;
    f["data_length"] = p.data_length;
  }
};

void BodyJson::operator()(const CertPayload& p) const {
  f["encoding"] = p.encoding;
  f["encoding_name"] = cert_encoding_name(p.encoding);
  f["data_length"] = p.data.size();
  if (version == 1) {
    if (p.request && !p.data.empty()) {
      std::string dn = dn_text(p.data);
      if (!dn.empty()) f["authority"] = dn;
    }
    return;
  }
  if (p.request && p.encoding == 4) {
    Json hashes = Json::array();
    for (std::size_t i = 0; i + 20 <= p.data.size(); i += 20) {
      hashes.push_back(hex(p.data.subspan(i, 20)));
    }
    f["ca_key_hashes"] = std::move(hashes);
  }
  if (!p.request && p.encoding == 12) {
    f["hash_and_url"] = seckit::out::wire_text(p.data.size() > 20 ? p.data.subspan(20) : Bytes{});
  }
}

void BodyJson::operator()(const NotifyPayload& p) const {
  const Notify& n = p.notify;
  if (p.doi) f["doi"] = *p.doi;
  f["protocol"] = n.protocol;
  f["notify_type"] = n.type;
  f["notify_name"] = notify_name(version, n.type);
  f["error"] = notify_is_error(version, n.type);
  if (!n.spi.empty()) f["spi"] = hex(Bytes(n.spi));
  Json data = notify_data_json(version, n.type, n.data);
  if (!data.empty()) f["data"] = std::move(data);
}

void BodyJson::operator()(const EapPayload& p) const {
  static const char* kCodes[] = {"?", "Request", "Response", "Success", "Failure"};
  f["eap_code"] = p.code;
  f["eap_code_name"] = p.code >= 1 && p.code <= 4 ? kCodes[p.code] : "unknown";
  f["eap_identifier"] = p.identifier;
  f["eap_length"] = p.length;
  if (!p.type) return;
  f["eap_type"] = *p.type;
  if (const char* name = eap_type_name(*p.type)) f["eap_type_name"] = name;
  if (*p.type == 1) f["identity"] = seckit::out::wire_text(p.identity);
}

}  // namespace

Json notify_data_json(std::uint8_t version, std::uint16_t type, Bytes data) {
  Json j = Json::object();
  Reader r(data);
  if (version == 2) {
    switch (type) {
      case 16388:
      case 16389:
        j["hash"] = hex(data);
        return j;
      case 16390:
        j["cookie"] = hex(data, kMaxHex);
        return j;
      case 17: {
        std::uint16_t group = r.be16();
        if (r.ok()) {
          j["accepted_group"] = group;
          j["accepted_group_name"] = dh_group_name(group);
        }
        return j;
      }
      case 16431: {
        Json algs = Json::array();
        while (r.remaining() >= 2) algs.push_back(hash_algorithm_name(r.be16()));
        j["hash_algorithms"] = algs;
        return j;
      }
      case 16407:
      case 16408: {  // REDIRECT / REDIRECTED_FROM: gateway identity type, length, identity
        std::uint8_t gw_type = r.u8();
        std::uint8_t len = r.u8();
        Bytes gw = r.bytes(len);
        if (!r.ok()) break;
        j["gateway_type"] = gw_type == 1   ? "IPv4"
                            : gw_type == 2 ? "IPv6"
                            : gw_type == 3 ? "FQDN"
                                           : "unknown";
        j["gateway"] = gw_type == 3 ? seckit::out::wire_text(gw) : Json(ip_text(gw));
        if (!r.empty()) j["nonce"] = hex(r.rest());
        return j;
      }
      case 12345:
      case 16385:
      case 16403: {
        std::uint32_t value = r.be32();
        if (!r.ok()) break;
        if (type == 12345) {
          j["win32_error"] = value;
          j["win32_error_hex"] = fmt::format("0x{:08X}", value);
        } else {
          j[type == 16385 ? "window_size" : "lifetime_seconds"] = value;
        }
        return j;
      }
      case 16397:
      case 16398:
        j["address"] = ip_text(data);
        return j;
      case 16387: {
        std::uint16_t cpi = r.be16();
        std::uint8_t transform = r.u8();
        if (!r.ok()) break;
        j["cpi"] = cpi;
        j["transform"] = transform;
        return j;
      }
      default:
        break;
    }
  } else if (type == 24576 || type == 36136 || type == 36137) {
    if (type != 24576 && data.size() == 4) {
      j["sequence"] = r.be32();
      return j;
    }
  }
  if (!data.empty()) j["hex"] = hex(data, kMaxHex);
  return j;
}

Json message_json(const IkeMessage& m) {
  Json j;
  j["version"] = fmt::format("{}.{}", m.major, m.minor);
  j["exchange"] = m.exchange;
  j["exchange_name"] = exchange_name(m.major, m.exchange);
  j["spi_i"] = hex(m.spi_i);
  j["spi_r"] = hex(m.spi_r);
  j["message_id"] = m.message_id;
  Json flags = Json::object();
  if (m.major == 2) {
    flags["initiator"] = (m.flags & 0x08) != 0;
    flags["response"] = (m.flags & 0x20) != 0;
    flags["higher_version"] = (m.flags & 0x10) != 0;
  } else {
    flags["encryption"] = (m.flags & 0x01) != 0;
    flags["commit"] = (m.flags & 0x02) != 0;
    flags["authentication_only"] = (m.flags & 0x04) != 0;
  }
  j["flags"] = flags;
  j["length"] = m.length;
  Json sequence = Json::array();
  Json payloads = Json::array();
  for (const Payload& p : m.payloads) {
    sequence.push_back(payload_abbrev(m.major, p.type));
    payloads.push_back(payload_json(m, p));
  }
  j["payload_sequence"] = sequence;
  j["payloads"] = payloads;
  if (m.encrypted) {
    Json enc{{"first_payload", payload_abbrev(m.major, m.encrypted_first_payload)},
             {"length", m.encrypted_length},
             {"decrypted", m.decrypted}};
    if (m.fragment_number) {
      enc["fragment_number"] = *m.fragment_number;
      if (m.fragment_total) enc["total_fragments"] = *m.fragment_total;
    }
    j["encrypted"] = enc;
  }
  if (!m.anomalies.empty()) j["anomalies"] = m.anomalies;
  return j;
}

Json payload_json(const IkeMessage& m, const Payload& p) {
  Json j;
  j["type"] = p.type;
  j["name"] = payload_abbrev(m.major, p.type);
  j["length"] = p.length;
  if (p.critical) j["critical"] = true;
  if (p.inner) j["encrypted"] = true;
  std::visit(BodyJson{m.major, p.type, j}, p.parsed);
  return j;
}

}  // namespace ikedecode
