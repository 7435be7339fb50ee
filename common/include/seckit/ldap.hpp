// LDAP for seckit tools: a connection that is bound (with failover over several URIs, StartTLS
// or ldaps, certificate verification on unless turned off) within a hard deadline, paged search
// that walks past server size limits, attribute modifications, and RFC 4515 filter escaping so a
// user name can never change the meaning of a filter.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

typedef struct ldap LDAP;  // NOLINT: libldap's own opaque type

namespace seckit::ldap {

// RFC 4515 section 3: '*', '(', ')', '\' and NUL become \2a \28 \29 \5c \00. Bytes >= 0x80 are
// escaped too, so the filter stays printable ASCII whatever the input encoding.
std::string escape_filter_value(std::string_view value);

// Replaces every "%s" in `pattern` with the escaped value; "%%" is a literal '%'. Any other
// '%' sequence is rejected (a typo in a configured filter must not silently match everything).
std::string expand_filter(std::string_view pattern, std::string_view value);

// RFC 4514 escaping of an attribute value used inside a DN.
std::string escape_dn_value(std::string_view value);

struct Options {
  std::vector<std::string> uris;  // tried in order until one answers (failover)
  std::string bind_dn;            // empty: anonymous
  std::string bind_password;
  bool starttls = false;                    // ldap:// upgraded with StartTLS (refused if it fails)
  std::string ca_file;                      // PEM bundle; empty: the system trust store
  bool tls_verify = true;                   // off only when the user says so explicitly
  std::chrono::milliseconds timeout{5000};  // hard deadline for connect + TLS + bind
};

struct Entry {
  std::string dn;
  // Attribute names in lower case (LDAP names are case-insensitive); values are raw bytes.
  std::map<std::string, std::vector<std::string>> attributes;

  const std::vector<std::string>& values(std::string_view name) const;
  bool has(std::string_view name) const { return !values(name).empty(); }
};

enum class Scope { kBase, kOneLevel, kSubtree };

struct SearchStats {
  std::size_t entries = 0;
  std::size_t pages = 0;
};

// One change of a modify operation.
struct Modification {
  enum class Op { kAdd, kDelete, kReplace } op;
  std::string attribute;
  std::vector<std::string> values;
};

// Connection binds simple or anonymously, never with SASL. libldap still runs Cyrus SASL's client
// initialisation in the first ldap_initialize, which dlopens every installed SASL plugin (GS2,
// GSSAPI and with it Kerberos, NTLM, DIGEST-MD5 ...): measured 4.6 M of the 15.8 M instructions
// of one `sshkey-ldap authorized-keys` lookup (issue 18). Pointing SASL_PATH at a path that is
// not a directory (/dev/null) leaves the plugin list empty. It sets the environment: call it
// at start-up, before any thread, in a program that uses LDAP only through Connection.
void skip_sasl_plugins();

// A bound connection. Every operation has its own hard deadline (`timeout`); a server that
// accepts TCP and never answers costs at most that long. Failures throw ToolError with exit 3
// (environment) and the real reason, e.g. the TLS verification error instead of libldap's
// generic "Can't contact LDAP server".
class Connection {
 public:
  explicit Connection(const Options& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& uri() const { return uri_; }

  // Searches with the RFC 2696 paged-results control when page_size > 0, so directories larger
  // than the server's per-search size limit are walked completely. on_entry sees each entry as
  // it arrives (nothing is accumulated here).
  SearchStats search(const std::string& base, Scope scope, const std::string& filter,
                     const std::vector<std::string>& attributes,
                     const std::function<void(const Entry&)>& on_entry, int page_size = 0);

  void modify(const std::string& dn, const std::vector<Modification>& changes);

 private:
  void connect_one(const std::string& uri, std::chrono::steady_clock::time_point deadline);
  // Throws with OpenSSL's reason for a TLS failure libldap reported without one.
  void explain_tls_failure(bool starttls, std::chrono::steady_clock::time_point deadline) const;
  [[noreturn]] void fail(const std::string& what, int rc) const;
  int wait_result(int msgid, std::chrono::steady_clock::time_point deadline, void** message,
                  bool all = true);
  // The result code of a single-answer operation (StartTLS, bind, modify) and the server's
  // diagnostic text, once its answer arrived.
  struct OperationResult {
    int code;
    std::string text;
  };
  OperationResult await_result(int msgid, std::chrono::steady_clock::time_point deadline);
  Options options_;
  LDAP* ld_ = nullptr;
  std::string uri_;
};

}  // namespace seckit::ldap
