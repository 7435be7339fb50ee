#include "ike_payloads.hpp"

#include <fmt/format.h>

#include "ike_tables.hpp"

namespace ikedecode {

using detail::or_short;
using seckit::bytes::Reader;

DataAttribute read_data_attribute(Reader& r) {
  DataAttribute a;
  const std::uint16_t type = r.be16();
  a.tv = (type & 0x8000) != 0;
  a.type = type & 0x7fff;
  a.value = r.be16();
  if (!a.tv) a.data = r.bytes(a.value);
  return a;
}

namespace {

// IKEv2 transform attributes: only Key Length (14, TV) is defined.
bool parse_transform_v2(Reader& r, Transform& t, Anomalies& anomalies) {
  t.type = r.u8();
  r.u8();
  t.id = r.be16();
  if (!r.ok()) return false;
  while (!r.empty()) {
    TransformAttribute a;
    std::uint16_t type = r.be16();
    a.tv = (type & 0x8000) != 0;
    a.type = type & 0x7fff;
    if (a.tv) {
      std::uint16_t value = r.be16();
      if (!r.ok()) break;
      a.value = value;
      if (a.type == 14) t.key_length = value;
    } else {
      std::uint16_t len = r.be16();
      a.data = r.bytes(len);
      a.numeric = false;
      if (!r.ok()) break;
    }
    t.wire_attributes.push_back(a);
  }
  if (!r.ok()) anomalies.push_back("transform attribute runs past the transform");
  return true;
}

bool parse_transform_v1(Reader& r, bool phase1, Transform& t, Anomalies& anomalies) {
  t.type = r.u8();  // transform number
  t.id = r.u8();
  r.be16();
  if (!r.ok()) return false;
  while (!r.empty()) {
    const DataAttribute raw = read_data_attribute(r);
    TransformAttribute a;
    a.tv = raw.tv;
    a.type = raw.type;
    if (a.tv) {
      a.value = raw.value;
    } else {
      a.data = raw.data;
      if (raw.value > 0 && raw.value <= 4) {
        for (std::uint8_t b : a.data) a.value = (a.value << 8) | b;
      } else {
        a.numeric = false;
      }
    }
    if (!r.ok()) break;
    if (a.numeric) {
      t.attributes.emplace_back(a.type, a.value);
      if ((phase1 && a.type == 14) || (!phase1 && a.type == 6)) {
        t.key_length = static_cast<std::uint16_t>(a.value);
      }
    }
    t.wire_attributes.push_back(a);
  }
  if (!r.ok()) anomalies.push_back("IKEv1 attribute runs past the transform");
  return true;
}

// One proposal's SPI and transforms, from a reader bounded by the proposal length.
std::optional<Proposal> parse_proposal(std::uint8_t version, Reader& pr, Anomalies& anomalies) {
  Proposal proposal;
  proposal.number = pr.u8();
  proposal.protocol = pr.u8();
  std::uint8_t spi_size = pr.u8();
  std::uint8_t declared = pr.u8();
  Bytes spi = pr.bytes(spi_size);
  if (!pr.ok()) {
    anomalies.push_back("proposal SPI runs past the proposal");
    return std::nullopt;
  }
  proposal.spi.assign(spi.begin(), spi.end());
  while (!pr.empty() && proposal.transforms.size() < 255) {
    pr.u8();  // more transforms (0 or 3)
    pr.u8();
    std::uint16_t tlen = pr.be16();
    if (!pr.ok() || tlen < 8 || tlen - 4u > pr.remaining()) {
      anomalies.push_back(fmt::format("transform length {} does not fit the proposal", tlen));
      break;
    }
    Reader tr = pr.sub(tlen - 4);
    Transform t;
    bool ok = version == 1 ? parse_transform_v1(tr, proposal.protocol == 1, t, anomalies)
                           : parse_transform_v2(tr, t, anomalies);
    if (!ok) break;
    proposal.transforms.push_back(std::move(t));
  }
  if (proposal.transforms.size() != declared) {
    anomalies.push_back(fmt::format("proposal {} declares {} transforms, carries {}",
                                    proposal.number, declared, proposal.transforms.size()));
  }
  return proposal;
}

std::optional<TrafficSelector> parse_selector(Reader& r, Anomalies& anomalies) {
  TrafficSelector s;
  s.type = r.u8();
  s.ip_protocol = r.u8();
  std::uint16_t len = r.be16();
  if (!r.ok() || len < 4 || len - 4u > r.remaining()) {
    anomalies.push_back("traffic selector length does not fit the payload");
    return std::nullopt;
  }
  Reader sr = r.sub(len - 4);
  if (s.type != 7 && s.type != 8) {
    s.data = sr.rest();
    return s;
  }
  std::size_t alen = s.type == 7 ? 4 : 16;
  s.range = true;
  s.start_port = sr.be16();
  s.end_port = sr.be16();
  s.start_address = sr.bytes(alen);
  s.end_address = sr.bytes(alen);
  if (!sr.ok()) {
    anomalies.push_back("traffic selector shorter than its addresses");
    return std::nullopt;
  }
  return s;
}

std::optional<NotifyPayload> parse_notify_v2(Reader& r) {
  auto n = parse_notify(r);
  if (!n) return std::nullopt;
  return NotifyPayload{std::nullopt, std::move(*n)};
}

PayloadBody parse_ikev2_body(std::uint8_t type, Reader& r, Anomalies& anomalies,
                             const char*& short_of) {
  switch (static_cast<PayloadV2>(type)) {
    case PayloadV2::kSecurityAssociation:
      return SaPayload{{}, {}, parse_proposals(2, r, anomalies)};
    case PayloadV2::kKeyExchange:
      return or_short(parse_ke_v2(r), short_of, "group");
    case PayloadV2::kIdInitiator:
    case PayloadV2::kIdResponder:
    case PayloadV2::kGroupIdentification:
      return or_short(parse_id_v2(r), short_of, "ID type");
    case PayloadV2::kCertificate:
    case PayloadV2::kCertificateRequest:
      return or_short(parse_cert(r, type == 38), short_of, "encoding");
    case PayloadV2::kAuthentication:
      return or_short(parse_auth(r), short_of, "method");
    case PayloadV2::kNonce:
      return parse_nonce(r);
    case PayloadV2::kNotify:
      return or_short(parse_notify_v2(r), short_of, "notify header");
    case PayloadV2::kDelete:
      return or_short(parse_delete(r, anomalies), short_of, "delete header");
    case PayloadV2::kVendorId:
      return parse_vendor_id(r);
    case PayloadV2::kTsInitiator:
    case PayloadV2::kTsResponder:
      return or_short(parse_ts(r, anomalies), short_of, "TS count");
    case PayloadV2::kEncrypted:
      return EncryptedPayload{{}, {}, r.remaining()};
    case PayloadV2::kEncryptedFragment:
      return or_short(parse_skf(r, anomalies), short_of, "fragment numbers");
    case PayloadV2::kConfiguration:
      return or_short(parse_cp_v2(r, anomalies), short_of, "CP type");
    case PayloadV2::kEap:
      return or_short(parse_eap(r), short_of, "EAP header");
  }
  return UnknownPayload{r.remaining()};
}

}  // namespace

// Proposals and transforms are nested length-prefixed structures; each is read through a
// sub-reader so a lying inner length can never reach past its parent.
std::vector<Proposal> parse_proposals(std::uint8_t version, Reader& r, Anomalies& anomalies) {
  std::vector<Proposal> proposals;
  int guard = 0;
  while (!r.empty() && ++guard <= 64) {
    std::uint8_t more = r.u8();
    r.u8();
    std::uint16_t length = r.be16();
    if (!r.ok() || length < 8 || length - 4u > r.remaining()) {
      anomalies.push_back(fmt::format("proposal length {} does not fit the SA payload", length));
      break;
    }
    Reader pr = r.sub(length - 4);
    auto proposal = parse_proposal(version, pr, anomalies);
    if (!proposal) break;
    proposals.push_back(std::move(*proposal));
    if (more == 0) break;
  }
  if (!r.empty() && proposals.size() < 64) {
    anomalies.push_back(fmt::format("{} bytes after the last proposal", r.remaining()));
  }
  return proposals;
}

std::optional<KePayload> parse_ke_v2(Reader& r) {
  std::uint16_t group = r.be16();
  r.be16();
  if (!r.ok()) return std::nullopt;
  return KePayload{group, r.remaining()};
}

std::optional<IdPayload> parse_id_v2(Reader& r) {
  IdPayload id;
  id.id_type = r.u8();
  r.skip(3);
  if (!r.ok()) return std::nullopt;
  id.data = r.rest();
  return id;
}

std::optional<CertPayload> parse_cert(Reader& r, bool request) {
  CertPayload cert;
  cert.request = request;
  cert.encoding = r.u8();
  if (!r.ok()) return std::nullopt;
  cert.data = r.rest();
  return cert;
}

std::optional<AuthPayload> parse_auth(Reader& r) {
  std::uint8_t method = r.u8();
  r.skip(3);
  if (!r.ok()) return std::nullopt;
  return AuthPayload{method, r.remaining()};
}

NoncePayload parse_nonce(Reader& r) { return NoncePayload{r.rest()}; }

VendorIdPayload parse_vendor_id(Reader& r) { return VendorIdPayload{r.rest()}; }

// The parts of Notify and Delete bodies both versions share (IKEv1 puts a 4-byte DOI in front,
// read by the caller).
std::optional<Notify> parse_notify(Reader& r) {
  Notify n;
  n.protocol = r.u8();
  std::uint8_t spi_size = r.u8();
  n.type = r.be16();
  Bytes spi = r.bytes(spi_size);
  if (!r.ok()) return std::nullopt;
  n.spi.assign(spi.begin(), spi.end());
  n.data = r.rest();
  return n;
}

std::optional<DeletePayload> parse_delete(Reader& r, Anomalies& anomalies) {
  DeletePayload d;
  d.protocol = r.u8();
  std::uint8_t spi_size = r.u8();
  std::uint16_t count = r.be16();
  if (!r.ok()) return std::nullopt;
  for (std::uint16_t i = 0; i < count && spi_size > 0; ++i) {
    Bytes spi = r.bytes(spi_size);
    if (!r.ok()) {
      anomalies.push_back("delete payload holds fewer SPIs than it declares");
      break;
    }
    d.spis.push_back(spi);
  }
  return d;
}

std::optional<TsPayload> parse_ts(Reader& r, Anomalies& anomalies) {
  std::uint8_t count = r.u8();
  r.skip(3);
  if (!r.ok()) return std::nullopt;
  TsPayload ts;
  for (std::uint8_t i = 0; i < count; ++i) {
    auto selector = parse_selector(r, anomalies);
    if (!selector) break;
    ts.selectors.push_back(*selector);
  }
  if (ts.selectors.size() != count) {
    anomalies.push_back(
        fmt::format("TS payload declares {} selectors, carries {}", count, ts.selectors.size()));
  }
  return ts;
}

std::optional<EncryptedPayload> parse_skf(Reader& r, Anomalies& anomalies) {
  std::uint16_t number = r.be16();
  std::uint16_t total = r.be16();
  if (!r.ok()) return std::nullopt;
  if (number == 0 || number > total) {
    anomalies.push_back(fmt::format("SKF fragment {} of {}", number, total));
  }
  return EncryptedPayload{number, total, r.remaining()};
}

std::optional<ConfigPayload> parse_cp_v2(Reader& r, Anomalies& anomalies) {
  ConfigPayload cp;
  cp.cfg_type = r.u8();
  r.skip(3);
  if (!r.ok()) return std::nullopt;
  while (!r.empty() && cp.attributes.size() < 256) {
    ConfigAttribute a;
    a.type = r.be16() & 0x7fff;
    a.length = r.be16();
    a.data = r.bytes(a.length);
    if (!r.ok()) {
      anomalies.push_back("configuration attribute runs past the CP payload");
      break;
    }
    cp.attributes.push_back(a);
  }
  return cp;
}

std::optional<EapPayload> parse_eap(Reader& r) {
  EapPayload eap;
  eap.code = r.u8();
  eap.identifier = r.u8();
  eap.length = r.be16();
  if (!r.ok()) return std::nullopt;
  if ((eap.code == 1 || eap.code == 2) && !r.empty()) {
    eap.type = r.u8();
    if (eap.type == 1) eap.identity = r.rest();
  }
  return eap;
}

void decode_payload_body(IkeMessage& m, Payload& p) {
  Reader r(p.body);
  const char* short_of = nullptr;
  p.parsed = m.major == 2 ? parse_ikev2_body(p.type, r, m.anomalies, short_of)
                          : parse_ikev1_body(p.type, r, m.anomalies, short_of);
  if (short_of != nullptr) {
    m.anomalies.push_back(fmt::format("{} payload at offset {} too short for its {}",
                                      payload_abbrev(m.major, p.type), p.offset, short_of));
  }
  // What the message needs to know about its encrypted part and fragments.
  if (const auto* enc = std::get_if<EncryptedPayload>(&p.parsed)) {
    m.encrypted_length = enc->encrypted_length;
    if (enc->fragment_number) {
      m.fragment_number = enc->fragment_number;
      m.fragment_total = enc->total_fragments;
    }
  } else if (const auto* frag = std::get_if<CiscoFragmentPayload>(&p.parsed)) {
    m.fragment_number = frag->number;
    if (frag->last) m.fragment_total = frag->number;
  }
}

const std::vector<Proposal>& Payload::proposals() const {
  static const std::vector<Proposal> kNone;
  const auto* sa = std::get_if<SaPayload>(&parsed);
  return sa != nullptr ? sa->proposals : kNone;
}

const Notify* Payload::notify() const {
  const auto* n = std::get_if<NotifyPayload>(&parsed);
  return n != nullptr ? &n->notify : nullptr;
}

}  // namespace ikedecode
