#include <catch2/catch.hpp>
#include <cerrno>
#include <sstream>
#include <streambuf>

#include "seckit/error.hpp"
#include "seckit/out.hpp"

using namespace seckit::out;

namespace {
std::vector<Json> lines_of(const std::string& text) {
  std::vector<Json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(Json::parse(line));
  return out;
}
}  // namespace

TEST_CASE("the JSON stream opens with begin and closes with summary", "[out]") {
  std::ostringstream sink;
  Emitter e(sink, true, "otpgen");
  e.begin(Json{{"files", {"a"}}});
  e.record("otp_code", Json{{"code", "123456"}});
  e.finding(Finding{"reused", Severity::kError, "code was already used"});
  Conclusion conclusion;
  conclusion.fail();
  int rc = e.conclude(conclusion, Json{{"codes", 1}});
  CHECK(rc == 1);
  auto lines = lines_of(sink.str());
  REQUIRE(lines.size() == 4);
  CHECK(lines[0]["type"] == "begin");
  CHECK(lines[0]["data"]["tool"] == "otpgen");
  CHECK(lines[0]["data"]["schema"] == kSchemaVersion);
  CHECK(lines[1]["type"] == "otp_code");
  CHECK(lines[2]["data"]["code"] == "reused");
  CHECK(lines[2]["data"]["severity"] == "error");
  CHECK(lines[3]["type"] == "summary");
  CHECK(lines[3]["data"]["exit_code"] == 1);
  CHECK(lines[3]["data"]["verdict"] == "fail");
  CHECK(lines[3]["data"]["counts"]["codes"] == 1);
  CHECK(lines[3]["data"]["findings"]["error"] == 1);
  // "type" comes before "data" on every line (ordered_json), as jq users expect to read it.
  CHECK(sink.str().rfind("{\"type\":", 0) == 0);
}

TEST_CASE("a run that aborts after begin still closes its stream with a summary", "[out]") {
  std::ostringstream sink;
  Emitter e(sink, true, "cbaudit");
  e.close_after_error(2, "x.pcap", "not a capture");  // before begin: nothing to close
  CHECK(sink.str().empty());
  e.begin();
  e.finding(Finding{"weak", Severity::kWarning, "weak"});
  e.close_after_error(3, "connect", "refused");
  e.close_after_error(3, "connect", "refused");  // once only
  auto lines = lines_of(sink.str());
  REQUIRE(lines.size() == 3);
  CHECK(lines[2]["type"] == "summary");
  CHECK(lines[2]["data"]["verdict"] == "error");
  CHECK(lines[2]["data"]["exit_code"] == 3);
  CHECK(lines[2]["data"]["error"]["context"] == "connect");
  CHECK(lines[2]["data"]["error"]["message"] == "refused");
  CHECK(lines[2]["data"]["findings"]["warning"] == 1);
  // After a regular summary an abort adds nothing.
  std::ostringstream sink2;
  Emitter e2(sink2, true, "cbaudit");
  e2.begin();
  e2.conclude(Conclusion{});
  e2.close_after_error(2, "late", "error");
  CHECK(lines_of(sink2.str()).size() == 2);
}

TEST_CASE("text mode writes no records", "[out]") {
  std::ostringstream sink;
  Emitter e(sink, false, "x");
  e.begin();
  e.record("thing", Json{{"a", 1}});
  e.line("hello");
  e.conclude(Conclusion{});  // a pass has no reason to print
  CHECK(sink.str() == "hello\n");
}

// Cases from RFC 3629 section 3 and Markus Kuhn's UTF-8 decoder stress test.
TEST_CASE("utf-8 validation follows RFC 3629", "[out]") {
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4"));  // 한국어
  CHECK(is_valid_utf8("\xf0\x9f\x94\x92"));                      // U+1F512
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));                        // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));                    // surrogate D800
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));                // > U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));                        // truncated
  CHECK_FALSE(is_valid_utf8("\xff"));
}

