// The Public Suffix List (https://publicsuffix.org/list/), read from the copy Debian's
// `publicsuffix` package installs, for --strict's wildcard rule (BR 3.2.2.6: a wildcard directly
// over a public suffix such as `*.co.uk` is as bad as `*.com`). Only the ICANN section counts:
// the Baseline Requirements tell CAs to consult "ICANN DOMAINS", not "PRIVATE DOMAINS".
// Rules are matched label by label as the list's own algorithm says: normal rules (`co.uk`),
// wildcards (`*.ck`: any one label left of ck) and exceptions (`!www.ck`: not a public suffix
// although a wildcard covers it). Rules written in Unicode (IDN TLDs) are kept as the list spells
// them; certificates carry A-labels (`xn--...`), so those rules do not match and such names fall
// back to the default rule `*` (the last label alone).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace certcheck {

class PublicSuffixList {
 public:
  static constexpr std::string_view kSystemPath = "/usr/share/publicsuffix/public_suffix_list.dat";

  // The rules of the ICANN section of `text` (the .dat format: one rule per line, `//` comments).
  static PublicSuffixList parse(std::string_view text);
  // The list at kSystemPath, read once per process; null when it cannot be read.
  static const PublicSuffixList* system();

  // The public suffix of `domain` (ASCII, compared without case, no trailing dot).
  std::string public_suffix(std::string_view domain) const;
  // Whether `domain` is itself a public suffix (`com`, `co.uk`, `anything.ck`, but not `www.ck`).
  bool is_public_suffix(std::string_view domain) const;
  std::size_t size() const { return rules_.size() + wildcards_.size() + exceptions_.size(); }

 private:
  std::unordered_set<std::string> rules_;       // "co.uk"
  std::unordered_set<std::string> wildcards_;   // "ck" for "*.ck"
  std::unordered_set<std::string> exceptions_;  // "www.ck" for "!www.ck"
};

}  // namespace certcheck
