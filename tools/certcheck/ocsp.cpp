// See ocsp.hpp. The request, the HTTP exchange and the signature check are OpenSSL's
// (OCSP_*, OSSL_HTTP_transfer, OCSP_basic_verify, which also enforces RFC 6960 4.2.2.2: the
// signer is the issuing CA or a responder it delegated with id-kp-OCSPSigning); the decisions
// on what the answer means are judge_ocsp's.
#include "ocsp.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/http.h>

#include <memory>

#include "seckit/crypto.hpp"

namespace certcheck {
namespace {

namespace x = seckit::x509;
using seckit::crypto::Deleter;
using RequestPtr = std::unique_ptr<OCSP_REQUEST, Deleter<OCSP_REQUEST_free>>;
using ResponsePtr = std::unique_ptr<OCSP_RESPONSE, Deleter<OCSP_RESPONSE_free>>;
using BasicPtr = std::unique_ptr<OCSP_BASICRESP, Deleter<OCSP_BASICRESP_free>>;
using CertIdPtr = std::unique_ptr<OCSP_CERTID, Deleter<OCSP_CERTID_free>>;

constexpr std::size_t kMaxResponseBytes = 1u << 20;

void free_string(char* text) { OPENSSL_free(text); }
using StringPtr = std::unique_ptr<char, Deleter<free_string>>;

Finding make_finding(std::string code, std::string message, const OcspFacts& facts,
                     Json details = Json::object()) {
  Finding f;
  f.code = std::move(code);
  f.severity = Severity::kError;
  f.message = std::move(message);
  details["responder"] = facts.responder;
  f.details = std::move(details);
  return f;
}

std::string openssl_reason(const char* fallback) {
  std::string why = seckit::crypto::openssl_errors();
  return why.empty() ? std::string(fallback) : why;
}

// The CertID of `leaf` (SHA-1 name and key hashes, as RFC 5019 2.1.1 wants for interoperability).
CertIdPtr cert_id(const OcspQuery& q) {
  return CertIdPtr(OCSP_cert_to_id(EVP_sha1(), q.leaf, q.issuer));
}

// The facts of a response: status, signature and signer, this certificate's SingleResponse.
void examine(const OcspQuery& q, OCSP_RESPONSE* response, OCSP_REQUEST* request, OcspFacts& facts) {
  facts.response_status = OCSP_response_status(response);
  if (facts.response_status != OCSP_RESPONSE_STATUS_SUCCESSFUL) return;
  BasicPtr basic(OCSP_response_get1_basic(response));
  if (!basic) {
    facts.signature_error = "no basic response in it";
    return;
  }
  if (request && OCSP_check_nonce(request, basic.get()) <= 0) facts.nonce_mismatch = true;
  BorrowedCertStack issuer(sk_X509_new_null());
  sk_X509_push(issuer.get(), q.issuer);
  ERR_clear_error();
  if (OCSP_basic_verify(basic.get(), issuer.get(), q.store, 0) <= 0) {
    facts.signature_error = openssl_reason("signature or signer not accepted");
  }
  CertIdPtr id = cert_id(q);
  int status = 0;
  int reason = -1;
  ASN1_GENERALIZEDTIME* revoked = nullptr;
  ASN1_GENERALIZEDTIME* this_update = nullptr;
  ASN1_GENERALIZEDTIME* next_update = nullptr;
  if (!id || OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, &revoked, &this_update,
                                   &next_update) != 1) {
    return;
  }
  facts.found = true;
  facts.cert_status = status;
  facts.reason = reason;
  facts.revoked_at = revoked ? x::asn1_time_to_unix(revoked) : 0;
  facts.this_update = this_update ? x::asn1_time_to_unix(this_update) : 0;
  if (next_update) facts.next_update = x::asn1_time_to_unix(next_update);
  ERR_clear_error();
}

std::string response_status_name(int status) {
  const char* name = OCSP_response_status_str(status);
  return name ? name : fmt::format("status {}", status);
}

// RFC 6960 4.2.1: anything but successful carries no certificate status at all.
std::optional<Finding> status_problem(const OcspFacts& facts) {
  if (facts.response_status == OCSP_RESPONSE_STATUS_SUCCESSFUL) return std::nullopt;
  return make_finding("ocsp-error-response",
                      fmt::format("the OCSP responder {} answered {} instead of a status",
                                  facts.responder, response_status_name(facts.response_status)),
                      facts,
                      Json{{"response_status", response_status_name(facts.response_status)}});
}

std::optional<Finding> freshness_problem(const OcspFacts& facts, std::int64_t now,
                                         std::int64_t leeway) {
  if (facts.this_update > now + leeway) {
    return make_finding("ocsp-not-yet-valid",
                        fmt::format("the OCSP response of {} has thisUpdate {}, in the future",
                                    facts.responder, seckit::out::rfc3339(facts.this_update)),
                        facts, Json{{"this_update", seckit::out::rfc3339(facts.this_update)}});
  }
  if (facts.next_update && *facts.next_update < now - leeway) {
    return make_finding("ocsp-stale",
                        fmt::format("the OCSP response of {} is stale: nextUpdate {} has passed",
                                    facts.responder, seckit::out::rfc3339(*facts.next_update)),
                        facts,
                        Json{{"this_update", seckit::out::rfc3339(facts.this_update)},
                             {"next_update", seckit::out::rfc3339(*facts.next_update)}});
  }
  return std::nullopt;
}

Finding revoked_finding(const OcspFacts& facts) {
  std::string_view reason = facts.reason >= 0 ? crl_reason_name(facts.reason) : "";
  Json details{{"revocation_date", seckit::out::rfc3339(facts.revoked_at)},
               {"reason", reason.empty() ? Json(nullptr) : Json(reason)},
               {"reason_code", facts.reason >= 0 ? Json(facts.reason) : Json(nullptr)}};
  Finding f = make_finding(
      "ocsp-revoked",
      fmt::format("revoked on {}{} (OCSP responder {})", seckit::out::rfc3339(facts.revoked_at),
                  reason.empty() ? std::string() : fmt::format(", reason {}", reason),
                  facts.responder),
      facts, details);
  f.windows_error = windows_error("CRYPT_E_REVOKED");
  return f;
}

}  // namespace

