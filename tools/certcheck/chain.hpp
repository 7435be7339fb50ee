// The trust side of chain verification, built once per run so that each leaf costs one chain
// build: the X509_STORE (--ca-file, --ca-dir, CRLs) and the candidate issuers from the inputs,
// indexed by subject name.
#pragma once

#include <openssl/x509_vfy.h>

#include <cstddef>
#include <memory>
#include <unordered_map>
#include <vector>

#include "certcheck.hpp"
#include "seckit/crypto.hpp"

namespace certcheck {

// Certificates that may issue others (OpenSSL's X509_check_ca: CA:TRUE, a v1 root, keyCertSign),
// keyed by the hash of their canonical subject name, the form X509_check_issued compares. A leaf
// is offered only the certificates whose subject is its issuer's name, and theirs in turn, so
// each chain build looks at a handful of candidates however many certificates the run holds.
// (Key identifiers narrow further; X509_check_issued compares them on these few candidates.)
class IssuerIndex {
 public:
  // Takes its own reference. False (and nothing kept) for non-CA certificates and duplicates.
  bool add(X509* cert);
  // Appends to `out` the candidate issuers of `cert`, of those, and so on up to `max_levels`
  // levels, each at most once (by identity: `out` may already hold some).
  void collect(X509* cert, int max_levels, std::vector<X509*>& out) const;
  std::size_t size() const { return size_; }

 private:
  std::unordered_multimap<unsigned long, seckit::crypto::X509Ptr> by_subject_;
  std::size_t size_ = 0;
};

// Whether OpenSSL would accept `cert` as an issuer (X509_check_ca != 0).
bool may_issue(X509* cert);

class TrustStore {
 public:
  // Loads --ca-file / --ca-dir and the CRLs once; bad files are input errors (exit 2).
  explicit TrustStore(const CheckOptions& options);
  X509_STORE* get() const { return store_.get(); }
  // The same anchors without certcheck's error-collecting callback (which accepts everything
  // to report every problem): OCSP_basic_verify must see a failed signer chain fail. Null
  // unless --ocsp.
  X509_STORE* ocsp_store() const { return ocsp_store_.get(); }

 private:
  using StorePtr = std::unique_ptr<X509_STORE, seckit::crypto::Deleter<X509_STORE_free>>;
  StorePtr store_;
  StorePtr ocsp_store_;
};

// Builds and verifies the chain of `leaf` with `candidates` as untrusted intermediates; findings
// per element and (in `chain_info`) the chain and its effective EKU.
// `issuer`, when given, receives the leaf's issuer on the chain built (null when there is none).
// `issuers_seen` (null: none kept) limits each issuer's --strict findings to one per run.
std::vector<Finding> check_chain(const seckit::x509::Certificate& leaf,
                                 const std::vector<X509*>& candidates, const TrustStore& trust,
                                 const CheckOptions& options, Json* chain_info,
                                 seckit::crypto::X509Ptr* issuer = nullptr,
                                 StrictIssuersSeen* issuers_seen = nullptr);

}  // namespace certcheck
