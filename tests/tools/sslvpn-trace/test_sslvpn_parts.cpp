// sslvpn-trace parts: CSTP framing, the config-auth XML reader and the header model. Expected
// values are written from the protocol descriptions (openconnect's and Cisco's documented
// config-auth documents, the CSTP header layout), not produced by this code.
#include <catch2/catch.hpp>
#include <string>

#include "config_auth.hpp"
#include "cstp.hpp"
#include "headers.hpp"
#include "records.hpp"

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
  const Json& j = *r;
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
  const Json& j = *r;
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
    const Json& j = *r;
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
    CHECK((*r)["session_token"] == "AB12CD34");
    CHECK((*r)["session_id"] == "32768");
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
  if (r.ok()) CHECK((*r).value("group_select", "").find("root") == std::string::npos);
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
