// IANA names (TLS Cipher Suites, ExtensionType Values, Alerts, Supported Groups,
// SignatureScheme registries) and suite parameters derived from them.
#include <catch2/catch.hpp>

#include "seckit/tls.hpp"

using namespace seckit::tls;

TEST_CASE("cipher suite names follow the IANA registry") {
  CHECK(cipher_suite_name(0xc02f) == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
  CHECK(cipher_suite_name(0x009d) == "TLS_RSA_WITH_AES_256_GCM_SHA384");
  CHECK(cipher_suite_name(0xcca8) == "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  CHECK(cipher_suite_name(0x002f) == "TLS_RSA_WITH_AES_128_CBC_SHA");
  CHECK(cipher_suite_name(0x003d) == "TLS_RSA_WITH_AES_256_CBC_SHA256");
  CHECK(cipher_suite_name(0x1301) == "TLS_AES_128_GCM_SHA256");
  CHECK(cipher_suite_name(0x1302) == "TLS_AES_256_GCM_SHA384");
  CHECK(cipher_suite_name(0x1303) == "TLS_CHACHA20_POLY1305_SHA256");
  CHECK(cipher_suite_name(0x00ff) == "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
  CHECK(cipher_suite_name(0x5600) == "TLS_FALLBACK_SCSV");
  CHECK(cipher_suite_name(0x0a0a) == "GREASE 0x0a0a");
  CHECK(cipher_suite_name(0xfeee) == "0xfeee");
}

TEST_CASE("extension, alert, group, signature scheme and version names") {
  CHECK(extension_name(0) == "server_name");
  CHECK(extension_name(16) == "application_layer_protocol_negotiation");
  CHECK(extension_name(22) == "encrypt_then_mac");
  CHECK(extension_name(23) == "extended_master_secret");
  CHECK(extension_name(43) == "supported_versions");
  CHECK(extension_name(51) == "key_share");
  CHECK(extension_name(65281) == "renegotiation_info");
  CHECK(extension_name(48018) == "unknown(48018)");  // AnyConnect App-ID: kept as a number
  CHECK(alert_description_name(0) == "close_notify");
  CHECK(alert_description_name(20) == "bad_record_mac");
  CHECK(alert_description_name(40) == "handshake_failure");
  CHECK(alert_description_name(48) == "unknown_ca");
  CHECK(alert_description_name(116) == "certificate_required");
  CHECK(alert_level_name(2) == "fatal");
  CHECK(named_group_name(23) == "secp256r1");
  CHECK(named_group_name(29) == "x25519");
  CHECK(named_group_name(256) == "ffdhe2048");
  CHECK(signature_scheme_name(0x0804) == "rsa_pss_rsae_sha256");
  CHECK(signature_scheme_name(0x0403) == "ecdsa_secp256r1_sha256");
  CHECK(handshake_type_name(13) == "certificate_request");
  CHECK(handshake_type_name(3) == "hello_verify_request");
  CHECK(version_name(0x0303) == "TLS 1.2");
  CHECK(version_name(0xfefd) == "DTLS 1.2");
  CHECK(version_name(0x0100) == "DTLS 0x0100 (Cisco)");
  CHECK(is_grease(0x2a2a));
  CHECK_FALSE(is_grease(0x2a2b));
}

TEST_CASE("suite parameters for decryption (RFC 5246, 5288, 7905, 8446)") {
  auto gcm = suite_info(0xc02f);
  REQUIRE(gcm);
  CHECK(gcm->aead);
  CHECK(gcm->key_length == 16);
  CHECK(gcm->iv_length == 4);
  CHECK(gcm->prf == seckit::crypto::Digest::kSha256);
  CHECK(gcm->kx == KeyExchangeKind::kEcdhe);
  auto gcm384 = suite_info(0x009d);
  REQUIRE(gcm384);
  CHECK(gcm384->prf == seckit::crypto::Digest::kSha384);
  CHECK(gcm384->kx == KeyExchangeKind::kRsa);
  auto chacha = suite_info(0xcca8);
  REQUIRE(chacha);
  CHECK(chacha->iv_length == 12);
  auto cbc = suite_info(0x002f);
  REQUIRE(cbc);
  CHECK_FALSE(cbc->aead);
  CHECK(cbc->mac == seckit::crypto::Digest::kSha1);
  CHECK(cbc->mac_length == 20);
  CHECK(cbc->iv_length == 16);
  auto cbc256 = suite_info(0x003d);
  REQUIRE(cbc256);
  CHECK(cbc256->mac == seckit::crypto::Digest::kSha256);
  auto t13 = suite_info(0x1302);
  REQUIRE(t13);
  CHECK(t13->tls13);
  CHECK(t13->prf == seckit::crypto::Digest::kSha384);
  CHECK(t13->key_length == 32);
  CHECK_FALSE(suite_info(0x0005));                          // RC4: named, not decrypted
  CHECK(key_exchange_of(0x008c) == KeyExchangeKind::kPsk);  // TLS_PSK_WITH_AES_128_CBC_SHA
}

TEST_CASE("sniffing TLS streams and DTLS datagrams") {
  const std::uint8_t tls_hello[] = {0x16, 0x03, 0x01, 0x00, 0xc4, 0x01};
  const std::uint8_t http[] = {'G', 'E', 'T', ' ', '/', ' '};
  CHECK(looks_like_tls(tls_hello));
  CHECK_FALSE(looks_like_tls(http));
  std::uint8_t dtls[14] = {0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
  CHECK(looks_like_dtls(dtls));
  dtls[1] = 0x01;
  dtls[2] = 0x00;  // Cisco 0x0100
  CHECK(looks_like_dtls(dtls));
  dtls[12] = 9;  // length beyond the datagram
  CHECK_FALSE(looks_like_dtls(dtls));
}
