// sslvpn-trace parts: CSTP framing, the config-auth XML reader, the header model, the VPN
// markers and the verdict. Expected
// values are written from the protocol descriptions (openconnect's and Cisco's documented
// config-auth documents, the CSTP header layout), not produced by this code.
#include <catch2/catch.hpp>
#include <string>

#include "config_auth.hpp"
#include "cstp.hpp"
#include "gateway.hpp"
#include "headers.hpp"
#include "markers.hpp"
#include "records.hpp"
#include "verdict.hpp"

using namespace sslvpn;
using seckit::bytes::as_bytes;

TEST_CASE("cstp frames split anywhere come out whole and counted per type", "[cstp]") {
  // DPD-REQ (no payload), DATA with 4 bytes, KEEPALIVE, DISCONNECT "\xb0bye".
  std::string wire = std::string("STF\x01\x00\x00\x03\x00", 8) +
                     std::string(
                         "STF\x01\x00\x04\x00\x00"
                         "abcd",
                         12) +
                     std::string("STF\x01\x00\x00\x07\x00", 8) +
                     std::string(
                         "STF\x01\x00\x04\x05\x00\xb0"
                         "bye",
                         12);
  std::vector<std::pair<int, std::string>> got;
  CstpStream stream([&](const CstpPacket& p) {
    got.emplace_back(p.type, std::string(p.payload.begin(), p.payload.end()));
  });
  for (std::size_t i = 0; i < wire.size(); i += 5) {
    stream.feed(as_bytes(std::string_view(wire).substr(i, 5)), 1, 0);
  }
  REQUIRE(got.size() == 4);
  CHECK(got[0].first == kCstpDpdRequest);
  CHECK(got[1] == std::pair<int, std::string>(kCstpData, "abcd"));
  CHECK(got[2].first == kCstpKeepalive);
  CHECK(got[3].first == kCstpDisconnect);
  CHECK(disconnect_reason(as_bytes(got[3].second)) == "bye");
  CHECK(stream.counts().packets[kCstpData] == 1);
  CHECK(stream.counts().bytes[kCstpData] == 4);
  CHECK_FALSE(stream.failed());
  CHECK(cstp_type_name(kCstpTerminate) == "terminate");
  CHECK(cstp_type_name(kCstpCompressed) == "compressed");
  CHECK(cstp_type_name(0x0a) == "type-0x0a");
}

TEST_CASE("cstp stream with a bad magic stops instead of inventing packets", "[cstp]") {
  int n = 0;
  CstpStream stream([&](const CstpPacket&) { ++n; });
  stream.feed(as_bytes(std::string_view("XTF\x01\x00\x00\x03\x00STF\x01\x00\x00\x03\x00", 16)), 1,
              0);
  CHECK(stream.failed());
  CHECK(n == 0);
}

TEST_CASE("cstp over dtls is a type byte and the payload", "[cstp]") {
  CstpPacket p;
  REQUIRE(parse_dtls_cstp(as_bytes(std::string("\x04zz", 3)), p));
  CHECK(p.type == kCstpDpdResponse);
  CHECK(p.payload.size() == 2);
  CHECK_FALSE(parse_dtls_cstp({}, p));
}

TEST_CASE("config-auth init from the client names group access and version", "[xml]") {
  const char* xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<config-auth client="vpn" type="init" aggregate-auth-version="2">
<version who="vpn">v9.01</version>
<device-id>linux-64</device-id>
<group-select>Employees</group-select>
<group-access>https://vpn.example.com/</group-access>
</config-auth>)";
  auto r = parse_config_auth(xml, {});
  REQUIRE(r.ok());
  const Json j = to_json(*r);
  CHECK(j["type"] == "init");
  CHECK(j["client"] == "vpn");
  CHECK(j["aggregate_auth_version"] == "2");
  CHECK(j["version"] == "v9.01");
  CHECK(j["device_id"] == "linux-64");
  CHECK(j["group_select"] == "Employees");
  CHECK(j["group_access"] == "https://vpn.example.com/");
}

