#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>

#include "certcheck.hpp"
#include "der_peek.hpp"
#include "ocsp.hpp"
#include "options.hpp"
#include "seckit/enc.hpp"

TEST_CASE("durations accept days, hours, weeks and bare days", "[certcheck]") {
  CHECK(certcheck::parse_duration("30d") == 30 * 86400);
  CHECK(certcheck::parse_duration("30") == 30 * 86400);
  CHECK(certcheck::parse_duration("12h") == 12 * 3600);
  CHECK(certcheck::parse_duration("2w") == 14 * 86400);
  CHECK(certcheck::parse_duration("90min") == 90 * 60);
  CHECK(certcheck::parse_duration("3mo") == 90 * 86400);
  CHECK(certcheck::parse_duration("45s") == 45);
  CHECK_FALSE(certcheck::parse_duration("90m"));  // minute or month? refused
  CHECK_FALSE(certcheck::parse_duration("30x"));
  CHECK_FALSE(certcheck::parse_duration("-3d"));
  CHECK_FALSE(certcheck::parse_duration("d"));
  CHECK_FALSE(certcheck::parse_duration("99999999999999999999d"));
}

TEST_CASE("the TMG profile needs server auth, client auth and IKE intermediate", "[certcheck]") {
  const auto* p = certcheck::find_profile("tmg-rras");
  REQUIRE(p);
  CHECK(p->required_ekus.size() == 3);
  CHECK(certcheck::find_profile("nope") == nullptr);
  CHECK(certcheck::profiles().size() == 10);
}

TEST_CASE("CRL reason names are RFC 5280 5.3.1's CRLReason", "[certcheck][crl]") {
  CHECK(certcheck::crl_reason_name(0) == "unspecified");
  CHECK(certcheck::crl_reason_name(1) == "keyCompromise");
  CHECK(certcheck::crl_reason_name(2) == "cACompromise");
  CHECK(certcheck::crl_reason_name(4) == "superseded");
  CHECK(certcheck::crl_reason_name(6) == "certificateHold");
  CHECK(certcheck::crl_reason_name(7).empty());  // not assigned
  CHECK(certcheck::crl_reason_name(8) == "removeFromCRL");
  CHECK(certcheck::crl_reason_name(10) == "aACompromise");
  CHECK(certcheck::crl_reason_name(11).empty());
}

