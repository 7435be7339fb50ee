// Kerberos crypto and keytab decoding. Every expected value is copied from the RFC text:
// RFC 3961 A.1 (n-fold), RFC 3962 Appendix B (PBKDF2 + DK string-to-key, AES-CTS with a zero
// IV), RFC 8009 Appendix A (key derivation, sample encryptions, checksums). The keytab bytes
// follow the MIT keytab file format description, written out by hand; the MIT AP-REQs and
// keytab at the end were produced by MIT krb5 itself (see there).
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>

#include "audit.hpp"
#include "krb5_crypto.hpp"
#include "krb5_keytab.hpp"
#include "krb5_ticket.hpp"
#include "seckit/enc.hpp"
#include "test_support.hpp"
#include "token.hpp"

using namespace cbaudit;
using namespace cbaudit::krb5;

namespace {
using seckit::test::hex;
using seckit::test::to_hex;
Bytes text(std::string_view s) { return seckit::bytes::as_bytes(s); }
Buffer usage_const(std::uint32_t usage, std::uint8_t kind) {
  return {0, 0, 0, static_cast<std::uint8_t>(usage), kind};
}

// Written by MIT kadmin.local ktadd -norandkey (krb5 1.20.1, Debian 12): HTTP/rc4.seckit.test,
// HTTP/rc4s.seckit.test (both kvno 1, rc4-hmac) and HTTP/sha384.seckit.test (kvno 1,
// aes256-cts-hmac-sha384-192) of realm SECKIT.TEST, in that order.
const char* const kMitKeytab =
    "0502000000470002000b5345434b49542e54455354000448545450000f7263342e7365636b69742e74657374"
    "000000016b03ab4501001700107d3f7bdbcc93a271a36e1d398fa770ac00000001000000480002000b534543"
    "4b49542e544553540004485454500010726334732e7365636b69742e74657374000000016b03ab4501001700"
    "10427b9244eb9b4b4c21bc3b67c4437841000000010000005a0002000b5345434b49542e5445535400044854"
    "545000127368613338342e7365636b69742e74657374000000016b03ab450100140020c5d301c2116f8ea559"
    "0311967fa133bb7477bf0b5186979fa1ce83cb1cb3183a00000001";
const char* const kMitToken_rc4 =
    "YIIC1AYJKoZIhvcSAQICAQBuggLDMIICv6ADAgEFoQMCAQ6iBwMFACAAAACjggHXYYIB0zCCAc+gAwIBBaENGwtT"
    "RUNLSVQuVEVTVKIiMCCgAwIBAaEZMBcbBEhUVFAbD3JjNC5zZWNraXQudGVzdKOCAZMwggGPoAMCARehAwIBAaKC"
    "AYEEggF97sHWUWdJC3keWhV28jswPYFewGptVppVKHLOFZJwhkqDGFA0t4IXSsR92z4k8xWcidt/YIS8dDddRB58"
    "+R3hGhRumPLyWSEn8wFFVFxXrZOxqQis/QqCvZFvWfGCU8a2Fs4c7P6Pb2s7vy4Q3MkZGErCkqbbjkCyg0hKNHuR"
    "XQ3HbAuIT2qhuxPQxpwV2PXbTL6/Y8VT6OOZH8+RZSSXzYH9bCy4wnQNT2bfEIePMkxgcKZQLK8F7mVSExtexp9h"
    "zwa/QIgG/LgZeHIxo7bi4Lr9e5G3iTyOchLTOU5d/06b8xVLxj4HeftyDq3N+6SyxBaOwJHC7sA8Tl/b0/YLUElL"
    "eKl2ta5wuVvHFNVWIgbs1T1sZQE4Ako5jGcxGAqBW27wboW1vUbq6XT7R3vg4z+wgK+sTl9m6vIIs+yGpMstbQrY"
    "vjNFOjR/4pCtc6zMk3GCFE04wykB60IP2CeHeaSeP2hpjQzOuZMW1W8ri/rXF48BlClK86+/wzj6pIHOMIHLoAMC"
    "ARKigcMEgcAiU4sj8kJ8DW+v9nKw/jyqSr7cAjhj8dPC4Wc8Ctk9U5BMU/fXJlIaNiPuuM4mVWa66vfA/4GOqi5U"
    "4Zu44nPoky1+JqShEyLb09nDQFzLqUYaRwOlMK4d21RwHT8FHt3Xy87AmCXYQ7wt+4OO1B1rIV3AiDC3/z4FsbXz"
    "r9yLwe1Bei/TXs0KobVww8pZMfBmtMHcYFIeV3zrvZXbG3irJPEUajcBODMNZ56IyKTSRJN36ee55fEFzx1w9QWW"
    "dnw=";
const char* const kMitToken_rc4s =
    "YIIC2QYJKoZIhvcSAQICAQBuggLIMIICxKADAgEFoQMCAQ6iBwMFACAAAACjggHIYYIBxDCCAcCgAwIBBaENGwtT"
    "RUNLSVQuVEVTVKIjMCGgAwIBAaEaMBgbBEhUVFAbEHJjNHMuc2Vja2l0LnRlc3SjggGDMIIBf6ADAgEXoQMCAQGi"
    "ggFxBIIBbZnE+nHvBtFgUVtuKgcfacBRadih76D+V44awUpqncPA4XxDl8SoaL27yFIZM69XYlm9vEK6tHbxm4IR"
    "0wmbh4aQjwuo+Thg0+yjcXFKWQ+MvboeEiAIkiCYnhrUv50ILyfrhTKLwYqAcWKpXR47zP9MdQhMsEFsF5lhMS44"
    "R23LgJti3e9RbkHShnEBBEc5hvs/GhAwd4nzlQs71ktKBUkWYnQNGsAxVLA+Qj+dxwktHXXiCl63SVj+ygKY+aZy"
    "JEaGzkJl6GDl5tIUpfm9zdI0ArRw8LUCA4v1OfciEfvpjg0EzOuMou99vNC5cVCkAFc1kNgaTkXBA1rKRsg+UPob"
    "oAKrGbTdU+f1uaNS0VwfhrUwT5J40v0X9qACqLuDPx6Nw9RZVuFZx5u0Da5h85RnEnB+ufz3XX/myEYovqqH3u54"
    "nOP1g8VjP+8G2bVsuocuJWIA8yfptTh45hgC86omnzvVfQ6I38CvQW8tpIHiMIHfoAMCAReigdcEgdQITlJtxNPv"
    "ldumTxGwBpJEkQdLn1SIYA1m6FmmPc7PPFsGpKUOzXop/SAWCzMPb2lFwqIFEr6MUvDzUBBZOrYAAC8LBZCZzIY/"
    "LIL2lzKQ732bH5sxdfPU92tlIZfx+G4gChEuxCJHI6tCQCBdvvGi6N+BLlgEUJ0i5CL1CxG+dryEGNJNeTIwiwjz"
    "/YUWvQo07XcsALpcOdhn6MvPsgUX9yJO6zgYXp3As3i/VugvEgtu3Y/gfAnHNtZhtoElydrsmD9zdip3BR3yXq6s"
    "RNIyblelQg==";
const char* const kMitToken_sha384 =
    "YIIDKAYJKoZIhvcSAQICAQBuggMXMIIDE6ADAgEFoQMCAQ6iBwMFACAAAACjggHyYYIB7jCCAeqgAwIBBaENGwtT"
    "RUNLSVQuVEVTVKIlMCOgAwIBAaEcMBobBEhUVFAbEnNoYTM4NC5zZWNraXQudGVzdKOCAaswggGnoAMCARShAwIB"
    "AaKCAZkEggGVQTIHFvXpeKddGai1Opooywl/3dl6U9INA4jj7RCe7dX1eJOE7jLvEFRxxFBkndLkKXdXKm8190Fh"
    "PfHlaOguZxDvsNLuTY4PmCkq7itLfS/B/bhQ9QrylUmWvT2aoQNhXSj0gg+HsTaI8QmWGnTEKOHfv7gFT1m/MYZw"
    "KzbOrE2S4HMKI9tC1gxmVsDBnxI73jFCWMmz6QXy/Jy5jXgUJcmRstLyhEOLzPAE0YScGobuH4aB3iimSdQ/N79C"
    "/n3tV0SOFJonHExHwAxfv1fXX7+g6s+Q5BNm7MSu6pz/KsQdsc+mLzhBL4AFSKcJd+6mPPrw0L/DM8VAM7ZTfSN4"
    "07PK+lCbBMNNvAZhFtTQ2OVDcCuNSfoLMPb8Z/NHOGieKSRARz6I5UuDKFPEIbw4DCWL7DP76QHQgGVPJY42eJ4d"
    "CvFYLGBF0H6B++qUXdSa1Ea0GovrA6iLk6GodE5uwc8TQ66t4qTyGg6oJ0bNwmzRIvDPC+5NKzeA8rDKWCtfrWqg"
    "/flBh2zGEvs2+iboS/3ZT58jpIIBBjCCAQKgAwIBFKKB+gSB91qzNYi3EnvZftcos0/5bidbRayd0MzVrhDDufrA"
    "HLn5a+LjMaFoW5+CCd5isCEsUXUrLyvQ0Bw4LMe9UuCpvEvLwiL1w+OyZqu4+96n3gzb8PMgZ5UjycPUnH3DT4yL"
    "RdontIvDnC6tYZZct2zQpb0nlBY+OXE2+eZttM4K6qwkhzMGYySjGXJ8YjVB0ovICXS9FsCZv4+ws3shTejUhZpr"
    "ClMoFR8nlQtaNKPhoFEKPOqBW/7WGq65DCBREOH7BEaympOMLMHV0t3OclEarSHr41Kimz4LS0vXIlnF+WZQMJEX"
    "NsojaZOyf3wG8Fv30meQFaXuiOA=";
// The MIT initiator's first context tokens (python3-gssapi, raw krb5 mech, channel bindings with
// the application data "tls-server-end-point:" + SHA-384 of examples/epa/server.pem) for those
// three services from a private MIT KDC (tests/integration/cbaudit/krb5_kdc.sh); MIT's acceptor
// accepted each with that keytab. `klist -e` said: rc4 ticket with an aes256-cts-hmac-sha1-96
// session key (MIT assumes every service has aes256-sha1), rc4 ticket with an rc4 session key
// (session_enctypes rc4-hmac, allow_rc4 = true), sha384 ticket and session key.
// MD5(16 zero bytes | le32 length | application data), computed with Python's hashlib.
const char* const kMitBnd = "7ca83e7d18612da7b5af1ab3eb1f6593";
}  // namespace