TEST_CASE("config-auth auth-request form lists inputs and the group list", "[xml]") {
  const char* xml = R"(<config-auth client="vpn" type="auth-request" aggregate-auth-version="2">
<opaque is-for="sg"><tunnel-group>EMP</tunnel-group><group-alias>Employees</group-alias>
<auth-handle>168</auth-handle></opaque>
<auth id="main"><title>Login</title><message>Please enter your username and password.</message>
<error id="88">Login failed.</error>
<form method="post" action="/auth">
<input type="text" name="username" label="Username:"></input>
<input type="password" name="password" label="Password:" value="hunter2"></input>
<select name="group_list" label="GROUP:"><option value="EMP">Employees</option>
<option value="CON">Contractors</option></select>
</form></auth></config-auth>)";
  auto r = parse_config_auth(xml, {});
  REQUIRE(r.ok());
  const Json j = to_json(*r);
  CHECK(j["tunnel_group"] == "EMP");
  CHECK(j["group_alias"] == "Employees");
  CHECK(j["auth"]["id"] == "main");
  CHECK(j["auth"]["title"] == "Login");
  CHECK(j["auth"]["error"] == "Login failed.");
  CHECK(j["auth"]["error_id"] == "88");
  const Json& inputs = j["auth"]["form"]["inputs"];
  REQUIRE(inputs.size() == 3);
  CHECK(inputs[0]["name"] == "username");
  CHECK(inputs[1]["value"] == "<redacted 7 bytes>");
  CHECK(inputs[2]["options"].size() == 2);
  CHECK(inputs[2]["options"][1]["label"] == "Contractors");
  CHECK(j["auth"]["form"]["action"] == "/auth");
  // The typed model the trace reads: the select is an input of its own type with its choices.
  REQUIRE(r->auth);
  REQUIRE(r->auth->form);
  CHECK(r->auth->form->inputs[2].type == "select");
  CHECK(r->auth->form->inputs[2].options[0].value == "EMP");
  CHECK_FALSE(r->auth->form->inputs[0].value);
  CHECK(r->auth_handle == "<redacted 3 bytes>");
}

TEST_CASE("config-auth complete carries token, cert hash and manifests", "[xml]") {
  const char* xml = R"(<config-auth client="vpn" type="complete" aggregate-auth-version="2">
<session-id>32768</session-id><session-token>AB12CD34</session-token>
<auth id="success"><banner>Welcome</banner></auth>
<config client="vpn" type="private"><vpn-base-config>
<server-cert-hash>0123ABCD</server-cert-hash></vpn-base-config>
<vpn-profile-manifest><vpn rev="1.0"><file type="profile" service-type="user">
<uri>/CACHE/stc/profiles/p.xml</uri><hash type="sha1">F1E2D3</hash></file></vpn>
</vpn-profile-manifest>
<vpn-core-manifest><vpn rev="1.0"><file version="4.10.05095" id="VPNCore" is_core="yes"
type="core" action="install" os="linux-64"><uri>binaries/anyconnect.sh</uri>
<hash type="sha1">AA55</hash></file></vpn></vpn-core-manifest></config></config-auth>)";
  SECTION("secrets redacted") {
    auto r = parse_config_auth(xml, {});
    REQUIRE(r.ok());
    const Json j = to_json(*r);
    CHECK(j["auth"]["id"] == "success");
    CHECK(j["auth"]["banner"] == "Welcome");
    CHECK(j["session_token"] == "<redacted 8 bytes>");
    CHECK(j["session_id"] == "<redacted 5 bytes>");
    CHECK(j["server_cert_hash"] == "0123ABCD");
    REQUIRE(j["profile_manifest"].size() == 1);
    CHECK(j["profile_manifest"][0]["uri"] == "/CACHE/stc/profiles/p.xml");
    CHECK(j["profile_manifest"][0]["hash_type"] == "sha1");
    CHECK(j["profile_manifest"][0]["hash"] == "F1E2D3");
    CHECK(j["profile_manifest"][0]["service_type"] == "user");
    REQUIRE(j["core_manifest"].size() == 1);
    CHECK(j["core_manifest"][0]["version"] == "4.10.05095");
    CHECK(j["core_manifest"][0]["uri"] == "binaries/anyconnect.sh");
  }
  SECTION("secrets shown on request") {
    ConfigAuthOptions o;
    o.show_secrets = true;
    auto r = parse_config_auth(xml, o);
    REQUIRE(r.ok());
    CHECK(r->session_token == "AB12CD34");
    CHECK(r->session_id == "32768");
  }
}

