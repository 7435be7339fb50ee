#include "binding.hpp"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cctype>

#include "seckit/crypto.hpp"
#include "seckit/enc.hpp"

namespace cbaudit {

namespace {
void put_le32(Buffer& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

// RSA-PSS names two hashes (message and MGF1); RFC 5929 4.1 leaves the binding undefined when
// the signature "uses multiple hash functions". Returns the two names when they differ.
std::optional<std::pair<std::string, std::string>> pss_hashes(X509* cert) {
  if (X509_get_signature_nid(cert) != NID_rsassaPss) return std::nullopt;
  const X509_ALGOR* alg = nullptr;
  X509_get0_signature(nullptr, &alg, cert);
  if (!alg) return std::nullopt;
  int ptype = 0;
  const void* pval = nullptr;
  X509_ALGOR_get0(nullptr, &ptype, &pval, alg);
  if (ptype != V_ASN1_SEQUENCE || !pval) return std::pair<std::string, std::string>{"sha1", "sha1"};
  const ASN1_STRING* seq = static_cast<const ASN1_STRING*>(pval);
  const unsigned char* p = ASN1_STRING_get0_data(seq);
  RSA_PSS_PARAMS* params = d2i_RSA_PSS_PARAMS(nullptr, &p, ASN1_STRING_length(seq));
  if (!params) return std::nullopt;
  std::string hash = "sha1", mgf = "sha1";  // RFC 4055 defaults
  if (params->hashAlgorithm) hash = OBJ_nid2sn(OBJ_obj2nid(params->hashAlgorithm->algorithm));
  // maskGenAlgorithm is mgf1 with the MGF1 hash as its AlgorithmIdentifier parameter.
  if (params->maskGenAlgorithm && params->maskGenAlgorithm->parameter &&
      params->maskGenAlgorithm->parameter->type == V_ASN1_SEQUENCE) {
    const ASN1_STRING* inner = params->maskGenAlgorithm->parameter->value.sequence;
    const unsigned char* q = ASN1_STRING_get0_data(inner);
    X509_ALGOR* mgf_hash = d2i_X509_ALGOR(nullptr, &q, ASN1_STRING_length(inner));
    if (mgf_hash) {
      mgf = OBJ_nid2sn(OBJ_obj2nid(mgf_hash->algorithm));
      X509_ALGOR_free(mgf_hash);
    }
  }
  RSA_PSS_PARAMS_free(params);
  for (auto* name : {&hash, &mgf}) {
    for (char& c : *name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return std::pair<std::string, std::string>{hash, mgf};
}
}  // namespace

Buffer channel_bindings_struct(const Buffer& application_data) {
  Buffer out;
  put_le32(out, 0);  // initiator_addrtype
  put_le32(out, 0);  // initiator_address.length
  put_le32(out, 0);  // acceptor_addrtype
  put_le32(out, 0);  // acceptor_address.length
  put_le32(out, static_cast<std::uint32_t>(application_data.size()));
  out.insert(out.end(), application_data.begin(), application_data.end());
  return out;
}

Buffer channel_bindings_hash(const Buffer& application_data) {
  return seckit::crypto::digest(seckit::crypto::Digest::kMd5,
                                channel_bindings_struct(application_data));
}

Buffer application_data(const std::string& type, const Buffer& value) {
  Buffer out(type.begin(), type.end());
  out.push_back(':');
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

EndPointExpectation end_point_expectation(const seckit::x509::Certificate& cert) {
  EndPointExpectation e;
  auto sig = seckit::x509::signature_info(cert.x509.get());
  e.signature = sig.algorithm;
  auto pss = pss_hashes(cert.x509.get());
  if (pss && pss->first != pss->second) {
    e.reason = "RSA-PSS signature with message hash " + pss->first + " and MGF1 hash " +
               pss->second + ": RFC 5929 4.1 leaves tls-server-end-point undefined";
  } else if (auto ep = seckit::x509::tls_server_end_point(cert)) {
    e.defined = true;
    e.digest = std::string(seckit::crypto::digest_name(ep->digest));
    e.hash = ep->hash;
    if (sig.digest_name == "md5" || sig.digest_name == "sha1") {
      e.reason = "signature hash " + sig.digest_name + " is replaced by sha256 (RFC 5929 4.1)";
    } else {
      e.reason = "the signature's hash " + e.digest + " (RFC 5929 4.1)";
    }
    return e;
  } else {
    e.reason = "signature " + sig.algorithm +
               " uses no single hash function: RFC 5929 4.1 leaves tls-server-end-point undefined";
  }
  e.windows_note =
      "RFC 5929 gives no value here, but Windows computes one anyway: SChannel falls back to "
      "SHA-256 when it cannot map the signature to a single hash, so the sha256 value below is "
      "what a Windows client would send (check it against a capture of a real client before "
      "relying on it); other stacks may refuse or differ";
  e.windows_hash = seckit::crypto::digest(seckit::crypto::Digest::kSha256, cert.der);
  return e;
}

Json describe_binding(const std::string& type, const Buffer& value) {
  Buffer app = application_data(type, value);
  Json j = Json::object();
  j["type"] = type;
  j["value"] = seckit::enc::hex_encode(value);
  j["application_data"] = seckit::enc::hex_encode(app);
  j["gss_channel_bindings_struct"] = seckit::enc::hex_encode(channel_bindings_struct(app));
  j["cbt_md5"] = seckit::enc::hex_encode(channel_bindings_hash(app));
  return j;
}

Json expected_for_certificate(const seckit::x509::Certificate& cert) {
  Json d = Json::object();
  d["subject"] = seckit::x509::name_rfc4514(X509_get_subject_name(cert.x509.get()));
  d["sha256_fingerprint"] =
      seckit::enc::hex_encode(seckit::x509::fingerprint(cert, seckit::crypto::Digest::kSha256));
  auto e = end_point_expectation(cert);
  d["signature_algorithm"] = e.signature;
  Json ep = Json::object();
  ep["defined"] = e.defined;
  ep["reason"] = e.reason;
  if (e.defined) {
    ep["hash_algorithm"] = e.digest;
    Json b = describe_binding("tls-server-end-point", e.hash);
    for (auto& [k, v] : b.items()) ep[k] = v;
  } else {
    ep["windows"] = e.windows_note;
    Json b = describe_binding("tls-server-end-point", e.windows_hash);
    b["hash_algorithm"] = "sha256";
    ep["windows_binding"] = b;
  }
  d["tls_server_end_point"] = ep;
  d["source"] = cert.source;
  return d;
}

}  // namespace cbaudit
