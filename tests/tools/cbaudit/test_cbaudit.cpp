// Unit tests of cbaudit's core. Expected values: MS-NLMP 4.2.4 (NTLMv2 example with
// User/Domain/Password), the SEC_CHANNEL_BINDINGS_RESULT_* values and audit flow of Microsoft's
// "Supporting EPA in a service",
// RFC 4178 / RFC 4120 encodings built by hand.
#include <catch2/catch.hpp>

#include "audit.hpp"
#include "binding.hpp"
#include "ntlm.hpp"
#include "seckit/enc.hpp"
#include "spnego.hpp"
#include "test_support.hpp"
#include "token.hpp"

using namespace cbaudit;

namespace {
using seckit::test::hex;
using seckit::test::to_hex;
}  // namespace

TEST_CASE("NTOWFv2 and NTProofStr match the MS-NLMP 4.2.4 example", "[ntlm]") {
  auto ntowf = ntlm::ntowf_v2("User", "Domain", "Password");
  CHECK(to_hex(ntowf) == "0c868a403bfd7a93a3001ef22ef02e3f");
  // temp = 0101 0000 00000000, time 0, client challenge aa*8, 00000000, AV pairs
  // (NbDomainName "Domain", NbComputerName "Server", EOL), 00000000.
  auto temp =
      hex("0101000000000000"
          "0000000000000000"
          "aaaaaaaaaaaaaaaa"
          "00000000"
          "02000c0044006f006d00610069006e00"
          "01000c00530065007200760065007200"
          "00000000"
          "00000000");
  auto proof = ntlm::nt_proof_str(ntowf, hex("0123456789abcdef"), temp);
  CHECK(to_hex(proof) == "68cd0ab851e51c96aabc927bebef6a1c");
}

TEST_CASE("our AUTHENTICATE parses back with the channel binding we put in", "[ntlm]") {
  ntlm::Message challenge;
  challenge.type = 2;
  challenge.flags = ntlm::kNegotiateUnicode | ntlm::kNegotiateNtlm | ntlm::kNegotiateTargetInfo;
  challenge.server_challenge = hex("0123456789abcdef");
  auto negotiate = ntlm::build_negotiate(false);
  auto cbt = hex("00112233445566778899aabbccddeeff");
  auto auth = ntlm::build_authenticate(negotiate, {}, challenge, {"alice", "EXAMPLE", "pw", "WS"},
                                       cbt, "HTTP/www.example.test")
                  .message;
  auto m = ntlm::parse(auth);
  REQUIRE(m.ok());
  CHECK(m->type == 3);
  CHECK(m->user == "alice");
  CHECK(m->domain == "EXAMPLE");
  CHECK(m->ntlmv2);
  REQUIRE(m->mic);
  auto e = evidence_of(*m);
  CHECK(e.binding == Binding::kValue);
  CHECK(to_hex(e.value) == to_hex(cbt));
  auto none =
      ntlm::parse(ntlm::build_authenticate(negotiate, {}, challenge,
                                           {"alice", "EXAMPLE", "pw", "WS"}, std::nullopt, "")
                      .message);
  REQUIRE(none.ok());
  CHECK(evidence_of(*none).binding == Binding::kNone);
  seckit::bytes::for_each_truncation(auth, [](seckit::bytes::Bytes in) { (void)ntlm::parse(in); });
}

TEST_CASE("the flag values are the Windows SEC_CHANNEL_BINDINGS_RESULT_* constants", "[audit]") {
  CHECK(kClientSupport == 0x01);
  CHECK(kAbsent == 0x02);
  CHECK(kNotValidMismatch == 0x04);
  CHECK(kNotValidMissing == 0x08);
  CHECK(kValidMatched == 0x10);
  CHECK(kValidProxy == 0x20);
  CHECK(kValidMissing == 0x40);
}