TEST_CASE("config-auth reader rejects garbage and other roots", "[xml]") {
  CHECK_FALSE(parse_config_auth("", {}).ok());
  CHECK_FALSE(parse_config_auth("<config-auth><unclosed>", {}).ok());
  CHECK_FALSE(parse_config_auth("<html><body>hi</body></html>", {}).ok());
  CHECK_FALSE(parse_config_auth(std::string(100, '\0'), {}).ok());
  // An external entity is neither fetched nor expanded.
  auto r = parse_config_auth(
      "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
      "<config-auth type=\"init\"><group-select>&e;</group-select></config-auth>",
      {});
  if (r.ok()) CHECK(r->group_select.value_or("").find("root") == std::string::npos);
}

TEST_CASE("header model redacts secrets and keeps cookie names", "[headers]") {
  CHECK(shown_header_value("X-DTLS-Master-Secret", "00112233", false) == "<redacted 8 bytes>");
  CHECK(shown_header_value("X-DTLS-Master-Secret", "00112233", true) == "00112233");
  CHECK(shown_header_value("Cookie", "webvpn=ABC; other=1", false) ==
        "webvpn=<redacted 3 bytes>; other=<redacted 1 bytes>");
  CHECK(shown_header_value("Set-Cookie", "webvpn=XY; path=/; Secure", false) ==
        "webvpn=<redacted 2 bytes>; path=/; Secure");
  CHECK(shown_header_value("Authorization", "Basic dXNlcjpwYXNz", false) ==
        "Basic <redacted 12 bytes>");
  CHECK(shown_header_value("X-CSTP-MTU", "1399", false) == "1399");
}

TEST_CASE("tunnel parameters come from the CONNECT answer", "[headers]") {
  seckit::http::Message req, resp;
  req.is_request = true;
  req.method = "CONNECT";
  req.headers = {{"X-DTLS-CipherSuite", "PSK-NEGOTIATE:AES128-SHA"},
                 {"X-DTLS-Master-Secret", "AA"},
                 {"X-CSTP-MTU", "1399"}};
  resp.is_request = false;
  resp.status = 200;
  resp.request_method = "CONNECT";
  resp.headers = {{"X-CSTP-Address", "192.0.2.10"},
                  {"X-CSTP-MTU", "1406"},
                  {"X-DTLS-MTU", "1390"},
                  {"X-DTLS-Port", "443"},
                  {"X-CSTP-Split-Include", "10.0.0.0/255.0.0.0"},
                  {"X-CSTP-Split-Include", "172.16.0.0/255.240.0.0"},
                  {"X-CSTP-DPD", "30"},
                  {"X-DTLS-CipherSuite", "AES128-SHA"}};
  Json p = tunnel_parameters(req, resp);
  CHECK(p["address"] == "192.0.2.10");
  CHECK(p["cstp_mtu"] == 1406);
  CHECK(p["dtls_mtu"] == 1390);
  CHECK(p["dtls_port"] == 443);
  CHECK(p["dpd"] == 30);
  CHECK(p["split_include"].size() == 2);
  CHECK(p["dtls_cipher_suite"] == "AES128-SHA");
  CHECK(p["client_offered"]["cstp_mtu"] == 1399);
  CHECK(p["client_offered"]["dtls_master_secret_sent"] == true);
  Json h = tunnel_headers_json(resp, false);
  CHECK(h["X-CSTP-Split-Include"].size() == 2);
  CHECK(tunnel_headers_json(req, false)["X-DTLS-Master-Secret"] == "<redacted 2 bytes>");
}

