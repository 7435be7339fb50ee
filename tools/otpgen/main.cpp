// otpgen: argument wiring only; the commands live in commands.cpp and enroll.cpp.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "commands.hpp"
#include "fast_code.hpp"
#include "seckit/version.hpp"

namespace {

// Which subcommands are defined. Building CLI11's apps and option trees for all of them was most
// of a short call's instructions (issue 18: ~1.3 M of `otpgen code`'s ~1.9 M, release build), so
// when argv names exactly one command only that one is defined: a command can only run if its
// name is in argv, and CLI11's usage errors for the others read the same. A call naming none
// defines none (it can only be --version or a top-level error) unless it asks for help or docs
// (--help lists every command, --generate renders every option). Several names (a value that
// happens to spell a command) define everything, as before.
class CommandFilter {
 public:
  CommandFilter(int argc, char** argv) {
    static constexpr std::array<std::string_view, 8> kCommands = {
        "secret", "code", "verify", "enroll", "qr", "uri", "import", "export-migration"};
    int named = 0;
    bool help_or_docs = false;
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      if (std::find(kCommands.begin(), kCommands.end(), arg) != kCommands.end()) {
        ++named;
        only_ = arg;
      }
      if (arg == "-h" || arg.starts_with("--help") || arg.starts_with("--generate")) {
        help_or_docs = true;
      }
    }
    all_ = named > 1 || (named == 0 && help_or_docs);
  }
  bool wanted(std::string_view command) const { return all_ || command == only_; }

 private:
  std::string_view only_;
  bool all_ = false;
};

// The calls answered without CLI11: --version, and `code --secret-file FILE` (fast_code.hpp).
std::optional<int> short_call(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--version") return seckit::print_version("otpgen");
  return otpgen::fast_code(argc, argv);
}

#if defined(__GLIBC__)
// glibc calls the functions of .init_array with (argc, argv, envp). Answering the short calls
// from the first of them, before the C++ static initialisers of the other translation units run
// (libstdc++'s iostream and locale set-up, CLI11's validators: ~80 k instructions, more than the
// call itself), is what brings `otpgen code` under oathtool (issue 18). The short calls use
// nothing that a static initialiser sets up: stdio, the secret file, the HMAC.
__attribute__((constructor(101))) void answer_short_call_early(int argc, char** argv,
                                                               char** /*envp*/) {
  if (auto rc = short_call(argc, argv)) std::exit(*rc);
}
#endif

}  // namespace