TEST_CASE("the audit flow follows Microsoft's EPA guidance at every level", "[audit]") {
  AuditOptions options;
  options.expected = hex("00112233445566778899aabbccddeeff");
  Evidence matched{Binding::kValue, *options.expected};
  Evidence mismatched{Binding::kValue, hex("ffeeddccbbaa99887766554433221100")};
  Evidence zero{Binding::kZero, std::vector<std::uint8_t>(16, 0)};
  Evidence absent{Binding::kNone, {}};

  auto r = classify(matched, Level::kRequired, options);
  CHECK(*r.flags == (kClientSupport | kValidMatched));
  CHECK(r.verdict == "accepted");

  r = classify(mismatched, Level::kAllowed, options);
  CHECK(*r.flags == (kClientSupport | kNotValidMismatch));
  CHECK(r.verdict == "rejected");
  CHECK(classify(mismatched, Level::kNone, options).verdict == "accepted");

  // All-zero bindings from an aware client: ABSENT with CLIENT_SUPPORT.
  r = classify(zero, Level::kRequired, options);
  CHECK(*r.flags == (kClientSupport | kAbsent | kNotValidMissing));
  CHECK(r.verdict == "rejected");
  CHECK(r.explanation.find("non-TLS") != std::string::npos);

  // A client that says nothing passes at Allowed as VALID_MISSING, fails at Required.
  r = classify(absent, Level::kAllowed, options);
  CHECK(*r.flags == (kAbsent | kValidMissing));
  CHECK(r.verdict == "accepted");
  r = classify(absent, Level::kRequired, options);
  CHECK(*r.flags == (kAbsent | kNotValidMissing));
  CHECK(r.explanation.find("SuppressExtendedProtection") != std::string::npos);

  options.proxy = true;
  r = classify(mismatched, Level::kRequired, options);
  CHECK(*r.flags == (kClientSupport | kValidProxy));
  CHECK(r.verdict == "accepted");

  AuditOptions unknown;
  r = classify(matched, Level::kRequired, unknown);
  CHECK_FALSE(r.flags);
  CHECK(r.verdict == "unknown");
}

TEST_CASE("the gss_channel_bindings_struct is 20 bytes of header plus application data",
          "[binding]") {
  auto app = application_data("tls-server-end-point", hex("0102"));
  CHECK(std::string(app.begin(), app.end() - 2) == "tls-server-end-point:");
  auto s = channel_bindings_struct(app);
  REQUIRE(s.size() == 20 + app.size());
  CHECK(to_hex({s.begin(), s.begin() + 20}) == "0000000000000000000000000000000017000000");
}

TEST_CASE("SPNEGO NegTokenInit around NTLM and a NegTokenResp are unwrapped", "[spnego]") {
  ntlm::Message challenge;
  auto negotiate = ntlm::build_negotiate(false);
  // NegTokenInit { mechTypes { NTLMSSP }, mechToken NEGOTIATE } built by hand (RFC 4178 4.2.1).
  std::vector<std::uint8_t> mech_token = {0x04, static_cast<std::uint8_t>(negotiate.size())};
  mech_token.insert(mech_token.end(), negotiate.begin(), negotiate.end());
  std::vector<std::uint8_t> a2 = {0xa2, static_cast<std::uint8_t>(mech_token.size())};
  a2.insert(a2.end(), mech_token.begin(), mech_token.end());
  auto mechs = hex("a00e300c060a2b06010401823702020a");
  std::vector<std::uint8_t> seq = {0x30, static_cast<std::uint8_t>(mechs.size() + a2.size())};
  seq.insert(seq.end(), mechs.begin(), mechs.end());
  seq.insert(seq.end(), a2.begin(), a2.end());
  std::vector<std::uint8_t> a0 = {0xa0, static_cast<std::uint8_t>(seq.size())};
  a0.insert(a0.end(), seq.begin(), seq.end());
  auto oid = hex("06062b0601050502");
  std::vector<std::uint8_t> token = {0x60, static_cast<std::uint8_t>(oid.size() + a0.size())};
  token.insert(token.end(), oid.begin(), oid.end());
  token.insert(token.end(), a0.begin(), a0.end());
  auto a = analyze_token(token);
  REQUIRE(a.ok());
  CHECK(a->mechanism == "ntlm");
  CHECK(a->wrapping == "spnego-init");
  CHECK(a->description["message_type"] == "NEGOTIATE");
  CHECK(a->description["spnego"]["mech_types"][0] == "ntlm");
  seckit::bytes::for_each_truncation(token,
                                     [](seckit::bytes::Bytes in) { (void)analyze_token(in); });
  // NegTokenResp { negState reject }
  auto resp = analyze_token(hex("a1073005a0030a0102"));
  REQUIRE(resp.ok());
  CHECK(resp->description["spnego"]["neg_state"] == "reject");
}