TEST_CASE("a --crl file without a CRL is an input error (exit 2)", "[certcheck][crl]") {
  auto fails = [](std::string_view text) {
    try {
      (void)certcheck::parse_crls("x.crl", seckit::bytes::as_bytes(text));
    } catch (const seckit::ToolError& e) {
      return e.code() == seckit::kExitUsage && e.context() == "x.crl";
    }
    return false;
  };
  CHECK(fails(""));
  CHECK(fails("garbage"));
  CHECK(fails(std::string_view("\x30\x03\x02\x01", 4)));  // truncated DER SEQUENCE
  CHECK(fails("-----BEGIN X509 CRL-----\nMIIB\n"));       // no END line
  CHECK(fails("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"));        // not DER
  CHECK(fails("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));  // no CRL
}

namespace {

// A certificate built by OpenSSL with the given extensions (openssl x509v3 config syntax), so
// the expected answer comes from OpenSSL's own X509_check_ca, not from the reader under test.
std::vector<std::uint8_t> make_der(long version,
                                   const std::vector<std::pair<int, const char*>>& exts,
                                   bool self_signed) {
  static EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, version);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("peek"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(X509_get_issuer_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(self_signed ? "peek" : "ca"),
                             -1, -1, 0);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  for (const auto& [nid, value] : exts) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    REQUIRE(ext);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  REQUIRE(X509_sign(cert, key, EVP_sha256()) > 0);
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  std::vector<std::uint8_t> out(der, der + len);
  OPENSSL_free(der);
  X509_free(cert);
  return out;
}

int openssl_check_ca(const std::vector<std::uint8_t>& der) {
  const unsigned char* p = der.data();
  X509* cert = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  REQUIRE(cert);
  int ca = X509_check_ca(cert);
  X509_free(cert);
  return ca;
}

}  // namespace

TEST_CASE("the DER peek calls a certificate no issuer only where X509_check_ca says 0",
          "[certcheck][der_peek]") {
  struct Case {
    long version;
    std::vector<std::pair<int, const char*>> exts;
    bool self_signed;
    bool expect_issuer;  // what OpenSSL says (checked below), and what the peek must allow
  };
  const Case cases[] = {
      {2, {{NID_basic_constraints, "CA:FALSE"}, {NID_key_usage, "digitalSignature"}}, false, false},
      {2, {{NID_basic_constraints, "critical,CA:FALSE"}}, false, false},
      {2, {{NID_subject_alt_name, "DNS:a.test"}}, false, false},
      {2, {}, false, false},
      {1, {}, false, false},
      {2, {{NID_basic_constraints, "critical,CA:TRUE"}}, true, true},
      {2, {{NID_basic_constraints, "CA:TRUE,pathlen:0"}}, false, true},
      {2, {{NID_key_usage, "keyCertSign"}}, false, true},
      {2, {{NID_netscape_cert_type, "sslCA"}}, false, true},
      {0, {}, true, true},  // a v1 root
  };
  for (const auto& c : cases) {
    auto der = make_der(c.version, c.exts, c.self_signed);
    bool openssl_issuer = openssl_check_ca(der) != 0;
    CHECK(openssl_issuer == c.expect_issuer);
    if (openssl_issuer) CHECK(certcheck::may_be_issuer_der(der));
    if (!openssl_issuer) CHECK_FALSE(certcheck::may_be_issuer_der(der));
    seckit::bytes::for_each_truncation(der, [](seckit::bytes::Bytes cut) {
      (void)certcheck::may_be_issuer_der(cut);  // any answer, never a crash
    });
  }
}

TEST_CASE("the PEM peek decodes CERTIFICATE blocks and leaves anything else to the loader",
          "[certcheck][der_peek]") {
  auto der = make_der(2, {{NID_basic_constraints, "CA:FALSE"}}, false);
  std::string b64 = seckit::enc::base64_encode(der);
  std::string pem = "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
  auto two = certcheck::pem_certificates("comment\n" + pem + pem);
  REQUIRE(two);
  CHECK(two->size() == 2);
  CHECK((*two)[1] == der);
  CHECK_FALSE(certcheck::pem_certificates(""));
  CHECK_FALSE(certcheck::pem_certificates(pem + "-----BEGIN PRIVATE KEY-----\nAAAA\n"));
  CHECK_FALSE(certcheck::pem_certificates("-----BEGIN CERTIFICATE-----\nAAAA"));  // no END
  CHECK_FALSE(
      certcheck::pem_certificates("-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----"));
  CHECK_FALSE(certcheck::pem_certificates(
      "-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END CERTIFICATE-----"));
}

// RFC 6960 4.2.1 (responseStatus), 2.2 (good / revoked / unknown), 4.2.2.1 (thisUpdate,
// nextUpdate) and 4.2.2.2 (authorised responders), as judge_ocsp applies them.
TEST_CASE("an OCSP answer passes only when it is signed, current and good", "[certcheck][ocsp]") {
  const std::int64_t now = 1'900'000'000;
  certcheck::OcspFacts good;
  good.responder = "http://127.0.0.1:1/";
  good.found = true;
  good.cert_status = V_OCSP_CERTSTATUS_GOOD;
  good.this_update = now - 3600;
  good.next_update = now + 86400;
  auto codes = [&](const certcheck::OcspFacts& facts) {
    std::vector<std::string> out;
    for (const auto& f : certcheck::judge_ocsp(facts, now).findings) out.push_back(f.code);
    return out;
  };
  auto inconclusive = [&](const certcheck::OcspFacts& facts) {
    return !certcheck::judge_ocsp(facts, now).inconclusive.empty();
  };
  CHECK(codes(good).empty());
  CHECK_FALSE(inconclusive(good));

  auto revoked = good;
  revoked.cert_status = V_OCSP_CERTSTATUS_REVOKED;
  revoked.reason = 1;
  revoked.revoked_at = now - 86400;
  CHECK(codes(revoked) == std::vector<std::string>{"ocsp-revoked"});
  CHECK(certcheck::judge_ocsp(revoked, now).findings[0].details["reason"] == "keyCompromise");

  auto unknown = good;
  unknown.cert_status = V_OCSP_CERTSTATUS_UNKNOWN;
  CHECK(codes(unknown).empty());
  CHECK(inconclusive(unknown));  // "unknown" is no evidence either way

  auto stale = good;
  stale.next_update = now - 301;  // past nextUpdate beyond the 5 minutes of leeway
  CHECK(codes(stale) == std::vector<std::string>{"ocsp-stale"});
  stale.next_update = now - 299;  // within the leeway
  CHECK(codes(stale).empty());
  auto premature = good;
  premature.this_update = now + 3600;
  CHECK(codes(premature) == std::vector<std::string>{"ocsp-not-yet-valid"});
  auto no_next = good;  // RFC 6960 4.2.2.1: no nextUpdate, newer information always available
  no_next.next_update.reset();
  CHECK(codes(no_next).empty());

  auto unsigned_ok = good;
  unsigned_ok.signature_error = "missing ocspsigning usage";
  CHECK(codes(unsigned_ok) == std::vector<std::string>{"ocsp-bad-signature"});
  auto replay = good;
  replay.nonce_mismatch = true;
  CHECK(codes(replay) == std::vector<std::string>{"ocsp-nonce-mismatch"});
  auto try_later = good;
  try_later.response_status = OCSP_RESPONSE_STATUS_TRYLATER;
  CHECK(codes(try_later) == std::vector<std::string>{"ocsp-error-response"});
  auto missing = good;
  missing.found = false;
  CHECK(codes(missing) == std::vector<std::string>{"ocsp-no-status"});

  certcheck::OcspFacts unreachable;
  unreachable.transport_error = "responder http://127.0.0.1:1/ unreachable";
  CHECK(codes(unreachable).empty());
  CHECK(inconclusive(unreachable));
}

TEST_CASE("the connection verifies against --ca-file or the system store and reports, not refuses",
          "[certcheck][options]") {
  certcheck::FlagValues flags;
  certcheck::CheckOptions check;
  CHECK_FALSE(certcheck::resolve_connect(flags, check));
  flags.net.connect = "[::1]:443";
  flags.net.sni = "vpn.example.test";
  flags.net.timeout_seconds = 3;
  check.ca_file = "root.pem";
  check.ocsp = true;
  auto c = certcheck::resolve_connect(flags, check);
  REQUIRE(c);
  CHECK(c->endpoint.host == "::1");
  CHECK(c->sni == "vpn.example.test");
  CHECK(c->timeout_seconds == 3);
  CHECK(c->ca_file == "root.pem");  // certcheck's --ca-file is the connection's trust too
  CHECK(c->request_ocsp);
  CHECK(c->legacy_servers);
  CHECK(c->verify == seckit::tlsclient::VerifyMode::kReport);
  flags.net.connect = "mail.example.com";
  CHECK_THROWS_AS(certcheck::resolve_connect(flags, check), seckit::ToolError);
}

TEST_CASE("a chain that fails the system store, or the dialled name, is a finding",
          "[certcheck][options]") {
  seckit::tlsclient::Verification v;
  v.checked = true;
  v.trust = "system trust store";
  v.name = "127.0.0.1";
  v.error = "unable to get local issuer certificate";
  v.error_depth = 1;
  certcheck::CheckOptions system;
  auto codes = [](const std::vector<certcheck::Finding>& fs) {
    std::vector<std::string> out;
    for (const auto& f : fs) out.push_back(f.code);
    return out;
  };
  CHECK(codes(certcheck::connection_findings(v, system)) ==
        std::vector<std::string>{"chain-unverified", "host-mismatch"});
  certcheck::CheckOptions named = system;
  named.host = "www.example.test";  // a server profile or --host checks the name itself
  CHECK(codes(certcheck::connection_findings(v, named)) ==
        std::vector<std::string>{"chain-unverified"});
  certcheck::CheckOptions anchored = system;
  anchored.ca_file = "root.pem";  // certcheck's own chain check judges
  CHECK(certcheck::connection_findings(v, anchored).empty());
  v.chain_trusted = v.name_matched = v.verified = true;
  CHECK(certcheck::connection_findings(v, system).empty());
}

TEST_CASE("expiry units refuse a bare m with a hint, and times are RFC 3339 or @UNIX",
          "[certcheck][options]") {
  CHECK(certcheck::resolve_expires_within("30d") == 30L * 86400);
  try {
    (void)certcheck::resolve_expires_within("90m");
    FAIL("90m accepted");
  } catch (const seckit::ToolError& e) {
    CHECK(e.code() == seckit::kExitUsage);
    CHECK(std::string(e.hint()).find("90min") != std::string::npos);
  }
  CHECK(certcheck::resolve_time("", 42) == 42);
  // date -u -d 2030-01-31T12:00:00Z +%s
  CHECK(certcheck::resolve_time("2030-01-31T12:00:00Z", 0) == 1896091200);
  CHECK(certcheck::resolve_time("@1893456000", 0) == 1893456000);
  CHECK_THROWS_AS(certcheck::resolve_time("yesterday", 0), seckit::ToolError);
}

TEST_CASE("options resolve into what run_check needs, refusing what cannot apply",
          "[certcheck][options]") {
  auto resolve = [](const certcheck::FlagValues& flags, certcheck::CheckOptions check,
                    std::vector<std::string> inputs = {"a.pem"}) {
    certcheck::RunOptions run;
    run.inputs = std::move(inputs);
    certcheck::resolve_options(flags, 1000, run, check);
    return std::make_pair(run, check);
  };
  certcheck::FlagValues flags;
  certcheck::CheckOptions check;
  auto [run, resolved] = resolve(flags, check);
  CHECK(run.format == "text");
  CHECK(resolved.now == 1000);
  CHECK_FALSE(resolved.ocsp);

  flags.json = true;
  flags.quiet = true;
  check.ca_file = "root.pem";
  check.ocsp_url = "http://127.0.0.1:8080/";
  flags.net.timeout_seconds = 7;
  std::tie(run, resolved) = resolve(flags, check);
  CHECK(run.format == "json");
  CHECK(run.problems_only);
  CHECK(resolved.ocsp);  // --ocsp-url implies --ocsp
  CHECK(resolved.ocsp_timeout == 7);

  // A server profile with --connect checks the dialled (or SNI) name.
  certcheck::FlagValues connect;
  connect.profile_names = {"tls-server"};
  connect.net.connect = "127.0.0.1:443";
  connect.net.sni = "www.example.test";
  std::tie(run, resolved) = resolve(connect, {}, {});
  REQUIRE(run.connect);
  CHECK(resolved.host == "www.example.test");

  auto usage = [&](const certcheck::FlagValues& f, certcheck::CheckOptions c,
                   std::vector<std::string> inputs = {"a.pem"}) {
    try {
      (void)resolve(f, std::move(c), std::move(inputs));
    } catch (const seckit::ToolError& e) {
      return e.code() == seckit::kExitUsage;
    }
    return false;
  };
  certcheck::CheckOptions ocsp_alone;
  ocsp_alone.ocsp = true;
  CHECK(usage({}, ocsp_alone));  // --ocsp needs --ca-file
  certcheck::CheckOptions crl_alone;
  crl_alone.crl_files = {"x.crl"};
  CHECK(usage({}, crl_alone));
  certcheck::FlagValues starttls;
  starttls.net.starttls = "smtp";
  CHECK(usage(starttls, {}));  // --starttls needs --connect
  CHECK(usage({}, {}, {}));    // no input
  certcheck::FlagValues eku;
  eku.require_ekus = {"no-such-usage"};
  CHECK(usage(eku, {}));
  certcheck::CheckOptions ip;
  ip.ip = "not-an-ip";
  CHECK(usage({}, ip));
}
