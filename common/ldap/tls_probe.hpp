// Internal to the ldap module: explains a failed TLS handshake with OpenSSL's own reason.
#pragma once

#include <sys/time.h>

#include <string>

namespace seckit::ldap {

// Connects to host:port (StartTLS first when asked) and verifies the server certificate against
// ca_file (or the system store) and the host name. Returns the reason it fails, or empty.
std::string diagnose_tls(const std::string& host, const std::string& port, bool starttls,
                         const std::string& ca_file, timeval timeout);

}  // namespace seckit::ldap
