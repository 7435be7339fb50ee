// The sshkey-ldap commands. main.cpp only parses arguments into these calls.
#pragma once

#include <string>
#include <vector>

#include "answer.hpp"
#include "config.hpp"
#include "policy.hpp"
#include "seckit/cli.hpp"

namespace sshkey_ldap {

struct Context {
  seckit::cli::Tool& tool;
  Config config;
  Policy policy;
};

int run_authorized_keys(Context& ctx, const std::string& user,
                        const std::vector<std::string>& extra);
int run_known_hosts(Context& ctx, const std::string& host, bool hashed, bool sshfp);
int run_add(Context& ctx, const std::string& user, const std::string& key_file, bool dry_run);
int run_remove(Context& ctx, const std::string& user, const std::string& fingerprint);
int run_list(Context& ctx, const std::string& user);
int run_import(Context& ctx, const std::string& source, bool dry_run);
int run_audit(Context& ctx);
// Offline: parses and validates a key file, printing what ssh-keygen -l prints.
int run_check(Context& ctx, const std::string& key_file, const std::string& hash);
// Removes cached authorized-keys answers (every one when `users` is empty).
int run_cache_flush(Context& ctx, const std::vector<std::string>& users);
int run_schema(Context& ctx, const std::string& format);

}  // namespace sshkey_ldap
