#include "ike_payloads.hpp"

#include <fmt/format.h>
#include <openssl/x509.h>

#include "ike_tables.hpp"
#include "seckit/enc.hpp"

namespace ikedecode {

using seckit::bytes::Reader;

namespace detail {

std::string ip_text(Bytes data) {
  char text[64] = {};
  if (data.size() == 4) {
    fmt::format_to_n(text, sizeof text - 1, "{}.{}.{}.{}", data[0], data[1], data[2], data[3]);
    return text;
  }
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

Json identification(std::uint8_t version, std::uint8_t type, Bytes data) {
  Json j;
  std::uint8_t ip = 0;  // canonical meaning of the type across versions
  if (type == 1) ip = 4;
  if (type == 5) ip = 6;
  if (ip != 0 && data.size() == (ip == 4 ? 4u : 16u)) {
    j["value"] = ip_text(data);
  } else if (type == 2 || type == 3) {
    j["value"] = seckit::out::wire_text(data);
  } else if (type == 9) {
    std::string dn = dn_text(data);
    if (!dn.empty()) j["value"] = dn;
    j["der"] = seckit::enc::base64_encode(data);
  } else if (version == 1 && (type == 4 || type == 6 || type == 7 || type == 8) &&
             data.size() % 2 == 0 && (data.size() == 8 || data.size() == 32)) {
    std::size_t half = data.size() / 2;
    j["value"] = ip_text(data.subspan(0, half)) + (type == 4 || type == 6 ? "/" : "-") +
                 ip_text(data.subspan(half));
  } else if (type == 13) {
    // ID_NULL carries nothing.
  } else {
    j["hex"] = hex(data, kMaxHex);
  }
  return j;
}

// IKEv2 transform attributes: only Key Length (14, TV) is defined.
bool ikev2_transform(Reader& r, Transform& t, Json& out, std::vector<std::string>& anomalies) {
  t.type = r.u8();
  r.u8();
  t.id = r.be16();
  if (!r.ok()) return false;
  out["type"] = t.type;
  out["type_name"] = transform_type_name(t.type);
  out["id"] = t.id;
  out["id_name"] = transform_id_name(t.type, t.id);
  Json attrs = Json::array();
  while (!r.empty()) {
    std::uint16_t type = r.be16();
    bool tv = (type & 0x8000) != 0;
    type &= 0x7fff;
    if (tv) {
      std::uint16_t value = r.be16();
      if (!r.ok()) break;
      if (type == 14) {
        t.key_length = value;
        out["key_length"] = value;
      }
      attrs.push_back({{"type", type}, {"value", value}});
    } else {
      std::uint16_t len = r.be16();
      Bytes value = r.bytes(len);
      if (!r.ok()) break;
      attrs.push_back({{"type", type}, {"hex", hex(value, kMaxHex)}});
    }
  }
  if (!r.ok()) anomalies.push_back("transform attribute runs past the transform");
  if (!attrs.empty()) out["attributes"] = attrs;
  return true;
}

bool ikev1_transform(Reader& r, std::uint8_t protocol, Transform& t, Json& out,
                     std::vector<std::string>& anomalies) {
  t.type = r.u8();  // transform number
  t.id = r.u8();
  r.be16();
  if (!r.ok()) return false;
  bool phase1 = protocol == 1;
  out["number"] = t.type;
  out["id"] = t.id;
  out["id_name"] = ikev1_transform_id_name(protocol, static_cast<std::uint8_t>(t.id));
  Json attrs = Json::array();
  while (!r.empty()) {
    std::uint16_t type = r.be16();
    bool tv = (type & 0x8000) != 0;
    type &= 0x7fff;
    Json a{{"type", type}, {"name", ikev1_attribute_name(phase1, type)}};
    std::uint32_t value = 0;
    if (tv) {
      value = r.be16();
    } else {
      std::uint16_t len = r.be16();
      Bytes data = r.bytes(len);
      if (len > 0 && len <= 4) {
        for (std::uint8_t b : data) value = (value << 8) | b;
      } else {
        a["hex"] = hex(data, kMaxHex);
      }
    }
    if (!r.ok()) break;
    if (!a.contains("hex")) {
      a["value"] = value;
      if (auto name = ikev1_attribute_value_name(phase1, type, value)) a["value_name"] = *name;
      t.attributes.emplace_back(type, value);
      if ((phase1 && type == 14) || (!phase1 && type == 6)) {
        t.key_length = static_cast<std::uint16_t>(value);
      }
    }
    attrs.push_back(a);
  }
  if (!r.ok()) anomalies.push_back("IKEv1 attribute runs past the transform");
  out["attributes"] = attrs;
  return true;
}

// Proposals and transforms are nested length-prefixed structures; each is read through a
// sub-reader so a lying inner length can never reach past its parent.
void security_association(IkeMessage& m, Payload& p, Reader& r) {
  Json proposals = Json::array();
  bool v1 = m.major == 1;
  int guard = 0;
  while (!r.empty() && ++guard <= 64) {
    std::uint8_t more = r.u8();
    r.u8();
    std::uint16_t length = r.be16();
    if (!r.ok() || length < 8 || length - 4u > r.remaining()) {
      m.anomalies.push_back(fmt::format("proposal length {} does not fit the SA payload", length));
      break;
    }
    Reader pr = r.sub(length - 4);
    Proposal proposal;
    proposal.number = pr.u8();
    proposal.protocol = pr.u8();
    std::uint8_t spi_size = pr.u8();
    std::uint8_t declared = pr.u8();
    Bytes spi = pr.bytes(spi_size);
    if (!pr.ok()) {
      m.anomalies.push_back("proposal SPI runs past the proposal");
      break;
    }
    proposal.spi.assign(spi.begin(), spi.end());
    Json pj{{"number", proposal.number},
            {"protocol", proposal.protocol},
            {"protocol_name", protocol_name(m.major, proposal.protocol)},
            {"spi", hex(spi)}};
    Json transforms = Json::array();
    while (!pr.empty() && transforms.size() < 255) {
      pr.u8();  // more transforms (0 or 3)
      pr.u8();
      std::uint16_t tlen = pr.be16();
      if (!pr.ok() || tlen < 8 || tlen - 4u > pr.remaining()) {
        m.anomalies.push_back(fmt::format("transform length {} does not fit the proposal", tlen));
        break;
      }
      Reader tr = pr.sub(tlen - 4);
      Transform t;
      Json tj;
      bool ok = v1 ? ikev1_transform(tr, proposal.protocol, t, tj, m.anomalies)
                   : ikev2_transform(tr, t, tj, m.anomalies);
      if (!ok) break;
      proposal.transforms.push_back(t);
      transforms.push_back(tj);
    }
    if (transforms.size() != declared) {
      m.anomalies.push_back(fmt::format("proposal {} declares {} transforms, carries {}",
                                        proposal.number, declared, transforms.size()));
    }
    pj["transforms"] = transforms;
    proposals.push_back(pj);
    p.proposals.push_back(std::move(proposal));
    if (more == 0) break;
  }
  if (!r.empty() && p.proposals.size() < 64) {
    m.anomalies.push_back(fmt::format("{} bytes after the last proposal", r.remaining()));
  }
  p.fields["proposals"] = proposals;
}

// The parts of Notify, Delete, CERT/CERTREQ and Nonce bodies both versions share (IKEv1 puts a
// 4-byte DOI in front of Notify and Delete, read by the caller).
bool notify_body(std::uint8_t version, Payload& p, Reader& r) {
  Notify n;
  n.protocol = r.u8();
  std::uint8_t spi_size = r.u8();
  n.type = r.be16();
  Bytes spi = r.bytes(spi_size);
  if (!r.ok()) return false;
  n.spi.assign(spi.begin(), spi.end());
  n.data = r.rest();
  Json& f = p.fields;
  f["protocol"] = n.protocol;
  f["notify_type"] = n.type;
  f["notify_name"] = notify_name(version, n.type);
  f["error"] = notify_is_error(version, n.type);
  if (!spi.empty()) f["spi"] = hex(spi);
  Json data = notify_data_json(version, n.type, n.data);
  if (!data.empty()) f["data"] = data;
  p.notify = std::move(n);
  return true;
}

bool delete_body(std::uint8_t version, IkeMessage& m, Payload& p, Reader& r) {
  std::uint8_t protocol = r.u8();
  std::uint8_t spi_size = r.u8();
  std::uint16_t count = r.be16();
  if (!r.ok()) return false;
  p.fields["protocol"] = protocol;
  p.fields["protocol_name"] = protocol_name(version, protocol);
  Json spis = Json::array();
  for (std::uint16_t i = 0; i < count && spi_size > 0; ++i) {
    Bytes spi = r.bytes(spi_size);
    if (!r.ok()) {
      m.anomalies.push_back("delete payload holds fewer SPIs than it declares");
      break;
    }
    spis.push_back(hex(spi));
  }
  p.fields["spis"] = spis;
  return true;
}

std::optional<std::uint8_t> cert_body(Payload& p, Reader& r) {
  std::uint8_t encoding = r.u8();
  if (!r.ok()) return std::nullopt;
  p.fields["encoding"] = encoding;
  p.fields["encoding_name"] = cert_encoding_name(encoding);
  p.fields["data_length"] = r.remaining();
  return encoding;
}

void nonce_body(Payload& p) {
  p.fields["nonce_length"] = p.body.size();
  p.fields["nonce"] = hex(p.body, kMaxHex);
}

}  // namespace detail

using namespace detail;

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

void decode_payload_body(IkeMessage& m, Payload& p) {
  Reader r(p.body);
  Json& f = p.fields;
  const std::uint8_t v = m.major;
  auto short_of = [&](const char* what) {
    m.anomalies.push_back(fmt::format("{} payload at offset {} too short for its {}",
                                      payload_abbrev(v, p.type), p.offset, what));
  };
  std::uint8_t t = p.type;
  if (v == 2) {
    switch (t) {
      case 33:
        security_association(m, p, r);
        return;
      case 34: {
        std::uint16_t group = r.be16();
        r.be16();
        if (!r.ok()) return short_of("group");
        f["group"] = group;
        f["group_name"] = dh_group_name(group);
        f["key_data_length"] = r.remaining();
        return;
      }
      case 35:
      case 36:
      case 50: {
        std::uint8_t type = r.u8();
        r.skip(3);
        if (!r.ok()) return short_of("ID type");
        f["id_type"] = type;
        f["id_type_name"] = id_type_name(2, type);
        if (Json id = identification(2, type, r.rest()); id.is_object()) f.update(id);
        return;
      }
      case 37:
      case 38: {
        auto encoding = cert_body(p, r);
        if (!encoding) return short_of("encoding");
        Bytes data = r.rest();
        if (t == 38 && *encoding == 4) {
          Json hashes = Json::array();
          for (std::size_t i = 0; i + 20 <= data.size(); i += 20) {
            hashes.push_back(hex(data.subspan(i, 20)));
          }
          f["ca_key_hashes"] = hashes;
        }
        if (t == 37 && *encoding == 12)
          f["hash_and_url"] = seckit::out::wire_text(data.size() > 20 ? data.subspan(20) : Bytes{});
        return;
      }
      case 39: {
        std::uint8_t method = r.u8();
        r.skip(3);
        if (!r.ok()) return short_of("method");
        f["method"] = method;
        f["method_name"] = ikev2_auth_method_name(method);
        f["data_length"] = r.remaining();
        return;
      }
      case 40:
        nonce_body(p);
        return;
      case 41:
        if (!notify_body(2, p, r)) short_of("notify header");
        return;
      case 42:
        if (!delete_body(2, m, p, r)) short_of("delete header");
        return;
      case 43:
        break;  // shared with IKEv1 below
      case 44:
      case 45: {
        std::uint8_t count = r.u8();
        r.skip(3);
        if (!r.ok()) return short_of("TS count");
        Json selectors = Json::array();
        for (std::uint8_t i = 0; i < count; ++i) {
          std::uint8_t type = r.u8();
          std::uint8_t protocol = r.u8();
          std::uint16_t len = r.be16();
          if (!r.ok() || len < 4 || len - 4u > r.remaining()) {
            m.anomalies.push_back("traffic selector length does not fit the payload");
            break;
          }
          Reader sr = r.sub(len - 4);
          Json s{{"type", type}, {"type_name", ts_type_name(type)}, {"ip_protocol", protocol}};
          if (type == 7 || type == 8) {
            std::size_t alen = type == 7 ? 4 : 16;
            std::uint16_t start_port = sr.be16();
            std::uint16_t end_port = sr.be16();
            Bytes start = sr.bytes(alen);
            Bytes end = sr.bytes(alen);
            if (!sr.ok()) {
              m.anomalies.push_back("traffic selector shorter than its addresses");
              break;
            }
            s["start_port"] = start_port;
            s["end_port"] = end_port;
            s["start_address"] = ip_text(start);
            s["end_address"] = ip_text(end);
          } else {
            s["hex"] = hex(sr.rest(), kMaxHex);
          }
          selectors.push_back(s);
        }
        if (selectors.size() != count) {
          m.anomalies.push_back(
              fmt::format("TS payload declares {} selectors, carries {}", count, selectors.size()));
        }
        f["selectors"] = selectors;
        return;
      }
      case 46:
        m.encrypted_length = p.body.size();
        f["encrypted_length"] = p.body.size();
        return;
      case 53: {
        std::uint16_t number = r.be16();
        std::uint16_t total = r.be16();
        if (!r.ok()) return short_of("fragment numbers");
        m.fragment_number = number;
        m.fragment_total = total;
        m.encrypted_length = r.remaining();
        f["fragment_number"] = number;
        f["total_fragments"] = total;
        f["encrypted_length"] = r.remaining();
        if (number == 0 || number > total) {
          m.anomalies.push_back(fmt::format("SKF fragment {} of {}", number, total));
        }
        return;
      }
      case 47: {
        std::uint8_t type = r.u8();
        r.skip(3);
        if (!r.ok()) return short_of("CP type");
        f["cfg_type"] = type;
        f["cfg_type_name"] = cp_type_name(type);
        Json attrs = Json::array();
        while (!r.empty() && attrs.size() < 256) {
          std::uint16_t at = r.be16() & 0x7fff;
          std::uint16_t len = r.be16();
          Bytes value = r.bytes(len);
          if (!r.ok()) {
            m.anomalies.push_back("configuration attribute runs past the CP payload");
            break;
          }
          Json a{{"type", at}, {"name", cp_attribute_name(at)}, {"length", len}};
          if ((at == 1 || at == 2 || at == 3 || at == 4 || at == 6 || at == 20) && len == 4) {
            a["value"] = ip_text(value);
          } else if ((at == 8 || at == 10 || at == 15) && len >= 16) {
            a["value"] = ip_text(value.subspan(0, 16));
          } else if (at == 7 || at == 25) {
            a["value"] = seckit::out::wire_text(value);
          } else if (len > 0) {
            a["hex"] = hex(value, kMaxHex);
          }
          attrs.push_back(a);
        }
        f["attributes"] = attrs;
        return;
      }
      case 48: {
        std::uint8_t code = r.u8();
        std::uint8_t id = r.u8();
        std::uint16_t len = r.be16();
        if (!r.ok()) return short_of("EAP header");
        static const char* kCodes[] = {"?", "Request", "Response", "Success", "Failure"};
        f["eap_code"] = code;
        f["eap_code_name"] = code >= 1 && code <= 4 ? kCodes[code] : "unknown";
        f["eap_identifier"] = id;
        f["eap_length"] = len;
        if ((code == 1 || code == 2) && !r.empty()) {
          std::uint8_t type = r.u8();
          f["eap_type"] = type;
          const char* name = nullptr;
          switch (type) {
            case 1:
              name = "Identity";
              break;
            case 2:
              name = "Notification";
              break;
            case 3:
              name = "Nak";
              break;
            case 4:
              name = "MD5-Challenge";
              break;
            case 13:
              name = "EAP-TLS";
              break;
            case 18:
              name = "EAP-SIM";
              break;
            case 21:
              name = "EAP-TTLS";
              break;
            case 23:
              name = "EAP-AKA";
              break;
            case 25:
              name = "PEAP";
              break;
            case 26:
              name = "EAP-MSCHAP-V2";
              break;
            case 50:
              name = "EAP-AKA'";
              break;
            default:
              break;
          }
          if (name != nullptr) f["eap_type_name"] = name;
          if (type == 1) f["identity"] = seckit::out::wire_text(r.rest());
        }
        return;
      }
      default:
        f["data_length"] = p.body.size();
        return;
    }
  }
  decode_ikev1_payload(m, p);
}

}  // namespace ikedecode
