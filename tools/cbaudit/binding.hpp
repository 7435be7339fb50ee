// Expected channel bindings: what a client must put into its NTLM MsvAvChannelBindings or
// Kerberos authenticator checksum (Bnd) for a given TLS server. RFC 5929 defines the channel
// binding types; RFC 2744 3.11 / MS-NLMP 2.2.2.1 the gss_channel_bindings_struct whose MD5 the
// tokens carry.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "seckit/out.hpp"
#include "seckit/x509.hpp"

namespace cbaudit {

using Buffer = std::vector<std::uint8_t>;
using seckit::out::Json;

// gss_channel_bindings_struct as SSPI and gss-ntlmssp serialise it before hashing: initiator
// address type + length (+ bytes), acceptor address type + length (+ bytes), application data
// length + bytes; all integers 32-bit little-endian. Channel bindings for TLS leave the
// addresses empty (type 0, length 0).
Buffer channel_bindings_struct(const Buffer& application_data);
// The 16-byte MsvAvChannelBindings / Bnd value: MD5 of the struct.
Buffer channel_bindings_hash(const Buffer& application_data);

// "tls-server-end-point:" + hash, "tls-unique:" + Finished, "tls-exporter:" + 32 bytes.
Buffer application_data(const std::string& type, const Buffer& value);

struct EndPointExpectation {
  bool defined = false;
  std::string digest;        // "sha256" ... when defined
  Buffer hash;               // the certificate hash
  std::string signature;     // signature algorithm (OpenSSL short name)
  std::string reason;        // why undefined / why the hash was chosen
  std::string windows_note;  // what Windows does where RFC 5929 leaves it undefined
  Buffer windows_hash;       // what Windows would hash to (SHA-256) when undefined
};
// RFC 5929 4.1 rule on top of common/x509 (which computes the hash certcheck prints).
EndPointExpectation end_point_expectation(const seckit::x509::Certificate& cert);

// One channel binding type with its application data, struct and hash, as a JSON object.
Json describe_binding(const std::string& type, const Buffer& value);

// The `expected_binding` record for a certificate (certificate identity + end-point binding).
Json expected_for_certificate(const seckit::x509::Certificate& cert);

}  // namespace cbaudit