TEST_CASE("n-fold matches RFC 3961 A.1", "[krb5]") {
  CHECK(to_hex(nfold(text("012345"), 8)) == "be072631276b1955");
  CHECK(to_hex(nfold(text("password"), 7)) == "78a07b6caf85fa");
  CHECK(to_hex(nfold(text("Rough Consensus, and Running Code"), 8)) == "bb6ed30870b7f0e0");
  CHECK(to_hex(nfold(text("password"), 21)) == "59e4a8ca7c0385c3c37b3f6d2000247cb6e6bd5b3e");
  CHECK(to_hex(nfold(text("MASSACHVSETTS INSTITVTE OF TECHNOLOGY"), 24)) ==
        "db3b0d8f0b061e603282b308a50841229ad798fab9540c1b");
  CHECK(to_hex(nfold(text("Q"), 21)) == "518a54a215a8452a518a54a215a8452a518a54a215");
  CHECK(to_hex(nfold(text("ba"), 21)) == "fb25d531ae8974499f52fd92ea9857c4ba24cf297e");
  CHECK(to_hex(nfold(text("kerberos"), 8)) == "6b65726265726f73");
  CHECK(to_hex(nfold(text("kerberos"), 16)) == "6b65726265726f737b9b5b2b93132b93");
  CHECK(to_hex(nfold(text("kerberos"), 21)) == "8372c236344e5f1550cd0747e15d62ca7a5a3bcea4");
  CHECK(to_hex(nfold(text("kerberos"), 32)) ==
        "6b65726265726f737b9b5b2b93132b935c9bdcdad95c9899c4cae4dee6d6cae4");
}

