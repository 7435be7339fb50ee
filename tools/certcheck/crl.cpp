// Certificate revocation lists for --crl: loading (the bytes go only to OpenSSL's PEM/DER
// readers) and describing a CRL and one of its entries for findings. The revocation check itself
// is OpenSSL's (X509_V_FLAG_CRL_CHECK in check_chain), so verdicts agree with `openssl verify
// -crl_check`.
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509v3.h>

#include <climits>

#include "certcheck.hpp"
#include "seckit/enc.hpp"
#include "seckit/fs.hpp"

namespace certcheck {
namespace {

namespace x = seckit::x509;
using Pkcs7Ptr = std::unique_ptr<PKCS7, seckit::crypto::Deleter<PKCS7_free>>;

struct OpenSslFree {
  void operator()(void* p) const { OPENSSL_free(p); }
};
using OpenSslString = std::unique_ptr<char, OpenSslFree>;

CrlPtr adopt(X509_CRL* crl) { return {crl, X509_CRL_free}; }

// The CRLs of a PKCS#7 SignedData (`openssl crl2pkcs7` output); other content types have none.
void take_pkcs7_crls(PKCS7* p7, std::vector<CrlPtr>& out) {
  if (OBJ_obj2nid(p7->type) != NID_pkcs7_signed || p7->d.sign == nullptr) return;
  STACK_OF(X509_CRL)* crls = p7->d.sign->crl;
  for (int i = 0; crls && i < sk_X509_CRL_num(crls); ++i) {
    X509_CRL* crl = sk_X509_CRL_value(crls, i);
    X509_CRL_up_ref(crl);
    out.push_back(adopt(crl));
  }
}

// One DER object filling exactly `data`: a CRL, or a PKCS#7 (whose CRLs, possibly none, are
// taken). Trailing bytes are an error, so a truncated or concatenated file is not half-read.
bool parse_der(const unsigned char* data, long size, std::vector<CrlPtr>& out) {
  const unsigned char* p = data;
  if (X509_CRL* crl = d2i_X509_CRL(nullptr, &p, size); crl != nullptr) {
    if (p != data + size) {
      X509_CRL_free(crl);
      return false;
    }
    out.push_back(adopt(crl));
    return true;
  }
  p = data;
  Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, size));
  if (!p7 || p != data + size) return false;
  take_pkcs7_crls(p7.get(), out);
  return true;
}

std::string pem_error(const std::string& block) {
  std::string detail = seckit::crypto::openssl_errors();
  return fmt::format("malformed {} block{}{}", block, detail.empty() ? "" : ": ", detail);
}

Json time_or_null(const ASN1_TIME* t) {
  if (t == nullptr) return nullptr;
  return seckit::out::rfc3339(x::asn1_time_to_unix(t));
}

}  // namespace

std::string_view crl_reason_name(int code) {
  // RFC 5280 5.3.1 CRLReason; 7 is not assigned.
  switch (code) {
    case 0:
      return "unspecified";
    case 1:
      return "keyCompromise";
    case 2:
      return "cACompromise";
    case 3:
      return "affiliationChanged";
    case 4:
      return "superseded";
    case 5:
      return "cessationOfOperation";
    case 6:
      return "certificateHold";
    case 8:
      return "removeFromCRL";
    case 9:
      return "privilegeWithdrawn";
    case 10:
      return "aACompromise";
    default:
      return {};
  }
}

std::vector<CrlPtr> parse_crls(const std::string& origin, seckit::bytes::Bytes data) {
  std::vector<CrlPtr> out;
  if (data.empty()) throw seckit::input_error(origin, "empty CRL file");
  if (data.size() > static_cast<std::size_t>(INT_MAX)) {
    throw seckit::input_error(origin, "CRL file too large");
  }
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (text.find("-----BEGIN ") == std::string_view::npos) {
    if (!parse_der(data.data(), static_cast<long>(data.size()), out)) {
      ERR_clear_error();
      throw seckit::input_error(
          origin, "not a CRL (expected PEM X509 CRL blocks, DER, or PKCS#7 with CRLs)");
    }
    if (out.empty()) throw seckit::input_error(origin, "PKCS#7 without a CRL in it");
    return out;
  }
  // PEM: every block is read; X509 CRL and PKCS7 blocks are used, others (a CA certificate
  // shipped in the same file) are skipped. A broken block anywhere fails the whole file.
  seckit::crypto::BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  ERR_clear_error();
  for (;;) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* body = nullptr;
    long len = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &body, &len) != 1) {
      unsigned long err = ERR_peek_last_error();
      if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
        ERR_clear_error();  // clean end of input
        break;
      }
      throw seckit::input_error(origin, pem_error("PEM"));
    }
    OpenSslString name_owner(name);
    OpenSslString header_owner(header);
    std::unique_ptr<unsigned char, OpenSslFree> body_owner(body);
    std::string block = name;
    if ((block == "X509 CRL" || block == "PKCS7") && !parse_der(body, len, out)) {
      throw seckit::input_error(origin, pem_error(block));
    }
  }
  if (out.empty()) throw seckit::input_error(origin, "no CRL in it (no X509 CRL block)");
  return out;
}

std::vector<CrlPtr> load_crl_file(const std::string& path) {
  std::string data = seckit::fs::read_file(path, 64u << 20);
  return parse_crls(path, seckit::bytes::as_bytes(data));
}

Json describe_crl(X509_CRL* crl) {
  Json d{{"issuer", x::name_rfc4514(X509_CRL_get_issuer(crl))},
         {"this_update", time_or_null(X509_CRL_get0_lastUpdate(crl))},
         {"next_update", time_or_null(X509_CRL_get0_nextUpdate(crl))}};
  int crit = 0;
  auto* number =
      static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl, NID_crl_number, &crit, nullptr));
  d["crl_number"] = number ? Json(x::integer_hex(number)) : Json(nullptr);
  ASN1_INTEGER_free(number);
  return d;
}

Json describe_revocation(X509_CRL* crl, X509* cert) {
  X509_REVOKED* entry = nullptr;
  if (X509_CRL_get0_by_cert(crl, &entry, cert) == 0 || entry == nullptr) return nullptr;
  Json d{{"serial", x::integer_hex(X509_REVOKED_get0_serialNumber(entry))},
         {"revocation_date", time_or_null(X509_REVOKED_get0_revocationDate(entry))},
         {"reason", nullptr},
         {"reason_code", nullptr}};
  int crit = 0;
  auto* reason = static_cast<ASN1_ENUMERATED*>(
      X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, &crit, nullptr));
  if (reason != nullptr) {
    long code = ASN1_ENUMERATED_get(reason);
    d["reason_code"] = code;
    std::string_view name = crl_reason_name(static_cast<int>(code));
    if (!name.empty()) d["reason"] = std::string(name);
    ASN1_ENUMERATED_free(reason);
  }
  return d;
}

}  // namespace certcheck
