#include "ike_tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "ike_table_lookup.hpp"

namespace ikedecode {
namespace {

using namespace tables;

constexpr std::array<std::pair<U8, const char*>, 9> kV1Exchanges{
    {{0, "NONE"},
     {1, "Base"},
     {2, "Identity Protection (Main Mode)"},
     {3, "Authentication Only"},
     {4, "Aggressive"},
     {5, "Informational"},
     {6, "Transaction (Config Mode)"},
     {32, "Quick Mode"},
     {33, "New Group Mode"}}};
constexpr std::array<std::pair<U8, const char*>, 11> kV2Exchanges{{{34, "IKE_SA_INIT"},
                                                                   {35, "IKE_AUTH"},
                                                                   {36, "CREATE_CHILD_SA"},
                                                                   {37, "INFORMATIONAL"},
                                                                   {38, "IKE_SESSION_RESUME"},
                                                                   {39, "GSA_AUTH"},
                                                                   {40, "GSA_REGISTRATION"},
                                                                   {41, "GSA_REKEY"},
                                                                   {42, "GSA_INBAND_REKEY"},
                                                                   {43, "IKE_INTERMEDIATE"},
                                                                   {44, "IKE_FOLLOWUP_KE"}}};

constexpr std::array<std::pair<U8, const char*>, 24> kV1Payloads{{{0, "NONE"},
                                                                  {1, "Security Association"},
                                                                  {2, "Proposal"},
                                                                  {3, "Transform"},
                                                                  {4, "Key Exchange"},
                                                                  {5, "Identification"},
                                                                  {6, "Certificate"},
                                                                  {7, "Certificate Request"},
                                                                  {8, "Hash"},
                                                                  {9, "Signature"},
                                                                  {10, "Nonce"},
                                                                  {11, "Notification"},
                                                                  {12, "Delete"},
                                                                  {13, "Vendor ID"},
                                                                  {14, "Attributes"},
                                                                  {15, "SA KEK"},
                                                                  {16, "SA TEK"},
                                                                  {17, "Key Download"},
                                                                  {18, "Sequence Number"},
                                                                  {19, "Proof of Possession"},
                                                                  {20, "NAT-D"},
                                                                  {21, "NAT-OA"},
                                                                  {130, "NAT-D (draft)"},
                                                                  {131, "NAT-OA (draft)"}}};
constexpr std::array<std::pair<U8, const char*>, 23> kV2Payloads{
    {{0, "NONE"},
     {33, "Security Association"},
     {34, "Key Exchange"},
     {35, "Identification - Initiator"},
     {36, "Identification - Responder"},
     {37, "Certificate"},
     {38, "Certificate Request"},
     {39, "Authentication"},
     {40, "Nonce"},
     {41, "Notify"},
     {42, "Delete"},
     {43, "Vendor ID"},
     {44, "Traffic Selector - Initiator"},
     {45, "Traffic Selector - Responder"},
     {46, "Encrypted and Authenticated"},
     {47, "Configuration"},
     {48, "Extensible Authentication"},
     {49, "Generic Secure Password Methods"},
     {50, "Group Identification"},
     {51, "Group Security Association"},
     {52, "Key Download"},
     {53, "Encrypted and Authenticated Fragment"},
     {54, "Puzzle Solution"}}};
constexpr std::array<std::pair<U8, const char*>, 24> kV1Abbrev{
    {{0, "NONE"}, {1, "SA"},   {2, "P"},      {3, "T"},       {4, "KE"},      {5, "ID"},
     {6, "CERT"}, {7, "CR"},   {8, "HASH"},   {9, "SIG"},     {10, "NONCE"},  {11, "N"},
     {12, "D"},   {13, "V"},   {14, "ATTR"},  {15, "SAK"},    {16, "SAT"},    {17, "KD"},
     {18, "SEQ"}, {19, "POP"}, {20, "NAT-D"}, {21, "NAT-OA"}, {130, "NAT-D"}, {131, "NAT-OA"}}};
constexpr std::array<std::pair<U8, const char*>, 23> kV2Abbrev{
    {{0, "NONE"},     {33, "SA"},   {34, "KE"}, {35, "IDi"}, {36, "IDr"}, {37, "CERT"},
     {38, "CERTREQ"}, {39, "AUTH"}, {40, "No"}, {41, "N"},   {42, "D"},   {43, "V"},
     {44, "TSi"},     {45, "TSr"},  {46, "SK"}, {47, "CP"},  {48, "EAP"}, {49, "GSPM"},
     {50, "IDg"},     {51, "GSA"},  {52, "KD"}, {53, "SKF"}, {54, "PS"}}};

// RFC 7296 3.10.1 and the IANA "IKEv2 Notify Message Types" registry.
constexpr std::array<std::pair<U16, const char*>, 23> kV2NotifyErrors{
    {{1, "UNSUPPORTED_CRITICAL_PAYLOAD"},
     {4, "INVALID_IKE_SPI"},
     {5, "INVALID_MAJOR_VERSION"},
     {7, "INVALID_SYNTAX"},
     {9, "INVALID_MESSAGE_ID"},
     {11, "INVALID_SPI"},
     {14, "NO_PROPOSAL_CHOSEN"},
     {17, "INVALID_KE_PAYLOAD"},
     {24, "AUTHENTICATION_FAILED"},
     {34, "SINGLE_PAIR_REQUIRED"},
     {35, "NO_ADDITIONAL_SAS"},
     {36, "INTERNAL_ADDRESS_FAILURE"},
     {37, "FAILED_CP_REQUIRED"},
     {38, "TS_UNACCEPTABLE"},
     {39, "INVALID_SELECTORS"},
     {40, "UNACCEPTABLE_ADDRESSES"},
     {41, "UNEXPECTED_NAT_DETECTED"},
     {42, "USE_ASSIGNED_HoA"},
     {43, "TEMPORARY_FAILURE"},
     {44, "CHILD_SA_NOT_FOUND"},
     {45, "INVALID_GROUP_ID"},
     {46, "AUTHORIZATION_FAILED"},
     {47, "STATE_NOT_FOUND"}}};
constexpr std::array<std::pair<U16, const char*>, 61> kV2NotifyStatus{
    {{16384, "INITIAL_CONTACT"},
     {16385, "SET_WINDOW_SIZE"},
     {16386, "ADDITIONAL_TS_POSSIBLE"},
     {16387, "IPCOMP_SUPPORTED"},
     {16388, "NAT_DETECTION_SOURCE_IP"},
     {16389, "NAT_DETECTION_DESTINATION_IP"},
     {16390, "COOKIE"},
     {16391, "USE_TRANSPORT_MODE"},
     {16392, "HTTP_CERT_LOOKUP_SUPPORTED"},
     {16393, "REKEY_SA"},
     {16394, "ESP_TFC_PADDING_NOT_SUPPORTED"},
     {16395, "NON_FIRST_FRAGMENTS_ALSO"},
     {16396, "MOBIKE_SUPPORTED"},
     {16397, "ADDITIONAL_IP4_ADDRESS"},
     {16398, "ADDITIONAL_IP6_ADDRESS"},
     {16399, "NO_ADDITIONAL_ADDRESSES"},
     {16400, "UPDATE_SA_ADDRESSES"},
     {16401, "COOKIE2"},
     {16402, "NO_NATS_ALLOWED"},
     {16403, "AUTH_LIFETIME"},
     {16404, "MULTIPLE_AUTH_SUPPORTED"},
     {16405, "ANOTHER_AUTH_FOLLOWS"},
     {16406, "REDIRECT_SUPPORTED"},
     {16407, "REDIRECT"},
     {16408, "REDIRECTED_FROM"},
     {16409, "TICKET_LT_OPAQUE"},
     {16410, "TICKET_REQUEST"},
     {16411, "TICKET_ACK"},
     {16412, "TICKET_NACK"},
     {16413, "TICKET_OPAQUE"},
     {16414, "LINK_ID"},
     {16415, "USE_WESP_MODE"},
     {16416, "ROHC_SUPPORTED"},
     {16417, "EAP_ONLY_AUTHENTICATION"},
     {16418, "CHILDLESS_IKEV2_SUPPORTED"},
     {16419, "QUICK_CRASH_DETECTION"},
     {16420, "IKEV2_MESSAGE_ID_SYNC_SUPPORTED"},
     {16421, "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED"},
     {16422, "IKEV2_MESSAGE_ID_SYNC"},
     {16423, "IPSEC_REPLAY_COUNTER_SYNC"},
     {16424, "SECURE_PASSWORD_METHODS"},
     {16425, "PSK_PERSIST"},
     {16426, "PSK_CONFIRM"},
     {16427, "ERX_SUPPORTED"},
     {16428, "IFOM_CAPABILITY"},
     {16429, "SENDER_REQUEST_ID"},
     {16430, "IKEV2_FRAGMENTATION_SUPPORTED"},
     {16431, "SIGNATURE_HASH_ALGORITHMS"},
     {16432, "CLONE_IKE_SA_SUPPORTED"},
     {16433, "CLONE_IKE_SA"},
     {16434, "PUZZLE"},
     {16435, "USE_PPK"},
     {16436, "PPK_IDENTITY"},
     {16437, "NO_PPK_AUTH"},
     {16438, "INTERMEDIATE_EXCHANGE_SUPPORTED"},
     {16439, "IP4_ALLOWED"},
     {16440, "IP6_ALLOWED"},
     {16441, "ADDITIONAL_KEY_EXCHANGE"},
     {16442, "USE_AGGFRAG"},
     {16443, "SUPPORTED_AUTH_METHODS"},
     {16444, "SA_RESOURCE_INFO"}}};

// RFC 2408 3.14.1 plus RFC 2407 4.6.3 and RFC 3706 (DPD).
constexpr std::array<std::pair<U16, const char*>, 36> kV1Notify{{{1, "INVALID-PAYLOAD-TYPE"},
                                                                 {2, "DOI-NOT-SUPPORTED"},
                                                                 {3, "SITUATION-NOT-SUPPORTED"},
                                                                 {4, "INVALID-COOKIE"},
                                                                 {5, "INVALID-MAJOR-VERSION"},
                                                                 {6, "INVALID-MINOR-VERSION"},
                                                                 {7, "INVALID-EXCHANGE-TYPE"},
                                                                 {8, "INVALID-FLAGS"},
                                                                 {9, "INVALID-MESSAGE-ID"},
                                                                 {10, "INVALID-PROTOCOL-ID"},
                                                                 {11, "INVALID-SPI"},
                                                                 {12, "INVALID-TRANSFORM-ID"},
                                                                 {13, "ATTRIBUTES-NOT-SUPPORTED"},
                                                                 {14, "NO-PROPOSAL-CHOSEN"},
                                                                 {15, "BAD-PROPOSAL-SYNTAX"},
                                                                 {16, "PAYLOAD-MALFORMED"},
                                                                 {17, "INVALID-KEY-INFORMATION"},
                                                                 {18, "INVALID-ID-INFORMATION"},
                                                                 {19, "INVALID-CERT-ENCODING"},
                                                                 {20, "INVALID-CERTIFICATE"},
                                                                 {21, "CERT-TYPE-UNSUPPORTED"},
                                                                 {22, "INVALID-CERT-AUTHORITY"},
                                                                 {23, "INVALID-HASH-INFORMATION"},
                                                                 {24, "AUTHENTICATION-FAILED"},
                                                                 {25, "INVALID-SIGNATURE"},
                                                                 {26, "ADDRESS-NOTIFICATION"},
                                                                 {27, "NOTIFY-SA-LIFETIME"},
                                                                 {28, "CERTIFICATE-UNAVAILABLE"},
                                                                 {29, "UNSUPPORTED-EXCHANGE-TYPE"},
                                                                 {30, "UNEQUAL-PAYLOAD-LENGTHS"},
                                                                 {16384, "CONNECTED"},
                                                                 {24576, "RESPONDER-LIFETIME"},
                                                                 {24577, "REPLAY-STATUS"},
                                                                 {24578, "INITIAL-CONTACT"},
                                                                 {36136, "R-U-THERE"},
                                                                 {36137, "R-U-THERE-ACK"}}};

constexpr std::array<std::pair<U8, const char*>, 32> kEncr{{{1, "ENCR_DES_IV64"},
                                                            {2, "ENCR_DES"},
                                                            {3, "ENCR_3DES"},
                                                            {4, "ENCR_RC5"},
                                                            {5, "ENCR_IDEA"},
                                                            {6, "ENCR_CAST"},
                                                            {7, "ENCR_BLOWFISH"},
                                                            {8, "ENCR_3IDEA"},
                                                            {9, "ENCR_DES_IV32"},
                                                            {11, "ENCR_NULL"},
                                                            {12, "ENCR_AES_CBC"},
                                                            {13, "ENCR_AES_CTR"},
                                                            {14, "ENCR_AES_CCM_8"},
                                                            {15, "ENCR_AES_CCM_12"},
                                                            {16, "ENCR_AES_CCM_16"},
                                                            {18, "ENCR_AES_GCM_8"},
                                                            {19, "ENCR_AES_GCM_12"},
                                                            {20, "ENCR_AES_GCM_16"},
                                                            {21, "ENCR_NULL_AUTH_AES_GMAC"},
                                                            {23, "ENCR_CAMELLIA_CBC"},
                                                            {24, "ENCR_CAMELLIA_CTR"},
                                                            {25, "ENCR_CAMELLIA_CCM_8"},
                                                            {26, "ENCR_CAMELLIA_CCM_12"},
                                                            {27, "ENCR_CAMELLIA_CCM_16"},
                                                            {28, "ENCR_CHACHA20_POLY1305"},
                                                            {29, "ENCR_AES_CCM_8_IIV"},
                                                            {30, "ENCR_AES_GCM_16_IIV"},
                                                            {31, "ENCR_CHACHA20_POLY1305_IIV"},
                                                            {32, "ENCR_KUZNYECHIK_MGM_KTREE"},
                                                            {33, "ENCR_MAGMA_MGM_KTREE"},
                                                            {34, "ENCR_KUZNYECHIK_MGM_MAC_KTREE"},
                                                            {35, "ENCR_MAGMA_MGM_MAC_KTREE"}}};
constexpr std::array<std::pair<U8, const char*>, 9> kPrf{{{1, "PRF_HMAC_MD5"},
                                                          {2, "PRF_HMAC_SHA1"},
                                                          {3, "PRF_HMAC_TIGER"},
                                                          {4, "PRF_AES128_XCBC"},
                                                          {5, "PRF_HMAC_SHA2_256"},
                                                          {6, "PRF_HMAC_SHA2_384"},
                                                          {7, "PRF_HMAC_SHA2_512"},
                                                          {8, "PRF_AES128_CMAC"},
                                                          {9, "PRF_HMAC_STREEBOG_512"}}};
constexpr std::array<std::pair<U8, const char*>, 15> kInteg{{{0, "NONE"},
                                                             {1, "AUTH_HMAC_MD5_96"},
                                                             {2, "AUTH_HMAC_SHA1_96"},
                                                             {3, "AUTH_DES_MAC"},
                                                             {4, "AUTH_KPDK_MD5"},
                                                             {5, "AUTH_AES_XCBC_96"},
                                                             {6, "AUTH_HMAC_MD5_128"},
                                                             {7, "AUTH_HMAC_SHA1_160"},
                                                             {8, "AUTH_AES_CMAC_96"},
                                                             {9, "AUTH_AES_128_GMAC"},
                                                             {10, "AUTH_AES_192_GMAC"},
                                                             {11, "AUTH_AES_256_GMAC"},
                                                             {12, "AUTH_HMAC_SHA2_256_128"},
                                                             {13, "AUTH_HMAC_SHA2_384_192"},
                                                             {14, "AUTH_HMAC_SHA2_512_256"}}};
constexpr std::array<std::pair<U16, const char*>, 36> kGroups{{{0, "NONE"},
                                                               {1, "MODP_768"},
                                                               {2, "MODP_1024"},
                                                               {5, "MODP_1536"},
                                                               {14, "MODP_2048"},
                                                               {15, "MODP_3072"},
                                                               {16, "MODP_4096"},
                                                               {17, "MODP_6144"},
                                                               {18, "MODP_8192"},
                                                               {19, "ECP_256"},
                                                               {20, "ECP_384"},
                                                               {21, "ECP_521"},
                                                               {22, "MODP_1024_160"},
                                                               {23, "MODP_2048_224"},
                                                               {24, "MODP_2048_256"},
                                                               {25, "ECP_192"},
                                                               {26, "ECP_224"},
                                                               {27, "ECP_224_BP"},
                                                               {28, "ECP_256_BP"},
                                                               {29, "ECP_384_BP"},
                                                               {30, "ECP_512_BP"},
                                                               {31, "CURVE25519"},
                                                               {32, "CURVE448"},
                                                               {33, "GOST3410_2012_256"},
                                                               {34, "GOST3410_2012_512"},
                                                               {35, "ML_KEM_512"},
                                                               {36, "ML_KEM_768"},
                                                               {37, "ML_KEM_1024"},
                                                               {3, "EC2N_155"},
                                                               {4, "EC2N_185"},
                                                               {6, "EC2N_163"},
                                                               {7, "EC2N_163"},
                                                               {8, "EC2N_283"},
                                                               {9, "EC2N_283"},
                                                               {10, "EC2N_409"},
                                                               {11, "EC2N_409"}}};

}  // namespace

std::string exchange_name(std::uint8_t version, std::uint8_t exchange) {
  const char* name = version == 1 ? find(kV1Exchanges, exchange) : find(kV2Exchanges, exchange);
  if (name == nullptr && version == 2) name = find(kV1Exchanges, exchange);
  return or_unknown(name, exchange);
}

std::string payload_name(std::uint8_t version, std::uint8_t type) {
  if (version == 1 && type == 132) return "Cisco Fragmentation";
  return or_unknown(version == 1 ? find(kV1Payloads, type) : find(kV2Payloads, type), type);
}

std::string payload_abbrev(std::uint8_t version, std::uint8_t type) {
  if (version == 1 && type == 132) return "FRAG";
  return or_unknown(version == 1 ? find(kV1Abbrev, type) : find(kV2Abbrev, type), type);
}

std::string notify_name(std::uint8_t version, std::uint16_t type) {
  const char* name = nullptr;
  if (version == 1) {
    name = find(kV1Notify, type);
  } else {
    name = type < 16384 ? find(kV2NotifyErrors, type) : find(kV2NotifyStatus, type);
    // Microsoft's private MS_STATUS carries a Win32 error code (seen from Windows peers).
    if (type == 12345) name = "MS_STATUS";
  }
  if (name != nullptr) return name;
  if (version == 2 && type >= 8192 && type < 16384) return fmt::format("PRIVATE_ERROR_{}", type);
  if (version == 2 && type >= 40960) return fmt::format("PRIVATE_STATUS_{}", type);
  return fmt::format("UNKNOWN_{}", type);
}

bool notify_is_error(std::uint8_t version, std::uint16_t type) {
  if (version == 1) return type < 8192;
  return type < 16384;
}

std::string protocol_name(std::uint8_t version, std::uint8_t protocol) {
  if (version == 1) {
    switch (protocol) {
      case 1:
        return "ISAKMP";
      case 2:
        return "IPSEC_AH";
      case 3:
        return "IPSEC_ESP";
      case 4:
        return "IPCOMP";
      default:
        return fmt::format("UNKNOWN_{}", protocol);
    }
  }
  switch (protocol) {
    case 0:
      return "NONE";
    case 1:
      return "IKE";
    case 2:
      return "AH";
    case 3:
      return "ESP";
    default:
      return fmt::format("UNKNOWN_{}", protocol);
  }
}

std::string transform_type_name(std::uint8_t type) {
  switch (type) {
    case 1:
      return "ENCR";
    case 2:
      return "PRF";
    case 3:
      return "INTEG";
    case 4:
      return "KE";
    case 5:
      return "ESN";
    default:
      if (type >= 6 && type <= 12) return fmt::format("ADDKE{}", type - 5);
      return fmt::format("UNKNOWN_{}", type);
  }
}

std::string dh_group_name(std::uint16_t group) { return or_unknown(find(kGroups, group), group); }

std::string transform_id_name(std::uint8_t type, std::uint16_t id) {
  switch (type) {
    case 1:
      return or_unknown(id < 256 ? find(kEncr, static_cast<U8>(id)) : nullptr, id);
    case 2:
      return or_unknown(id < 256 ? find(kPrf, static_cast<U8>(id)) : nullptr, id);
    case 3:
      return or_unknown(id < 256 ? find(kInteg, static_cast<U8>(id)) : nullptr, id);
    case 5:
      return id == 0 ? "NO_ESN" : id == 1 ? "ESN" : fmt::format("UNKNOWN_{}", id);
    default:
      if (type == 4 || (type >= 6 && type <= 12)) return dh_group_name(id);
      return fmt::format("UNKNOWN_{}", id);
  }
}

std::string ikev2_auth_method_name(std::uint8_t method) {
  switch (method) {
    case 1:
      return "RSA_DIGITAL_SIGNATURE";
    case 2:
      return "SHARED_KEY_MIC";
    case 3:
      return "DSS_DIGITAL_SIGNATURE";
    case 9:
      return "ECDSA_SHA256_P256";
    case 10:
      return "ECDSA_SHA384_P384";
    case 11:
      return "ECDSA_SHA512_P521";
    case 12:
      return "GENERIC_SECURE_PASSWORD";
    case 13:
      return "NULL_AUTHENTICATION";
    case 14:
      return "DIGITAL_SIGNATURE";
    default:
      return fmt::format("UNKNOWN_{}", method);
  }
}

}  // namespace ikedecode