TEST_CASE("AES string-to-key matches RFC 3962 Appendix B", "[krb5]") {
  auto salt = text("ATHENA.MIT.EDUraeburn");
  CHECK(to_hex(string_to_key(17, "password", salt, 2)) == "c651bf29e2300ac27fa469d693bdda13");
  CHECK(to_hex(string_to_key(18, "password", salt, 2)) ==
        "a2e16d16b36069c135d5e9d2e25f896102685618b95914b467c67622225824ff");
  CHECK(to_hex(string_to_key(17, "password", salt, 1200)) == "4c01cd46d632d01e6dbe230a01ed642a");
  CHECK(to_hex(string_to_key(18, "password", salt, 1200)) ==
        "55a6ac740ad17b4846941051e1e8b0a7548d93b0ab30a8bc3ff16280382b8c2a");
  Buffer binary_salt = hex("1234567878563412");
  CHECK(to_hex(string_to_key(17, "password", binary_salt, 5)) ==
        "e9b23d52273747dd5c35cb55be619d8e");
  std::string x64(64, 'X'), x65(65, 'X');
  CHECK(to_hex(string_to_key(18, x64, text("pass phrase equals block size"), 1200)) ==
        "89adee3608db8bc71f1bfbfe459486b05618b70cbae22092534e56c553ba4b34");
  CHECK(to_hex(string_to_key(17, x65, text("pass phrase exceeds block size"), 1200)) ==
        "cb8005dc5f90179a7f02104c0018751d");
  CHECK(to_hex(string_to_key(18, "\xf0\x9d\x84\x9e", text("EXAMPLE.COMpianist"), 50)) ==
        "4b6d9839f84406df1f09cc166db4b83c571848b784a3d6bdc346589a3e393f9e");
}

