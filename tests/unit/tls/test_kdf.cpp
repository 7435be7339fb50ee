// Key schedules and record protection against published vectors: RFC 8448 section 3 (TLS 1.3
// secrets, keys, IVs and the protected records of its trace) and the TLS 1.2 PRF vector that
// circulated on the IETF TLS list (P_SHA256, "test label"), cross-checked with Python's hmac.
#include <catch2/catch.hpp>

#include "rfc8448.hpp"
#include "seckit/bytes.hpp"
#include "seckit/enc.hpp"
#include "seckit/tls.hpp"

using namespace seckit;
using seckit::test::cat;
using seckit::test::hex;
using seckit::test::to_hex;

namespace {

tls::KeyLog rfc8448_keylog() {
  tls::KeyLog log;
  std::string cr = rfc8448::kClientRandom;
  log.load_text("CLIENT_HANDSHAKE_TRAFFIC_SECRET " + cr + " " + rfc8448::kClientHsSecret + "\n" +
                "SERVER_HANDSHAKE_TRAFFIC_SECRET " + cr + " " + rfc8448::kServerHsSecret + "\n" +
                "CLIENT_TRAFFIC_SECRET_0 " + cr + " " + rfc8448::kClientApSecret + "\n" +
                "SERVER_TRAFFIC_SECRET_0 " + cr + " " + rfc8448::kServerApSecret + "\n" +
                "EXPORTER_SECRET " + cr + " " + rfc8448::kExporterSecret + "\n");
  return log;
}

std::vector<std::uint8_t> client_hello_record() {
  auto ch = hex(rfc8448::kClientHello);
  return cat({hex("16 03 01 00 c4"), ch});
}
}  // namespace

TEST_CASE("TLS 1.2 PRF P_SHA256 test vector") {
  auto out = tls::kdf::prf12(crypto::Digest::kSha256, hex("9bbe436ba940f017b17652849a71db35"),
                             "test label", hex("a0ba9f936cda311827a6f796ffd5198c"), 100);
  CHECK(to_hex(out) ==
        "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e"
        "14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5"
        "a72e5a5110fff70187347b66");
}

TEST_CASE("RFC 8448 key schedule: HKDF-Extract of the early and master secrets") {
  // early secret = HKDF-Extract(0, 0)
  CHECK(to_hex(tls::kdf::hkdf_extract(crypto::Digest::kSha256, {}, {})) ==
        "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a");
  // derived = Derive-Secret(early, "derived", "") = HKDF-Expand-Label(early, "derived", H(""))
  auto empty_hash = hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(to_hex(tls::kdf::hkdf_expand_label(
            crypto::Digest::kSha256,
            hex("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a"), "derived",
            empty_hash, 32)) == "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba");
  // master secret = HKDF-Extract(derived from handshake secret, 0)
  CHECK(to_hex(tls::kdf::hkdf_extract(
            crypto::Digest::kSha256,
            hex("43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4"), {})) ==
        "18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919");
}

TEST_CASE("RFC 8448 traffic keys and IVs from the traffic secrets") {
  struct Row {
    const char* secret;
    const char* key;
    const char* iv;
  } rows[] = {
      {rfc8448::kServerHsSecret, "3fce516009c21727d0f2e4e86ee403bc", "5d313eb2671276ee13000b30"},
      {rfc8448::kClientHsSecret, "dbfaa693d1762c5b666af5d950258d01", "5bd3c71b836e0b76bb73265f"},
      {rfc8448::kServerApSecret, "9f02283b6c9c07efc26bb9f2ac92e356", "cf782b88dd83549aadf1e984"},
      {rfc8448::kClientApSecret, "17422dda596ed5d9acd890e3c63f5051", "5b78923dee08579033e523d9"},
  };
  for (const auto& row : rows) {
    auto secret = hex(row.secret);
    CHECK(to_hex(tls::kdf::hkdf_expand_label(crypto::Digest::kSha256, secret, "key", {}, 16)) ==
          row.key);
    CHECK(to_hex(tls::kdf::hkdf_expand_label(crypto::Digest::kSha256, secret, "iv", {}, 12)) ==
          row.iv);
  }
}

TEST_CASE("RFC 8448 server flight record decrypts to EE, Certificate, CV, Finished") {
  auto prot = tls::RecordProtection::tls13(0x1301, hex(rfc8448::kServerHsSecret));
  REQUIRE(prot);
  auto rec = hex(rfc8448::kServerFlightRecord);
  std::uint8_t inner = 0;
  auto plain = prot->open(23, 0x0303, 0, tls::Bytes(rec).subspan(5), &inner);
  REQUIRE(plain);
  CHECK(inner == tls::kHandshake);
  CHECK(plain->size() == 657);  // 674 - 16 tag - 1 inner type
  // Starts with EncryptedExtensions (08 00 00 24) and ends with the server Finished.
  CHECK(to_hex(tls::Bytes(*plain).first(4)) == "08000024");
  CHECK(to_hex(tls::Bytes(*plain).last(32)) == rfc8448::kServerFinishedVerifyData);

  SECTION("a flipped bit fails the tag") {
    rec[100] ^= 1;
    auto bad = tls::RecordProtection::tls13(0x1301, hex(rfc8448::kServerHsSecret));
    auto r = bad->open(23, 0x0303, 0, tls::Bytes(rec).subspan(5), &inner);
    CHECK_FALSE(r);
  }
  SECTION("the wrong sequence number fails the tag") {
    auto other = tls::RecordProtection::tls13(0x1301, hex(rfc8448::kServerHsSecret));
    CHECK_FALSE(other->open(23, 0x0303, 1, tls::Bytes(rec).subspan(5), &inner));
  }
}

