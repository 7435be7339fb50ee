// The STARTTLS replies come from the RFCs' own examples (RFC 3207 5, RFC 3501 6.2.1, RFC 4217 4,
// RFC 4511 4.14) and the PostgreSQL protocol documentation (SSLRequest); the LDAP bytes are
// the X.690 DER encoding of the RFC 4511 ASN.1, worked out by hand in the comments.
#include <catch2/catch.hpp>

#include "seckit/bytes.hpp"
#include "seckit/tlsclient.hpp"

namespace tc = seckit::tlsclient;
using seckit::bytes::as_bytes;

namespace {

tc::Buffer from_string(std::string_view s) {
  auto b = as_bytes(s);
  return {b.begin(), b.end()};
}

}  // namespace

TEST_CASE("smtp reply lines of the RFC 3207 example parse with their continuation mark",
          "[tlsclient]") {
  auto greeting = tc::parse_reply_line("220 mail.imc.org SMTP service ready");
  REQUIRE(greeting);
  CHECK(greeting->code == 220);
  CHECK_FALSE(greeting->more);
  CHECK(greeting->text == "mail.imc.org SMTP service ready");
  auto first = tc::parse_reply_line("250-mail.imc.org offers a warm hug of welcome");
  REQUIRE(first);
  CHECK(first->code == 250);
  CHECK(first->more);
  auto last = tc::parse_reply_line("250 DSN");
  REQUIRE(last);
  CHECK_FALSE(last->more);
  CHECK(tc::parse_reply_line("220")->code == 220);  // RFC 5321 4.2: the text is optional
}

TEST_CASE("a line that is not an smtp or ftp reply is an error", "[tlsclient]") {
  CHECK_FALSE(tc::parse_reply_line(""));
  CHECK_FALSE(tc::parse_reply_line("22"));
  CHECK_FALSE(tc::parse_reply_line("* OK IMAP4rev1 ready"));
  CHECK_FALSE(tc::parse_reply_line("220x"));
  // RFC 959 4.2: the first digit says what kind of reply it is, 1 to 5 (found by the fuzzer).
  CHECK_FALSE(tc::parse_reply_line("043-STARTTLS"));
  CHECK_FALSE(tc::parse_reply_line("650 no such kind"));
  CHECK(tc::parse_reply_line("150 file status okay")->code == 150);
  CHECK_FALSE(tc::parse_reply_line(std::string("\x16\x03\x01\x00", 4)));  // a TLS record
}

TEST_CASE("the EHLO reply offers STARTTLS only when a line's keyword is STARTTLS", "[tlsclient]") {
  // RFC 3207 5: "250-8BITMIME", "250-STARTTLS", "250 DSN" after the greeting line.
  CHECK(tc::ehlo_offers_starttls({"8BITMIME", "STARTTLS", "DSN"}));
  CHECK(tc::ehlo_offers_starttls({"starttls"}));  // keywords are case-insensitive (RFC 5321 2.4)
  CHECK_FALSE(tc::ehlo_offers_starttls({"8BITMIME", "DSN", "X-STARTTLS-LATER"}));
  CHECK_FALSE(tc::ehlo_offers_starttls({}));
}

TEST_CASE("imap lines of the RFC 3501 STARTTLS example", "[tlsclient]") {
  auto capability = tc::parse_imap_line("* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED");
  CHECK(capability.tag == "*");
  CHECK(capability.status.empty());
  auto ok = tc::parse_imap_line("a002 OK Begin TLS negotiation now");
  CHECK(ok.tag == "a002");
  CHECK(ok.status == "OK");
  CHECK(ok.text == "Begin TLS negotiation now");
  auto greeting = tc::parse_imap_line("* OK IMAP4rev1 Service Ready");
  CHECK(greeting.tag == "*");
  CHECK(greeting.status == "OK");
  CHECK(tc::parse_imap_line("* PREAUTH IMAP4rev1 server logged in as Smith").status == "PREAUTH");
  CHECK(tc::parse_imap_line("a1 bad command unknown").status == "BAD");
  CHECK(tc::parse_imap_line("a1").status.empty());
}

TEST_CASE("ftp AUTH TLS is answered 234 (RFC 4217 4)", "[tlsclient]") {
  auto accepted = tc::parse_reply_line("234 AUTH TLS successful");
  REQUIRE(accepted);
  CHECK(accepted->code == 234);
  auto multi = tc::parse_reply_line("220-Welcome");
  REQUIRE(multi);
  CHECK(multi->more);
}

