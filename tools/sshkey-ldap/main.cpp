// sshkey-ldap: argument wiring only; the commands live in sshkey_ldap_core. This is the entry
// point of the commands module (sshkey-ldap-commands.so), which the sshkey-ldap executable
// (front.cpp) loads for every call it does not answer from the cache itself.
#include <fmt/format.h>
#include <sys/stat.h>

#include <map>

#include "commands.hpp"
#include "seckit/cli.hpp"
#include "seckit/error.hpp"

// Exceptions before tool.run() come only from CLI11 rejecting the option definitions below (a
// programming error, found by every test); run() turns everything after into exit codes.
extern "C" __attribute__((visibility("default"))) int
seckit_sshkey_ldap_main(  // NOLINT(bugprone-exception-escape)
    int argc, char** argv) {
  using namespace sshkey_ldap;
  seckit::ldap::skip_sasl_plugins();  // binds are simple or anonymous
  seckit::cli::Tool tool("sshkey-ldap",
                         "SSH user and host keys in LDAP: sshd lookup, enrollment and audit");
  CLI::App& app = tool.app();
  // No require_subcommand(): the hidden --generate must work without one; checked in the body.

  std::string config_path;
  tool.file_arg(app.add_option("--config", config_path,
                               fmt::format("Configuration file (default {} when it exists)",
                                           kDefaultConfigPath))
                    ->type_name("FILE"));
  std::string policy_path;
  tool.file_arg(app.add_option("--policy", policy_path,
                               "Audit/enrollment policy (JSON): RSA thresholds, DSA, forbidden "
                               "options, severities")
                    ->type_name("FILE"));

  // Every configuration key is also a flag; a flag given on the command line wins.
  std::vector<std::string> flag_uris;
  app.add_option("--uri", flag_uris, "LDAP server URI (repeat for failover: tried in order)")
      ->type_name("URI");
  std::map<std::string, std::string> values;
  std::vector<std::pair<std::string, CLI::Option*>> value_flags;
  auto value_flag = [&](const std::string& key, const std::string& help, const std::string& type,
                        char kind = 0) {
    std::string flag = "--" + key;
    for (char& c : flag) c = c == '_' ? '-' : c;
    CLI::Option* opt = app.add_option(flag, values[key], help)->type_name(type);
    if (kind == 'f') tool.file_arg(opt);
    if (kind == 'd') tool.dir_arg(opt);
    value_flags.emplace_back(key, opt);
    return opt;
  };
  value_flag("base", "Search base DN", "DN");
  value_flag("bind_dn", "DN to bind as (default: anonymous)", "DN");
  value_flag("bind_password_file", "File holding the bind password (mode 0600 or stricter)", "FILE",
             'f');
  value_flag("ca_file", "CA certificates (PEM) that sign the LDAP server certificate", "FILE", 'f');
  tool.choices(value_flag("tls_verify", "Verify the server certificate (default yes)", "yes|no"),
               {"yes", "no"});
  value_flag("timeout", "Hard deadline for connect+bind+search (default 5s; ms, s, m suffixes)",
             "DURATION");
  value_flag("user_filter", "Filter for a user, %s = escaped name", "FILTER");
  value_flag("enroll_filter", "Filter finding the entry add/remove/import change", "FILTER");
  value_flag("key_attribute", "Attribute holding the keys (default sshPublicKey)", "ATTR");
  value_flag("host_filter", "Filter for one host, %s = escaped host name", "FILTER");
  value_flag("hosts_filter", "Filter listing every host (known-hosts without HOST)", "FILTER");
  value_flag("cache_dir", "Directory of the per-user answer cache", "DIR", 'd');
  value_flag("cache_ttl", "How long a cached answer is served without asking LDAP (default 60s)",
             "DURATION");
  value_flag("stale_max", "Oldest cached answer --stale-ok serves while LDAP is down (default 24h)",
             "DURATION");
  value_flag("page_size", "Paged-results page size (0 disables paging; default 500)", "N");
  std::vector<std::pair<std::string, int>> bool_flags;
  auto bool_flag = [&](const std::string& key, const std::string& flag, const std::string& help) {
    app.add_flag_function(
        flag, [&bool_flags, key](std::int64_t count) { bool_flags.emplace_back(key, count > 0); },
        help);
  };
  bool_flag("starttls", "--starttls,!--no-starttls", "Upgrade ldap:// with StartTLS");
  bool_flag("ldaps", "--ldaps,!--no-ldaps", "Use ldaps:// (TLS from the first byte)");
  bool_flag("stale_ok", "--stale-ok,!--no-stale-ok",
            "Serve the last good answer when LDAP is unreachable");
  bool_flag(
      "enforce_policy", "--enforce-policy,!--no-enforce-policy",
      "authorized-keys withholds keys the policy refuses (DSA, small RSA, forbidden options)");

  std::string user, key_file, host, fingerprint, source, schema_format = "both";
  std::vector<std::string> extra;
  bool hashed = false, sshfp = false, dry_run = false;
  std::string command;

  auto* ak = app.add_subcommand("authorized-keys",
                                "Print USER's key lines for sshd's AuthorizedKeysCommand");
  ak->add_option("user", user, "User name (sshd's %u)")->required();
  ak->add_option("sshd_args", extra, "Optional %f %t %k: only the offered key is printed");
  auto* kh = app.add_subcommand("known-hosts",
                                "Print known_hosts lines (ssh's KnownHostsCommand, %H) or SSHFP");
  kh->add_option("host", host, "Host name or [host]:port; all hosts when omitted");
  kh->add_flag("--hashed", hashed, "Hash host names as HashKnownHosts does");
  kh->add_flag("--sshfp", sshfp, "Print SSHFP resource records instead");
  auto* add = app.add_subcommand("add", "Add a public key (file or - for stdin) to USER");
  add->add_option("user", user, "User name")->required();
  tool.file_arg(
      add->add_option("keyfile", key_file, "Public key file, or - for stdin")->required());
  add->add_flag("--dry-run", dry_run, "Validate and show what would change, write nothing");
  auto* rm = app.add_subcommand(
      "remove", "Remove USER's key by fingerprint (SHA256:, MD5:), key or key file");
  rm->add_option("user", user, "User name")->required();
  rm->add_option("fingerprint", fingerprint,
                 "SHA256:..., MD5:..., the public key, or a key file (- for stdin)")
      ->required();
  auto* list = app.add_subcommand("list", "List keys of USER, or of every user");
  list->add_option("user", user, "User name");
  auto* import = app.add_subcommand(
      "import", "Bulk enrollment from JSON Lines {\"user\",\"key\"} or a directory of USER.pub");
  tool.file_arg(
      import->add_option("source", source, "users.jsonl, - for stdin, or a directory")->required());
  import->add_flag("--dry-run", dry_run, "Validate and show what would change, write nothing");
  std::vector<std::string> flush_users;
  auto* cache = app.add_subcommand("cache", "Manage this host's authorized-keys answer cache");
  cache->require_subcommand(1);
  auto* flush = cache->add_subcommand(
      "flush", "Forget cached answers of USERs (all when none given), like sss_cache -u");
  flush->add_option("users", flush_users, "User names; every cached answer when omitted");
  flush->callback([&] { command = "cache flush"; });
  std::string hash = "sha256";
  auto* check = app.add_subcommand(
      "check", "Validate a public key file offline and print it as ssh-keygen -l does");
  tool.file_arg(
      check->add_option("keyfile", key_file, "Public key file, or - for stdin")->required());
  tool.choices(check->add_option("-E,--hash", hash, "Fingerprint hash: sha256 (default) or md5")
                   ->type_name("HASH"),
               {"sha256", "md5"});
  app.add_subcommand("audit", "Check every key in the directory; exit 1 on findings");
  auto* schema =
      app.add_subcommand("schema", "Print the openssh-lpk schema (slapd.conf, cn=config)");
  tool.choices(schema->add_option("--format", schema_format, "slapd, ldif or both (default)")
                   ->type_name("FORMAT"),
               {"slapd", "ldif", "both"});

  return tool.run(argc, argv, [&] {
    if (command.empty()) {
      for (const auto* sub : app.get_subcommands()) command = sub->get_name();
    }
    if (command.empty())
      throw seckit::usage_error("a command is required", "see sshkey-ldap --help");
    Context ctx{tool, Config{}, Policy{}};
    if (!config_path.empty()) {
      ctx.config.load_file(config_path);
    } else if (struct stat st{}; ::stat(kDefaultConfigPath, &st) == 0) {
      ctx.config.load_file(kDefaultConfigPath);
    }
    if (!flag_uris.empty()) {
      ctx.config.uris.clear();
      for (const auto& u : flag_uris) ctx.config.set("uri", u, "--uri");
    }
    for (const auto& [key, option] : value_flags) {
      if (option->count() > 0) ctx.config.set(key, values[key], option->get_name());
    }
    for (const auto& [key, on] : bool_flags) ctx.config.set(key, on ? "yes" : "no", "--" + key);
    if (!policy_path.empty()) ctx.policy = Policy::load(policy_path);

    if (command == "authorized-keys") return run_authorized_keys(ctx, user, extra);
    if (command == "known-hosts") return run_known_hosts(ctx, host, hashed, sshfp);
    if (command == "add") return run_add(ctx, user, key_file, dry_run);
    if (command == "remove") return run_remove(ctx, user, fingerprint);
    if (command == "list") return run_list(ctx, user);
    if (command == "import") return run_import(ctx, source, dry_run);
    if (command == "check") return run_check(ctx, key_file, hash);
    if (command == "audit") return run_audit(ctx);
    if (command == "cache flush") return run_cache_flush(ctx, flush_users);
    return run_schema(ctx, schema_format);
  });
}
