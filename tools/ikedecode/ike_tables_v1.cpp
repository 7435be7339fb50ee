// IKEv1 attributes and transform IDs, ID/CERT/CP/TS/hash names and the Vendor ID table.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "ike_table_lookup.hpp"
#include "ike_tables.hpp"

namespace ikedecode {

using namespace tables;

std::string ikev1_transform_id_name(std::uint8_t protocol, std::uint8_t id) {
  if (protocol == 1) return id == 1 ? "KEY_IKE" : fmt::format("UNKNOWN_{}", id);
  if (protocol == 2) {
    static constexpr std::array<std::pair<U8, const char*>, 6> kAh{{{2, "AH_MD5"},
                                                                    {3, "AH_SHA"},
                                                                    {4, "AH_DES"},
                                                                    {5, "AH_SHA2-256"},
                                                                    {6, "AH_SHA2-384"},
                                                                    {7, "AH_SHA2-512"}}};
    return or_unknown(find(kAh, id), id);
  }
  if (protocol == 3) {
    static constexpr std::array<std::pair<U8, const char*>, 20> kEsp{
        {{1, "ESP_DES_IV64"},    {2, "ESP_DES"},
         {3, "ESP_3DES"},        {4, "ESP_RC5"},
         {5, "ESP_IDEA"},        {6, "ESP_CAST"},
         {7, "ESP_BLOWFISH"},    {8, "ESP_3IDEA"},
         {9, "ESP_DES_IV32"},    {10, "ESP_RC4"},
         {11, "ESP_NULL"},       {12, "ESP_AES"},
         {13, "ESP_AES-CTR"},    {14, "ESP_AES-CCM_8"},
         {15, "ESP_AES-CCM_12"}, {16, "ESP_AES-CCM_16"},
         {18, "ESP_AES-GCM_8"},  {19, "ESP_AES-GCM_12"},
         {20, "ESP_AES-GCM_16"}, {21, "ESP_NULL_AUTH_AES-GMAC"}}};
    return or_unknown(find(kEsp, id), id);
  }
  if (protocol == 4) {
    static constexpr std::array<std::pair<U8, const char*>, 4> kIpcomp{
        {{1, "IPCOMP_OUI"}, {2, "IPCOMP_DEFLATE"}, {3, "IPCOMP_LZS"}, {4, "IPCOMP_LZJH"}}};
    return or_unknown(find(kIpcomp, id), id);
  }
  return fmt::format("UNKNOWN_{}", id);
}

std::string ikev1_attribute_name(bool phase1, std::uint16_t type) {
  if (phase1) {
    static constexpr std::array<std::pair<U16, const char*>, 16> kPhase1{
        {{1, "Encryption-Algorithm"},
         {2, "Hash-Algorithm"},
         {3, "Authentication-Method"},
         {4, "Group-Description"},
         {5, "Group-Type"},
         {6, "Group-Prime"},
         {7, "Group-Generator-One"},
         {8, "Group-Generator-Two"},
         {9, "Group-Curve-A"},
         {10, "Group-Curve-B"},
         {11, "Life-Type"},
         {12, "Life-Duration"},
         {13, "PRF"},
         {14, "Key-Length"},
         {15, "Field-Size"},
         {16, "Group-Order"}}};
    return or_unknown(find(kPhase1, type), type);
  }
  static constexpr std::array<std::pair<U16, const char*>, 9> kPhase2{
      {{1, "SA-Life-Type"},
       {2, "SA-Life-Duration"},
       {3, "Group-Description"},
       {4, "Encapsulation-Mode"},
       {5, "Authentication-Algorithm"},
       {6, "Key-Length"},
       {7, "Key-Rounds"},
       {8, "Compress-Dictionary-Size"},
       {9, "Compress-Private-Algorithm"}}};
  return or_unknown(find(kPhase2, type), type);
}

namespace {

std::optional<std::string> life_type_name(std::uint32_t value) {
  if (value == 1) return "Seconds";
  if (value == 2) return "Kilobytes";
  return std::nullopt;
}

// RFC 2409 Appendix A (phase-1 attribute values), by attribute type.
std::optional<std::string> phase1_attribute_value_name(std::uint16_t type, std::uint32_t value) {
  switch (type) {
    case 1: {
      static constexpr std::array<std::pair<U16, const char*>, 8> kEnc{{{1, "DES-CBC"},
                                                                        {2, "IDEA-CBC"},
                                                                        {3, "Blowfish-CBC"},
                                                                        {4, "RC5-R16-B64-CBC"},
                                                                        {5, "3DES-CBC"},
                                                                        {6, "CAST-CBC"},
                                                                        {7, "AES-CBC"},
                                                                        {8, "CAMELLIA-CBC"}}};
      if (const char* n = find(kEnc, static_cast<U16>(value))) return n;
      return std::nullopt;
    }
    case 2: {
      static constexpr std::array<std::pair<U16, const char*>, 6> kHash{{{1, "MD5"},
                                                                         {2, "SHA"},
                                                                         {3, "Tiger"},
                                                                         {4, "SHA2-256"},
                                                                         {5, "SHA2-384"},
                                                                         {6, "SHA2-512"}}};
      if (const char* n = find(kHash, static_cast<U16>(value))) return n;
      return std::nullopt;
    }
    case 3: {
      static constexpr std::array<std::pair<U16, const char*>, 23> kAuth{
          {{1, "Pre-shared key"},
           {2, "DSS signatures"},
           {3, "RSA signatures"},
           {4, "Encryption with RSA"},
           {5, "Revised encryption with RSA"},
           {6, "Encryption with El-Gamal"},
           {7, "Revised encryption with El-Gamal"},
           {8, "ECDSA signatures"},
           {9, "ECDSA with SHA-256 on the P-256 curve"},
           {10, "ECDSA with SHA-384 on the P-384 curve"},
           {11, "ECDSA with SHA-512 on the P-521 curve"},
           {64221, "HybridInitRSA"},
           {64222, "HybridRespRSA"},
           {64223, "HybridInitDSS"},
           {64224, "HybridRespDSS"},
           {65001, "XAUTHInitPreShared"},
           {65002, "XAUTHRespPreShared"},
           {65003, "XAUTHInitDSS"},
           {65004, "XAUTHRespDSS"},
           {65005, "XAUTHInitRSA"},
           {65006, "XAUTHRespRSA"},
           {65007, "XAUTHInitRSAEncryption"},
           {65008, "XAUTHRespRSAEncryption"}}};
      if (const char* n = find(kAuth, static_cast<U16>(value))) return n;
      return std::nullopt;
    }
    case 4:
      return dh_group_name(static_cast<U16>(value));
    case 5:
      if (value == 1) return "MODP";
      if (value == 2) return "ECP";
      if (value == 3) return "EC2N";
      return std::nullopt;
    case 11:
      return life_type_name(value);
    default:
      return std::nullopt;
  }
}

// RFC 2407 4.5 (IPsec DOI attribute values), by attribute type.
std::optional<std::string> phase2_attribute_value_name(std::uint16_t type, std::uint32_t value) {
  switch (type) {
    case 1:
      return life_type_name(value);
    case 3:
      return dh_group_name(static_cast<U16>(value));
    case 4: {
      static constexpr std::array<std::pair<U16, const char*>, 6> kMode{
          {{1, "Tunnel"},
           {2, "Transport"},
           {3, "UDP-Encapsulated-Tunnel"},
           {4, "UDP-Encapsulated-Transport"},
           {61443, "UDP-Encapsulated-Tunnel (draft)"},
           {61444, "UDP-Encapsulated-Transport (draft)"}}};
      if (const char* n = find(kMode, static_cast<U16>(value))) return n;
      return std::nullopt;
    }
    case 5: {
      static constexpr std::array<std::pair<U16, const char*>, 9> kAuth{{{1, "HMAC-MD5"},
                                                                         {2, "HMAC-SHA"},
                                                                         {3, "DES-MAC"},
                                                                         {4, "KPDK"},
                                                                         {5, "HMAC-SHA2-256"},
                                                                         {6, "HMAC-SHA2-384"},
                                                                         {7, "HMAC-SHA2-512"},
                                                                         {8, "HMAC-RIPEMD"},
                                                                         {9, "AES-XCBC-MAC"}}};
      if (const char* n = find(kAuth, static_cast<U16>(value))) return n;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<std::string> ikev1_attribute_value_name(bool phase1, std::uint16_t type,
                                                      std::uint32_t value) {
  return phase1 ? phase1_attribute_value_name(type, value)
                : phase2_attribute_value_name(type, value);
}

std::string id_type_name(std::uint8_t version, std::uint8_t type) {
  if (version == 1) {
    static constexpr std::array<std::pair<U8, const char*>, 11> kV1{{{1, "ID_IPV4_ADDR"},
                                                                     {2, "ID_FQDN"},
                                                                     {3, "ID_USER_FQDN"},
                                                                     {4, "ID_IPV4_ADDR_SUBNET"},
                                                                     {5, "ID_IPV6_ADDR"},
                                                                     {6, "ID_IPV6_ADDR_SUBNET"},
                                                                     {7, "ID_IPV4_ADDR_RANGE"},
                                                                     {8, "ID_IPV6_ADDR_RANGE"},
                                                                     {9, "ID_DER_ASN1_DN"},
                                                                     {10, "ID_DER_ASN1_GN"},
                                                                     {11, "ID_KEY_ID"}}};
    return or_unknown(find(kV1, type), type);
  }
  static constexpr std::array<std::pair<U8, const char*>, 9> kV2{{{1, "ID_IPV4_ADDR"},
                                                                  {2, "ID_FQDN"},
                                                                  {3, "ID_RFC822_ADDR"},
                                                                  {5, "ID_IPV6_ADDR"},
                                                                  {9, "ID_DER_ASN1_DN"},
                                                                  {10, "ID_DER_ASN1_GN"},
                                                                  {11, "ID_KEY_ID"},
                                                                  {12, "ID_FC_NAME"},
                                                                  {13, "ID_NULL"}}};
  return or_unknown(find(kV2, type), type);
}

std::string cert_encoding_name(std::uint8_t encoding) {
  static constexpr std::array<std::pair<U8, const char*>, 14> kEnc{
      {{1, "PKCS #7 wrapped X.509 certificate"},
       {2, "PGP Certificate"},
       {3, "DNS Signed Key"},
       {4, "X.509 Certificate - Signature"},
       {6, "Kerberos Token"},
       {7, "Certificate Revocation List (CRL)"},
       {8, "Authority Revocation List (ARL)"},
       {9, "SPKI Certificate"},
       {10, "X.509 Certificate - Attribute"},
       {11, "Raw RSA Key"},
       {12, "Hash and URL of X.509 certificate"},
       {13, "Hash and URL of X.509 bundle"},
       {14, "OCSP Content"},
       {15, "Raw Public Key"}}};
  return or_unknown(find(kEnc, encoding), encoding);
}

std::string cp_type_name(std::uint8_t type) {
  switch (type) {
    case 1:
      return "CFG_REQUEST";
    case 2:
      return "CFG_REPLY";
    case 3:
      return "CFG_SET";
    case 4:
      return "CFG_ACK";
    default:
      return fmt::format("UNKNOWN_{}", type);
  }
}

std::string cp_attribute_name(std::uint16_t type) {
  static constexpr std::array<std::pair<U16, const char*>, 33> kAttr{
      {{1, "INTERNAL_IP4_ADDRESS"},
       {2, "INTERNAL_IP4_NETMASK"},
       {3, "INTERNAL_IP4_DNS"},
       {4, "INTERNAL_IP4_NBNS"},
       {5, "INTERNAL_ADDRESS_EXPIRY"},
       {6, "INTERNAL_IP4_DHCP"},
       {7, "APPLICATION_VERSION"},
       {8, "INTERNAL_IP6_ADDRESS"},
       {9, "INTERNAL_IP6_NETMASK"},
       {10, "INTERNAL_IP6_DNS"},
       {11, "INTERNAL_IP6_NBNS"},
       {12, "INTERNAL_IP6_DHCP"},
       {13, "INTERNAL_IP4_SUBNET"},
       {14, "SUPPORTED_ATTRIBUTES"},
       {15, "INTERNAL_IP6_SUBNET"},
       {16, "MIP6_HOME_PREFIX"},
       {17, "INTERNAL_IP6_LINK"},
       {18, "INTERNAL_IP6_PREFIX"},
       {19, "HOME_AGENT_ADDRESS"},
       {20, "P_CSCF_IP4_ADDRESS"},
       {21, "P_CSCF_IP6_ADDRESS"},
       {22, "FTT_KAT"},
       {23, "EXTERNAL_SOURCE_IP4_NAT_INFO"},
       {24, "TIMEOUT_PERIOD_FOR_LIVENESS_CHECK"},
       {25, "INTERNAL_DNS_DOMAIN"},
       {26, "INTERNAL_DNSSEC_TA"},
       {16520, "XAUTH_TYPE"},
       {16521, "XAUTH_USER_NAME"},
       {16522, "XAUTH_USER_PASSWORD"},
       {16523, "XAUTH_PASSCODE"},
       {16524, "XAUTH_MESSAGE"},
       {16525, "XAUTH_CHALLENGE"},
       {16527, "XAUTH_STATUS"}}};
  return or_unknown(find(kAttr, type), type);
}

std::string ts_type_name(std::uint8_t type) {
  switch (type) {
    case 7:
      return "TS_IPV4_ADDR_RANGE";
    case 8:
      return "TS_IPV6_ADDR_RANGE";
    case 9:
      return "TS_FC_ADDR_RANGE";
    case 10:
      return "TS_SECLABEL";
    default:
      return fmt::format("UNKNOWN_{}", type);
  }
}

std::string hash_algorithm_name(std::uint16_t id) {
  switch (id) {
    case 1:
      return "SHA1";
    case 2:
      return "SHA2_256";
    case 3:
      return "SHA2_384";
    case 4:
      return "SHA2_512";
    case 5:
      return "IDENTITY";
    case 6:
      return "STREEBOG_256";
    case 7:
      return "STREEBOG_512";
    default:
      return fmt::format("UNKNOWN_{}", id);
  }
}

namespace {
struct KnownVendor {
  const char* hex;  // prefix that identifies it
  const char* name;
};
// Public values (MD5 of a text, sometimes truncated or followed by flags), as documented in the
// RFCs and drafts named and in ike-scan's ike-vendor-ids.
constexpr std::array<KnownVendor, 23> kVendors{
    {{"4a131c81070358455c5728f20e95452f", "RFC 3947 NAT-T"},
     {"4485152d18b6bbcd0be8a8469579ddcc", "draft-ietf-ipsec-nat-t-ike-00"},
     {"16f6ca16e4a4066d83821a0f0aeaa862", "draft-ietf-ipsec-nat-t-ike-01"},
     {"cd60464335df21f87cfdb2fc68b6a448", "draft-ietf-ipsec-nat-t-ike-02"},
     {"90cb80913ebb696e086381b5ec427b1f", "draft-ietf-ipsec-nat-t-ike-02\\n"},
     {"7d9419a65310ca6f2c179d9215529d56", "draft-ietf-ipsec-nat-t-ike-03"},
     {"9909b64eed937c6573de52ace952fa6b", "draft-ietf-ipsec-nat-t-ike-04"},
     {"80d0bb3def54565ee84645d4c85ce3ee", "draft-ietf-ipsec-nat-t-ike-05"},
     {"4d1e0e136deafa34c4f3ea9f02ec7285", "draft-ietf-ipsec-nat-t-ike-06"},
     {"439b59f8ba676c4c7737ae22eab8f582", "draft-ietf-ipsec-nat-t-ike-07"},
     {"8f8d83826d246b6fc7a8a6a428c11de8", "draft-ietf-ipsec-nat-t-ike-08"},
     {"afcad71368a1f1c96b8696fc77570100", "Dead Peer Detection v1.0 (RFC 3706)"},
     {"09002689dfd6b712", "XAUTH"},
     {"12f5f28c457168a9702d9fe274cc0100", "Cisco Unity"},
     {"4048b7d56ebce88525e7de7f00d6c2d3", "IKE Fragmentation"},
     {"1e2b516905991c7d7c96fcbfb587e461", "MS NT5 ISAKMPOAKLEY"},
     {"fb1de3cdf341b7ea16b7e5be0855f120", "MS-Negotiation Discovery Capable"},
     {"26244d38eddb61b3172a36e3d0cfb819", "Microsoft Vid-Initial-Contact"},
     {"e3a5966a76379fe707228231e5ce8652", "IKE CGA version 1"},
     {"214ca4faffa7f32d6748e5303395ae83", "MS-MamieExists"},
     {"882fe56d6fd20dbc2251613b2ebe5beb", "strongSwan"},
     {"4865617274426561745f4e6f74696679", "Heartbeat Notify"},
     {"f4ed19e0c114eb516faaac0ee37daf28", "Cisco Copyright (c) 2009"}}};
}  // namespace

std::optional<VendorIdMatch> vendor_id_name(seckit::bytes::Bytes vid) {
  std::string hex;
  hex.reserve(vid.size() * 2);
  for (std::uint8_t b : vid) hex += fmt::format("{:02x}", b);
  for (const auto& known : kVendors) {
    std::string_view prefix(known.hex);
    if (hex.size() >= prefix.size() && hex.compare(0, prefix.size(), prefix) == 0) {
      VendorIdMatch match{known.name, std::nullopt};
      if (std::string_view(known.name) == "MS NT5 ISAKMPOAKLEY" && vid.size() == 20) {
        match.version = (std::uint32_t{vid[16]} << 24) | (std::uint32_t{vid[17]} << 16) |
                        (std::uint32_t{vid[18]} << 8) | vid[19];
      }
      return match;
    }
  }
  return std::nullopt;
}

}  // namespace ikedecode
