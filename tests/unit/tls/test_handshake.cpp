// Handshake parsing on RFC 8448's ClientHello and ServerHello, a CertificateRequest carrying the
// RFC 8448 certificate's issuer DN (CN=rsa), HelloRetryRequest detection (RFC 8446 4.1.3) and
// DTLS fragment reassembly / retransmission handling (RFC 6347 4.2.3).
#include <catch2/catch.hpp>

#include "rfc8448.hpp"
#include "seckit/enc.hpp"
#include "seckit/tls.hpp"

using namespace seckit;
using seckit::test::hex;

TEST_CASE("RFC 8448 ClientHello: every field") {
  auto msg = hex(rfc8448::kClientHello);
  auto m = tls::parse_handshake(msg[0], tls::Bytes(msg).subspan(4), {});
  REQUIRE_FALSE(m.error);
  auto* ch = std::get_if<tls::ClientHello>(&m.parsed);
  REQUIRE(ch);
  CHECK(ch->legacy_version == 0x0303);
  CHECK(enc::hex_encode(ch->random) == rfc8448::kClientRandom);
  CHECK(ch->session_id.empty());
  CHECK(ch->cipher_suites == std::vector<std::uint16_t>{0x1301, 0x1303, 0x1302});
  CHECK(ch->compression_methods == std::vector<std::uint8_t>{0});
  REQUIRE(ch->sni);
  CHECK(*ch->sni == "server");
  CHECK(ch->supported_versions == std::vector<std::uint16_t>{0x0304});
  CHECK(ch->highest_version() == 0x0304);
  CHECK(ch->supported_groups ==
        std::vector<std::uint16_t>{29, 23, 24, 25, 256, 257, 258, 259, 260});
  CHECK(ch->key_share_groups == std::vector<std::uint16_t>{29});
  CHECK(ch->signature_algorithms.size() == 15);
  CHECK(ch->signature_algorithms.front() == 0x0403);
  CHECK(ch->psk_key_exchange_modes == std::vector<std::uint8_t>{1});
  CHECK(ch->record_size_limit == 0x4001);
  CHECK(ch->renegotiation_info);
  CHECK(ch->session_ticket);
  CHECK(ch->session_ticket_length == 0);
  CHECK_FALSE(ch->pre_shared_key);
  CHECK_FALSE(ch->extended_master_secret);
  std::vector<std::string> names;
  for (const auto& e : ch->extensions) names.push_back(e.name);
  CHECK(names == std::vector<std::string>{"server_name", "renegotiation_info", "supported_groups",
                                          "session_ticket", "key_share", "supported_versions",
                                          "signature_algorithms", "psk_key_exchange_modes",
                                          "record_size_limit"});
}

TEST_CASE("RFC 8448 ServerHello: selected version, suite, key share") {
  auto rec = hex(rfc8448::kServerHelloRecord);
  auto m = tls::parse_handshake(rec[5], tls::Bytes(rec).subspan(9), {});
  auto* sh = std::get_if<tls::ServerHello>(&m.parsed);
  REQUIRE(sh);
  CHECK(sh->legacy_version == 0x0303);
  CHECK(sh->selected_version == 0x0304);
  CHECK(sh->cipher_suite == 0x1301);
  CHECK(sh->key_share_group == 29);
  CHECK_FALSE(sh->hello_retry_request);
  CHECK_FALSE(sh->downgrade_sentinel);
}

TEST_CASE("HelloRetryRequest is recognised by its special random") {
  // ServerHello with random = SHA-256("HelloRetryRequest") and key_share selected_group 23.
  auto body =
      hex("0303 cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c 00 1301 00"
          "000c 002b00020304 003300020017");
  auto m = tls::parse_handshake(tls::kServerHello, body, {});
  auto* sh = std::get_if<tls::ServerHello>(&m.parsed);
  REQUIRE(sh);
  CHECK(sh->hello_retry_request);
  CHECK(sh->key_share_group == 23);
}

TEST_CASE("TLS 1.2 CertificateRequest names its CA distinguished names") {
  // certificate_types {rsa_sign}, signature_algorithms {rsa_pkcs1_sha256},
  // certificate_authorities { DER of "CN=rsa" (RFC 8448's certificate issuer) }.
  auto body = hex("01 01  0002 0401  0012 0010 300e310c300a06035504031303727361");
  tls::ParseContext ctx;
  ctx.version = tls::kTls12;
  auto m = tls::parse_handshake(tls::kCertificateRequest, body, ctx);
  auto* cr = std::get_if<tls::CertificateRequest>(&m.parsed);
  REQUIRE(cr);
  CHECK(cr->certificate_types == std::vector<std::uint8_t>{1});
  CHECK(cr->signature_algorithms == std::vector<std::uint16_t>{0x0401});
  REQUIRE(cr->ca_names.size() == 1);
  CHECK(cr->ca_names[0] == "CN=rsa");
  CHECK(cr->ca_names_der[0].size() == 16);
}

