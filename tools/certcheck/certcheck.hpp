// certcheck's core, a library so the tests and fuzz targets link exactly what the binary runs.
// main.cpp only wires flags into CheckOptions / RunOptions and calls run_check / run_errcode.
#pragma once

#include <openssl/x509.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/bytes.hpp"
#include "seckit/cli.hpp"
#include "seckit/out.hpp"
#include "seckit/tlsclient.hpp"
#include "seckit/x509.hpp"

namespace certcheck {

// A STACK_OF(X509) that borrows its certificates: freeing it frees the stack, not them.
struct BorrowedStackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
using BorrowedCertStack = std::unique_ptr<STACK_OF(X509), BorrowedStackFree>;

using seckit::out::Finding;
using seckit::out::Json;
using seckit::out::Severity;

// Which side of a connection a profile's certificate belongs to. A server-side profile checks the
// certificates the responder (IKE) or server (TLS) sent, a client-side one those of the initiator
// or client; kAny profiles (RFC 4945 peers, code signing, S/MIME) apply to either.
enum class Side { kAny, kServer, kClient };

// A named usage policy: which EKUs and key usages a certificate needs for one job.
struct Profile {
  std::string_view name;
  std::string_view summary;
  std::string_view basis;                       // where the rule comes from
  std::vector<std::string_view> required_ekus;  // all of them
  // RFC 4945 style: EKU may be absent, else must contain one of these (any-of).
  std::vector<std::string_view> any_of_ekus;
  bool absent_eku_ok = true;          // "no EKU extension = any purpose" accepted without comment
  bool any_eku_ok = false;            // anyExtendedKeyUsage satisfies the requirement
  std::uint32_t ku_any_of = 0;        // when KU is present it must contain one of these bits
  std::string_view ku_windows_error;  // error Windows logs when the KU is wrong
  bool needs_name = false;  // subject/SAN must carry a DNS name or IP (what IKE peers match)
  Side side = Side::kAny;   // kServer: --connect host implies --host
};

const std::vector<Profile>& profiles();
const Profile* find_profile(std::string_view name);
std::vector<std::string> profile_names();

// A CRL shared between the loader and every X509_STORE built for a chain (the store takes its
// own reference).
using CrlPtr = std::shared_ptr<X509_CRL>;

// --role: which sender's certificates the checks apply to. kAuto lets each profile choose its
// side; kAny checks every certificate whatever sent it.
enum class RoleFilter { kAuto, kAny, kServer, kClient };

struct CheckOptions {
  std::vector<const Profile*> profiles;
  RoleFilter role = RoleFilter::kAuto;
  std::string role_name;  // as the user spelled it (initiator, responder, server, client, any)
  std::vector<std::string> require_ekus;  // resolved dotted OIDs
  bool eku_match_all = true;
  std::string host;
  std::string ip;
  std::optional<std::int64_t> expires_within;  // seconds
  std::optional<int> warn_days;
  std::optional<int> crit_days;
  int min_rsa_bits = 0;
  bool forbid_sha1 = false;
  std::vector<std::string> ignore;  // finding codes to drop
  std::string ca_file;
  std::string ca_dir;
  std::string key_file;
  // Revocation (--crl, --crl-check): OpenSSL's CRL check during chain verification, as
  // `openssl verify -crl_check` (leaf) or `-crl_check_all` (all).
  std::vector<std::string> crl_files;
  std::vector<CrlPtr> crls;  // loaded from crl_files by run_check
  std::string crl_check;     // "", "leaf" or "all"
  // Chain building as openssl verify spells it: -untrusted, -verify_depth, -partial_chain.
  std::vector<std::string> untrusted_files;  // intermediates: candidates, never end entities
  std::optional<int> max_depth;              // intermediates allowed between leaf and anchor
  bool partial_chain = false;                // any certificate of --ca-file/--ca-dir is an anchor
  // Online revocation (--ocsp, --ocsp-url; ocsp.hpp): each verified leaf's status from the
  // responder of its AIA (or ocsp_url), or from the response a --connect server stapled.
  bool ocsp = false;
  std::string ocsp_url;
  int ocsp_timeout = 10;
  // --strict: RFC 5280 and CA/Browser Forum rules as errors (strict.hpp), notAfter inclusive.
  bool strict = false;
  std::int64_t now = 0;
  bool chain_mode() const { return !ca_file.empty() || !ca_dir.empty(); }
  bool leaf_checks_requested() const {
    return !profiles.empty() || !require_ekus.empty() || !host.empty() || !ip.empty();
  }
};

// Inputs are read through symbolic links (regular files and pipes, at most max_bytes).
std::string read_input_file(const std::string& path, std::size_t max_bytes);
// --password-file: a 0600 file (no symlink), or a /dev/fd/N pipe from the shell.
std::string read_password_file(const std::string& path);

// Parses "30d", "12h", "2w", "90m", "45s" or a bare number of days into seconds.
std::optional<std::int64_t> parse_duration(std::string_view text);

// --at TIME: RFC 3339 ("2030-01-02T03:04:05Z", offsets and fractions allowed; a bare date is
// midnight UTC) or @UNIX seconds, as Unix seconds. Empty when malformed.
std::optional<std::int64_t> parse_time(std::string_view text);

// --role NAME: initiator/client are the client side, responder/server the server side.
std::optional<RoleFilter> parse_role(std::string_view name);

// The side that sent a certificate, from its record's `source.sender` (ikedecode: initiator or
// responder; sslvpn-trace: server) or the --connect peer (server). kAny when unknown (a file).
Side sender_side(const Json& source);
std::string sender_name(const Json& source);  // "initiator", ... or "" when unknown

// Whether a certificate is checked, and with which profiles (pure; see docs/certcheck.md "Roles").
struct Scope {
  bool checked = true;
  std::vector<const Profile*> profiles;  // the profiles that apply to it
  std::string skip_reason;               // when !checked: why, and how to check it anyway
};
Scope certificate_scope(const Json& source, const CheckOptions& options);

// --strict reports an issuing certificate's own findings once per run, on the first record that
// meets it: its own record when it is an input read before the leaves it issues, else the first
// leaf whose chain holds it (details.depth and details.element_subject name it). Ten thousand
// leaves under one bad intermediate make one finding, not ten thousand and one.
class StrictIssuersSeen {
 public:
  // True the first time `cert` (by its DER's SHA-1, which OpenSSL caches) is offered.
  bool first_time(X509* cert);

