// The ike_message record body: JSON written from the typed message and payload structs with the
// streaming writer (the edge of ikedecode; no tree is built for a message).
#include <fmt/format.h>
#include <openssl/x509.h>

#include "ike_message.hpp"
#include "ike_tables.hpp"
#include "seckit/enc.hpp"

namespace ikedecode {

using seckit::bytes::Reader;
using seckit::out::JsonWriter;

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

namespace {

constexpr std::size_t kMaxHex = 512;  // long opaque blobs are summarised by length

// The identity in an ID payload, by type (the IPv4/IPv6/FQDN/DN numbers agree across versions).
void write_identification(JsonWriter& w, std::uint8_t version, std::uint8_t type, Bytes data) {
  std::uint8_t ip = type == 1 ? 4 : type == 5 ? 6 : 0;
  if (ip != 0 && data.size() == (ip == 4 ? 4u : 16u)) {
    w.field("value", ip_text(data));
  } else if (type == 2 || type == 3) {
    w.key("value");
    w.wire_text(data);
  } else if (type == 9) {
    std::string dn = dn_text(data);
    if (!dn.empty()) w.field("value", dn);
    w.field("der", seckit::enc::base64_encode(data));
  } else if (version == 1 && (type == 4 || type == 6 || type == 7 || type == 8) &&
             (data.size() == 8 || data.size() == 32)) {
    std::size_t half = data.size() / 2;
    w.field("value", ip_text(data.subspan(0, half)) + (type == 4 || type == 6 ? "/" : "-") +
                         ip_text(data.subspan(half)));
  } else if (type != 13) {  // ID_NULL carries nothing
    w.field("hex", hex(data, kMaxHex));
  }
}

void write_v1_transform(JsonWriter& w, std::uint8_t protocol, const Transform& t) {
  bool phase1 = protocol == 1;
  w.field("number", t.type).field("id", t.id);
  w.field("id_name", ikev1_transform_id_name(protocol, static_cast<std::uint8_t>(t.id)));
  w.key("attributes").begin_array();
  for (const TransformAttribute& a : t.wire_attributes) {
    w.begin_object().field("type", a.type).field("name", ikev1_attribute_name(phase1, a.type));
    if (!a.numeric) {
      w.field("hex", hex(a.data, kMaxHex));
    } else {
      w.field("value", a.value);
      if (auto name = ikev1_attribute_value_name(phase1, a.type, a.value)) {
        w.field("value_name", *name);
      }
    }
    w.end_object();
  }
  w.end_array();
}

void write_transform(JsonWriter& w, std::uint8_t version, std::uint8_t protocol,
                     const Transform& t) {
  w.begin_object();
  if (version == 1) {
    write_v1_transform(w, protocol, t);
    w.end_object();
    return;
  }
  w.field("type", t.type).field("type_name", transform_type_name(t.type));
  w.field("id", t.id).field("id_name", transform_id_name(t.type, t.id));
  if (t.key_length) w.field("key_length", *t.key_length);
  if (!t.wire_attributes.empty()) {
    w.key("attributes").begin_array();
    for (const TransformAttribute& a : t.wire_attributes) {
      w.begin_object().field("type", a.type);
      if (a.tv) {
        w.field("value", a.value);
      } else {
        w.field("hex", hex(a.data, kMaxHex));
      }
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
}

void write_proposals(JsonWriter& w, std::uint8_t version, const std::vector<Proposal>& proposals) {
  w.begin_array();
  for (const Proposal& p : proposals) {
    w.begin_object().field("number", p.number).field("protocol", p.protocol);
    w.field("protocol_name", protocol_name(version, p.protocol)).field("spi", hex(Bytes(p.spi)));
    w.key("transforms").begin_array();
    for (const Transform& t : p.transforms) write_transform(w, version, p.protocol, t);
    w.end_array().end_object();
  }
  w.end_array();
}

void write_selector(JsonWriter& w, const TrafficSelector& s) {
  w.begin_object().field("type", s.type).field("type_name", ts_type_name(s.type));
  w.field("ip_protocol", s.ip_protocol);
  if (s.range) {
    w.field("start_port", s.start_port).field("end_port", s.end_port);
    w.field("start_address", ip_text(s.start_address));
    w.field("end_address", ip_text(s.end_address));
  } else {
    w.field("hex", hex(s.data, kMaxHex));
  }
  w.end_object();
}

void write_config_attribute(JsonWriter& w, std::uint8_t version, const ConfigAttribute& a) {
  w.begin_object().field("type", a.type).field("name", cp_attribute_name(a.type));
  if (version == 1) {
    if (a.tv) {
      w.field("value", a.value);
    } else if (a.length > 0) {
      w.field("hex", hex(a.data, kMaxHex));
    }
    w.end_object();
    return;
  }
  std::uint16_t at = a.type;
  w.field("length", a.length);
  if ((at == 1 || at == 2 || at == 3 || at == 4 || at == 6 || at == 20) && a.length == 4) {
    w.field("value", ip_text(a.data));
  } else if ((at == 8 || at == 10 || at == 15) && a.length >= 16) {
    w.field("value", ip_text(a.data.subspan(0, 16)));
  } else if (at == 7 || at == 25) {
    w.key("value");
    w.wire_text(a.data);
  } else if (a.length > 0) {
    w.field("hex", hex(a.data, kMaxHex));
  }
  w.end_object();
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

// Writes the fields of one typed payload body into the payload's open JSON object.
struct BodyJson {
  std::uint8_t version;
  std::uint8_t type;
  JsonWriter& w;

  void operator()(std::monostate /*short*/) const {}
  void operator()(const UnknownPayload& p) const { w.field("data_length", p.data_length); }
  void operator()(const SaPayload& p) const {
    if (p.doi) w.field("doi", *p.doi);
    if (p.situation) w.field("situation", *p.situation);
    w.key("proposals");
    write_proposals(w, version, p.proposals);
  }
  void operator()(const KePayload& p) const {
    if (p.group) w.field("group", *p.group).field("group_name", dh_group_name(*p.group));
    w.field("key_data_length", p.key_data_length);
  }
  void operator()(const IdPayload& p) const {
    w.field("id_type", p.id_type).field("id_type_name", id_type_name(version, p.id_type));
    if (p.protocol_id) w.field("protocol_id", *p.protocol_id);
    if (p.port) w.field("port", *p.port);
    write_identification(w, version, p.id_type, p.data);
  }
  void operator()(const CertPayload& p) const;
  void operator()(const AuthPayload& p) const {
    w.field("method", p.method).field("method_name", ikev2_auth_method_name(p.method));
    w.field("data_length", p.data_length);
  }
  void operator()(const NoncePayload& p) const {
    w.field("nonce_length", p.data.size()).field("nonce", hex(p.data, kMaxHex));
  }
  void operator()(const NotifyPayload& p) const;
  void operator()(const DeletePayload& p) const {
    if (p.doi) w.field("doi", *p.doi);
    w.field("protocol", p.protocol).field("protocol_name", protocol_name(version, p.protocol));
    w.key("spis").begin_array();
    for (Bytes spi : p.spis) w.value(hex(spi));
    w.end_array();
  }
  void operator()(const DoiOnlyPayload& p) const { w.field("doi", p.doi); }
  void operator()(const VendorIdPayload& p) const {
    w.field("vendor_id", hex(p.data, kMaxHex));
    if (auto known = vendor_id_name(p.data)) {
      w.field("vendor_name", known->name);
      if (known->version) w.field("vendor_version", *known->version);
    }
  }
  void operator()(const TsPayload& p) const {
    w.key("selectors").begin_array();
    for (const TrafficSelector& s : p.selectors) write_selector(w, s);
    w.end_array();
  }
  void operator()(const EncryptedPayload& p) const {
    if (p.fragment_number) {
      w.field("fragment_number", *p.fragment_number);
      w.field("total_fragments", p.total_fragments.value_or(0));
    }
    w.field("encrypted_length", p.encrypted_length);
  }
  void operator()(const ConfigPayload& p) const {
    w.field("cfg_type", p.cfg_type).field("cfg_type_name", cp_type_name(p.cfg_type));
    if (p.identifier) w.field("identifier", *p.identifier);
    w.key("attributes").begin_array();
    for (const ConfigAttribute& a : p.attributes) write_config_attribute(w, version, a);
    w.end_array();
  }
  void operator()(const EapPayload& p) const;
  void operator()(const HashPayload& p) const {
    w.field("data_length", p.data.size()).field("hex", hex(p.data, kMaxHex));
  }
  void operator()(const NatDPayload& p) const { w.field("hash", hex(p.hash)); }
  void operator()(const NatOaPayload& p) const {
    w.field("id_type", p.id_type).field("value", ip_text(p.address));
  }
  void operator()(const CiscoFragmentPayload& p) const {
    w.field("fragment_id", p.id).field("fragment_number", p.number).field("last", p.last);
    w.field("data_length", p.data_length);
  }
};

void BodyJson::operator()(const CertPayload& p) const {
  w.field("encoding", p.encoding).field("encoding_name", cert_encoding_name(p.encoding));
  w.field("data_length", p.data.size());
  if (version == 1) {
    if (p.request && !p.data.empty()) {
      std::string dn = dn_text(p.data);
      if (!dn.empty()) w.field("authority", dn);
    }
    return;
  }
  if (p.request && p.encoding == 4) {
    w.key("ca_key_hashes").begin_array();
    for (std::size_t i = 0; i + 20 <= p.data.size(); i += 20) w.value(hex(p.data.subspan(i, 20)));
    w.end_array();
  }
  if (!p.request && p.encoding == 12) {
    w.key("hash_and_url");
    w.wire_text(p.data.size() > 20 ? p.data.subspan(20) : Bytes{});
  }
}

void BodyJson::operator()(const NotifyPayload& p) const {
  const Notify& n = p.notify;
  if (p.doi) w.field("doi", *p.doi);
  w.field("protocol", n.protocol).field("notify_type", n.type);
  w.field("notify_name", notify_name(version, n.type));
  w.field("error", notify_is_error(version, n.type));
  if (!n.spi.empty()) w.field("spi", hex(Bytes(n.spi)));
  // "data" only when the decoding says something.
  auto mark = w.mark();
  w.key("data").begin_object();
  write_notify_data(w, version, n.type, n.data);
  w.end_object();
  if (w.last_container_empty()) w.rollback(mark);
}

void BodyJson::operator()(const EapPayload& p) const {
  static const char* kCodes[] = {"?", "Request", "Response", "Success", "Failure"};
  w.field("eap_code", p.code);
  w.field("eap_code_name", p.code >= 1 && p.code <= 4 ? kCodes[p.code] : "unknown");
  w.field("eap_identifier", p.identifier).field("eap_length", p.length);
  if (!p.type) return;
  w.field("eap_type", *p.type);
  if (const char* name = eap_type_name(*p.type)) w.field("eap_type_name", name);
  if (*p.type == 1) {
    w.key("identity");
    w.wire_text(p.identity);
  }
}

// REDIRECT / REDIRECTED_FROM: gateway identity type, length, identity (RFC 5685 9.1).
bool write_redirect(JsonWriter& w, Reader& r) {
  std::uint8_t gw_type = r.u8();
  std::uint8_t len = r.u8();
  Bytes gw = r.bytes(len);
  if (!r.ok()) return false;
  w.field("gateway_type", gw_type == 1   ? "IPv4"
                          : gw_type == 2 ? "IPv6"
                          : gw_type == 3 ? "FQDN"
                                         : "unknown");
  w.key("gateway");
  if (gw_type == 3) {
    w.wire_text(gw);
  } else {
    w.value(ip_text(gw));
  }
  if (!r.empty()) w.field("nonce", hex(r.rest()));
  return true;
}

// The IKEv2 notify data decoded by type; false: not decoded here (written as hex).
bool write_v2_notify_data(JsonWriter& w, std::uint16_t type, Bytes data) {
  Reader r(data);
  switch (type) {
    case 16388:
    case 16389:
      w.field("hash", hex(data));
      return true;
    case 16390:
      w.field("cookie", hex(data, kMaxHex));
      return true;
    case 17: {
      std::uint16_t group = r.be16();
      if (r.ok())
        w.field("accepted_group", group).field("accepted_group_name", dh_group_name(group));
      return true;
    }
    case 16431:
      w.key("hash_algorithms").begin_array();
      while (r.remaining() >= 2) w.value(hash_algorithm_name(r.be16()));
      w.end_array();
      return true;
    case 16407:
    case 16408:
      return write_redirect(w, r);
    case 12345:
    case 16385:
    case 16403: {
      std::uint32_t value = r.be32();
      if (!r.ok()) return false;
      if (type == 12345) {
        w.field("win32_error", value).field("win32_error_hex", fmt::format("0x{:08X}", value));
      } else {
        w.field(type == 16385 ? "window_size" : "lifetime_seconds", value);
      }
      return true;
    }
    case 16397:
    case 16398:
      w.field("address", ip_text(data));
      return true;
    case 16387: {
      std::uint16_t cpi = r.be16();
      std::uint8_t transform = r.u8();
      if (!r.ok()) return false;
      w.field("cpi", cpi).field("transform", transform);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

void write_notify_data(JsonWriter& w, std::uint8_t version, std::uint16_t type, Bytes data) {
  if (version == 2) {
    if (write_v2_notify_data(w, type, data)) return;
  } else if ((type == 36136 || type == 36137) && data.size() == 4) {
    Reader r(data);
    w.field("sequence", r.be32());
    return;
  }
  if (!data.empty()) w.field("hex", hex(data, kMaxHex));
}

void write_message_fields(JsonWriter& w, const IkeMessage& m) {
  w.field("version", fmt::format("{}.{}", m.major, m.minor));
  w.field("exchange", m.exchange).field("exchange_name", exchange_name(m.major, m.exchange));
  w.field("spi_i", hex(m.spi_i)).field("spi_r", hex(m.spi_r));
  w.field("message_id", m.message_id);
  w.key("flags").begin_object();
  if (m.major == 2) {
    w.field("initiator", (m.flags & 0x08) != 0).field("response", (m.flags & 0x20) != 0);
    w.field("higher_version", (m.flags & 0x10) != 0);
  } else {
    w.field("encryption", (m.flags & 0x01) != 0).field("commit", (m.flags & 0x02) != 0);
    w.field("authentication_only", (m.flags & 0x04) != 0);
  }
  w.end_object();
  w.field("length", m.length);
  w.key("payload_sequence").begin_array();
  for (const Payload& p : m.payloads) w.value(payload_abbrev(m.major, p.type));
  w.end_array();
  w.key("payloads").begin_array();
  for (const Payload& p : m.payloads) write_payload(w, m, p);
  w.end_array();
  if (m.encrypted) {
    w.key("encrypted").begin_object();
    w.field("first_payload", payload_abbrev(m.major, m.encrypted_first_payload));
    w.field("length", m.encrypted_length).field("decrypted", m.decrypted);
    if (m.fragment_number) {
      w.field("fragment_number", *m.fragment_number);
      if (m.fragment_total) w.field("total_fragments", *m.fragment_total);
    }
    w.end_object();
  }
  if (!m.anomalies.empty()) {
    w.key("anomalies").begin_array();
    for (const std::string& a : m.anomalies) w.value(a);
    w.end_array();
  }
}

void write_payload(JsonWriter& w, const IkeMessage& m, const Payload& p) {
  w.begin_object();
  w.field("type", p.type).field("name", payload_abbrev(m.major, p.type)).field("length", p.length);
  if (p.critical) w.field("critical", true);
  if (p.inner) w.field("encrypted", true);
  std::visit(BodyJson{m.major, p.type, w}, p.parsed);
  w.end_object();
}

Json message_json(const IkeMessage& m) {
  std::string text;
  JsonWriter w(text);
  w.begin_object();
  write_message_fields(w, m);
  w.end_object();
  return Json::parse(text);
}

Json payload_json(const IkeMessage& m, const Payload& p) {
  std::string text;
  JsonWriter w(text);
  write_payload(w, m, p);
  return Json::parse(text);
}

}  // namespace ikedecode