TEST_CASE("truncated and garbage handshake bodies fail softly") {
  auto msg = hex(rfc8448::kClientHello);
  for (std::size_t n = 0; n < msg.size() - 4; ++n) {
    auto m = tls::parse_handshake(tls::kClientHello, tls::Bytes(msg).subspan(4, n), {});
    CHECK((m.error.has_value() || std::holds_alternative<tls::ClientHello>(m.parsed)));
  }
  auto garbage = hex("ffffffffffffffffffff");
  for (std::uint8_t type : {1, 2, 3, 4, 8, 11, 12, 13, 15, 16, 20, 24}) {
    auto m = tls::parse_handshake(type, garbage, {});
    (void)m;
  }
  SUCCEED();
}

namespace {
// A DTLS 1.2 record carrying one handshake fragment.
std::vector<std::uint8_t> dtls_record(std::uint64_t seq, std::uint8_t type, std::uint32_t length,
                                      std::uint16_t mseq, std::uint32_t offset,
                                      tls::Bytes fragment) {
  std::vector<std::uint8_t> r = {0x16, 0xfe, 0xfd, 0, 0};
  for (int i = 5; i >= 0; --i) r.push_back(static_cast<std::uint8_t>(seq >> (8 * i)));
  std::size_t len = 12 + fragment.size();
  r.push_back(static_cast<std::uint8_t>(len >> 8));
  r.push_back(static_cast<std::uint8_t>(len));
  r.push_back(type);
  for (int i = 2; i >= 0; --i) r.push_back(static_cast<std::uint8_t>(length >> (8 * i)));
  r.push_back(static_cast<std::uint8_t>(mseq >> 8));
  r.push_back(static_cast<std::uint8_t>(mseq));
  for (int i = 2; i >= 0; --i) r.push_back(static_cast<std::uint8_t>(offset >> (8 * i)));
  for (int i = 2; i >= 0; --i) r.push_back(static_cast<std::uint8_t>(fragment.size() >> (8 * i)));
  r.insert(r.end(), fragment.begin(), fragment.end());
  return r;
}
}  // namespace

TEST_CASE("DTLS handshake fragments are reassembled; retransmissions reported once") {
  // A DTLS ClientHello body: version fefd, random, empty session id, empty cookie, one suite
  // (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), null compression, extension 48018 (AnyConnect).
  auto body = hex("fefd" + std::string(64, '1') + "00 00 0002 c02f 0100 0008 bb92 0004 deadbeef");
  auto first = tls::Bytes(body).first(20);
  auto second = tls::Bytes(body).subspan(20);
  std::vector<tls::Event> events;
  std::vector<std::string> notes;
  std::vector<std::uint16_t> unknown_ext;
  tls::DtlsConnection conn({}, [&](const tls::Event& e) {
    if (e.kind == tls::EventKind::kNote) notes.push_back(e.note.code);
    if (e.kind == tls::EventKind::kHandshake) {
      auto* ch = std::get_if<tls::ClientHello>(&e.handshake->parsed);
      REQUIRE(ch);
      CHECK(ch->legacy_version == tls::kDtls12);
      CHECK(ch->cipher_suites == std::vector<std::uint16_t>{0xc02f});
      for (const auto& x : ch->extensions) unknown_ext.push_back(x.type);
      events.push_back(e);
    }
  });
  auto r1 = dtls_record(0, 1, static_cast<std::uint32_t>(body.size()), 0, 0, first);
  auto r2 = dtls_record(1, 1, static_cast<std::uint32_t>(body.size()), 0, 20, second);
  // Two records in one datagram, second half first.
  std::vector<std::uint8_t> datagram = r2;
  datagram.insert(datagram.end(), r1.begin(), r1.end());
  conn.feed(tls::Direction::kClientToServer, datagram, 1, 1.0);
  // The same message again, unfragmented: a retransmission.
  auto whole = dtls_record(2, 1, static_cast<std::uint32_t>(body.size()), 0, 0, body);
  conn.feed(tls::Direction::kClientToServer, whole, 2, 2.0);
  conn.finish();
  CHECK(events.size() == 1);
  CHECK(unknown_ext == std::vector<std::uint16_t>{48018});
  CHECK(std::count(notes.begin(), notes.end(), "retransmission") == 1);
  CHECK(conn.summary().dtls);
  CHECK(conn.summary().c2s.records == 3);
}