OcspJudgement judge_ocsp(const OcspFacts& facts, std::int64_t now, std::int64_t leeway) {
  OcspJudgement j;
  if (!facts.transport_error.empty()) {
    j.inconclusive = fmt::format("no OCSP answer for the certificate: {}", facts.transport_error);
    return j;
  }
  if (auto f = status_problem(facts)) {
    j.findings.push_back(std::move(*f));
    return j;
  }
  if (!facts.signature_error.empty()) {
    // An answer nobody authorised is no evidence of anything, good or revoked.
    j.findings.push_back(make_finding(
        "ocsp-bad-signature",
        fmt::format("the OCSP response of {} is not signed by the issuing CA or a responder it "
                    "authorised: {}",
                    facts.responder, facts.signature_error),
        facts, Json{{"openssl_error", facts.signature_error}}));
    return j;
  }
  if (facts.nonce_mismatch) {
    j.findings.push_back(make_finding(
        "ocsp-nonce-mismatch",
        fmt::format("the OCSP response of {} echoes another request's nonce (a replay?)",
                    facts.responder),
        facts));
    return j;
  }
  if (!facts.found) {
    j.findings.push_back(
        make_finding("ocsp-no-status",
                     fmt::format("the OCSP response of {} holds no status for this certificate",
                                 facts.responder),
                     facts));
    return j;
  }
  if (auto f = freshness_problem(facts, now, leeway)) j.findings.push_back(std::move(*f));
  if (facts.cert_status == V_OCSP_CERTSTATUS_REVOKED) {
    j.findings.push_back(revoked_finding(facts));
  } else if (facts.cert_status != V_OCSP_CERTSTATUS_GOOD && j.findings.empty()) {
    j.inconclusive = fmt::format(
        "the OCSP responder {} does not know the certificate (status unknown): no revocation "
        "evidence; ask the CA's own responder (--ocsp-url) or check its CRL (--crl)",
        facts.responder);
  }
  return j;
}

