// The pure verdict decisions of cbaudit pcap and token (issue 15): "ready" (pass) only with every
// authentication classified and at least one seen; a client that would fail wins; otherwise
// inconclusive with a reason that names the option supplying the missing evidence.
#include <catch2/catch.hpp>

#include "commands.hpp"
#include "pcap_audit.hpp"

using namespace cbaudit;
using seckit::out::Verdict;

namespace {
std::vector<std::string> codes(const seckit::out::Conclusion& c) {
  std::vector<std::string> out;
  for (const auto& r : c.reasons) out.push_back(r.code);
  return out;
}
}  // namespace

TEST_CASE("a capture with classified authentications only is ready", "[verdict]") {
  PcapCounts c;
  c.frames = 51;
  c.authentications = 3;
  Readiness r;
  r.clients = 1;
  r.authentications = 3;
  auto v = judge_pcap(c, r, {});
  CHECK(v.verdict == Verdict::kPass);
  CHECK(v.reasons.empty());
  CHECK(readiness_result(v) == ReadinessResult::kReady);
  CHECK(readiness_message(r) == "at Required, 0 of 1 clients would fail");
}

TEST_CASE("a capture without authentication is inconclusive, never ready", "[verdict]") {
  PcapCounts c;
  c.frames = 6;
  auto v = judge_pcap(c, {}, {});
  CHECK(v.verdict == Verdict::kInconclusive);
  CHECK(v.exit_code() == 4);
  REQUIRE(codes(v) == std::vector<std::string>{"no-authentication"});
  CHECK(v.reasons[0].message ==
        "0 NTLM or Kerberos authentications in 6 frames (0 TCP connections, 0 TLS sessions): "
        "nothing to judge");
  CHECK(readiness_message({}) == "at Required: no authenticating client seen");
}

TEST_CASE("opaque Kerberos bindings name --keytab, or the keytab that did not open them",
          "[verdict]") {
  PcapCounts c;
  c.authentications = 3;
  c.opaque_bindings = 3;
  c.first_keytab_note = "wrong key";
  Readiness r;
  r.clients = 1;
  r.undecided = {"kerberos client 10.0.0.5"};
  auto v = judge_pcap(c, r, {});
  CHECK(v.verdict == Verdict::kInconclusive);
  REQUIRE(codes(v) == std::vector<std::string>{"binding-opaque"});
  CHECK(v.reasons[0].message.find("(no keytab given): pass --keytab FILE") != std::string::npos);
  v = judge_pcap(c, r, {"", "http.keytab", false});
  CHECK(v.reasons[0].message.find("--keytab http.keytab did not open them (wrong key)") !=
        std::string::npos);
  CHECK(readiness_message(r) ==
        "at Required, 0 of 1 clients would fail, 1 undecided (kerberos client 10.0.0.5)");
}

TEST_CASE("undecrypted TLS sessions name --keylog and the key log's misses", "[verdict]") {
  PcapCounts c;
  c.authentications = 1;
  c.tls_sessions = 3;
  c.tls_decrypted = 1;
  c.tls_opaque = 2;
  c.tls_no_key = 1;
  c.tls_wrong_key = 1;
  Readiness r;
  r.clients = 1;
  auto v = judge_pcap(c, r, {"keys.log", "", false});
  CHECK(v.verdict == Verdict::kInconclusive);
  REQUIRE(codes(v) == std::vector<std::string>{"tls-not-decrypted"});
  CHECK(v.reasons[0].message ==
        "2 of 3 TLS sessions not decrypted: keys.log has no line for 1; keys.log has a line that "
        "does not decrypt 1; authentications inside them are not seen; pass --keylog FILE "
        "written by the client of this capture");
}

TEST_CASE("a client that would fail fails the run even with evidence missing", "[verdict]") {
  PcapCounts c;
  c.authentications = 2;
  c.opaque_bindings = 1;
  c.truncated = "x.pcap: truncated dump file";
  c.frames = 40;
  Readiness r;
  r.clients = 2;
  r.failing = {"EXAMPLE\\bob from 10.0.0.7"};
  auto v = judge_pcap(c, r, {});
  CHECK(v.verdict == Verdict::kFail);
  CHECK(v.exit_code() == 1);
  CHECK(codes(v) ==
        std::vector<std::string>{"clients-would-fail", "binding-opaque", "capture-truncated"});
  CHECK(v.reasons[0].message ==
        "at Required, 1 of 2 clients (EXAMPLE\\bob from 10.0.0.7) would fail");
  CHECK(readiness_result(v) == ReadinessResult::kClientsWouldFail);
}

TEST_CASE("token verdicts: rejected fails, nothing authenticating is inconclusive", "[verdict]") {
  TokenTally t;
  t.tokens = 2;
  auto v = judge_token(t, Level::kRequired, "");
  CHECK(v.verdict == Verdict::kInconclusive);
  CHECK(codes(v) == std::vector<std::string>{"no-authentication"});
  t.add("accepted", Binding::kValue);
  CHECK(judge_token(t, Level::kRequired, "").verdict == Verdict::kPass);
  t.add("unknown", Binding::kValue);
  v = judge_token(t, Level::kRequired, "");
  CHECK(codes(v) == std::vector<std::string>{"no-expected-binding"});
  t.add("rejected", Binding::kNone);
  v = judge_token(t, Level::kRequired, "");
  CHECK(v.verdict == Verdict::kFail);
  CHECK(v.reasons[0].message == "1 of 3 authentications would be rejected at required");
  CHECK(judge_token(TokenTally{}, Level::kRequired, "").reasons[0].code == "no-tokens");
}
