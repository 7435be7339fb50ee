#include "seckit/winerr.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "seckit/enc.hpp"

namespace seckit::winerr {
namespace {

struct WinErrorRow {
  std::uint32_t code;
  Family family;
  const char* name;
  const char* message;
};

#include "tables.inc"

constexpr std::uint32_t kWin32Facility = 0x80070000u;

WinError from_row(const WinErrorRow& row) {
  WinError e;
  e.family = row.family;
  e.name = row.name;
  e.message = row.message;
  if (row.family == Family::kIpsecIke || row.family == Family::kRas) {
    e.win32 = row.code;
    e.hresult = kWin32Facility | row.code;
  } else {
    e.hresult = row.code;
  }
  return e;
}

template <std::size_t N>
const WinErrorRow* find_code(const WinErrorRow (&rows)[N], std::uint32_t code) {
  for (const auto& row : rows) {
    if (row.code == code) return &row;
  }
  return nullptr;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && enc::ascii_lower(a) == enc::ascii_lower(b);
}

// Hand-written from the seed story and Microsoft's RRAS/IKEEXT troubleshooting notes: what the
// number usually means on a VPN, so the lookup answers the admin's real question.
struct Meaning {
  std::uint32_t hresult;
  const char* text;
};
constexpr Meaning kMeanings[] = {
    {0x800B0110u,
     "The LOCAL certificate lacks a required usage: for L2TP/IPsec and IKE on Windows the machine "
     "certificate needs EKU 'IP security IKE intermediate' (1.3.6.1.5.5.8.2.2) and Client "
     "Authentication; a TMG/RRAS server certificate also Server Authentication."},
    {0x800B0101u,
     "A certificate in the chain is outside its validity period (expired or not yet "
     "valid); check the clocks and renew."},
    {0x800B0109u,
     "The chain ends in a root the peer does not trust: import the CA into the "
     "computer's Trusted Root store (not the user store) on both ends."},
    {0x800B010Fu,
     "The name the client connects to is not in the certificate's SAN (or CN when "
     "there is no SAN)."},
    {0x800B010Au,
     "The chain cannot be built: an intermediate is missing from the store or the "
     "server does not send it."},
    {0x800B010Eu,
     "The CRL/OCSP responder in the certificate cannot be reached from the VPN "
     "server or client."},
    {0x800735EDu,
     "IKE negotiation timed out: the peer never answered. Usually UDP 500/4500 "
     "blocked or NAT-T not allowed; Apple clients that do not use UDP 1701 for L2TP "
     "against TMG end here too. Not a certificate problem."},
    {0x800735EEu,
     "No usable machine certificate in the computer store: wrong store, no private "
     "key, or missing EKUs (IKE intermediate + Client Authentication)."},
    {0x800735E9u,
     "The peer rejected our credentials: certificate not trusted by the peer or "
     "wrong EKU/name."},
    {0x800735F9u,
     "Certificate revocation check failed: the CRL distribution point is unreachable."},
    {0x800735FAu, "Key usage of the certificate does not allow signing (digitalSignature)."},
    {0x800735FCu, "The machine certificate has no private key in the computer store."},
    {0x80070312u,
     "No valid machine certificate for L2TP/IPsec (same root cause as "
     "ERROR_IPSEC_IKE_NO_CERT)."},
    {0x80070313u,
     "The security layer could not authenticate the remote computer: check the "
     "server certificate's EKUs, name and trust."},
    {0x80070315u,
     "IKE processing error; frequently a certificate the peer cannot use (EKU, key "
     "usage) or a pre-shared key mismatch."},
    {0x80070316u, "The peer's certificate failed validation on this computer."},
    {0x80070318u, "Security negotiation timed out: UDP 500/4500 blocked, or NAT-T not enabled."},
    {0x80070329u,
     "The server did not answer: firewall, wrong address, or UDP 500/4500 (L2TP) / "
     "TCP 443 (SSTP) blocked."},
    {0x8007032Au, "Certificate problem on the VPN server (IKEv2): EKU, name or trust."},
    {0x80070321u, "The server certificate could not be validated by the client."},
};

}  // namespace

std::string_view family_name(Family family) {
  switch (family) {
    case Family::kCert:
      return "cert";
    case Family::kTrust:
      return "trust";
    case Family::kCrypt:
      return "crypt";
    case Family::kSspi:
      return "sspi";
    case Family::kIpsecIke:
      return "ipsec-ike";
    case Family::kRas:
      return "ras";
  }
  return "cert";
}

std::string WinError::hex() const { return fmt::format("0x{:08X}", hresult); }

std::int64_t WinError::signed_value() const {
  return static_cast<std::int64_t>(static_cast<std::int32_t>(hresult));
}

std::string_view WinError::vpn_meaning() const {
  for (const auto& m : kMeanings) {
    if (m.hresult == hresult) return m.text;
  }
  return {};
}

Result<std::uint32_t> parse_code(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (text.empty()) return parse_error("empty error code");
  bool negative = false;
  int base = 10;
  std::string_view digits = text;
  if (digits.front() == '-') {
    negative = true;
    digits.remove_prefix(1);
  }
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    base = 16;
    digits.remove_prefix(2);
  } else if (digits.size() > 1 && (digits.back() == 'h' || digits.back() == 'H')) {
    base = 16;
    digits.remove_suffix(1);
  }
  if (digits.empty() || digits.size() > 20)
    return parse_error(fmt::format("not a number: {}", text));
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    return parse_error(fmt::format("not a number: {}", text));
  }
  if (negative) {
    // Event logs print HRESULTs as signed 32-bit numbers: -2146762480 is 0x800B0110.
    if (base != 10 || value == 0 || value > 0x80000000ull) {
      return parse_error(fmt::format("out of the 32-bit range: {}", text));
    }
    return static_cast<std::uint32_t>((1ull << 32) - value);
  }
  if (value > 0xFFFFFFFFull) return parse_error(fmt::format("out of the 32-bit range: {}", text));
  return static_cast<std::uint32_t>(value);
}