TEST_CASE("AES CBC-CTS matches RFC 3962 Appendix B, swapping even full last blocks", "[krb5]") {
  Buffer key = hex("636869636b656e207465726979616b69");  // "chicken teriyaki"
  Buffer input =
      hex("4920776f756c64206c696b65207468652047656e6572616c20476175277320"
          "436869636b656e2c20706c656173652c20616e6420776f6e746f6e20736f75702e");
  struct Case {
    std::size_t length;
    const char* output;
  };
  const Case cases[] = {
      {17, "c6353568f2bf8cb4d8a580362da7ff7f97"},
      {31, "fc00783e0efdb2c1d445d4c8eff7ed2297687268d6ecccc0c07b25e25ecfe5"},
      {32, "39312523a78662d5be7fcbcc98ebf5a897687268d6ecccc0c07b25e25ecfe584"},
      {47,
       "97687268d6ecccc0c07b25e25ecfe584b3fffd940c16a18c1b5549d2f838029e39312523a78662d5be7fcbcc"
       "98ebf5"},
      {48,
       "97687268d6ecccc0c07b25e25ecfe5849dad8bbb96c4cdc03bc103e1a194bbd839312523a78662d5be7fcbcc"
       "98ebf5a8"},
      {64,
       "97687268d6ecccc0c07b25e25ecfe58439312523a78662d5be7fcbcc98ebf5a84807efe836ee89a526730dbc"
       "2f7bc8409dad8bbb96c4cdc03bc103e1a194bbd8"},
  };
  for (const auto& c : cases) {
    INFO("length " << c.length);
    Bytes plain(input.data(), c.length);
    auto out = aes_cts_encrypt(key, plain);
    REQUIRE(out);
    CHECK(to_hex(*out) == c.output);
    auto back = aes_cts_decrypt(key, hex(c.output));
    REQUIRE(back);
    CHECK(to_hex(*back) == to_hex(Buffer(plain.begin(), plain.end())));
  }
}

