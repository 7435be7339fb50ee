// Option resolution: the flags as typed (CLI11 fills FlagValues) become the typed CheckOptions
// and RunOptions run_check works with. Every rule that refuses a combination or a spelling lives
// here, unit-tested without a command line; main.cpp only declares the flags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certcheck.hpp"
#include "seckit/tlsclient.hpp"

namespace certcheck {

// What main.cpp's flags hold before resolution (the ones not bound straight to CheckOptions).
struct FlagValues {
  std::vector<std::string> profile_names;  // CLI11 checked the spelling
  std::vector<std::string> require_ekus;   // names or OIDs
  std::string role;
  std::string eku_match = "all";
  std::string expires_within;
  std::string at_time;
  std::string password_file;
  seckit::tlsclient::ConnectFlags net;  // --connect, --sni, --starttls, --timeout (shared group)
  std::string format = "text";
  bool json = false;   // --json
  bool quiet = false;  // -q
};

// --connect HOST:PORT ([v6]:PORT too) with the STARTTLS, SNI and timeout flags, verified against
// --ca-file or the system store (reported, not enforced: the chain is what certcheck inspects).
// nullopt without --connect; usage error (exit 2) for a bad HOST:PORT or --starttls alone.
std::optional<ConnectSpec> resolve_connect(const FlagValues& flags, const CheckOptions& check);

// --expires-within: seconds, or a usage error naming the units (and why "m" is refused).
std::int64_t resolve_expires_within(const std::string& text);

// --at, or `now` when absent: a usage error when malformed.
std::int64_t resolve_time(const std::string& text, std::int64_t now);

// Chain, revocation and OCSP options only mean something when a chain is built.
void check_chain_options(const CheckOptions& check);

// Everything above, in order, into `run` and `check` (whose directly bound fields CLI11 already
// filled). `now` is the clock (a parameter so tests can fix it). The password file is read here.
void resolve_options(const FlagValues& flags, std::int64_t now, RunOptions& run,
                     CheckOptions& check);

}  // namespace certcheck