TEST_CASE("the ldap StartTLS request is the DER of RFC 4511 4.14.1", "[tlsclient]") {
  // SEQUENCE(0x30) len 29 { INTEGER(0x02) len 1 value 1,
  //   [APPLICATION 23] constructed (0x77) len 24 { [0] primitive (0x80) len 22 "1.3.6..." } }
  tc::Buffer want = {0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16};
  auto oid = from_string("1.3.6.1.4.1.1466.20037");
  want.insert(want.end(), oid.begin(), oid.end());
  CHECK(tc::ldap_starttls_request(1) == want);
  // messageID 200 needs a leading zero octet: INTEGER is two's complement (X.690 8.3).
  auto big = tc::ldap_starttls_request(200);
  CHECK(big[1] == 0x1e);
  CHECK(big[2] == 0x02);
  CHECK(big[3] == 0x02);
  CHECK(big[4] == 0x00);
  CHECK(big[5] == 0xc8);
}

TEST_CASE("an ldap ExtendedResponse gives its messageID, resultCode and message", "[tlsclient]") {
  // SEQUENCE { INTEGER 1, [APPLICATION 24] { ENUMERATED 0, OCTET STRING "", OCTET STRING "" } }
  tc::Buffer success = {0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07,
                        0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00};
  auto ok = tc::parse_ldap_extended_response(success);
  REQUIRE(ok);
  CHECK(ok->message_id == 1);
  CHECK(ok->result_code == 0);
  // resultCode 2 protocolError with diagnosticMessage "no TLS" (slapd without TLS says so).
  tc::Buffer refused = {0x30, 0x12, 0x02, 0x01, 0x01, 0x78, 0x0d, 0x0a, 0x01, 0x02,
                        0x04, 0x00, 0x04, 0x06, 'n',  'o',  ' ',  'T',  'L',  'S'};
  auto no = tc::parse_ldap_extended_response(refused);
  REQUIRE(no);
  CHECK(no->result_code == 2);
  CHECK(no->diagnostic == "no TLS");
  // A BindResponse ([APPLICATION 1]) is not the answer to an extended request.
  tc::Buffer bind = {0x30, 0x0c, 0x02, 0x01, 0x01, 0x61, 0x07,
                     0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00};
  CHECK_FALSE(tc::parse_ldap_extended_response(bind));
}

TEST_CASE("a cut-short ldap response is an error at every length, never a crash", "[tlsclient]") {
  tc::Buffer success = {0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07,
                        0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00};
  seckit::bytes::for_each_truncation(success, [&](seckit::bytes::Bytes cut) {
    // Only the whole message (the last "truncation" is the input itself) parses.
    CHECK(tc::parse_ldap_extended_response(cut).ok() == (cut.size() == success.size()));
  });
}

TEST_CASE("the BER element size is known once the length octets are", "[tlsclient]") {
  tc::Buffer short_form = {0x30, 0x0c};
  CHECK(tc::ber_element_size(short_form, 1024)->value() == 14);
  tc::Buffer long_form = {0x30, 0x82, 0x01, 0x00};
  CHECK(tc::ber_element_size(long_form, 1024)->value() == 4 + 256);
  tc::Buffer partial = {0x30, 0x82, 0x01};
  CHECK_FALSE(tc::ber_element_size(partial, 1024)->has_value());
  CHECK_FALSE(tc::ber_element_size(tc::Buffer{0x30}, 1024)->has_value());
  CHECK_FALSE(tc::ber_element_size(tc::Buffer{0x30, 0x80}, 1024));  // indefinite
  CHECK_FALSE(tc::ber_element_size(tc::Buffer{0x30, 0x85, 1, 2, 3, 4, 5}, 1024));
  CHECK_FALSE(tc::ber_element_size(long_form, 100));  // larger than allowed
}

TEST_CASE("the postgres SSLRequest is Int32 8 then Int32 80877103", "[tlsclient]") {
  constexpr std::uint32_t kCode = 80877103;  // PostgreSQL docs, "SSLRequest (F)"
  tc::Buffer want = {0,
                     0,
                     0,
                     8,
                     static_cast<std::uint8_t>(kCode >> 24),
                     static_cast<std::uint8_t>(kCode >> 16),
                     static_cast<std::uint8_t>(kCode >> 8),
                     static_cast<std::uint8_t>(kCode)};
  CHECK(tc::postgres_ssl_request() == want);
  CHECK((kCode >> 16) == 1234);
  CHECK((kCode & 0xffff) == 5679);
}