TEST_CASE("HTTP header values and bare base64 decode to the same token", "[token]") {
  auto a = decode_token_text("Authorization: NTLM TlRMTVNTUAABAAAAB4IIog==");
  REQUIRE(a.ok());
  CHECK(a->scheme == "NTLM");
  CHECK(a->form == "http-header");
  auto b = decode_token_text("TlRMTVNTUAABAAAAB4IIog==");
  REQUIRE(b.ok());
  CHECK(a->bytes == b->bytes);
  CHECK_FALSE(decode_token_text("Negotiate").ok());
  CHECK_FALSE(decode_token_text("NTLM !!!").ok());
}

namespace {
std::vector<std::uint8_t> tlv(std::uint8_t tag, std::vector<std::uint8_t> value) {
  std::vector<std::uint8_t> out = {tag};
  if (value.size() < 128) {
    out.push_back(static_cast<std::uint8_t>(value.size()));
  } else {
    out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(value.size()));
  }
  out.insert(out.end(), value.begin(), value.end());
  return out;
}
using seckit::test::cat;
std::vector<std::uint8_t> integer(std::uint8_t v) { return tlv(0x02, {v}); }
}  // namespace

TEST_CASE("a Kerberos AP-REQ (RFC 4120 5.5.1) shows realm, sname and etypes, binding opaque",
          "[kerberos]") {
  auto enc_part = [](std::uint8_t etype, bool kvno) {
    return tlv(0x30, cat({tlv(0xa0, integer(etype)),
                          kvno ? tlv(0xa1, integer(2)) : std::vector<std::uint8_t>{},
                          tlv(0xa2, tlv(0x04, seckit::test::bytes_of("ciphertext")))}));
  };
  auto sname = tlv(
      0x30,
      cat({tlv(0xa0, integer(2)),
           tlv(0xa1, tlv(0x30, cat({tlv(0x1b, seckit::test::bytes_of("HTTP")),
                                    tlv(0x1b, seckit::test::bytes_of("www.example.test"))})))}));
  auto ticket =
      tlv(0x61, tlv(0x30, cat({tlv(0xa0, integer(5)),
                               tlv(0xa1, tlv(0x1b, seckit::test::bytes_of("EXAMPLE.TEST"))),
                               tlv(0xa2, sname), tlv(0xa3, enc_part(18, true))})));
  auto ap_req = tlv(0x6e, tlv(0x30, cat({tlv(0xa0, integer(5)), tlv(0xa1, integer(14)),
                                         tlv(0xa2, tlv(0x03, {0x00, 0x20, 0x00, 0x00, 0x00})),
                                         tlv(0xa3, ticket), tlv(0xa4, enc_part(23, false))})));
  // GSS framing: [APPLICATION 0] { krb5 OID, TOK_ID 01 00, AP-REQ }
  auto gss = tlv(0x60, cat({hex("06092a864886f712010202"), {0x01, 0x00}, ap_req}));
  auto a = analyze_token(gss);
  REQUIRE(a.ok());
  CHECK(a->mechanism == "kerberos");
  CHECK(a->description["realm"] == "EXAMPLE.TEST");
  CHECK(a->description["sname"] == "HTTP/www.example.test");
  CHECK(a->description["ticket_etype"] == "aes256-cts-hmac-sha1-96");
  CHECK(a->description["authenticator_etype"] == "rc4-hmac");
  CHECK(a->description["mutual_required"] == true);
  CHECK(a->evidence.binding == Binding::kOpaque);
  auto r = classify(a->evidence, Level::kRequired, {});
  CHECK(r.verdict == "unknown");
  seckit::bytes::for_each_truncation(gss, [](seckit::bytes::Bytes in) { (void)analyze_token(in); });
}