TEST_CASE("KDF-HMAC-SHA2 keys, encryptions and checksums match RFC 8009 Appendix A", "[krb5]") {
  Buffer k19 = hex("3705D96080C17728A0E800EAB6E0D23C");
  Buffer k20 = hex("6D404D37FAF79F9DF0D33568D320669800EB4836472EA8A026D16B7182460C52");
  CHECK(to_hex(derive_key(19, k19, usage_const(2, 0x99))) == "b31a018a48f54776f403e9a396325dc3");
  CHECK(to_hex(derive_key(19, k19, usage_const(2, 0xAA))) == "9b197dd1e8c5609d6e67c3e37c62c72e");
  CHECK(to_hex(derive_key(19, k19, usage_const(2, 0x55))) == "9fda0e56ab2d85e1569a688696c26a6c");
  CHECK(to_hex(derive_key(20, k20, usage_const(2, 0x99))) ==
        "ef5718be86cc84963d8bbb5031e9f5c4ba41f28faf69e73d");
  CHECK(to_hex(derive_key(20, k20, usage_const(2, 0xAA))) ==
        "56ab22bee63d82d7bc5227f6773f8ea7a5eb1c825160c38312980c442e5c7e49");
  CHECK(to_hex(derive_key(20, k20, usage_const(2, 0x55))) ==
        "69b16514e3cd8e56b82010d5c73012b622c4d00ffc23ed1f");

  struct Case {
    int etype;
    const char* plain;
    const char* confounder;
    const char* cipher;  // AES output followed by the HMAC, as the RFC lists them
  };
  const Case cases[] = {
      {19, "000102030405", "7BCA285E2FD4130FB55B1A5C83BC5B24",
       "84D7F30754ED987BAB0BF3506BEB09CFB55402CEF7E6 877CE99E247E52D16ED4421DFDF8976C"},
      {19, "000102030405060708090A0B0C0D0E0F", "56AB21713FF62C0A1457200F6FA9948F",
       "3517D640F50DDC8AD3628722B3569D2AE07493FA8263254080EA65C1008E8FC2"
       "95FB4852E7D83E1E7C48C37EEBE6B0D3"},
      {19, "000102030405060708090A0B0C0D0E0F1011121314", "A7A4E29A4728CE10664FB64E49AD3FAC",
       "720F73B18D9859CD6CCB4346115CD336C70F58EDC0C4437C5573544C31C813BCE1E6D072C1"
       "86B39A413C2F92CA9B8334A287FFCBFC"},
      {20, "000102030405", "B80D3251C1F6471494256FFE712D0B9A",
       "4ED7B37C2BCAC8F74F23C1CF07E62BC7B75FB3F637B9"
       "F559C7F664F69EAB7B6092237526EA0D1F61CB20D69D10F2"},
      {20, "000102030405060708090A0B0C0D0E0F1011121314", "763E65367E864F02F55153C7E3B58AF1",
       "40013E2DF58E8751957D2878BCD2D6FE101CCFD556CB1EAE79DB3C3EE86429F2B2A602AC86"
       "FEF6ECB647D6295FAE077A1FEB517508D2C16B4192E01F62"},
  };
  for (const auto& c : cases) {
    INFO("etype " << c.etype << " plain " << c.plain);
    Buffer key = c.etype == 19 ? k19 : k20;
    auto out = encrypt(c.etype, key, 2, hex(c.plain), hex(c.confounder));
    REQUIRE(out);
    CHECK(to_hex(*out) == to_hex(hex(c.cipher)));
    auto back = decrypt(c.etype, key, 2, hex(c.cipher));
    REQUIRE(back);
    CHECK(to_hex(*back) == to_hex(hex(c.plain)));
    // One flipped bit anywhere is an integrity failure, never garbage.
    Buffer tampered = hex(c.cipher);
    tampered[3] ^= 1;
    auto bad = decrypt(c.etype, key, 2, tampered);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == kIntegrityFailure);
  }
  Buffer data = hex("000102030405060708090A0B0C0D0E0F1011121314");
  CHECK(to_hex(*checksum(19, k19, 2, data)) == "d78367186643d67b411cba9139fc1dee");
  CHECK(to_hex(*checksum(20, k20, 2, data)) == "45ee791567eefca37f4ac1e0222de80d43c3bfa06699672a");
  // RFC 8009 string-to-key (32768 iterations, the salt starts with 16 random bytes).
  Buffer salt = hex("10DF9DD783E5BC8ACEA1730E74355F61");
  std::string realm = "ATHENA.MIT.EDUraeburn";
  salt.insert(salt.end(), realm.begin(), realm.end());
  CHECK(to_hex(string_to_key(19, "password", salt, 32768)) == "089bca48b105ea6ea77ca5d2f39dc5e7");
}

TEST_CASE("a wrong key or a short ciphertext is an error for every etype", "[krb5]") {
  for (int etype : {17, 18, 19, 20, 23}) {
    INFO("etype " << etype);
    Buffer key(key_size(etype), 0x11), other(key_size(etype), 0x22);
    Buffer confounder(etype == 23 ? 8 : 16, 0x33);
    auto sealed = encrypt(etype, key, 11, text("the authenticator"), confounder);
    REQUIRE(sealed);
    auto opened = decrypt(etype, key, 11, *sealed);
    REQUIRE(opened);
    CHECK(std::string(opened->begin(), opened->end()) == "the authenticator");
    auto wrong = decrypt(etype, other, 11, *sealed);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().message == kIntegrityFailure);
    CHECK_FALSE(decrypt(etype, key, 2, *sealed));  // another usage is another key
    for (std::size_t n = 0; n < sealed->size(); ++n) {
      CHECK_FALSE(decrypt(etype, key, 11, Bytes(sealed->data(), n)));
    }
  }
}

