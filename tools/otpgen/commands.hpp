// The otpgen subcommands. main.cpp only fills Options from the command line; each run_* does
// one command's work through the emitter and returns the exit status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "seckit/cli.hpp"
#include "uri.hpp"

namespace otpgen {

struct Options {
  // Where the secret comes from (never required on argv).
  std::string secret;       // --secret VALUE|- (argv: warned)
  std::string secret_file;  // --secret-file F
  std::string uri;          // --uri URI|-
  std::string ga_file;      // --ga-file F

  bool totp = false, hotp = false, steam = false;
  std::string algorithm;  // empty = from the source, else sha1|sha256|sha512
  std::optional<int> digits;
  std::optional<std::uint32_t> period;
  std::optional<std::uint64_t> counter;
  std::string now;  // UNIX or RFC 3339
  int count = 1;
  std::optional<std::uint32_t> window;
  bool dry_run = false;
  std::vector<std::string> pam_options;  // verify --pam-option OPT (the module's own words)
  bool show_secrets = false;
  std::size_t bytes = 0;            // secret --bytes
  std::string code;                 // verify CODE
  std::vector<std::string> inputs;  // uri parse / import / export-migration arguments

  // enroll
  std::string account, issuer;
  std::string rate_limit = "3/30";
  std::optional<std::uint32_t> window_size;
  bool disallow_reuse = false, allow_reuse = false;
  std::optional<std::uint32_t> step_size;
  int scratch_codes = 5;
  std::string qr = "utf8";
  std::string qr_png, qr_svg;
  bool force = false;
  std::string owner;  // enroll --owner USER: chown the GA file (the module's strict owner check)
  std::string batch, out_dir;
  std::string batch_qr = "png";
};

int run_secret(seckit::cli::Tool& tool, const Options& options);
int run_code(seckit::cli::Tool& tool, const Options& options);
int run_verify(seckit::cli::Tool& tool, const Options& options);
int run_enroll(seckit::cli::Tool& tool, const Options& options);
int run_qr(seckit::cli::Tool& tool, const Options& options);
int run_uri_parse(seckit::cli::Tool& tool, const Options& options);
int run_uri_build(seckit::cli::Tool& tool, const Options& options);
int run_import(seckit::cli::Tool& tool, const Options& options);
int run_export_migration(seckit::cli::Tool& tool, const Options& options);

// Shared by commands.cpp and enroll.cpp.
std::int64_t resolve_now(const Options& options);
// The secret/URI/GA-file source as an account, flags applied; warns about argv secrets.
OtpAccount resolve_account(seckit::cli::Tool& tool, const Options& options, bool required);
std::string read_stdin_line(const std::string& what);
// A --secret-file's text as an account when it needs no warning and no URI parsing: an unpadded
// base32 secret of at least 16 bytes (TOTP, SHA-1, 6 digits, 30 s). nullopt for anything else,
// which resolve_account handles and reports.
std::optional<OtpAccount> plain_secret_account(const std::string& file_text);
std::string default_user();  // $USER, else root
std::string default_host();  // gethostname()
void emit_qr_text(seckit::cli::Tool& tool, const std::string& mode, const std::string& uri);
void write_qr_files(const std::string& uri, const std::string& png, const std::string& svg,
                    bool overwrite);

}  // namespace otpgen
