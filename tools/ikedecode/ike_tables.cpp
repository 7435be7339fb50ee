#include "ike_tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

namespace ikedecode {
namespace {

template <class K, std::size_t N>
const char* find(const std::array<std::pair<K, const char*>, N>& table, K key) {
  for (const auto& [k, v] : table) {
    if (k == key) return v;
  }
  return nullptr;
}

std::string or_unknown(const char* name, unsigned value) {
  return name != nullptr ? std::string(name) : fmt::format("UNKNOWN_{}", value);
}

using U8 = std::uint8_t;
using U16 = std::uint16_t;

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

std::optional<std::string> ikev1_attribute_value_name(bool phase1, std::uint16_t type,
                                                      std::uint32_t value) {
  auto life = [&]() -> std::optional<std::string> {
    if (value == 1) return "Seconds";
    if (value == 2) return "Kilobytes";
    return std::nullopt;
  };
  if (phase1) {
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
        return life();
      default:
        return std::nullopt;
    }
  }
  switch (type) {
    case 1:
      return life();
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