TEST_CASE("an MIT keytab (0x0502) gives principal, kvno and keys", "[krb5]") {
  // Two entries: HTTP/web.example.test@EXAMPLE.TEST kvno 3 (8-bit only) etype 18, and the same
  // principal with 8-bit kvno 0 and 32-bit kvno 300, etype 23; then a hole of 6 bytes.
  auto counted = [](std::string_view s) {
    return fmt::format("{:04x}", s.size()) + to_hex(Buffer(s.begin(), s.end()));
  };
  // components (2, realm not counted), realm, components, name type 1, timestamp
  std::string principal = "0002" + counted("EXAMPLE.TEST") + counted("HTTP") +
                          counted("web.example.test") + "00000001" + "5f5e1000";
  // kvno8 3, etype 18, 32-byte key
  std::string e1 = principal + "03" + "0012" + "0020" + std::string(64, 'a');
  // kvno8 0, etype 23, 16-byte key, kvno32 300
  std::string e2 = principal + "00" + "0017" + "0010" + std::string(32, 'b') + "0000012c";
  auto size = [](const std::string& h) { return fmt::format("{:08x}", h.size() / 2); };
  Buffer file = hex("0502" + size(e1) + e1 + size(e2) + e2 + "fffffffa" + "000000000000");
  auto keytab = parse_keytab(file);
  REQUIRE(keytab);
  REQUIRE(keytab->entries.size() == 2);
  CHECK(keytab->entries[0].principal() == "HTTP/web.example.test@EXAMPLE.TEST");
  CHECK(keytab->entries[0].kvno == 3);
  CHECK(keytab->entries[0].etype == 18);
  CHECK(keytab->entries[0].key.size() == 32);
  CHECK(keytab->entries[1].kvno == 300);
  CHECK(keytab->entries[1].etype == 23);
  using Entries = std::vector<const KeytabEntry*>;
  const std::string web = "HTTP/web.example.test@EXAMPLE.TEST";
  CHECK(keytab->candidates(web, 3, 18) == Entries{&keytab->entries[0]});
  CHECK(keytab->candidates(web, 300, 23) == Entries{&keytab->entries[1]});
  CHECK(keytab->candidates(web, 44, 23).empty());  // 300 & 0xff, but a 32-bit kvno is whole
  CHECK(keytab->candidates(web, -1, 18) == Entries{&keytab->entries[0]});
  CHECK(keytab->candidates("host/other.test@EXAMPLE.TEST", 3, 18) == Entries{&keytab->entries[0]});
  CHECK(keytab->candidates(web, 4, 18).empty());
  CHECK(keytab->candidates(web, 3, 17).empty());
  // Every truncation is an error or a shorter keytab, never a read past the end.
  seckit::bytes::for_each_truncation(file, [](Bytes b) { (void)parse_keytab(b); });
  CHECK_FALSE(parse_keytab(hex("0501")));
  CHECK_FALSE(parse_keytab(hex("0502000000ff00")));
}

TEST_CASE("Kerberos evidence: Bnd zero is ABSENT, with CLIENT_SUPPORT only under CBT", "[krb5]") {
  KerberosDecryption d;
  CHECK(evidence_of(d).binding == Binding::kOpaque);
  d.authenticator_decrypted = true;
  d.gss = GssChecksum{16, Buffer(16, 0), 0x3e, false};
  CHECK(evidence_of(d).binding == Binding::kNone);
  AuditOptions options;
  options.expected = Buffer(16, 0x42);
  CHECK(*classify(evidence_of(d), Level::kAllowed, options).flags == (kAbsent | kValidMissing));
  d.ap_options = kKerbApOptionsCbt;
  CHECK(evidence_of(d).binding == Binding::kZero);
  CHECK(*classify(evidence_of(d), Level::kRequired, options).flags ==
        (kClientSupport | kAbsent | kNotValidMissing));
  d.gss->bnd = Buffer(16, 0x42);
  CHECK(*classify(evidence_of(d), Level::kRequired, options).flags ==
        (kClientSupport | kValidMatched));
  d.gss->bnd[0] = 0x43;
  CHECK(*classify(evidence_of(d), Level::kRequired, options).flags ==
        (kClientSupport | kNotValidMismatch));
  CHECK(gss_flag_names(0x3e) == std::vector<std::string>{"GSS_C_MUTUAL_FLAG", "GSS_C_REPLAY_FLAG",
                                                         "GSS_C_SEQUENCE_FLAG", "GSS_C_CONF_FLAG",
                                                         "GSS_C_INTEG_FLAG"});
}