TEST_CASE("wire text is text when valid utf-8, else base64 bytes", "[out]") {
  CHECK(wire_text(std::string_view("GET /")) == Json{{"text", "GET /"}});
  CHECK(wire_text(std::string_view("\xff\x00", 2)) == Json{{"bytes", "/wA="}});
}

TEST_CASE("a record with invalid utf-8 in a string does not throw", "[out]") {
  std::ostringstream sink;
  Emitter e(sink, true, "x");
  REQUIRE_NOTHROW(e.record("weird", Json{{"name", std::string("ab\xff")}}));
  auto lines = lines_of(sink.str());
  CHECK(lines.at(0)["data"]["name"] == "ab\xef\xbf\xbd");  // U+FFFD replacement
}

TEST_CASE("rfc3339 renders UTC with microseconds", "[out]") {
  // `date -u -d @1234567890 +%Y-%m-%dT%H:%M:%S` prints 2009-02-13T23:31:30
  CHECK(rfc3339(1234567890, 42) == "2009-02-13T23:31:30.000042Z");
  // Past 2038 (64-bit time_t): `date -u -d @4102444800` is 2100-01-01.
  CHECK(rfc3339(4102444800) == "2100-01-01T00:00:00.000000Z");
}

TEST_CASE("key-value blocks align their values", "[out]") {
  KeyValue kv;
  kv.add("subject", "CN=a").add("days left", "12");
  CHECK(kv.render(2) == "  subject:    CN=a\n  days left:  12\n");
}

TEST_CASE("only a pass exits 0: inconclusive exits 4 and a failure wins over missing evidence",
          "[out][verdict]") {
  Conclusion nothing_seen;
  nothing_seen.inconclusive("no-certificates", "0 certificates read");
  CHECK(nothing_seen.verdict == Verdict::kInconclusive);
  CHECK(nothing_seen.exit_code() == 4);

  Conclusion partly_failed;
  partly_failed.fail();
  partly_failed.inconclusive("undecrypted", "2 sessions not decrypted");
  CHECK(partly_failed.verdict == Verdict::kFail);
  CHECK(partly_failed.exit_code() == 1);
  CHECK(partly_failed.reasons.size() == 1);

  CHECK(Conclusion{}.exit_code() == 0);
}

TEST_CASE("the summary carries verdict and reasons; text mode ends with the reason", "[out]") {
  Conclusion c;
  c.inconclusive("no-certificates", "0 certificates read: pipe certificate records in");
  std::ostringstream json_sink;
  Emitter json(json_sink, true, "certcheck");
  json.begin();
  CHECK(json.conclude(c, {{"certificates", 0}}, {{"level", "none"}}) == 4);
  auto lines = lines_of(json_sink.str());
  const auto& data = lines.back()["data"];
  CHECK(lines.back()["type"] == "summary");
  CHECK(data["verdict"] == "inconclusive");
  CHECK(data["reasons"][0]["code"] == "no-certificates");
  CHECK(data["level"] == "none");
  CHECK(data["exit_code"] == 4);

  std::ostringstream text_sink;
  Emitter text(text_sink, false, "certcheck");
  text.conclude(c);
  CHECK(text_sink.str() == "inconclusive: 0 certificates read: pipe certificate records in\n");
}

namespace {
// A stream buffer that refuses every write, the way a full disk does (errno ENOSPC).
class FullDisk : public std::streambuf {
 protected:
  int_type overflow(int_type /*ch*/) override {
    errno = ENOSPC;
    return traits_type::eof();
  }
  std::streamsize xsputn(const char* /*s*/, std::streamsize /*n*/) override {
    errno = ENOSPC;
    return 0;
  }
};
}  // namespace

TEST_CASE("a record that cannot be written is an environment error, not a silent success",
          "[out]") {
  FullDisk full;
  std::ostream sink(&full);
  Emitter e(sink, false, "otpgen");
  try {
    e.line("123456");
    FAIL("a write to a full disk went unnoticed");
  } catch (const seckit::ToolError& error) {
    CHECK(error.code() == seckit::kExitEnvironment);
    CHECK(std::string(error.what()).find("No space left on device") != std::string::npos);
  }
}
