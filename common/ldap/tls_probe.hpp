// Internal to the ldap module: explains a failed TLS handshake with OpenSSL's own reason.
#pragma once

#include <sys/time.h>

#include <string>

namespace seckit::ldap {

// The name libldap checks the server certificate against for a URI host: the host as written,
// except "localhost" (and an empty host), which libldap replaces by this machine's canonical
// name (gethostname, then its canonical DNS name), as its TLS hostname check does.
std::string libldap_checked_name(const std::string& host);

// Connects to host:port (StartTLS first when asked) and verifies the server certificate against
// ca_file (or the system store) and `checked_name` (a DNS name or an address). Returns the
// reason it fails, or empty.
std::string diagnose_tls(const std::string& host, const std::string& port, bool starttls,
                         const std::string& ca_file, timeval timeout,
                         const std::string& checked_name);

}  // namespace seckit::ldap
