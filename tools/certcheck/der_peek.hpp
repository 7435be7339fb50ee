// A quick look at certificate files without OpenSSL's parser, for the first pass of chain mode:
// that pass only needs to know which certificates could issue others, and parsing every leaf
// with d2i_X509 (public key decoding, extension caching, provider lookups) just to drop it cost
// as much as checking it. Everything here is conservative: when in doubt, the caller parses.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace certcheck {

using DerBytes = std::span<const std::uint8_t>;

// False only when OpenSSL's X509_check_ca would certainly say 0 for this DER certificate:
// a v3 certificate whose extensions were read, with basicConstraints saying cA FALSE, or with
// no basicConstraints, no keyUsage and no Netscape certificate type. True otherwise (a CA, a v1
// certificate, anything this reader does not follow).
bool may_be_issuer_der(DerBytes der);

// The DER of every CERTIFICATE block of a PEM text, decoded. Empty (nullopt) when the text holds
// anything the full loader should see instead: another block type, headers, bad base64.
std::optional<std::vector<std::vector<std::uint8_t>>> pem_certificates(std::string_view text);

}  // namespace certcheck
