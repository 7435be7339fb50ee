// Describing one certificate: the accessors behind the `certificate` record.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>

#include "seckit/enc.hpp"
#include "seckit/x509.hpp"

namespace seckit::x509 {
namespace {

using Json = out::Json;

#include "eku_table.inc"

std::string obj_to_oid(const ASN1_OBJECT* obj) {
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  if (n <= 0) return {};
  return std::string(buf, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
}

std::string asn1_string(const ASN1_STRING* s) {
  if (!s) return {};
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(ASN1_STRING_length(s)));
}

std::string ip_to_text(const ASN1_OCTET_STRING* s) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (ASN1_STRING_length(s) == 4) {
    inet_ntop(AF_INET, ASN1_STRING_get0_data(s), buf, sizeof buf);
  } else if (ASN1_STRING_length(s) == 16) {
    inet_ntop(AF_INET6, ASN1_STRING_get0_data(s), buf, sizeof buf);
  } else {
    return "invalid:" + enc::hex_encode({ASN1_STRING_get0_data(s),
                                         static_cast<std::size_t>(ASN1_STRING_length(s))});
  }
  return buf;
}

std::optional<GeneralName> general_name(const GENERAL_NAME* gn) {
  switch (gn->type) {
    case GEN_DNS:
      return GeneralName{"dns", asn1_string(gn->d.dNSName)};
    case GEN_IPADD:
      return GeneralName{"ip", ip_to_text(gn->d.iPAddress)};
    case GEN_EMAIL:
      return GeneralName{"email", asn1_string(gn->d.rfc822Name)};
    case GEN_URI:
      return GeneralName{"uri", asn1_string(gn->d.uniformResourceIdentifier)};
    case GEN_DIRNAME:
      return GeneralName{"dirname", name_rfc4514(gn->d.directoryName)};
    case GEN_RID:
      return GeneralName{"rid", obj_to_oid(gn->d.registeredID)};
    case GEN_OTHERNAME: {
      std::string oid = obj_to_oid(gn->d.otherName->type_id);
      const ASN1_TYPE* v = gn->d.otherName->value;
      // Microsoft UPN (1.3.6.1.4.1.311.20.2.3), what Windows machine/user certs carry.
      if (oid == "1.3.6.1.4.1.311.20.2.3" && v && v->type == V_ASN1_UTF8STRING) {
        return GeneralName{"upn", asn1_string(v->value.utf8string)};
      }
      return GeneralName{"other", oid};
    }
    default:
      return std::nullopt;
  }
}

template <class T, auto Free>
using Owned = std::unique_ptr<T, crypto::Deleter<Free>>;

std::string hex_of(const ASN1_OCTET_STRING* s) {
  if (!s) return {};
  return enc::hex_encode(
      {ASN1_STRING_get0_data(s), static_cast<std::size_t>(ASN1_STRING_length(s))});
}

Json eku_json(const std::string& oid) {
  Json j{{"oid", oid}};
  const EkuInfo* info = eku_info(oid);
  j["openssl_name"] = info && *info->openssl_name ? Json(info->openssl_name) : Json(nullptr);
  j["windows_name"] = info && *info->windows_name ? Json(info->windows_name) : Json(nullptr);
  return j;
}

}  // namespace

std::span<const EkuInfo> eku_table() { return kEkuRows; }

const EkuInfo* eku_info(std::string_view oid) {
  for (const auto& row : kEkuRows) {
    if (oid == row.oid) return &row;
  }
  return nullptr;
}

bool is_dotted_oid(std::string_view text) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front())) ||
      !std::isdigit(static_cast<unsigned char>(text.back()))) {
    return false;
  }
  bool dot = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '.') {
      if (text[i - 1] == '.') return false;
      dot = true;
    } else if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return dot;
}

std::optional<std::string> resolve_eku(std::string_view name) {
  if (is_dotted_oid(name)) return std::string(name);
  auto norm = [](std::string_view s) {
    std::string out;
    for (char c : s) {
      if (std::isalnum(static_cast<unsigned char>(c))) out += c;
    }
    return enc::ascii_lower(out);
  };
  std::string want = norm(name);
  if (want.empty()) return std::nullopt;
  static constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
      {"any", kOidAnyEku},
      {"ikeintermediate", kOidIkeIntermediate},
      {"tlsserver", kOidServerAuth},
      {"tlsclient", kOidClientAuth}};
  for (const auto& [alias, oid] : kAliases) {
    if (want == alias) return std::string(oid);
  }
  for (const auto& row : kEkuRows) {
    for (const char* candidate : {row.openssl_name, row.openssl_long_name, row.windows_name}) {
      if (*candidate && norm(candidate) == want) return std::string(row.oid);
    }
  }
  return std::nullopt;
}