TEST_CASE("dtls record headers are read from a datagram", "[records]") {
  // A Cisco DTLS 0x0100 ClientHello record header followed by a truncated second header.
  std::string d(
      "\x16\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x01\x00"
      "\x17\xfe\xfd\x00\x01",
      20);
  auto h = dtls_record_headers(as_bytes(d));
  REQUIRE(h.size() == 1);
  CHECK(h[0].type == 22);
  CHECK(h[0].version == 0x0100);
  CHECK(h[0].epoch == 0);
  CHECK(h[0].length == 2);
  CHECK(h[0].first_byte == 1);
}

TEST_CASE("dtls retry pattern names a doubling timer", "[records]") {
  // RFC 6347 4.2.4.1: an initial timer of 1 s, doubled at each retransmission.
  CHECK(dtls_retry_pattern({}) == "single attempt");
  CHECK(dtls_retry_pattern({1.0, 2.0, 4.0, 8.0}) == "exponential backoff from 1 s");
  CHECK(dtls_retry_pattern({1.1, 1.9, 4.2}) == "exponential backoff from 1 s");
  CHECK(dtls_retry_pattern({3.0, 3.0, 3.0}) == "irregular");
  CHECK(dtls_retry_pattern({1.0, 1.0}) == "irregular");
}

TEST_CASE("tls record scanner reports headers split across chunks", "[records]") {
  std::string s("\x16\x03\x03\x00\x02\x01\x00\x17\x03\x03\x00\x01\x41", 13);
  TlsRecordScanner scan;
  std::vector<RecordHeader> got;
  for (char c : s) {
    std::string one(1, c);
    scan.feed(as_bytes(one), 0, [&](const RecordHeader& h) { got.push_back(h); });
  }
  REQUIRE(got.size() == 2);
  CHECK(got[0].type == 22);
  CHECK(got[0].first_byte == 1);
  CHECK(got[1].type == 23);
  CHECK(got[1].length == 1);
  scan.feed(as_bytes("GET / HTTP/1.1"), 0, [&](const RecordHeader& h) { got.push_back(h); });
  CHECK(scan.stopped());
}

// --- What makes an exchange AnyConnect/OpenConnect traffic (markers.hpp) ----------------------

namespace {
seckit::http::Message request(std::string method, std::string target,
                              std::vector<seckit::http::Header> headers = {},
                              std::string body = {}) {
  seckit::http::Message m;
  m.method = std::move(method);
  m.target = std::move(target);
  m.headers = std::move(headers);
  m.body = std::move(body);
  return m;
}
seckit::http::Message response(int status, std::vector<seckit::http::Header> headers = {},
                               std::string body = {}) {
  seckit::http::Message m;
  m.is_request = false;
  m.status = status;
  m.headers = std::move(headers);
  m.body = std::move(body);
  return m;
}
}  // namespace

TEST_CASE("plain https with ntlm shows no anyconnect marker", "[markers]") {
  // Exchange Web Services behind NTLM: the 401 challenge and the authenticated GET.
  auto get = request("GET", "/ews/", {{"Authorization", "NTLM TlRMTVNTUAABAAAAB4IIog=="}});
  auto challenge = response(401, {{"WWW-Authenticate", "NTLM"}, {"Set-Cookie", "session=1"}});
  CHECK(vpn_marker(get, challenge, {}).empty());
  CHECK(vpn_marker(request("GET", "/"), response(200), {"/profiles/a.xml"}).empty());
  // A cookie merely containing "webvpn" further in its name is not AnyConnect's.
  CHECK(vpn_marker(request("GET", "/", {{"Cookie", "mywebvpn=1"}}), response(200), {}).empty());
}

