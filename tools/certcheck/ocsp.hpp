// Online revocation (RFC 6960): --ocsp asks the responder a certificate names in its AIA (or
// --ocsp-url), and with --connect first reads the response the server stapled (RFC 6066
// status_request). What came back is reduced to plain facts, then judged by a pure function:
// revoked, a bad signature or an unauthorised signer, a stale or premature response and a
// responder error are failures; no answer (unreachable, no URL, no issuer) and "unknown" give
// no evidence either way, so the run is inconclusive, never a pass.
#pragma once

#include <openssl/ocsp.h>
#include <openssl/x509_vfy.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "certcheck.hpp"

namespace certcheck {

// What one OCSP exchange established.
struct OcspFacts {
  std::string responder;        // the URL asked, or "stapled"
  std::string transport_error;  // non-empty: there is no response (and why)
  int response_status = OCSP_RESPONSE_STATUS_SUCCESSFUL;  // RFC 6960 4.2.1
  std::string signature_error;  // non-empty: OCSP_basic_verify refused signature or signer
  bool nonce_mismatch = false;  // the response echoes a different nonce
  bool found = false;           // it holds a SingleResponse for the certificate asked about
  int cert_status = V_OCSP_CERTSTATUS_UNKNOWN;
  int reason = -1;  // CRLReason of a revocation, -1 when absent
  std::int64_t revoked_at = 0;
  std::int64_t this_update = 0;
  std::optional<std::int64_t> next_update;
};

struct OcspJudgement {
  std::vector<Finding> findings;
  std::string inconclusive;  // non-empty: what is missing, and how to supply it
};

// RFC 6960 4.2.2.1 / 5019 4: thisUpdate must not be in the future and nextUpdate (when given)
// not in the past, each with `leeway` seconds for clock skew (openssl ocsp's -validity_period
// default is 5 minutes).
OcspJudgement judge_ocsp(const OcspFacts& facts, std::int64_t now, std::int64_t leeway = 300);

// The `ocsp` object of a leaf's chain record: where the answer came from, what it said, and
// (when inconclusive) what is missing.
Json ocsp_record(const OcspFacts& facts, const OcspJudgement& judged);

// The OCSP URLs of the certificate's authorityInfoAccess, in order.
std::vector<std::string> ocsp_urls(X509* cert);

struct OcspQuery {
  X509* leaf = nullptr;
  X509* issuer = nullptr;
  X509_STORE* store = nullptr;  // trust anchors for the responder's signature, no callback
  int timeout_seconds = 10;
};
// POSTs a request (with a nonce) to `url` and examines the answer.
OcspFacts ask_responder(const OcspQuery& query, const std::string& url);
// Examines a DER OCSPResponse the TLS server stapled (no nonce: the server fetched it earlier).
OcspFacts examine_stapled(const OcspQuery& query, const std::vector<std::uint8_t>& der);

}  // namespace certcheck