// The `ocsp` object of a leaf's chain record: where the answer came from and what it said.
Json ocsp_record(const OcspFacts& facts, const OcspJudgement& judged) {
  Json j{{"responder", facts.responder.empty() ? Json(nullptr) : Json(facts.responder)}};
  std::string status = "none";
  if (facts.found && facts.signature_error.empty()) {
    status = facts.cert_status == V_OCSP_CERTSTATUS_GOOD      ? "good"
             : facts.cert_status == V_OCSP_CERTSTATUS_REVOKED ? "revoked"
                                                              : "unknown";
  }
  j["status"] = status;
  j["this_update"] = facts.found ? Json(seckit::out::rfc3339(facts.this_update)) : Json(nullptr);
  j["next_update"] =
      facts.next_update ? Json(seckit::out::rfc3339(*facts.next_update)) : Json(nullptr);
  j["verdict"] = !judged.findings.empty()       ? "fail"
                 : !judged.inconclusive.empty() ? "inconclusive"
                                                : "pass";
  if (!judged.inconclusive.empty()) j["missing"] = judged.inconclusive;
  return j;
}

std::vector<std::string> ocsp_urls(X509* cert) {
  std::vector<std::string> urls;
  STACK_OF(OPENSSL_STRING)* list = X509_get1_ocsp(cert);
  for (int i = 0; list && i < sk_OPENSSL_STRING_num(list); ++i) {
    urls.emplace_back(sk_OPENSSL_STRING_value(list, i));
  }
  X509_email_free(list);
  return urls;
}

OcspFacts ask_responder(const OcspQuery& q, const std::string& url) {
  OcspFacts facts;
  facts.responder = url;
  RequestPtr request(OCSP_REQUEST_new());
  OCSP_CERTID* id = cert_id(q).release();  // the request owns it once added
  if (!request || !id || !OCSP_request_add0_id(request.get(), id)) {
    OCSP_CERTID_free(id);
    facts.transport_error = "cannot build the request: " + openssl_reason("OCSP_request_add0_id");
    return facts;
  }
  OCSP_request_add1_nonce(request.get(), nullptr, -1);
  char* host = nullptr;
  char* port = nullptr;
  char* path = nullptr;
  int use_ssl = 0;
  if (!OSSL_HTTP_parse_url(url.c_str(), &use_ssl, nullptr, &host, &port, nullptr, &path, nullptr,
                           nullptr)) {
    ERR_clear_error();
    facts.transport_error = fmt::format("{} is not an http URL", url);
    return facts;
  }
  StringPtr host_owner(host);
  StringPtr port_owner(port);
  StringPtr path_owner(path);
  seckit::crypto::BioPtr body(BIO_new(BIO_s_mem()));
  i2d_OCSP_REQUEST_bio(body.get(), request.get());
  ERR_clear_error();
  seckit::crypto::BioPtr answer(
      OSSL_HTTP_transfer(nullptr, host, port, path, use_ssl, nullptr, nullptr, nullptr, nullptr,
                         nullptr, nullptr, 0, nullptr, "application/ocsp-request", body.get(),
                         "application/ocsp-response", 1, kMaxResponseBytes, q.timeout_seconds, 0));
  if (!answer) {
    facts.transport_error = fmt::format("responder {} unreachable or no OCSP response ({})", url,
                                        openssl_reason("no answer"));
    return facts;
  }
  ResponsePtr response(d2i_OCSP_RESPONSE_bio(answer.get(), nullptr));
  if (!response) {
    facts.transport_error = fmt::format("responder {} sent no DER OCSPResponse", url);
    ERR_clear_error();
    return facts;
  }
  examine(q, response.get(), request.get(), facts);
  return facts;
}

OcspFacts examine_stapled(const OcspQuery& q, const std::vector<std::uint8_t>& der) {
  OcspFacts facts;
  facts.responder = "stapled";
  const unsigned char* p = der.data();
  ResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
  if (!response) {
    facts.transport_error = "the stapled OCSP response is not DER";
    ERR_clear_error();
    return facts;
  }
  examine(q, response.get(), nullptr, facts);
  return facts;
}

}  // namespace certcheck