TEST_CASE("anyconnect exchanges are recognised by each documented marker", "[markers]") {
  CHECK(vpn_marker(request("CONNECT", "/CSCOSSLC/tunnel"), response(200), {}) == "tunnel-connect");
  CHECK(vpn_marker(request("POST", "/", {},
                           "<?xml version=\"1.0\"?>\n<config-auth client=\"vpn\" type=\"init\">"),
                   response(200), {}) == "config-auth");
  CHECK(vpn_marker(request("POST", "/", {{"X-Aggregate-Auth", "1"}}), response(200), {}) ==
        "tunnel-headers");
  CHECK(vpn_marker(request("GET", "/"), response(200, {{"x-cstp-mtu", "1399"}}), {}) ==
        "tunnel-headers");
  CHECK(vpn_marker(request("GET", "/x", {{"Cookie", "a=1; webvpn=ABC"}}), response(200), {}) ==
        "webvpn-cookie");
  CHECK(vpn_marker(request("GET", "/"), response(200, {{"Set-Cookie", "webvpnc=; path=/"}}), {}) ==
        "webvpn-cookie");
  CHECK(vpn_marker(request("GET", "/CACHE/stc/profiles/profile.xml"), response(200), {}) ==
        "download-path");
  CHECK(vpn_marker(request("GET", "/+CSCOE+/sdesktop/token.xml"), response(404), {}) ==
        "download-path");
  // ocserv announces /profiles/NAME; openconnect requests /profiles%2FNAME.
  CHECK(vpn_marker(request("GET", "/profiles%2Fuser.xml"), response(200), {"/profiles/user.xml"}) ==
        "download-path");
}

// --- The verdict (verdict.hpp) ----------------------------------------------------------------

namespace {
VerdictFacts vpn_facts() {
  VerdictFacts f;
  f.frames = 40;
  f.tls_sessions = 1;
  f.vpn_sessions = 1;
  return f;
}
}  // namespace

TEST_CASE("an empty or irrelevant capture is inconclusive, never a pass", "[verdict]") {
  VerdictFacts empty;
  auto j = judge(empty);
  CHECK(j.outcome == "no-vpn-traffic");
  CHECK(j.conclusion.verdict == seckit::out::Verdict::kInconclusive);
  CHECK(j.conclusion.exit_code() == 4);
  REQUIRE(j.conclusion.reasons.size() == 1);
  CHECK(j.conclusion.reasons[0].message == "the capture holds no packets: nothing to judge");

  VerdictFacts https;
  https.frames = 68;
  https.tls_sessions = 3;
  https.decrypted_sessions = 3;
  https.other_decrypted_sessions = 3;
  j = judge(https);
  CHECK(j.outcome == "not-vpn");
  CHECK(j.conclusion.verdict == seckit::out::Verdict::kInconclusive);
  CHECK(j.conclusion.reasons[0].message.find("not an SSL VPN session") != std::string::npos);
}

TEST_CASE("a tunnel passes, a refused login fails, a cut capture is incomplete", "[verdict]") {
  auto f = vpn_facts();
  f.decrypted_vpn_sessions = 1;
  f.tunnel_up = true;
  f.dtls_established = true;
  CHECK(judge(f).outcome == "connected-dtls");
  CHECK(judge(f).conclusion.verdict == seckit::out::Verdict::kPass);

  f = vpn_facts();
  f.decrypted_vpn_sessions = 1;
  f.auth_failed = true;
  f.error_findings = 1;
  CHECK(judge(f).outcome == "auth-failed");
  CHECK(judge(f).conclusion.exit_code() == 1);

  f = vpn_facts();
  f.decrypted_vpn_sessions = 1;
  f.unanswered_requests = 1;
  auto j = judge(f);
  CHECK(j.outcome == "incomplete");
  CHECK(j.conclusion.exit_code() == 4);
  CHECK(j.conclusion.reasons[0].message.find("1 request unanswered") != std::string::npos);
}