bool ExtendedKeyUsage::contains(std::string_view oid) const {
  return std::find(oids.begin(), oids.end(), oid) != oids.end();
}

ExtendedKeyUsage extended_key_usage(X509* cert) {
  ExtendedKeyUsage eku;
  int critical = -1;
  Owned<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free> ext(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(cert, NID_ext_key_usage, &critical, nullptr)));
  if (!ext) {
    // critical == -2 means "present more than once" or undecodable: still "present" so no
    // policy treats a broken EKU as "absent = any purpose".
    eku.present = critical == -2 || X509_get_ext_by_NID(cert, NID_ext_key_usage, -1) >= 0;
    ERR_clear_error();
    return eku;
  }
  eku.present = true;
  eku.critical = critical == 1;
  for (int i = 0; i < sk_ASN1_OBJECT_num(ext.get()); ++i) {
    eku.oids.push_back(obj_to_oid(sk_ASN1_OBJECT_value(ext.get(), i)));
  }
  return eku;
}

std::vector<std::string> KeyUsage::names() const {
  static constexpr std::pair<std::uint32_t, const char*> kNames[] = {
      {kDigitalSignature, "digitalSignature"},
      {kNonRepudiation, "nonRepudiation"},
      {kKeyEncipherment, "keyEncipherment"},
      {kDataEncipherment, "dataEncipherment"},
      {kKeyAgreement, "keyAgreement"},
      {kKeyCertSign, "keyCertSign"},
      {kCrlSign, "cRLSign"},
      {kEncipherOnly, "encipherOnly"},
      {kDecipherOnly, "decipherOnly"}};
  std::vector<std::string> out;
  for (const auto& [bit, name] : kNames) {
    if (bits & bit) out.emplace_back(name);
  }
  return out;
}

KeyUsage key_usage(X509* cert) {
  KeyUsage ku;
  int idx = X509_get_ext_by_NID(cert, NID_key_usage, -1);
  if (idx < 0) return ku;
  ku.present = true;
  ku.critical = X509_EXTENSION_get_critical(X509_get_ext(cert, idx)) == 1;
  std::uint32_t bits = X509_get_key_usage(cert);
  ku.bits = bits == UINT32_MAX ? 0 : bits;
  return ku;
}

std::vector<GeneralName> subject_alt_names(X509* cert) {
  std::vector<GeneralName> out;
  Owned<GENERAL_NAMES, GENERAL_NAMES_free> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  ERR_clear_error();
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    if (auto gn = general_name(sk_GENERAL_NAME_value(names.get(), i))) out.push_back(*gn);
  }
  return out;
}

std::string name_rfc4514(const X509_NAME* name) {
  if (!name) return {};
  crypto::BioPtr bio(BIO_new(BIO_s_mem()));
  // RFC 2253 order and escaping (= RFC 4514), but UTF-8 kept as characters, not \XX escapes.
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string subject_common_name(X509* cert) {
  const X509_NAME* name = X509_get_subject_name(cert);
  int idx = -1;
  int last = -1;
  while ((idx = X509_NAME_get_index_by_NID(name, NID_commonName, idx)) >= 0) last = idx;
  if (last < 0) return {};
  return asn1_string(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
}

bool is_ip_literal(std::string_view text) {
  std::string s(text);
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool matches_host(X509* cert, std::string_view host) {
  return X509_check_host(cert, host.data(), host.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
                         nullptr) == 1;
}

bool matches_ip(X509* cert, std::string_view address) {
  return X509_check_ip_asc(cert, std::string(address).c_str(), 0) == 1;
}

KeyInfo public_key_info(X509* cert) {
  KeyInfo info;
  EVP_PKEY* key = X509_get0_pubkey(cert);
  ERR_clear_error();
  if (!key) {
    info.type = "unknown";
    return info;
  }
  info.bits = EVP_PKEY_get_bits(key);
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      info.type = "rsa";
      break;
    case EVP_PKEY_RSA_PSS:
      info.type = "rsa-pss";
      break;
    case EVP_PKEY_EC:
      info.type = "ec";
      break;
    case EVP_PKEY_ED25519:
      info.type = "ed25519";
      break;
    case EVP_PKEY_ED448:
      info.type = "ed448";
      break;
    case EVP_PKEY_DSA:
      info.type = "dsa";
      break;
    default: {
      const char* name = EVP_PKEY_get0_type_name(key);
      info.type = name ? name : "unknown";
    }
  }
  if (info.type == "ec") {
    char group[80] = {0};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len)) {
      info.curve = group;
    }
  }
  return info;
}

