// certcheck: argument wiring only; the work is in certcheck_core.

#include <ctime>

#include "certcheck.hpp"
#include "options.hpp"
#include "seckit/connect_cli.hpp"

// Exceptions before tool.run() come only from CLI11 rejecting the option definitions below (a
// programming error, found by every test); run() turns everything after into exit codes.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  seckit::cli::Tool tool(
      "certcheck", "Inspect certificates and check their EKU, key usage, names, expiry and chain");
  CLI::App& app = tool.app();
  certcheck::RunOptions run;
  certcheck::CheckOptions check;
  certcheck::FlagValues flags;

  tool.file_arg(app.add_option("inputs", run.inputs,
                               "Certificate files (PEM, DER, PKCS#12, PKCS#7, JSON Lines "
                               "certificate records), directories with -r, or - for stdin")
                    ->type_name("FILE"));
  app.add_flag("--problems-only", run.problems_only,
               "Print only certificates with findings, and the summary only when there is a "
               "problem (also -q): a cron job mails nothing when all is well");
  app.add_flag(
      "-r,--recursive", run.recursive,
      "Scan directories recursively; files that are not certificates are skipped with a note");
  tool.file_arg(app.add_option("--password-file", flags.password_file,
                               "Read the PKCS#12 password from FILE (mode 0600 or stricter)")
                    ->type_name("FILE"));
  tool.file_arg(
      app.add_option("--key", check.key_file,
                     "Check that the private key in FILE belongs to the (first) certificate")
          ->type_name("FILE"));
  seckit::cli::ConnectOptionSet connect_set;
  connect_set.connect_help =
      "Fetch and check the chain a TLS server sends; it is also verified against --ca-file or "
      "the system trust store, and the result is always stated";
  connect_set.ca_file = false;  // --ca-file below: the chain anchors, also the connection's trust
  connect_set.timeout_help = "Network timeout in seconds for --connect and --ocsp";
  seckit::cli::add_connect_options(tool, app, flags.net, connect_set);
  tool.choices(
      app.add_option("--profile", flags.profile_names,
                     "Check against a usage profile (repeatable; see `certcheck profiles`)")
          ->type_name("NAME")
          ->expected(1)
          ->allow_extra_args(false)
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll),
      certcheck::profile_names());
  tool.choices(app.add_option("--role", flags.role,
                              "Check the certificates this peer sent (initiator, client, "
                              "responder, server) or every one (any); default: each profile's "
                              "own side")
                   ->type_name("ROLE"),
               {"initiator", "responder", "server", "client", "any"});
  app.add_option("--require-eku", flags.require_ekus,
                 "Require an EKU by OID, OpenSSL name or Windows name (repeatable)")
      ->type_name("NAME|OID")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  tool.choices(app.add_option("--eku-match", flags.eku_match,
                              "Whether every --require-eku must be present or any one of them")
                   ->type_name("MODE")
                   ->default_str("all"),
               {"all", "any"});
  app.add_option("--host", check.host,
                 "The certificate must be valid for this DNS name (SAN; CN only without SAN) or IP")
      ->type_name("NAME");
  app.add_option("--ip", check.ip, "The address must be an iPAddress SAN")->type_name("ADDR");
  app.add_option("--expires-within", flags.expires_within,
                 "Error when a certificate expires within DURATION (45s, 90min, 12h, 30d, 2w, 3mo "
                 "= 90 days; bare = days)")
      ->type_name("DURATION");
  app.add_option("--warn-days", check.warn_days, "Warning when fewer than N days are left")
      ->type_name("N");
  app.add_option("--crit-days", check.crit_days, "Error when fewer than N days are left")
      ->type_name("N");
  app.add_option("--min-rsa-bits", check.min_rsa_bits,
                 "Error for RSA/DSA keys shorter than N bits (default: warning below 2048)")
      ->type_name("N");
  app.add_flag("--forbid-sha1", check.forbid_sha1, "SHA-1 signatures are errors, not warnings");
  app.add_flag("--strict", check.strict,
               "RFC 5280 and CA/Browser Forum Baseline Requirements rules as errors, each finding "
               "citing its rule (strict-* codes; see docs/certcheck.md); notAfter is inclusive");
  tool.file_arg(app.add_option("--ca-file", check.ca_file,
                               "Trusted roots (PEM); builds and verifies each leaf's chain")
                    ->type_name("FILE"));
  tool.dir_arg(
      app.add_option("--ca-dir", check.ca_dir, "Directory of trusted roots (c_rehash layout)")
          ->type_name("DIR"));
  tool.file_arg(app.add_option("--untrusted", check.untrusted_files,
                               "Intermediates for building chains (PEM, DER, PKCS#7; repeatable), "
                               "never checked as end entities (openssl verify -untrusted)")
                    ->type_name("FILE")
                    ->expected(1)
                    ->allow_extra_args(false)
                    ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll));
  app.add_option("--max-depth", check.max_depth,
                 "At most N intermediates between the leaf and the trust anchor "
                 "(openssl verify -verify_depth)")
      ->type_name("N")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--partial-chain", check.partial_chain,
               "Any certificate of --ca-file/--ca-dir is a trust anchor, self-signed or not: a "
               "chain may end at a trusted intermediate (openssl verify -partial_chain)");
  app.add_option("--at", flags.at_time,
                 "Check validity at TIME instead of now: RFC 3339 (2030-01-31T12:00:00Z) or "
                 "@UNIX seconds (openssl verify -attime)")
      ->type_name("TIME");
  tool.file_arg(
      app.add_option("--crl", check.crl_files,
                     "Check revocation against the CRLs in FILE (PEM, DER or PKCS#7; repeatable); "
                     "needs --ca-file or --ca-dir")
          ->type_name("FILE")
          ->expected(1)
          ->allow_extra_args(false)
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll));
  tool.choices(app.add_option("--crl-check", check.crl_check,
                              "Which certificates need a valid CRL: the leaf (openssl verify "
                              "-crl_check) or every one of the chain (-crl_check_all); default "
                              "leaf when --crl is given")
                   ->type_name("WHICH"),
               {"leaf", "all"});
  app.add_flag("--ocsp", check.ocsp,
               "Ask the OCSP responder named in each leaf's AIA whether it is revoked (with "
               "--connect: the response the server stapled, when there is one); needs --ca-file "
               "or --ca-dir. No answer or 'unknown' makes the run inconclusive (exit 4)");
  app.add_option("--ocsp-url", check.ocsp_url,
                 "Ask this OCSP responder instead of the AIA's (implies --ocsp)")
      ->type_name("URL");
  app.add_option("--ignore", check.ignore, "Drop findings with this code (repeatable)")
      ->type_name("CODE")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  tool.choices(
      app.add_option("--format", flags.format, "Output format; --json is the same as --format json")
          ->type_name("FORMAT")
          ->default_str("text"),
      {"text", "json", "junit"});

  std::vector<std::string> codes;
  CLI::App* errcode = app.add_subcommand(
      "errcode", "Decode a Windows error number (any spelling) and name the check that finds it");
  errcode
      ->add_option("codes", codes,
                   "2148204816, 0x800B0110, -2146762480, 13805, 0x35ED, 809, "
                   "or a name such as CERT_E_WRONG_USAGE")
      ->required()
      ->type_name("CODE");
  CLI::App* list_profiles =
      app.add_subcommand("profiles", "List the usage profiles and the basis of each rule");

  return tool.run(argc, argv, [&] {
    if (*errcode) return certcheck::run_errcode(tool, codes);
    if (*list_profiles) return certcheck::run_profiles(tool);

    flags.json = tool.common().json;
    flags.quiet = tool.common().quiet;
    certcheck::resolve_options(flags, static_cast<std::int64_t>(std::time(nullptr)), run, check);
    return certcheck::run_check(tool, run, check);
  });
}