TEST_CASE("without plaintext only dtls proves the tunnel", "[verdict]") {
  auto f = vpn_facts();
  CHECK(judge(f).outcome == "opaque");
  CHECK(judge(f).conclusion.verdict == seckit::out::Verdict::kInconclusive);
  CHECK(judge(f).conclusion.reasons[0].message.find("--keylog FILE") != std::string::npos);
  f.dtls_flows = 1;
  f.dtls_blocked = true;
  CHECK(judge(f).outcome == "dtls-blocked");
  CHECK(judge(f).conclusion.verdict == seckit::out::Verdict::kPass);
}

TEST_CASE("a key log that matches nothing keeps the run from passing", "[verdict]") {
  auto f = vpn_facts();
  f.dtls_flows = 1;
  f.dtls_established = true;
  f.keylog_given = true;
  f.keylog_matched_nothing = true;
  f.keylog_path = "other.keylog";
  auto j = judge(f);
  CHECK(j.outcome == "dtls-seen");
  CHECK(j.conclusion.verdict == seckit::out::Verdict::kInconclusive);
  REQUIRE(j.conclusion.reasons.size() == 1);
  CHECK(j.conclusion.reasons[0].code == "keylog-mismatch");
  // A failure found on the evidence stands.
  f.error_findings = 1;
  CHECK(judge(f).conclusion.verdict == seckit::out::Verdict::kFail);
}

// --- Which server is the gateway (gateway.hpp) ------------------------------------------------

namespace {
ServerEvidence server(std::string address) {
  ServerEvidence s;
  s.server = address + ":443";
  s.address = std::move(address);
  s.sessions = {1};
  return s;
}
}  // namespace

TEST_CASE("dtls to a server's address makes it the gateway, weak clues alone do not", "[gateway]") {
  auto vpn = server("10.252.0.2");
  vpn.names = {"vpn.example.com"};
  vpn.dtls.push_back({3, "10.252.0.1", "psk-negotiate", true, false});
  auto chat = server("10.252.0.4");
  chat.cstp_like_session = 1;
  chat.cstp_like_duration = 11.5;
  chat.cstp_like_small_records = 40;
  auto web = server("10.252.0.3");
  web.sessions = {4, 5, 6};
  web.sequential_sessions = 3;
  auto decisions = identify_gateways({vpn, chat, web}, {});
  REQUIRE(decisions.size() == 3);
  CHECK(decisions[0].gateway);
  CHECK(decisions[0].confidence == "high");
  CHECK(decisions[0].evidence.at(0).kind == "dtls");
  CHECK_FALSE(decisions[1].gateway);
  CHECK(decisions[1].confidence == "low");
  CHECK_FALSE(decisions[2].gateway);
}

TEST_CASE("with --gateway only a matching name or plaintext makes a gateway", "[gateway]") {
  auto vpn = server("10.252.0.2");
  vpn.names = {"vpn.example.com"};
  vpn.dtls.push_back({3, "10.252.0.1", "dtls1.0", true, false});
  CHECK(identify_gateways({vpn}, {"VPN.example.com"})[0].gateway);
  CHECK(identify_gateways({vpn}, {"10.252.0.2"})[0].gateway);
  CHECK_FALSE(identify_gateways({vpn}, {"vpn.wrong.example"})[0].gateway);
  // Plaintext without any marker rules a server out, whatever else it shows.
  vpn.decrypted_without_marker = 2;
  CHECK_FALSE(identify_gateways({vpn}, {})[0].gateway);
}

TEST_CASE("gateway names compare like certificate host names", "[gateway]") {
  CHECK(gateway_name_matches("vpn.example.com", "VPN.Example.COM"));
  CHECK(gateway_name_matches("vpn.example.com", "*.example.com"));
  CHECK_FALSE(gateway_name_matches("a.vpn.example.com", "*.example.com"));
  CHECK_FALSE(gateway_name_matches("example.com", "*.example.com"));
  CHECK_FALSE(gateway_name_matches("vpn.example.com", "web.example.org"));
}
