// The usage profiles. Each names its basis so `certcheck profiles` can say why a rule exists.
#include <algorithm>

#include "certcheck.hpp"

namespace certcheck {
namespace {

namespace x = seckit::x509;

constexpr std::uint32_t kDs = x::kDigitalSignature;
constexpr std::uint32_t kNr = x::kNonRepudiation;
constexpr std::uint32_t kKe = x::kKeyEncipherment;
constexpr std::uint32_t kKa = x::kKeyAgreement;

std::vector<Profile> make_profiles() {
  std::vector<Profile> p;
  p.push_back({"tls-server",
               "TLS server certificate",
               "RFC 5280 4.2.1.12 id-kp-serverAuth; KU as OpenSSL `verify -purpose sslserver` "
               "(digitalSignature, keyEncipherment or keyAgreement)",
               {x::kOidServerAuth},
               {},
               true,
               false,
               kDs | kKe | kKa,
               "CERT_E_WRONG_USAGE",
               false,
               Side::kServer});
  p.push_back({"tls-client",
               "TLS client certificate",
               "RFC 5280 4.2.1.12 id-kp-clientAuth; KU as OpenSSL `verify -purpose sslclient` "
               "(digitalSignature or keyAgreement)",
               {x::kOidClientAuth},
               {},
               true,
               false,
               kDs | kKa,
               "CERT_E_WRONG_USAGE",
               false,
               Side::kClient});
  p.push_back({"rfc4945",
               "IKE/IPsec peer certificate, standards view",
               "RFC 4945 5.1.3.12 (EKU absent, or containing ipsecIKE or anyExtendedKeyUsage) and "
               "5.1.3.2 (KU digitalSignature or nonRepudiation)",
               {},
               {x::kOidIpsecIke, x::kOidAnyEku},
               true,
               true,
               kDs | kNr,
               "ERROR_IPSEC_IKE_INVALID_KEY_USAGE",
               false,
               Side::kAny});
  p.push_back({"win-ikev2-server",
               "Windows RRAS IKEv2 VPN server certificate",
               "Microsoft RRAS IKEv2 server requirements: Server Authentication and IP security "
               "IKE intermediate, subject/SAN = the name clients dial",
               {x::kOidServerAuth, x::kOidIkeIntermediate},
               {},
               false,
               false,
               kDs | kKe,
               "ERROR_IPSEC_IKE_INVALID_KEY_USAGE",
               true,
               Side::kServer});
  p.push_back({"win-ikev2-device",
               "Windows IKEv2 machine (device tunnel) certificate",
               "Microsoft Always On VPN device tunnel: Client Authentication in the computer store",
               {x::kOidClientAuth},
               {},
               false,
               false,
               kDs | kKe,
               "ERROR_IPSEC_IKE_INVALID_KEY_USAGE",
               false,
               Side::kClient});
  p.push_back({"win-l2tp-ipsec",
               "Windows L2TP/IPsec machine certificate",
               "Microsoft 'Using IPsec to secure access to Exchange': IP security IKE "
               "intermediate (1.3.6.1.5.5.8.2.2) and Client Authentication; KU signature + "
               "encryption",
               {x::kOidIkeIntermediate, x::kOidClientAuth},
               {},
               false,
               false,
               kDs | kKe,
               "ERROR_IPSEC_IKE_INVALID_KEY_USAGE",
               true,
               Side::kClient});
  p.push_back({"tmg-rras",
               "TMG/RRAS L2TP/IPsec server certificate",
               "TMG/RRAS L2TP/IPsec server: Server Authentication + Client Authentication + IP "
               "security IKE "
               "intermediate; subject/SAN = the real DNS name or IP",
               {x::kOidServerAuth, x::kOidClientAuth, x::kOidIkeIntermediate},
               {},
               false,
               false,
               kDs | kKe,
               "ERROR_IPSEC_IKE_INVALID_KEY_USAGE",
               true,
               Side::kServer});
  p.push_back({"anyconnect-server",
               "Cisco AnyConnect (SSL VPN) headend certificate",
               "Cisco ASA/FTD AnyConnect: Server Authentication, name = the headend FQDN, strict "
               "validation by the client",
               {x::kOidServerAuth},
               {},
               true,
               false,
               kDs | kKe | kKa,
               "CERT_E_WRONG_USAGE",
               true,
               Side::kServer});
  p.push_back({"code-signing",
               "code signing certificate",
               "RFC 5280 4.2.1.12 id-kp-codeSigning; KU digitalSignature",
               {x::kOidCodeSigning},
               {},
               false,
               false,
               kDs,
               "CERT_E_WRONG_USAGE",
               false,
               Side::kAny});
  p.push_back({"email",
               "S/MIME certificate",
               "RFC 8550/8551 id-kp-emailProtection; KU digitalSignature, nonRepudiation or "
               "keyEncipherment",
               {x::kOidEmailProtection},
               {},
               true,
               false,
               kDs | kNr | kKe | kKa,
               "CERT_E_WRONG_USAGE",
               false,
               Side::kAny});
  return p;
}

}  // namespace

const std::vector<Profile>& profiles() {
  static const std::vector<Profile> kProfiles = make_profiles();
  return kProfiles;
}

const Profile* find_profile(std::string_view name) {
  for (const auto& p : profiles()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::vector<std::string> profile_names() {
  std::vector<std::string> names;
  for (const auto& p : profiles()) names.emplace_back(p.name);
  return names;
}

}  // namespace certcheck
