#define LDAP_DEPRECATED 0
#include "seckit/ldap.hpp"

#include <fmt/format.h>
#include <ldap.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "seckit/enc.hpp"
#include "seckit/error.hpp"
#include "tls_probe.hpp"

namespace seckit::ldap {
namespace {

using Clock = std::chrono::steady_clock;

struct MessageFree {
  void operator()(LDAPMessage* m) const {
    if (m) ldap_msgfree(m);
  }
};
using MessagePtr = std::unique_ptr<LDAPMessage, MessageFree>;

struct BervalFree {
  void operator()(berval* b) const {
    if (b) ber_bvfree(b);
  }
};
using BervalPtr = std::unique_ptr<berval, BervalFree>;

timeval remaining_timeval(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
  if (left.count() < 1000) left = std::chrono::microseconds(1000);
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(left.count() / 1000000);
  tv.tv_usec = static_cast<suseconds_t>(left.count() % 1000000);
  return tv;
}

// A search entry decoded in one pass over its BER (ldap_get_dn_ber / ldap_get_attribute_ber, as
// ldap_first_attribute(3) describes), not one scan of the entry per attribute as
// ldap_get_values_len does: an audit reads every entry of the directory (issue 18).
Entry read_entry(LDAP* ld, LDAPMessage* m) {
  Entry entry;
  BerElement* ber = nullptr;
  berval dn{};
  if (ldap_get_dn_ber(ld, m, &ber, &dn) != LDAP_SUCCESS) {
    if (ber) ber_free(ber, 0);
    return entry;
  }
  std::unique_ptr<BerElement, void (*)(BerElement*)> owned(ber,
                                                           [](BerElement* b) { ber_free(b, 0); });
  entry.dn.assign(dn.bv_val, dn.bv_len);
  berval name{};
  berval* values = nullptr;  // a BerVarray ending with a null bv_val
  while (ldap_get_attribute_ber(ld, m, ber, &name, &values) == LDAP_SUCCESS && name.bv_val) {
    auto& out = entry.attributes[enc::ascii_lower(std::string_view(name.bv_val, name.bv_len))];
    if (values) {
      for (const berval* v = values; v->bv_val; ++v) out.emplace_back(v->bv_val, v->bv_len);
      ber_memfree(values);
      values = nullptr;
    }
  }
  return entry;
}

std::string diagnostic(LDAP* ld) {
  if (!ld) return {};
  char* text = nullptr;
  ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &text);
  std::string out = text ? text : "";
  if (text) ldap_memfree(text);
  return out;
}

// Errors that say the directory refused what we asked (bad filter, schema violation) are the
// caller's input; everything else (unreachable, refused credentials, access) is environment.
bool is_input_error(int rc) {
  return rc == LDAP_FILTER_ERROR || rc == LDAP_INVALID_SYNTAX ||
         rc == LDAP_OBJECT_CLASS_VIOLATION || rc == LDAP_UNDEFINED_TYPE ||
         rc == LDAP_INVALID_DN_SYNTAX || rc == LDAP_CONSTRAINT_VIOLATION ||
         rc == LDAP_NO_SUCH_OBJECT;
}

void disable_system_ldap_conf() {
  // The tool has its own config file; /etc/ldap/ldap.conf and ~/.ldaprc must not silently change
  // which server is trusted or contacted (sshd runs us as AuthorizedKeysCommand).
  static std::once_flag once;
  std::call_once(once, [] { ::setenv("LDAPNOINIT", "1", 1); });
}

}  // namespace

const std::vector<std::string>& Entry::values(std::string_view name) const {
  static const std::vector<std::string> kNone;
  auto it = attributes.find(enc::ascii_lower(name));
  return it == attributes.end() ? kNone : it->second;
}

Connection::Connection(const Options& options) : options_(options) {
  disable_system_ldap_conf();
  if (options_.uris.empty()) throw usage_error("no LDAP server configured", "set uri or --uri");
  auto deadline = Clock::now() + options_.timeout;
  std::string reasons;
  for (const auto& uri : options_.uris) {
    if (Clock::now() >= deadline) {
      reasons += fmt::format("{}{}: not tried, deadline reached", reasons.empty() ? "" : "; ", uri);
      continue;
    }
    try {
      connect_one(uri, deadline);
      return;
    } catch (const ToolError& e) {
      if (ld_) ldap_unbind_ext_s(ld_, nullptr, nullptr);
      ld_ = nullptr;
      if (e.code() == kExitUsage && options_.uris.size() == 1) throw;
      reasons += fmt::format("{}{}{}", reasons.empty() ? "" : "; ", e.what(),
                             e.hint().empty() ? "" : " (" + e.hint() + ")");
    }
  }
  throw environment_error("ldap", reasons);
}