SignatureInfo signature_info(X509* cert) {
  SignatureInfo info;
  info.algorithm = OBJ_nid2ln(X509_get_signature_nid(cert));
  int md_nid = NID_undef;
  int pk_nid = NID_undef;
  if (X509_get_signature_info(cert, &md_nid, &pk_nid, nullptr, nullptr) != 1) md_nid = NID_undef;
  ERR_clear_error();
  static constexpr std::pair<int, crypto::Digest> kDigests[] = {
      {NID_md5, crypto::Digest::kMd5},       {NID_sha1, crypto::Digest::kSha1},
      {NID_sha224, crypto::Digest::kSha224}, {NID_sha256, crypto::Digest::kSha256},
      {NID_sha384, crypto::Digest::kSha384}, {NID_sha512, crypto::Digest::kSha512}};
  for (const auto& [nid, digest] : kDigests) {
    if (md_nid == nid) {
      info.digest = digest;
      info.digest_name = std::string(crypto::digest_name(digest));
    }
  }
  if (!info.digest && md_nid != NID_undef) info.digest_name = OBJ_nid2sn(md_nid);
  return info;
}

Buffer fingerprint(const Certificate& cert, crypto::Digest digest) {
  return crypto::digest(digest, cert.der);
}

std::optional<EndPoint> tls_server_end_point(const Certificate& cert) {
  SignatureInfo sig = signature_info(cert.x509.get());
  if (!sig.digest) return std::nullopt;
  crypto::Digest digest = *sig.digest;
  if (digest == crypto::Digest::kMd5 || digest == crypto::Digest::kSha1) {
    digest = crypto::Digest::kSha256;  // RFC 5929 4.1
  }
  return EndPoint{digest, crypto::digest(digest, cert.der)};
}

bool key_matches(X509* cert, EVP_PKEY* key) {
  EVP_PKEY* pub = X509_get0_pubkey(cert);
  bool ok = pub && key && EVP_PKEY_eq(pub, key) == 1;
  ERR_clear_error();
  return ok;
}