// Exceptions before tool.run() come only from CLI11 rejecting the option definitions below (a
// programming error, found by every test); run() turns everything after into exit codes.
int main(int argc, char** argv) {                    // NOLINT(bugprone-exception-escape)
  if (auto rc = short_call(argc, argv)) return *rc;  // where the early answer does not exist
  seckit::cli::Tool tool("otpgen",
                         "TOTP/HOTP secrets, codes, enrollment and verification compatible with "
                         "pam_google_authenticator");
  otpgen::Options o;
  CLI::App& app = tool.app();
  std::string command;
  const CommandFilter filter(argc, argv);

  auto source = [&](CLI::App* sub, bool with_ga) {
    sub->add_option("--secret", o.secret,
                    "Base32 secret or otpauth URI; '-' reads it from stdin (on argv it is "
                    "visible in ps: warned)")
        ->type_name("SECRET|-");
    tool.file_arg(sub->add_option("--secret-file", o.secret_file,
                                  "Read the base32 secret (or an otpauth URI) from FILE (mode 0600 "
                                  "or stricter)")
                      ->type_name("FILE"));
    sub->add_option("--uri", o.uri,
                    "Take secret and parameters from an otpauth:// URI ('-' = stdin)")
        ->type_name("URI|-");
    if (with_ga) {
      tool.file_arg(
          sub->add_option("--ga-file", o.ga_file,
                          "A ~/.google_authenticator file (pam_google_authenticator format)")
              ->type_name("FILE"));
    }
  };
  auto params = [&](CLI::App* sub) {
    auto* totp = sub->add_flag("--totp", o.totp, "Time-based codes (RFC 6238)");
    auto* hotp = sub->add_flag("--hotp", o.hotp, "Counter-based codes (RFC 4226)");
    totp->excludes(hotp);
    tool.choices(sub->add_option("--algorithm", o.algorithm, "HMAC hash")->type_name("ALG"),
                 {"sha1", "sha256", "sha512"});
    sub->add_option("--digits", o.digits, "Code length")->type_name("N")->check(CLI::Range(6, 10));
    sub->add_option("--period", o.period, "TOTP time step in seconds (default 30)")
        ->type_name("SECONDS")
        ->check(CLI::Range(1, 86400));
    sub->add_option("--counter", o.counter, "HOTP counter")->type_name("N");
  };
  auto qr_options = [&](CLI::App* sub) {
    tool.choices(sub->add_option("--qr", o.qr, "QR code on stdout (also when not a terminal)")
                     ->default_str("utf8")
                     ->type_name("MODE"),
                 {"utf8", "ansi", "none"});
    tool.file_arg(sub->add_option("--qr-png", o.qr_png, "Write the QR code as a PNG image")
                      ->type_name("FILE"));
    tool.file_arg(sub->add_option("--qr-svg", o.qr_svg, "Write the QR code as an SVG image")
                      ->type_name("FILE"));
  };

  if (filter.wanted("secret")) {
    auto* secret = app.add_subcommand("secret", "Print a new random secret (unpadded base32)");
    secret->add_option("--bytes", o.bytes, "Secret size (default 20, 32 for sha256, 64 for sha512)")
        ->type_name("N")
        ->check(CLI::Range(1, 1024));
    tool.choices(secret->add_option("--algorithm", o.algorithm, "Size the secret for this hash")
                     ->type_name("ALG"),
                 {"sha1", "sha256", "sha512"});
    secret->callback([&] { command = "secret"; });
  }

  if (filter.wanted("code")) {
    auto* code = app.add_subcommand("code", "Print the current (or a given) code");
    source(code, true);
    params(code);
    code->add_option("--now", o.now, "Compute for this time (UNIX seconds or RFC 3339)")
        ->type_name("TIME");
    code->add_option("--count", o.count, "Print K successive codes")
        ->type_name("K")
        ->check(CLI::Range(1, 1000));
    code->add_flag("--steam", o.steam, "Steam Guard 5-character codes");
    code->callback([&] { command = "code"; });
  }

  if (filter.wanted("verify")) {
    auto* verify = app.add_subcommand(
        "verify",
        "Check a code against a secret, or against a GA file with the PAM module's rules");
    verify->add_option("CODE", o.code, "The code ('-' reads it from stdin)")->required();
    source(verify, true);
    params(verify);
    verify->add_option("--now", o.now, "Verify at this time (UNIX seconds or RFC 3339)")
        ->type_name("TIME");
    verify
        ->add_option("--window", o.window,
                     "Steps either side (TOTP) or counters ahead (HOTP) to accept (default 1); "
                     "GA files use WINDOW_SIZE")
        ->type_name("N")
        ->check(CLI::Range(0, 1000));
    verify->add_flag("--steam", o.steam, "The code is a Steam Guard code");
    verify->add_flag("--dry-run", o.dry_run, "Change nothing in the GA file; explain the verdict");
    verify
        ->add_option("--pam-option", o.pam_options,
                     "A pam_google_authenticator option of the PAM line (noskewadj, "
                     "no_increment_hotp, allowed_perm=0NNN, grace_period=N, no_strict_owner, "
                     "user=NAME; debug and the prompt options are ignored with a note); repeatable")
        ->type_name("OPT");
    verify->callback([&] { command = "verify"; });
  }

  if (filter.wanted("enroll")) {
    auto* enroll =
        app.add_subcommand("enroll", "Create a secret, a GA file, the otpauth URI and a QR code");
    source(enroll, false);
    tool.file_arg(enroll
                      ->add_option("--ga-file", o.ga_file,
                                   "Write a pam_google_authenticator file (mode 0400, never "
                                   "overwritten without --force)")
                      ->type_name("FILE"));
    auto* etotp = enroll->add_flag("--totp", o.totp, "Time-based (default)");
    auto* ehotp = enroll->add_flag("--hotp", o.hotp, "Counter-based (HOTP_COUNTER 1)");
    etotp->excludes(ehotp);
    tool.choices(enroll->add_option("--algorithm", o.algorithm, "HMAC hash (GA files: sha1 only)")
                     ->type_name("ALG"),
                 {"sha1", "sha256", "sha512"});
    enroll->add_option("--digits", o.digits, "Code length (GA files: 6 only)")
        ->type_name("N")
        ->check(CLI::Range(6, 10));
    enroll->add_option("--step-size", o.step_size, "TOTP step in seconds (default 30)")
        ->type_name("SECONDS")
        ->check(CLI::Range(1, 60));
    enroll->add_option("--bytes", o.bytes, "Size of the new secret")
        ->type_name("N")
        ->check(CLI::Range(10, 1024));
    enroll->add_option("--account", o.account, "Account name in the label (default $USER@host)")
        ->type_name("NAME");
    enroll->add_option("--issuer", o.issuer, "Issuer (default the host name)")->type_name("NAME");
    enroll->add_option("--rate-limit", o.rate_limit, "RATE_LIMIT: N logins per M seconds, or none")
        ->default_str("3/30")
        ->type_name("N/M");
    enroll->add_option("--window-size", o.window_size, "WINDOW_SIZE (module default 3)")
        ->type_name("W")
        ->check(CLI::Range(1, 21));
    auto* disallow = enroll->add_flag("--disallow-reuse", o.disallow_reuse,
                                      "DISALLOW_REUSE (the default for TOTP)");
    auto* allow = enroll->add_flag("--allow-reuse", o.allow_reuse, "Do not write DISALLOW_REUSE");
    disallow->excludes(allow);
    enroll->add_option("--scratch-codes", o.scratch_codes, "Number of 8-digit emergency codes")
        ->default_str("5")
        ->type_name("N");
    qr_options(enroll);
    enroll->add_flag("--force", o.force, "Replace existing GA/QR files");
    enroll
        ->add_option(
            "--owner", o.owner,
            "Give the GA file to USER (root enrolling for a user: the module refuses files "
            "the user logging in does not own); batch lines use their \"user\" field")
        ->type_name("USER");
    tool.file_arg(enroll
                      ->add_option("--batch", o.batch,
                                   "Enroll every account of a JSON Lines file "
                                   "({\"account\",\"issuer\",\"user\"}; '-' = stdin)")
                      ->type_name("FILE"));
    tool.dir_arg(enroll->add_option("--out-dir", o.out_dir, "Batch: where the GA and QR files go")
                     ->type_name("DIR"));
    tool.choices(enroll->add_option("--batch-qr", o.batch_qr, "Batch: QR image per account")
                     ->default_str("png")
                     ->type_name("FORMAT"),
                 {"png", "svg", "none"});
    enroll->callback([&] { command = "enroll"; });
  }

  if (filter.wanted("qr")) {
    auto* qr = app.add_subcommand("qr", "Show the QR code of an existing GA file again");
    tool.file_arg(
        qr->add_option("--ga-file", o.ga_file, "The GA file")->type_name("FILE")->required());
    qr->add_option("--account", o.account,
                   "Account name in the label (required: the file does not say)")
        ->type_name("NAME");
    qr->add_option("--issuer", o.issuer, "Issuer (default the host name)")->type_name("NAME");
    qr_options(qr);
    qr->add_flag("--force", o.force, "Replace existing QR image files");
    qr->callback([&] { command = "qr"; });
  }

  if (filter.wanted("uri")) {
    auto* uri = app.add_subcommand("uri", "Parse or build otpauth:// URIs");
    uri->require_subcommand(1);
    auto* parse = uri->add_subcommand("parse", "Show the fields of otpauth URIs (secret redacted)");
    parse->add_option("URI", o.inputs, "URIs; '-' reads one per line from stdin")->required();
    parse->callback([&] { command = "uri parse"; });
    auto* build = uri->add_subcommand("build", "Build an otpauth URI from a secret and parameters");
    source(build, true);
    params(build);
    build->add_option("--account", o.account, "Account name")->type_name("NAME");
    build->add_option("--issuer", o.issuer, "Issuer")->type_name("NAME");
    build->callback([&] { command = "uri build"; });
  }

  if (filter.wanted("import")) {
    auto* import_cmd = app.add_subcommand(
        "import", "Decode a Google Authenticator export (otpauth-migration://) into otpauth URIs");
    import_cmd->add_option("URI", o.inputs, "Migration URIs; '-' reads one per line from stdin")
        ->required();
    import_cmd->callback([&] { command = "import"; });
  }

  if (filter.wanted("export-migration")) {
    auto* export_migration = app.add_subcommand(
        "export-migration", "Pack otpauth URIs into one otpauth-migration:// URI for the app");
    export_migration->add_option("URI", o.inputs, "otpauth URIs; '-' reads one per line from stdin")
        ->required();
    qr_options(export_migration);
    export_migration->add_flag("--force", o.force, "Replace existing QR image files");
    export_migration->callback([&] { command = "export-migration"; });
  }

  app.add_flag("--show-secrets", o.show_secrets, "Print secrets instead of REDACTED");

  return tool.run(argc, argv, [&] {
    if (command == "secret") return otpgen::run_secret(tool, o);
    if (command == "code") return otpgen::run_code(tool, o);
    if (command == "verify") return otpgen::run_verify(tool, o);
    if (command == "enroll") return otpgen::run_enroll(tool, o);
    if (command == "qr") return otpgen::run_qr(tool, o);
    if (command == "uri parse") return otpgen::run_uri_parse(tool, o);
    if (command == "uri build") return otpgen::run_uri_build(tool, o);
    if (command == "import") return otpgen::run_import(tool, o);
    if (command == "export-migration") return otpgen::run_export_migration(tool, o);
    throw seckit::usage_error("no command given", "see otpgen --help");
  });
}