Connection::~Connection() {
  if (ld_) ldap_unbind_ext_s(ld_, nullptr, nullptr);
}

void Connection::fail(const std::string& what, int rc) const {
  std::string detail = diagnostic(ld_);
  // libldap's TLS layer leaves "(unknown error code)" as the diagnostic: it says nothing and
  // would print as "((unknown error code))".
  if (detail == "(unknown error code)") detail.clear();
  if (detail.size() >= 2 && detail.front() == '(' && detail.back() == ')') {
    detail = detail.substr(1, detail.size() - 2);
  }
  std::string message = fmt::format("{}: {}: {}", uri_, what, ldap_err2string(rc));
  if (!detail.empty()) message += fmt::format(" ({})", detail);
  if (is_input_error(rc)) throw input_error("ldap", message);
  throw environment_error("ldap", message);
}

int Connection::wait_result(int msgid, Clock::time_point deadline, void** message, bool all) {
  for (;;) {
    if (Clock::now() >= deadline) {
      ldap_abandon_ext(ld_, msgid, nullptr, nullptr);
      throw environment_error(
          "ldap",
          fmt::format("{}: no answer within the deadline of {} ms", uri_, options_.timeout.count()),
          "the server accepts connections but does not respond");
    }
    timeval tv = remaining_timeval(deadline);
    LDAPMessage* result = nullptr;
    int rc = ldap_result(ld_, msgid, all ? LDAP_MSG_ALL : LDAP_MSG_ONE, &tv, &result);
    if (rc == 0) continue;
    if (rc < 0) {
      int code = LDAP_SERVER_DOWN;
      ldap_get_option(ld_, LDAP_OPT_RESULT_CODE, &code);
      fail("waiting for the answer", code);
    }
    *message = result;
    return rc;
  }
}

Connection::OperationResult Connection::await_result(int msgid, Clock::time_point deadline) {
  void* raw = nullptr;
  wait_result(msgid, deadline, &raw);
  MessagePtr result(static_cast<LDAPMessage*>(raw));
  int err = LDAP_SUCCESS;
  char* text = nullptr;
  if (int rc = ldap_parse_result(ld_, result.get(), &err, nullptr, &text, nullptr, nullptr, 0);
      rc != LDAP_SUCCESS) {
    fail("reading the answer", rc);
  }
  OperationResult out{err, text ? text : ""};
  if (text) ldap_memfree(text);
  return out;
}

void skip_sasl_plugins() { ::setenv("SASL_PATH", "/dev/null", 1); }