std::int64_t asn1_time_to_unix(const ASN1_TIME* time) {
  std::tm tm{};
  if (!time || ASN1_TIME_to_tm(time, &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string integer_hex(const ASN1_INTEGER* value) {
  Owned<BIGNUM, BN_free> bn(ASN1_INTEGER_to_BN(value, nullptr));
  if (!bn) return {};
  char* hex = BN_bn2hex(bn.get());
  if (!hex) return {};
  std::string s = enc::ascii_lower(hex);
  OPENSSL_free(hex);
  return s;
}

std::int64_t not_before(X509* cert) { return asn1_time_to_unix(X509_get0_notBefore(cert)); }
std::int64_t not_after(X509* cert) { return asn1_time_to_unix(X509_get0_notAfter(cert)); }

bool is_ca(X509* cert) {
  // basicConstraints cA alone: X509_check_ca() would also demand keyCertSign, hiding a leaf
  // that claims CA:TRUE.
  bool ca = (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
  ERR_clear_error();
  return ca;
}

bool is_self_issued(X509* cert) {
  return X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)) == 0;
}

namespace {

Json end_point_json(const Certificate& cert) {
  auto ep = tls_server_end_point(cert);
  if (!ep) return nullptr;  // RFC 5929 4.1: undefined for this signature
  return Json{{"hash", crypto::digest_name(ep->digest)}, {"value", enc::hex_encode(ep->hash)}};
}

}  // namespace

Json describe(const Certificate& cert, std::int64_t now, Detail detail) {
  X509* x = cert.x509.get();
  Json d;
  d["source"] = cert.source;
  d["subject"] = name_rfc4514(X509_get_subject_name(x));
  d["issuer"] = name_rfc4514(X509_get_issuer_name(x));
  d["serial"] = integer_hex(X509_get0_serialNumber(x));
  d["version"] = X509_get_version(x) + 1;
  std::int64_t nb = not_before(x);
  std::int64_t na = not_after(x);
  d["not_before"] = out::rfc3339(nb);
  d["not_after"] = out::rfc3339(na);
  // Whole days, rounded towards minus infinity: -1 means "expired less than a day ago".
  d["days_left"] = static_cast<std::int64_t>(std::floor(static_cast<double>(na - now) / 86400.0));
  d["self_issued"] = is_self_issued(x);

  KeyInfo key = public_key_info(x);
  Json jkey{{"type", key.type}, {"bits", key.bits}};
  if (!key.curve.empty()) jkey["curve"] = key.curve;
  d["public_key"] = jkey;
  SignatureInfo sig = signature_info(x);
  d["signature"] = Json{{"algorithm", sig.algorithm},
                        {"hash", sig.digest_name.empty() ? Json(nullptr) : Json(sig.digest_name)}};

  Json san = Json::array();
  for (const auto& gn : subject_alt_names(x))
    san.push_back(Json{{"type", gn.type}, {"value", gn.value}});
  d["san"] = san;

  KeyUsage ku = key_usage(x);
  d["key_usage"] =
      ku.present ? Json{{"critical", ku.critical}, {"usages", ku.names()}} : Json(nullptr);
  ExtendedKeyUsage eku = extended_key_usage(x);
  if (eku.present) {
    Json list = Json::array();
    for (const auto& oid : eku.oids) list.push_back(eku_json(oid));
    d["extended_key_usage"] = Json{{"critical", eku.critical}, {"usages", list}};
  } else {
    d["extended_key_usage"] = nullptr;
  }

  Owned<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free> bc(static_cast<BASIC_CONSTRAINTS*>(
      X509_get_ext_d2i(x, NID_basic_constraints, nullptr, nullptr)));
  if (bc) {
    Json jbc{{"ca", bc->ca != 0}};
    if (bc->pathlen) {
      jbc["path_len"] = ASN1_INTEGER_get(bc->pathlen);
    } else {
      jbc["path_len"] = nullptr;
    }
    d["basic_constraints"] = jbc;
  } else {
    d["basic_constraints"] = nullptr;
  }
  if (detail == Detail::kText) {
    d["fingerprints"] =
        Json{{"sha256", enc::hex_encode(fingerprint(cert, crypto::Digest::kSha256))}};
    d["tls_server_end_point"] = end_point_json(cert);
    return d;
  }
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(x);
  d["subject_key_id"] = ski ? Json(hex_of(ski)) : Json(nullptr);
  const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(x);
  d["authority_key_id"] = aki ? Json(hex_of(aki)) : Json(nullptr);

  Json aia = Json::array();
  Owned<AUTHORITY_INFO_ACCESS, AUTHORITY_INFO_ACCESS_free> info(
      static_cast<AUTHORITY_INFO_ACCESS*>(X509_get_ext_d2i(x, NID_info_access, nullptr, nullptr)));
  for (int i = 0; info && i < sk_ACCESS_DESCRIPTION_num(info.get()); ++i) {
    const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(info.get(), i);
    int nid = OBJ_obj2nid(ad->method);
    std::string method = nid == NID_ad_OCSP         ? "ocsp"
                         : nid == NID_ad_ca_issuers ? "ca_issuers"
                                                    : obj_to_oid(ad->method);
    if (auto gn = general_name(ad->location))
      aia.push_back(Json{{"method", method}, {"uri", gn->value}});
  }
  d["authority_info_access"] = aia;

  Json crl = Json::array();
  Owned<CRL_DIST_POINTS, CRL_DIST_POINTS_free> dps(static_cast<CRL_DIST_POINTS*>(
      X509_get_ext_d2i(x, NID_crl_distribution_points, nullptr, nullptr)));
  for (int i = 0; dps && i < sk_DIST_POINT_num(dps.get()); ++i) {
    const DIST_POINT* dp = sk_DIST_POINT_value(dps.get(), i);
    if (!dp->distpoint || dp->distpoint->type != 0) continue;
    const GENERAL_NAMES* names = dp->distpoint->name.fullname;
    for (int k = 0; k < sk_GENERAL_NAME_num(names); ++k) {
      if (auto gn = general_name(sk_GENERAL_NAME_value(names, k))) crl.push_back(gn->value);
    }
  }
  d["crl_distribution_points"] = crl;

  Json policies = Json::array();
  Owned<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free> pols(static_cast<CERTIFICATEPOLICIES*>(
      X509_get_ext_d2i(x, NID_certificate_policies, nullptr, nullptr)));
  for (int i = 0; pols && i < sk_POLICYINFO_num(pols.get()); ++i) {
    policies.push_back(obj_to_oid(sk_POLICYINFO_value(pols.get(), i)->policyid));
  }
  d["policies"] = policies;
  ERR_clear_error();

  d["fingerprints"] = Json{{"sha1", enc::hex_encode(fingerprint(cert, crypto::Digest::kSha1))},
                           {"sha256", enc::hex_encode(fingerprint(cert, crypto::Digest::kSha256))}};
  d["tls_server_end_point"] = end_point_json(cert);
  d["der"] = enc::base64_encode(cert.der);
  return d;
}

}  // namespace seckit::x509