TEST_CASE("RFC 8448 whole trace through TlsConnection with a key log") {
  auto log = rfc8448_keylog();
  REQUIRE(log.stats().entries == 5);
  tls::Options options;
  options.keylog = &log;
  std::vector<std::string> handshakes;
  std::vector<std::vector<std::uint8_t>> app;
  std::vector<std::string> alerts, notes;
  std::string cert_verify_scheme;
  std::size_t cert_count = 0;
  tls::TlsConnection conn(options, [&](const tls::Event& e) {
    switch (e.kind) {
      case tls::EventKind::kHandshake:
        handshakes.push_back(std::string(tls::direction_name(e.direction)) + ":" +
                             e.handshake->type_name());
        if (auto* c = std::get_if<tls::Certificate>(&e.handshake->parsed)) {
          cert_count = c->certificates.size();
        }
        if (auto* cv = std::get_if<tls::CertificateVerify>(&e.handshake->parsed)) {
          cert_verify_scheme = tls::signature_scheme_name(cv->algorithm);
        }
        break;
      case tls::EventKind::kApplicationData:
        CHECK(e.decrypted);
        app.emplace_back(e.plaintext.begin(), e.plaintext.end());
        break;
      case tls::EventKind::kAlert:
        alerts.push_back(e.alert.description_name());
        break;
      case tls::EventKind::kNote:
        notes.push_back(e.note.code);
        break;
      default:
        break;
    }
  });
  using tls::Direction;
  auto feed = [&](Direction d, const std::vector<std::uint8_t>& bytes, std::uint64_t frame) {
    conn.feed(d, bytes, frame, static_cast<double>(frame));
  };
  feed(Direction::kClientToServer, client_hello_record(), 1);
  feed(Direction::kServerToClient,
       cat({hex(rfc8448::kServerHelloRecord), hex(rfc8448::kServerFlightRecord)}), 2);
  feed(Direction::kClientToServer, hex(rfc8448::kClientFinishedRecord), 3);
  feed(Direction::kServerToClient, hex(rfc8448::kNewSessionTicketRecord), 4);
  feed(Direction::kClientToServer, hex(rfc8448::kClientAppRecord), 5);
  feed(Direction::kServerToClient, hex(rfc8448::kServerAppRecord), 6);
  feed(Direction::kClientToServer, hex(rfc8448::kClientAlertRecord), 7);
  feed(Direction::kServerToClient, hex(rfc8448::kServerAlertRecord), 8);
  conn.finish();

  CHECK(handshakes == std::vector<std::string>{"c2s:client_hello", "s2c:server_hello",
                                               "s2c:encrypted_extensions", "s2c:certificate",
                                               "s2c:certificate_verify", "s2c:finished",
                                               "c2s:finished", "s2c:new_session_ticket"});
  CHECK(cert_count == 1);
  CHECK(cert_verify_scheme == "rsa_pss_rsae_sha256");
  std::vector<std::uint8_t> expected(50);
  for (int i = 0; i < 50; ++i) expected[i] = static_cast<std::uint8_t>(i);
  REQUIRE(app.size() == 2);
  CHECK(app[0] == expected);
  CHECK(app[1] == expected);
  CHECK(alerts == std::vector<std::string>{"close_notify", "close_notify"});
  const auto& s = conn.summary();
  CHECK(s.version == tls::kTls13);
  CHECK(s.cipher_suite == 0x1301);
  CHECK(s.sni == "server");
  CHECK(s.decrypted);
  CHECK(s.opaque_reason.empty());
  CHECK(s.key_exchange_group == 29);
  REQUIRE(s.server_finished);
  CHECK(to_hex(*s.server_finished) == rfc8448::kServerFinishedVerifyData);
  REQUIRE(s.client_finished);
  CHECK(to_hex(*s.client_finished) == rfc8448::kClientFinishedVerifyData);
  // RFC 5929 tls-unique: the first Finished of the handshake (the server's, in TLS 1.3).
  REQUIRE(s.tls_unique);
  CHECK(to_hex(*s.tls_unique) == rfc8448::kServerFinishedVerifyData);
  CHECK(s.server_certificates.size() == 1);
  CHECK(s.c2s.decrypted_records == 3);
  CHECK(s.s2c.decrypted_records == 4);
  // The exporter is available (RFC 8448 publishes no exporter output, so only its shape).
  auto ekm = conn.export_keying_material("EXPORTER-test", std::nullopt, 32);
  REQUIRE(ekm);
  CHECK(ekm->size() == 32);
}

