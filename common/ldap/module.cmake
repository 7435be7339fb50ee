# libldap wrapper: RAII handles, RFC 4515 filter escaping, RFC 2696 paged search, StartTLS/ldaps
# with certificate verification on by default, and one hard deadline per operation.
find_library(SECKIT_LDAP_LIBRARY NAMES ldap REQUIRED)
find_library(SECKIT_LBER_LIBRARY NAMES lber REQUIRED)
seckit_module(ldap SOURCES ldap/ldap.cpp ldap/filter.cpp ldap/tls_probe.cpp
              DEPS ${SECKIT_LDAP_LIBRARY} ${SECKIT_LBER_LIBRARY} seckit::bytes seckit::enc seckit::tlsclient OpenSSL::SSL fmt::fmt)