 private:
  std::set<std::array<unsigned char, 20>> seen_;
};

// Findings about one certificate on its own (validity, key, signature, profiles, names).
// `issuers_seen` (null: none kept) limits an issuer's --strict findings to one per run.
std::vector<Finding> check_certificate(const seckit::x509::Certificate& cert, bool leaf,
                                       const CheckOptions& options,
                                       StrictIssuersSeen* issuers_seen = nullptr);

// --crl FILE: every CRL in PEM (X509 CRL or PKCS7 blocks; other blocks skipped), DER, or DER
// PKCS#7. Anything else, a broken block, trailing bytes or no CRL at all: input_error (exit 2).
std::vector<CrlPtr> parse_crls(const std::string& origin, seckit::bytes::Bytes data);
std::vector<CrlPtr> load_crl_file(const std::string& path);
// {issuer, this_update, next_update, crl_number} of a CRL.
Json describe_crl(X509_CRL* crl);
// {serial, revocation_date, reason, reason_code} of `cert`'s entry in `crl`; null when absent.
Json describe_revocation(X509_CRL* crl, X509* cert);
// RFC 5280 5.3.1 CRLReason name ("keyCompromise"); empty for unassigned values.
std::string_view crl_reason_name(int code);

// A Windows error by name, as the `windows_error` object of a finding (null when unknown).
Json windows_error(std::string_view name);

// --connect: the chain the server sends, after an optional STARTTLS dialogue (common/tlsclient).
using ConnectSpec = seckit::tlsclient::ConnectSpec;
// NOLINTNEXTLINE(bugprone-exception-escape): the implicit members copy Json; none is noexcept
struct FetchedChain {
  std::vector<seckit::x509::Certificate> certs;  // as sent, source {connect, index, sni, ...}
  Json session;                                  // the tls_session record
  std::vector<std::uint8_t> stapled;             // the stapled OCSP response, empty when none
  seckit::tlsclient::Verification verification;  // against --ca-file or the system store
};
FetchedChain fetch_chain(const ConnectSpec& spec);
// Findings for the --connect leaf from the connection's verification. Without --ca-file/--ca-dir
// (the system store, like curl): chain-unverified when the chain does not verify, host-mismatch
// when the name does not match and no --host/--ip/server profile checks a name already. With
// them, certcheck's own chain check judges and the verification is only stated.
std::vector<Finding> connection_findings(const seckit::tlsclient::Verification& v,
                                         const CheckOptions& options);

struct RunOptions {
  std::vector<std::string> inputs;
  bool recursive = false;
  bool problems_only = false;   // -q/--problems-only: only certificates with findings
  std::string format = "text";  // text|json|junit
  std::optional<std::string> password;
  std::optional<ConnectSpec> connect;
};

int run_check(seckit::cli::Tool& tool, const RunOptions& run, CheckOptions& options);
int run_errcode(seckit::cli::Tool& tool, const std::vector<std::string>& codes);
int run_profiles(seckit::cli::Tool& tool);

}  // namespace certcheck
