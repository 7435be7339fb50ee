// sshd runs `sshkey-ldap authorized-keys %u` on every login attempt, often several times per
// login. When the answer is in the cache and fresh, the executable answers here, before anything
// else: no CLI11 option tree, no libldap, no OpenSSL (those live in the commands module, which
// this path never loads). Every other case returns nullopt and the commands module decides, with
// the messages and exit codes it always had: another command, any option but --config, a
// configuration or user name it would refuse, enforce_policy, a miss or a stale answer.
#pragma once

#include <optional>

namespace sshkey_ldap {

std::optional<int> answer_from_cache(int argc, char** argv);

}  // namespace sshkey_ldap