TEST_CASE("RFC 8448 trace with a wrong secret stays opaque with a wrong-key note") {
  tls::KeyLog log;
  std::string cr = rfc8448::kClientRandom;
  // The client secret in the server's slot: a well-formed but wrong key.
  log.add_line("SERVER_HANDSHAKE_TRAFFIC_SECRET " + cr + " " + rfc8448::kClientHsSecret);
  tls::Options options;
  options.keylog = &log;
  std::vector<std::string> notes;
  std::size_t opaque_app = 0;
  tls::TlsConnection conn(options, [&](const tls::Event& e) {
    if (e.kind == tls::EventKind::kNote) notes.push_back(e.note.code);
    if (e.kind == tls::EventKind::kApplicationData && !e.decrypted) ++opaque_app;
  });
  conn.feed(tls::Direction::kClientToServer, client_hello_record(), 1, 1);
  conn.feed(tls::Direction::kServerToClient,
            cat({hex(rfc8448::kServerHelloRecord), hex(rfc8448::kServerFlightRecord)}), 2, 2);
  conn.feed(tls::Direction::kClientToServer, hex(rfc8448::kClientFinishedRecord), 3, 3);
  conn.finish();
  CHECK(std::find(notes.begin(), notes.end(), "wrong-key") != notes.end());
  CHECK_FALSE(conn.summary().decrypted);
  CHECK(conn.summary().opaque_reason == "wrong-key");
  CHECK(opaque_app == 2);
}

TEST_CASE("RFC 8448 trace without a key log: handshake in the clear, the rest opaque") {
  tls::TlsConnection conn({}, [](const tls::Event&) {});
  conn.feed(tls::Direction::kClientToServer, client_hello_record(), 1, 1);
  conn.feed(tls::Direction::kServerToClient,
            cat({hex(rfc8448::kServerHelloRecord), hex(rfc8448::kServerFlightRecord)}), 2, 2);
  conn.finish();
  CHECK(conn.summary().version == tls::kTls13);
  CHECK_FALSE(conn.summary().decrypted);
  CHECK(conn.summary().opaque_reason == "no-key");
  CHECK(conn.summary().s2c.application_records == 1);
}

TEST_CASE("RFC 8448 trace survives every truncation and one-byte feeding") {
  auto log = rfc8448_keylog();
  tls::Options options;
  options.keylog = &log;
  auto server = cat({hex(rfc8448::kServerHelloRecord), hex(rfc8448::kServerFlightRecord),
                     hex(rfc8448::kNewSessionTicketRecord), hex(rfc8448::kServerAppRecord)});
  auto ch = client_hello_record();
  bytes::for_each_truncation(server, [&](tls::Bytes prefix) {
    tls::TlsConnection conn(options, [](const tls::Event&) {});
    conn.feed(tls::Direction::kClientToServer, ch, 1, 1);
    conn.feed(tls::Direction::kServerToClient, prefix, 2, 2);
    conn.finish();
  });
  // Byte by byte gives the same events as one chunk.
  std::size_t events_whole = 0, events_bytes = 0;
  {
    tls::TlsConnection conn(options, [&](const tls::Event&) { ++events_whole; });
    conn.feed(tls::Direction::kClientToServer, ch, 1, 1);
    conn.feed(tls::Direction::kServerToClient, server, 2, 2);
    conn.finish();
  }
  {
    tls::TlsConnection conn(options, [&](const tls::Event&) { ++events_bytes; });
    conn.feed(tls::Direction::kClientToServer, ch, 1, 1);
    for (std::size_t i = 0; i < server.size(); ++i) {
      conn.feed(tls::Direction::kServerToClient, tls::Bytes(server).subspan(i, 1), 2 + i, 2);
    }
    conn.finish();
    CHECK(conn.summary().s2c.decrypted_records == 3);
  }
  CHECK(events_whole == events_bytes);
}

TEST_CASE("A gap in protected traffic stops decryption of that direction with a note") {
  auto log = rfc8448_keylog();
  tls::Options options;
  options.keylog = &log;
  std::vector<std::string> notes;
  tls::TlsConnection conn(options, [&](const tls::Event& e) {
    if (e.kind == tls::EventKind::kNote) notes.push_back(e.note.code);
  });
  conn.feed(tls::Direction::kClientToServer, client_hello_record(), 1, 1);
  conn.feed(tls::Direction::kServerToClient, hex(rfc8448::kServerHelloRecord), 2, 2);
  auto flight = hex(rfc8448::kServerFlightRecord);
  // The first 100 bytes of the flight were lost: the stream resumes mid-record.
  conn.feed(tls::Direction::kServerToClient, tls::Bytes(flight).subspan(100), 3, 3, 100);
  conn.feed(tls::Direction::kServerToClient, hex(rfc8448::kNewSessionTicketRecord), 4, 4);
  conn.finish();
  CHECK(std::find(notes.begin(), notes.end(), "gap") != notes.end());
  CHECK(conn.summary().s2c.gaps == 1);
  CHECK(conn.summary().s2c.decrypted_records == 0);
}
