// See der_peek.hpp. RFC 5280 4.1 (TBSCertificate), 4.2.1.9 (basicConstraints), 4.2.1.3
// (keyUsage); X.690 DER TLVs, read through bytes::Reader.
#include "der_peek.hpp"

#include <algorithm>

#include "seckit/bytes.hpp"
#include "seckit/enc.hpp"

namespace certcheck {
namespace {

using seckit::bytes::Reader;

constexpr std::uint8_t kTagBoolean = 0x01;
constexpr std::uint8_t kTagOctetString = 0x04;
constexpr std::uint8_t kTagOid = 0x06;
constexpr std::uint8_t kTagSequence = 0x30;
constexpr std::uint8_t kTagVersion = 0xA0;     // [0] EXPLICIT Version
constexpr std::uint8_t kTagExtensions = 0xA3;  // [3] EXPLICIT Extensions
// The extension OIDs' content octets: 2.5.29.19, 2.5.29.15, 2.16.840.1.113730.1.1.
constexpr std::uint8_t kOidBasicConstraints[] = {0x55, 0x1D, 0x13};
constexpr std::uint8_t kOidKeyUsage[] = {0x55, 0x1D, 0x0F};
constexpr std::uint8_t kOidNetscapeCertType[] = {0x60, 0x86, 0x48, 0x01, 0x86,
                                                 0xF8, 0x42, 0x01, 0x01};

struct Tlv {
  std::uint8_t tag = 0;
  DerBytes content;
};

// One TLV with a low tag number and a definite length; nullopt when it is anything else.
std::optional<Tlv> read_tlv(Reader& r) {
  Tlv tlv;
  tlv.tag = r.u8();
  if ((tlv.tag & 0x1F) == 0x1F) return std::nullopt;  // high tag numbers: not in a certificate
  std::uint8_t first = r.u8();
  std::size_t length = first;
  if (first & 0x80) {
    std::size_t count = first & 0x7F;
    if (count == 0 || count > 4) return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < count; ++i) length = length << 8 | r.u8();
  }
  tlv.content = r.bytes(length);
  if (!r.ok()) return std::nullopt;
  return tlv;
}

bool equals(DerBytes a, DerBytes b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

// What the extensions say about issuing.
struct IssuerHints {
  bool basic_constraints = false;
  bool ca = false;
  bool key_usage = false;
  bool netscape_cert_type = false;
};

// basicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
std::optional<bool> read_ca_flag(DerBytes value) {
  Reader r(value);
  auto seq = read_tlv(r);
  if (!seq || seq->tag != kTagSequence || !r.empty()) return std::nullopt;
  Reader inner(seq->content);
  if (inner.empty()) return false;
  auto first = read_tlv(inner);
  if (!first) return std::nullopt;
  if (first->tag != kTagBoolean) return false;  // the pathLen alone: cA is FALSE
  return first->content.size() == 1 && first->content[0] != 0;
}

std::optional<IssuerHints> read_extensions(DerBytes content) {
  Reader outer(content);
  auto list = read_tlv(outer);
  if (!list || list->tag != kTagSequence) return std::nullopt;
  IssuerHints hints;
  Reader r(list->content);
  while (!r.empty()) {
    auto ext = read_tlv(r);
    if (!ext || ext->tag != kTagSequence) return std::nullopt;
    Reader e(ext->content);
    auto oid = read_tlv(e);
    auto next = read_tlv(e);
    if (!oid || !next || oid->tag != kTagOid) return std::nullopt;
    if (next->tag == kTagBoolean) next = read_tlv(e);  // critical
    if (!next || next->tag != kTagOctetString) return std::nullopt;
    if (equals(oid->content, kOidBasicConstraints)) {
      auto ca = read_ca_flag(next->content);
      if (!ca) return std::nullopt;
      hints.basic_constraints = true;
      hints.ca = *ca;
    } else if (equals(oid->content, kOidKeyUsage)) {
      hints.key_usage = true;
    } else if (equals(oid->content, kOidNetscapeCertType)) {
      hints.netscape_cert_type = true;
    }
  }
  return hints;
}

}  // namespace

bool may_be_issuer_der(DerBytes der) {
  Reader top(der);
  auto cert = read_tlv(top);
  if (!cert || cert->tag != kTagSequence) return true;
  Reader c(cert->content);
  auto tbs = read_tlv(c);
  if (!tbs || tbs->tag != kTagSequence) return true;
  Reader t(tbs->content);
  auto field = read_tlv(t);
  // v1 (no version field, or an explicit 0) may be a v1 root; v2 and v3 are read on.
  static constexpr std::uint8_t kVersion2[] = {0x02, 0x01, 0x01};
  static constexpr std::uint8_t kVersion3[] = {0x02, 0x01, 0x02};
  if (!field || field->tag != kTagVersion) return true;
  if (!equals(field->content, kVersion2) && !equals(field->content, kVersion3)) return true;
  // serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
  for (int i = 0; i < 6; ++i) {
    if (!read_tlv(t)) return true;
  }
  std::optional<IssuerHints> hints = IssuerHints{};
  while (!t.empty()) {
    field = read_tlv(t);
    if (!field) return true;
    if (field->tag == kTagExtensions) hints = read_extensions(field->content);
  }
  if (!hints) return true;
  if (hints->basic_constraints) return hints->ca;
  return hints->key_usage || hints->netscape_cert_type;
}

std::optional<std::vector<std::vector<std::uint8_t>>> pem_certificates(std::string_view text) {
  static constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  static constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  std::vector<std::vector<std::uint8_t>> out;
  std::size_t pos = 0;
  for (;;) {
    std::size_t dashes = text.find("-----", pos);
    if (dashes == std::string_view::npos) break;
    if (text.compare(dashes, kBegin.size(), kBegin) != 0) return std::nullopt;
    std::size_t body = dashes + kBegin.size();
    std::size_t end = text.find(kEnd, body);
    if (end == std::string_view::npos) return std::nullopt;
    std::string_view base64 = text.substr(body, end - body);
    if (base64.find(':') != std::string_view::npos) return std::nullopt;  // PEM headers
    auto der = seckit::enc::base64_decode(base64);
    if (!der) return std::nullopt;
    out.push_back(std::move(*der));
    pos = end + kEnd.size();
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace certcheck
