// What a run saw, and the verdict it supports (issue 15: no pass without evidence). Pure: built
// from counts and input facts, unit-tested without files.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certcheck.hpp"

namespace certcheck {

// The shape of a JSON Lines stream on an input: who wrote it, whether it is whole, and what it
// held besides certificates (so "0 certificates read" can say why and how to get them).
struct StreamFacts {
  std::string producer;  // begin.data.tool, "" when the stream has no begin record
  bool has_begin = false;
  bool has_summary = false;
  std::size_t records = 0;
  std::size_t certificate_records = 0;
  std::size_t undecrypted_tls = 0;      // tls_session records with decrypted:false
  std::size_t encrypted_ike = 0;        // ike_message records encrypted and not decrypted
  std::optional<std::size_t> cut_line;  // last line unterminated and not JSON: cut short there
  std::size_t complete_bytes = 0;       // bytes up to the cut (the whole text when not cut)
  // The producer stopped before its summary: records after the cut were never written.
  bool cut_short() const { return cut_line.has_value() || (has_begin && !has_summary); }
};
StreamFacts inspect_json_stream(std::string_view text);

// One input as the reason text needs it.
struct InputFacts {
  std::string name;  // "-" or a path
  bool empty = false;
  bool json = false;
  std::size_t certificates = 0;
  StreamFacts stream;
};

struct RunTally {
  std::size_t read = 0;            // certificates loaded
  std::size_t checked = 0;         // certificates checked (leaves and issuers)
  std::size_t leaves_checked = 0;  // end entities checked (profile, name, EKU checks)
  std::size_t skipped = 0;         // certificates outside the role: not checked
  std::size_t files_skipped = 0;   // directory entries that hold no certificate
  std::size_t duplicates = 0;      // -r: certificates already seen (same SHA-256), not rechecked
  std::size_t errors = 0;          // error findings
  bool key_checked = false;        // --key compared with a certificate
  std::vector<InputFacts> inputs;
  std::map<std::string, std::size_t, std::less<>> profile_uses;  // name -> leaves checked
  std::vector<std::string> skip_reasons;                         // distinct
  std::size_t ocsp_inconclusive = 0;  // --ocsp: leaves without an OCSP answer either way
  std::string ocsp_first_reason;      // what the first of them lacked
};

// Something the user supplied that was applied to no certificate: named in a finding.
struct UnusedOption {
  std::string option;  // "--profile", "--host", "--ip", "--require-eku", "--key"
  std::string value;
};
std::vector<UnusedOption> unused_options(const RunTally& tally, const CheckOptions& options);
Finding unused_option_finding(const UnusedOption& unused, const RunTally& tally);

// pass only when at least one certificate was checked and nothing asked for went unchecked;
// fail on any error finding (fail wins); inconclusive otherwise, with what was missing.
seckit::out::Conclusion decide(const RunTally& tally, const CheckOptions& options);

}  // namespace certcheck