std::optional<WinError> lookup(std::uint32_t value) {
  if (const auto* row = find_code(kHresultRows, value)) return from_row(*row);
  std::uint32_t win32 = value;
  if ((value & 0xFFFF0000u) == kWin32Facility) {
    win32 = value & 0xFFFFu;
  } else if (value > 0xFFFFu) {
    return std::nullopt;
  }
  if (const auto* row = find_code(kIkeRows, win32)) return from_row(*row);
  if (const auto* row = find_code(kRasRows, win32)) return from_row(*row);
  return std::nullopt;
}

std::optional<WinError> lookup(std::string_view spelling) {
  auto code = parse_code(spelling);
  if (!code) return by_name(spelling);
  return lookup(*code);
}

std::optional<WinError> by_name(std::string_view name) {
  for (const auto& row : kHresultRows) {
    if (iequals(row.name, name)) return from_row(row);
  }
  for (const auto& row : kIkeRows) {
    if (iequals(row.name, name)) return from_row(row);
  }
  for (const auto& row : kRasRows) {
    if (iequals(row.name, name)) return from_row(row);
  }
  return std::nullopt;
}

std::vector<WinError> all() {
  std::vector<WinError> out;
  for (const auto& row : kHresultRows) out.push_back(from_row(row));
  for (const auto& row : kIkeRows) out.push_back(from_row(row));
  for (const auto& row : kRasRows) out.push_back(from_row(row));
  return out;
}

out::Json to_json(const WinError& error) {
  out::Json j;
  j["name"] = error.name;
  j["hex"] = error.hex();
  j["unsigned"] = error.hresult;
  j["signed"] = error.signed_value();
  j["message"] = error.message;
  j["family"] = family_name(error.family);
  if (error.win32) j["win32"] = *error.win32;
  return j;
}

}  // namespace seckit::winerr