void Connection::connect_one(const std::string& uri, Clock::time_point deadline) {
  uri_ = uri;
  if (ldap_is_ldap_url(uri.c_str()) == 0) {
    throw input_error("ldap", fmt::format("{}: not an ldap:// or ldaps:// URI", uri));
  }
  bool ldaps = enc::ascii_lower(uri).rfind("ldaps://", 0) == 0;
  if (int rc = ldap_initialize(&ld_, uri.c_str()); rc != LDAP_SUCCESS) {
    throw input_error("ldap", fmt::format("{}: {}", uri, ldap_err2string(rc)));
  }
  int version = LDAP_VERSION3;
  ldap_set_option(ld_, LDAP_OPT_PROTOCOL_VERSION, &version);
  ldap_set_option(ld_, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
  timeval tv = remaining_timeval(deadline);
  ldap_set_option(ld_, LDAP_OPT_NETWORK_TIMEOUT, &tv);
  ldap_set_option(ld_, LDAP_OPT_TIMEOUT, &tv);
  if (ldaps || options_.starttls) {
    int require = options_.tls_verify ? LDAP_OPT_X_TLS_DEMAND : LDAP_OPT_X_TLS_NEVER;
    ldap_set_option(ld_, LDAP_OPT_X_TLS_REQUIRE_CERT, &require);
    if (!options_.ca_file.empty()) {
      ldap_set_option(ld_, LDAP_OPT_X_TLS_CACERTFILE, options_.ca_file.c_str());
    }
    int is_server = 0;
    if (int rc = ldap_set_option(ld_, LDAP_OPT_X_TLS_NEWCTX, &is_server); rc != LDAP_SUCCESS) {
      fail(fmt::format("cannot set up TLS with CA file '{}'", options_.ca_file), rc);
    }
  }
  if (options_.starttls && !ldaps) {
    int msgid = 0;
    if (int rc = ldap_start_tls(ld_, nullptr, nullptr, &msgid); rc != LDAP_SUCCESS) {
      fail("cannot connect", rc);
    }
    auto [err, server_text] = await_result(msgid, deadline);
    if (err != LDAP_SUCCESS) {
      throw environment_error("ldap",
                              fmt::format("{}: StartTLS refused: {}{}", uri_, ldap_err2string(err),
                                          server_text.empty() ? "" : " (" + server_text + ")"));
    }
    if (int rc = ldap_install_tls(ld_); rc != LDAP_SUCCESS) {
      explain_tls_failure(true, deadline);
      fail("TLS handshake failed", rc);
    }
  }
  berval credentials{};
  credentials.bv_val = const_cast<char*>(options_.bind_password.c_str());
  credentials.bv_len = options_.bind_password.size();
  int msgid = 0;
  const char* dn = options_.bind_dn.empty() ? nullptr : options_.bind_dn.c_str();
  if (int rc = ldap_sasl_bind(ld_, dn, LDAP_SASL_SIMPLE, &credentials, nullptr, nullptr, &msgid);
      rc != LDAP_SUCCESS) {
    if (ldaps && (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR)) {
      explain_tls_failure(false, deadline);
    }
    fail(ldaps ? "cannot connect (TLS)" : "cannot connect", rc);
  }
  if (int err = await_result(msgid, deadline).code; err != LDAP_SUCCESS) {
    fail(fmt::format("bind as '{}' refused",
                     options_.bind_dn.empty() ? "anonymous" : options_.bind_dn),
         err);
  }
}

void Connection::explain_tls_failure(bool starttls, Clock::time_point deadline) const {
  LDAPURLDesc* desc = nullptr;
  if (ldap_url_parse(uri_.c_str(), &desc) != LDAP_URL_SUCCESS || !desc) return;
  std::string host = desc->lud_host && *desc->lud_host ? desc->lud_host : "localhost";
  int port = desc->lud_port ? desc->lud_port : (starttls ? 389 : 636);
  ldap_free_urldesc(desc);
  timeval tv = remaining_timeval(std::max(deadline, Clock::now() + std::chrono::milliseconds(500)));
  std::string checked = libldap_checked_name(host);
  std::string why =
      diagnose_tls(host, std::to_string(port), starttls,
                   options_.tls_verify ? options_.ca_file : std::string(), tv, checked);
  if (why.empty()) return;
  if (!options_.tls_verify && why.rfind("certificate verify failed", 0) == 0) return;
  std::string prefix = fmt::format("{}: {}", uri_, starttls ? "StartTLS: " : "");
  if (checked != host && why.find("mismatch") != std::string::npos) {
    // libldap never checks "localhost": it checks this machine's canonical name instead, so a
    // certificate issued for localhost fails although the URI says localhost.
    throw environment_error(
        "ldap",
        fmt::format("{}{}: libldap checks the certificate against this machine's canonical name "
                    "'{}', not '{}'",
                    prefix, why, checked, host),
        fmt::format("use a URI naming what the certificate holds other than localhost, such as "
                    "{}://127.0.0.1:{} for a certificate with IP:127.0.0.1, or issue the "
                    "certificate for '{}'",
                    starttls ? "ldap" : "ldaps", port, checked));
  }
  throw environment_error("ldap", prefix + why,
                          why.find("certificate") != std::string::npos
                              ? "check ca_file and that the URI names the certificate's host"
                              : "");
}

SearchStats Connection::search(const std::string& base, Scope scope, const std::string& filter,
                               const std::vector<std::string>& attributes,
                               const std::function<void(const Entry&)>& on_entry, int page_size) {
  int ldap_scope = scope == Scope::kBase       ? LDAP_SCOPE_BASE
                   : scope == Scope::kOneLevel ? LDAP_SCOPE_ONELEVEL
                                               : LDAP_SCOPE_SUBTREE;
  std::vector<char*> attrs;
  for (const auto& a : attributes) attrs.push_back(const_cast<char*>(a.c_str()));
  attrs.push_back(nullptr);

  SearchStats stats;
  BervalPtr cookie;
  for (;;) {
    auto deadline = Clock::now() + options_.timeout;
    LDAPControl* page_control = nullptr;
    if (page_size > 0) {
      if (int rc = ldap_create_page_control(ld_, page_size, cookie.get(), 0, &page_control);
          rc != LDAP_SUCCESS) {
        fail("cannot create the paged-results control", rc);
      }
    }
    LDAPControl* controls[2] = {page_control, nullptr};
    timeval tv = remaining_timeval(deadline);
    int msgid = 0;
    int rc = ldap_search_ext(ld_, base.c_str(), ldap_scope, filter.c_str(), attrs.data(), 0,
                             page_control ? controls : nullptr, nullptr, &tv, 0, &msgid);
    if (page_control) ldap_control_free(page_control);
    if (rc != LDAP_SUCCESS) fail(fmt::format("search {} failed", filter), rc);
    ++stats.pages;

    bool page_done = false;
    while (!page_done) {
      void* raw = nullptr;
      wait_result(msgid, deadline, &raw, false);
      MessagePtr message(static_cast<LDAPMessage*>(raw));
      for (LDAPMessage* m = ldap_first_message(ld_, message.get()); m;
           m = ldap_next_message(ld_, m)) {
        int type = ldap_msgtype(m);
        if (type == LDAP_RES_SEARCH_ENTRY) {
          Entry entry = read_entry(ld_, m);
          ++stats.entries;
          on_entry(entry);
        } else if (type == LDAP_RES_SEARCH_RESULT) {
          int err = LDAP_SUCCESS;
          char* text = nullptr;
          LDAPControl** server_controls = nullptr;
          ldap_parse_result(ld_, m, &err, nullptr, &text, nullptr, &server_controls, 0);
          std::string server_text = text ? text : "";
          if (text) ldap_memfree(text);
          BervalPtr next_cookie;
          if (server_controls) {
            if (LDAPControl* pr =
                    ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, server_controls, nullptr)) {
              ber_int_t estimate = 0;
              berval value{};
              if (ldap_parse_pageresponse_control(ld_, pr, &estimate, &value) == LDAP_SUCCESS) {
                if (value.bv_len > 0) next_cookie.reset(ber_bvdup(&value));
                ber_memfree(value.bv_val);
              }
            }
            ldap_controls_free(server_controls);
          }
          if (err == LDAP_SIZELIMIT_EXCEEDED) {
            throw environment_error(
                "ldap",
                fmt::format("{}: search {} hit the server's size limit after {} entries", uri_,
                            filter, stats.entries),
                page_size > 0 ? "raise size.prtotal for the bind DN (slapd limits)"
                              : "use a paged search");
          }
          if (err != LDAP_SUCCESS) {
            std::string message = fmt::format("{}: search {} under '{}' failed: {}", uri_, filter,
                                              base, ldap_err2string(err));
            if (!server_text.empty()) message += fmt::format(" ({})", server_text);
            if (is_input_error(err)) throw input_error("ldap", message);
            throw environment_error("ldap", message);
          }
          cookie = std::move(next_cookie);
          page_done = true;
        }
      }
    }
    if (page_size <= 0 || !cookie) break;
  }
  return stats;
}

