// Host patterns as ssh(1) matches known_hosts names (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"):
// a list of patterns, '*' any run of characters, '?' exactly one, a pattern starting with '!'
// negates (a host matching a negated pattern is refused by the line even when another pattern
// matches), comparison without regard to case. Used so a single-host known-hosts lookup returns
// the directory's wildcard entries (@cert-authority *.example.org) that ssh would apply.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sshkey_ldap {

// True when the name holds a wildcard or a negation: the entry is a pattern, not a host.
bool is_host_pattern(std::string_view name);

// ssh's verdict for one known_hosts line whose names are `patterns`: true when a pattern
// matches `host` and no negated pattern does. `host` is what ssh looks up: "name", or
// "[name]:port" for a port other than 22.
bool host_matches_patterns(std::string_view host, const std::vector<std::string>& patterns);

// The filter finding the entries whose cn holds '*' or '?': hosts_filter narrowed by substring
// assertions on those literal characters (RFC 4515 escapes \2a, \3f). Only cn: ipHostNumber
// has no substring matching rule in the nis schema, so address patterns belong in cn.
std::string pattern_entries_filter(const std::string& hosts_filter);

}  // namespace sshkey_ldap
