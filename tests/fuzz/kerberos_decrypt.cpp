// Kerberos with a keytab: the first byte picks what the rest is.
//   0: a keytab (2-byte big-endian length, then its bytes) and a token opened with it, the
//      whole --keytab path (keytab parsing, AP-REQ, decryption, evidence, audit);
//   1: a decrypted EncTicketPart;  2: a decrypted Authenticator (their ASN.1 decoders, which
//      random ciphertext would never reach).
// A result or an error, never a crash.
#include <cstdint>

#include "audit.hpp"
#include "krb5_keytab.hpp"
#include "krb5_ticket.hpp"
#include "token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  seckit::bytes::Bytes rest(data + 1, size - 1);
  cbaudit::krb5::KerberosDecryption d;
  switch (data[0] % 3) {
    case 0: {
      if (rest.size() < 2) return 0;
      std::size_t n = static_cast<std::size_t>(rest[0]) << 8 | rest[1];
      if (n > rest.size() - 2) return 0;
      auto keytab = cbaudit::krb5::parse_keytab(rest.subspan(2, n));
      if (!keytab) return 0;
      auto a = cbaudit::analyze_token(rest.subspan(2 + n), &*keytab);
      if (a) {
        (void)a->description.dump();
        (void)cbaudit::audit_json(a->evidence, cbaudit::Level::kRequired, {}).dump();
      }
      return 0;
    }
    case 1: {
      std::vector<std::uint8_t> key;
      (void)cbaudit::krb5::parse_enc_ticket_part(rest, d, key);
      break;
    }
    default:
      if (cbaudit::krb5::parse_authenticator(rest, d)) {
        (void)cbaudit::audit_json(cbaudit::evidence_of(d), cbaudit::Level::kAllowed, {});
      }
      break;
  }
  (void)cbaudit::krb5::describe(d).dump();
  return 0;
}
