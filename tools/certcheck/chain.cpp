// Candidate issuers by subject name (see chain.hpp).
#include "chain.hpp"

#include <openssl/x509v3.h>

#include <algorithm>

namespace certcheck {
namespace {

// The key X509_check_issued's name comparison agrees with: a hash of the canonical encoding.
// A collision only offers an extra candidate, which the chain builder then rejects.
unsigned long name_key(const X509_NAME* name) {
  int ok = 0;
  unsigned long h = X509_NAME_hash_ex(name, nullptr, nullptr, &ok);
  return ok ? h : 0;
}

}  // namespace

bool may_issue(X509* cert) { return X509_check_ca(cert) != 0; }

bool IssuerIndex::add(X509* cert) {
  if (!may_issue(cert)) return false;
  unsigned long key = name_key(X509_get_subject_name(cert));
  auto [first, last] = by_subject_.equal_range(key);
  for (auto it = first; it != last; ++it) {
    if (X509_cmp(it->second.get(), cert) == 0) return false;
  }
  X509_up_ref(cert);
  by_subject_.emplace(key, seckit::crypto::X509Ptr(cert));
  ++size_;
  return true;
}

void IssuerIndex::collect(X509* cert, int max_levels, std::vector<X509*>& out) const {
  std::vector<X509*> level{cert};
  for (int depth = 0; depth < max_levels && !level.empty(); ++depth) {
    std::vector<X509*> next;
    for (X509* child : level) {
      auto [first, last] = by_subject_.equal_range(name_key(X509_get_issuer_name(child)));
      for (auto it = first; it != last; ++it) {
        X509* candidate = it->second.get();
        if (candidate == cert || std::find(out.begin(), out.end(), candidate) != out.end()) {
          continue;
        }
        out.push_back(candidate);
        next.push_back(candidate);
      }
    }
    level = std::move(next);
  }
}

}  // namespace certcheck