// The tokens MIT's SPNEGO initiator (libgssapi-krb5 1.20 over gss-ntlmssp, python3-gssapi) sent
// in one exchange: our builders must frame the same NTLM messages byte for byte.
TEST_CASE("our NegTokenInit and NegTokenResp frame NTLM exactly as MIT's SPNEGO does", "[spnego]") {
  auto mit_init =
      hex("604806062b0601050502a03e303ca00e300c060a2b06010401823702020aa22a04284e544c4d535350000100"
          "0000178208e200000000000000000000000000000000060200000000000f");
  std::vector<std::uint8_t> negotiate(mit_init.begin() + 34, mit_init.end());
  CHECK(to_hex(build_neg_token_init(kOidNtlm, negotiate)) == to_hex(mit_init));
  CHECK(to_hex(mech_type_list(kOidNtlm)) == "300c060a2b06010401823702020a");
  auto mit_resp =
      hex("a182014930820145a0030a0101a2820128048201244e544c4d53535000030000000000000058000000a000a0"
          "00580000000e000e00f80000000a000a00060100000400040010010000100010001401000015828ae2060200"
          "000000000ffa37459d697c7d487ed4225b958a9f494c0c7a962748f6fd359ec1339c2247d801010000000000"
          "0066c70cecf27add019dfeca0a80cf592c000000000100040056004d000200160057004f0052004b00530054"
          "004100540049004f004e000300040076006d0006000400020000000700080066c70cecf27add0109002a0048"
          "005400540050002f007700770077002e006500780061006d0070006c0065002e007400650073007400000000"
          "00000000004500580041004d0050004c00450061006c0069006300650056004d006ea7ccd75c9b73114f1918"
          "a87e860340a31204100100000089c737fe56811a2300000000");
  auto parsed = parse_spnego(mit_resp);
  REQUIRE(parsed.ok());
  std::vector<std::uint8_t> mic(mit_resp.end() - 16, mit_resp.end());
  CHECK(to_hex(build_neg_token_resp(parsed->inner, mic)) == to_hex(mit_resp));
}

// MS-NLMP 3.4.4.2 with extended session security and no key exchange: the checksum is
// HMAC-MD5(SignKey, seq | message)[0..8], SignKey = MD5(session key | magic | NUL) (3.4.5.2).
// Expected values from the openssl command line:
//   { 16 x 0x55; printf 'session key to client-to-server signing key magic constant\0'; } |
//     openssl dgst -md5  -> 4788dc861b4782f35d43fd98fe1a2d39 (= MS-NLMP 4.2.4's ClientSignKey)
//   printf '\x07\0\0\0' + MechTypeList | openssl dgst -md5 -mac HMAC -macopt hexkey:<SignKey>
//     -> 416b2f3d9c16a3b7...
// End to end, gss-ntlmssp verifies our mechListMIC (tests/integration/cbaudit/peers.sh).
TEST_CASE("the NTLM client signature matches MS-NLMP's signing key and HMAC", "[ntlm]") {
  ntlm::Authenticate a;
  a.exported_session_key = std::vector<std::uint8_t>(16, 0x55);
  auto sig = ntlm::client_signature(a, 7, hex("300c060a2b06010401823702020a"));
  CHECK(to_hex(sig) == "01000000416b2f3d9c16a3b707000000");
}
