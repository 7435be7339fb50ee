// seckit::x509 on certificates made here by the openssl command line; expected values are what
// openssl x509 prints for the same file (or fixed facts such as OIDs from RFC 5280).
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include "seckit/bytes.hpp"
#include "seckit/enc.hpp"
#include "seckit/x509.hpp"
#include "test_support.hpp"

namespace x = seckit::x509;

namespace {

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  REQUIRE(pclose(p) == 0);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// One temporary self-signed certificate per test run.
struct TestCert {
  seckit::test::TempDir dir;
  std::string pem = dir.file("c.pem");
  TestCert() {
    run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
        dir.file("k.pem") +
        " -subj '/CN=unit.example.test/O=seckit unit' -days 30 -sha384 -addext "
        "'subjectAltName=DNS:unit.example.test,IP:198.51.100.7,email:u@example.test' -addext "
        "'extendedKeyUsage=serverAuth,1.3.6.1.5.5.8.2.2,1.2.3.4' -addext "
        "'keyUsage=critical,digitalSignature' -out " +
        pem + " 2>/dev/null");
  }
};

const TestCert& cert_files() {
  static TestCert c;
  return c;
}

}  // namespace

TEST_CASE("a PEM certificate is described as openssl x509 sees it", "[x509]") {
  const auto& files = cert_files();
  std::string pem = seckit::test::read_file(files.pem);
  auto loaded = x::load(seckit::enc::as_bytes(pem), {"c.pem", std::nullopt});
  REQUIRE(loaded);
  REQUIRE(loaded->format == x::Format::kPem);
  REQUIRE(loaded->certificates.size() == 1);
  const auto& cert = loaded->certificates[0];
  auto fp = run("openssl x509 -in " + files.pem +
                " -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f");
  CHECK(seckit::enc::hex_encode(x::fingerprint(cert, seckit::crypto::Digest::kSha256)) == fp);
  auto subject = run("openssl x509 -in " + files.pem +
                     " -noout -subject -nameopt RFC2253 | sed 's/^subject=//'");
  CHECK(x::name_rfc4514(X509_get_subject_name(cert.x509.get())) == subject);
  // ecdsa-with-SHA384 -> RFC 5929 end-point hash is SHA-384 of the DER.
  auto ep = x::tls_server_end_point(cert);
  REQUIRE(ep);
  CHECK(ep->digest == seckit::crypto::Digest::kSha384);
  auto dgst = run("openssl x509 -in " + files.pem +
                  " -outform DER | openssl dgst -sha384 -r | cut -d' ' -f1");
  CHECK(seckit::enc::hex_encode(ep->hash) == dgst);

  auto eku = x::extended_key_usage(cert.x509.get());
  CHECK(eku.present);
  CHECK(eku.oids == std::vector<std::string>{"1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.8.2.2", "1.2.3.4"});
  auto ku = x::key_usage(cert.x509.get());
  CHECK(ku.present);
  CHECK(ku.critical);
  CHECK(ku.names() == std::vector<std::string>{"digitalSignature"});
  auto san = x::subject_alt_names(cert.x509.get());
  REQUIRE(san.size() == 3);
  CHECK(san[1].type == "ip");
  CHECK(san[1].value == "198.51.100.7");
  CHECK(x::matches_host(cert.x509.get(), "unit.example.test"));
  CHECK_FALSE(x::matches_host(cert.x509.get(), "other.example.test"));
  CHECK(x::matches_ip(cert.x509.get(), "198.51.100.7"));
  auto key = x::public_key_info(cert.x509.get());
  CHECK(key.type == "ec");
  CHECK(key.curve == "prime256v1");

  auto record = x::describe(cert, 0);
  CHECK(record["extended_key_usage"]["usages"][1]["windows_name"] ==
        "IP security IKE intermediate");
  CHECK(record["extended_key_usage"]["usages"][2]["openssl_name"].is_null());
  CHECK(record["der"].get<std::string>() == seckit::enc::base64_encode(cert.der));
}

TEST_CASE("DER, JSON records and PEM agree on the same certificate", "[x509]") {
  const auto& files = cert_files();
  std::string der = run("openssl x509 -in " + files.pem + " -outform DER | base64 -w0");
  auto bytes = seckit::enc::base64_decode(der);
  REQUIRE(bytes);
  auto from_der = x::load(*bytes, {"c.der", std::nullopt});
  REQUIRE(from_der);
  CHECK(from_der->format == x::Format::kDer);
  std::string jsonl =
      "{\"type\":\"ike_message\",\"data\":{}}\n{\"type\":\"certificate\",\"data\":{\"der\":\"" +
      der + "\",\"source\":{\"frame\":3}}}\n";
  auto from_json = x::load(seckit::enc::as_bytes(jsonl), {"-", std::nullopt});
  REQUIRE(from_json);
  REQUIRE(from_json->certificates.size() == 1);
  CHECK(from_json->certificates[0].der == from_der->certificates[0].der);
  CHECK(from_json->certificates[0].source["frame"] == 3);
}

TEST_CASE("truncated and foreign inputs are errors, never crashes", "[x509]") {
  const auto& files = cert_files();
  std::string pem = seckit::test::read_file(files.pem);
  auto half =
      x::load(seckit::enc::as_bytes(pem.substr(0, pem.size() / 2)), {"t.pem", std::nullopt});
  CHECK_FALSE(half);
  CHECK(x::detect_format(seckit::enc::as_bytes("hello world")) == x::Format::kUnknown);
  CHECK_FALSE(x::load(seckit::enc::as_bytes("hello world"), {"g", std::nullopt}));
  std::string der = run("openssl x509 -in " + files.pem + " -outform DER | base64 -w0");
  auto bytes = *seckit::enc::base64_decode(der);
  seckit::bytes::for_each_truncation(bytes, [](seckit::bytes::Bytes prefix) {
    auto r = x::load(prefix, {"p", std::nullopt});
    (void)r;
  });
}

TEST_CASE("EKU names resolve from OpenSSL, Windows and alias spellings", "[x509]") {
  CHECK(x::resolve_eku("serverAuth") == "1.3.6.1.5.5.7.3.1");
  CHECK(x::resolve_eku("TLS Web Client Authentication") == "1.3.6.1.5.5.7.3.2");
  CHECK(x::resolve_eku("IP security IKE intermediate") == "1.3.6.1.5.5.8.2.2");
  CHECK(x::resolve_eku("ike-intermediate") == "1.3.6.1.5.5.8.2.2");
  CHECK(x::resolve_eku("ipsecIKE") == "1.3.6.1.5.5.7.3.17");
  CHECK(x::resolve_eku("1.2.3.4") == "1.2.3.4");
  CHECK_FALSE(x::resolve_eku("no such usage"));
  CHECK_FALSE(x::resolve_eku("1..2"));
}
