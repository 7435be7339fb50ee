// The run's verdict from typed counts (the rules of docs/ikedecode.md, "Verdicts").
#include <catch2/catch.hpp>

#include "ike_verdict.hpp"

using ikedecode::RunEvidence;
using seckit::out::Verdict;

namespace {
std::string codes(const seckit::out::Conclusion& c) {
  std::string out;
  for (const auto& r : c.reasons) out += r.code + " ";
  return out;
}
RunEvidence one_sa(const char* verdict) {
  RunEvidence e;
  e.frames = 6;
  e.ike_messages = 6;
  e.sas = 1;
  std::string v = verdict;
  (v == "established" ? e.established : v == "failed" ? e.failed : e.incomplete) = 1;
  return e;
}
}  // namespace

TEST_CASE("every SA established and nothing missing is a pass", "[ike][verdict]") {
  auto c = ikedecode::conclude_run(one_sa("established"));
  CHECK(c.verdict == Verdict::kPass);
  CHECK(c.exit_code() == 0);
  CHECK(c.reasons.empty());
}

TEST_CASE("no packets, or no IKE, checks nothing and is inconclusive", "[ike][verdict]") {
  RunEvidence empty;
  auto c = ikedecode::conclude_run(empty);
  CHECK(c.verdict == Verdict::kInconclusive);
  CHECK(c.exit_code() == 4);
  CHECK(codes(c) == "no-packets ");
  RunEvidence tls;
  tls.frames = 12;
  c = ikedecode::conclude_run(tls);
  CHECK(codes(c) == "no-ike ");
  CHECK_THAT(c.reasons[0].message, Catch::StartsWith("12 packets read, no IKE message among them"));
}

TEST_CASE("an incomplete SA or a truncated file is inconclusive; a failure still fails",
          "[ike][verdict]") {
  auto e = one_sa("incomplete");
  e.truncated.push_back("x.pcap ends early after frame 3 (truncated dump file)");
  auto c = ikedecode::conclude_run(e);
  CHECK(c.verdict == Verdict::kInconclusive);
  CHECK(codes(c) == "capture-truncated sa-incomplete ");
  e.failed = 1;
  e.sas = 2;
  c = ikedecode::conclude_run(e);
  CHECK(c.verdict == Verdict::kFail);
  CHECK(c.exit_code() == 1);
  CHECK(codes(c) == "ike-sa-failed capture-truncated sa-incomplete ");
}

TEST_CASE("keys that match nothing or fail integrity make an established SA inconclusive",
          "[ike][verdict]") {
  auto e = one_sa("established");
  e.keys.given = true;
  e.keys.entries = 1;
  auto c = ikedecode::conclude_run(e);
  CHECK(codes(c) == "keys-unused ");
  e.keys.matched = 1;
  e.keys.decrypt_failures = 4;
  c = ikedecode::conclude_run(e);
  CHECK(c.verdict == Verdict::kInconclusive);
  CHECK(codes(c) == "decrypt-failed ");
}