TEST_CASE("the server's AP-REP and KRB-ERROR are described, not classified", "[krb5]") {
  // GSS framing (RFC 2743 3.1): krb5 OID 1.2.840.113554.1.2.2, TOK_ID 02 00, then an
  // [APPLICATION 15] AP-REP (its content does not matter here).
  auto a = analyze_token(hex("600f06092a864886f71201020202006f00"));
  REQUIRE(a);
  CHECK(a->description["message_type"] == "AP-REP");
  CHECK(a->evidence.binding == Binding::kNotAuthentication);
  auto e = analyze_token(hex("600f06092a864886f71201020203007e00"));
  REQUIRE(e);
  CHECK(e->description["message_type"] == "KRB-ERROR");
  CHECK_FALSE(analyze_token(hex("600f06092a864886f71201020209007e00")));  // unknown TOK_ID
}

TEST_CASE("MIT AP-REQs open with their own service's key: rc4 and aes256-sha384 sessions",
          "[krb5]") {
  auto keytab = parse_keytab(hex(kMitKeytab));
  REQUIRE(keytab);
  REQUIRE(keytab->entries.size() == 3);
  // Two services with kvno 1 and rc4-hmac: the ticket's own principal comes first, whatever
  // the order in the file; the other one is still a candidate (aliases).
  auto rc4 = keytab->candidates("HTTP/rc4.seckit.test@SECKIT.TEST", 1, 23);
  REQUIRE(rc4.size() == 2);
  CHECK(rc4[0] == &keytab->entries[0]);
  CHECK(rc4[1] == &keytab->entries[1]);
  auto rc4s = keytab->candidates("HTTP/rc4s.seckit.test@SECKIT.TEST", 1, 23);
  REQUIRE(rc4s.size() == 2);
  CHECK(rc4s[0] == &keytab->entries[1]);
  CHECK(keytab->candidates("HTTP/rc4.seckit.test@SECKIT.TEST", 2, 23).empty());
  CHECK(keytab->candidates("HTTP/rc4.seckit.test@SECKIT.TEST", 1, 18).empty());

  struct Case {
    const char* token;
    const char* principal;
    int ticket_etype, session_etype;
  };
  const Case cases[] = {
      {kMitToken_rc4, "HTTP/rc4.seckit.test@SECKIT.TEST", kRc4Hmac, kAes256CtsHmacSha196},
      {kMitToken_rc4s, "HTTP/rc4s.seckit.test@SECKIT.TEST", kRc4Hmac, kRc4Hmac},
      {kMitToken_sha384, "HTTP/sha384.seckit.test@SECKIT.TEST", kAes256CtsHmacSha384192,
       kAes256CtsHmacSha384192},
  };
  for (const auto& c : cases) {
    CAPTURE(c.principal);
    auto raw = seckit::enc::base64_decode(c.token);
    REQUIRE(raw);
    auto token = parse_spnego(*raw);
    REQUIRE(token);
    REQUIRE(token->ap_req);
    CHECK(token->ap_req->ticket_etype == c.ticket_etype);
    CHECK(token->ap_req->authenticator_etype == c.session_etype);
    auto d = decrypt_ap_req(*token->ap_req, *keytab);
    CHECK(d.note.empty());
    CHECK(d.ticket_decrypted);
    CHECK(d.authenticator_decrypted);
    CHECK(d.key_principal == c.principal);
    CHECK(d.session_key_etype == c.session_etype);
    CHECK(d.ticket_client == "alice@SECKIT.TEST");
    CHECK(d.client == "alice@SECKIT.TEST");
    REQUIRE(d.gss);
    CHECK(to_hex(d.gss->bnd) == kMitBnd);
  }

  // Only the other service's rc4 key: a wrong key, said so, never a crash.
  Keytab other;
  other.entries.push_back(keytab->entries[1]);
  auto raw = seckit::enc::base64_decode(kMitToken_rc4);
  REQUIRE(raw);
  auto token = parse_spnego(*raw);
  REQUIRE(token);
  REQUIRE(token->ap_req);
  auto d = decrypt_ap_req(*token->ap_req, other);
  CHECK_FALSE(d.ticket_decrypted);
  CHECK(d.key_principal == "HTTP/rc4s.seckit.test@SECKIT.TEST");
  CHECK(d.note.find("wrong key") != std::string::npos);
}
