// Windows error codes an admin finds in event logs and VPN client dialogs, decoded: HRESULTs of
// the certificate stack (CERT_E_*, TRUST_E_*, CRYPT_E_*, selected SEC_E_*), Win32 IPsec/IKE
// errors 13800-13999 and RAS/VPN client errors 600-870. Logs print the same number in many
// spellings (2148204816, 0x800B0110, -2146762480; 13805, 0x35ED, 0x800735ED), so every spelling
// resolves to one entry. The tables are generated into tables.inc (see gen_tables.py).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/out.hpp"
#include "seckit/result.hpp"

namespace seckit::winerr {

enum class Family { kCert, kTrust, kCrypt, kSspi, kIpsecIke, kRas };
// "cert", "trust", "crypt", "sspi", "ipsec-ike", "ras"
std::string_view family_name(Family family);

struct WinError {
  std::uint32_t hresult = 0;           // for Win32 codes: HRESULT_FROM_WIN32 (0x8007xxxx)
  std::optional<std::uint32_t> win32;  // set for IKE and RAS entries
  Family family = Family::kCert;
  std::string_view name;
  std::string_view message;  // may be empty when the SDK has no text

  std::string hex() const;            // "0x800B0110"
  std::int64_t signed_value() const;  // the HRESULT as a signed 32-bit number
  // What it usually means on an IPsec/L2TP/SSL VPN deployment; empty when we have nothing useful.
  std::string_view vpn_meaning() const;
};

// Parses one spelling: decimal ("2148204816", "13805"), signed decimal ("-2146762480"),
// hexadecimal with 0x/0X prefix or an h suffix ("0x800B0110", "0x35ED", "35EDh").
Result<std::uint32_t> parse_code(std::string_view text);

// Looks a value up as an HRESULT first, then as a Win32 code, unwrapping HRESULT_FROM_WIN32.
std::optional<WinError> lookup(std::uint32_t value);
// Parses and looks up in one step.
std::optional<WinError> lookup(std::string_view spelling);
// Exact symbolic name, case-insensitive ("CERT_E_WRONG_USAGE").
std::optional<WinError> by_name(std::string_view name);
// Every entry, in table order (for listings and tests).
std::vector<WinError> all();

// The `windows_error` object of a finding: {"name","hex","unsigned","signed","message"} plus
// "family" and, for Win32 codes, "win32" (the decimal code event logs print).
out::Json to_json(const WinError& error);

}  // namespace seckit::winerr