void Connection::modify(const std::string& dn, const std::vector<Modification>& changes) {
  std::vector<std::vector<berval>> values(changes.size());
  std::vector<std::vector<berval*>> pointers(changes.size());
  std::vector<LDAPMod> mods(changes.size());
  std::vector<LDAPMod*> mod_pointers;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const auto& change = changes[i];
    for (const auto& v : change.values) {
      berval b{};
      b.bv_val = const_cast<char*>(v.data());
      b.bv_len = v.size();
      values[i].push_back(b);
    }
    for (auto& b : values[i]) pointers[i].push_back(&b);
    pointers[i].push_back(nullptr);
    int op = change.op == Modification::Op::kAdd      ? LDAP_MOD_ADD
             : change.op == Modification::Op::kDelete ? LDAP_MOD_DELETE
                                                      : LDAP_MOD_REPLACE;
    mods[i].mod_op = op | LDAP_MOD_BVALUES;
    mods[i].mod_type = const_cast<char*>(change.attribute.c_str());
    mods[i].mod_bvalues = pointers[i].data();
    mod_pointers.push_back(&mods[i]);
  }
  mod_pointers.push_back(nullptr);
  auto deadline = Clock::now() + options_.timeout;
  int msgid = 0;
  if (int rc = ldap_modify_ext(ld_, dn.c_str(), mod_pointers.data(), nullptr, nullptr, &msgid);
      rc != LDAP_SUCCESS) {
    fail(fmt::format("modify {}", dn), rc);
  }
  auto [err, server_text] = await_result(msgid, deadline);
  if (err != LDAP_SUCCESS) {
    std::string message = fmt::format("{}: modify {} refused: {}", uri_, dn, ldap_err2string(err));
    if (!server_text.empty()) message += fmt::format(" ({})", server_text);
    if (is_input_error(err)) throw input_error("ldap", message);
    throw environment_error("ldap", message);
  }
}

}  // namespace seckit::ldap
