// known-hosts (KnownHostsCommand, ssh_known_hosts, SSHFP) and schema.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "commands.hpp"
#include "helpers.hpp"
#include "host_patterns.hpp"
#include "seckit/crypto.hpp"
#include "seckit/enc.hpp"
#include "seckit/error.hpp"

namespace sshkey_ldap {
namespace {

using seckit::out::Json;

struct HostQuery {
  std::string name;  // without brackets and port
  std::string port;  // empty for 22
};

HostQuery parse_host_query(const std::string& host) {
  HostQuery q;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find("]:");
    if (close == std::string::npos || close + 2 >= host.size()) {
      throw seckit::input_error("host", fmt::format("'{}' is not [host]:port", host));
    }
    q.name = host.substr(1, close - 1);
    q.port = host.substr(close + 2);
    if (q.port.find_first_not_of("0123456789") != std::string::npos) {
      throw seckit::input_error("host", fmt::format("bad port in '{}'", host));
    }
    if (q.port == "22") q.port.clear();
  } else {
    q.name = host;
  }
  if (q.name.empty()) throw seckit::input_error("host", "empty host name");
  for (char c : q.name) {
    auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b == 0x7f || c == ',') {
      throw seckit::input_error("host", "host name contains a space, comma or control character");
    }
  }
  return q;
}

std::string hashed_name(const std::string& name) {
  // known_hosts HashKnownHosts format: |1|base64(salt)|base64(HMAC-SHA1(salt, name))
  auto salt = seckit::crypto::random_bytes(20);
  auto mac = seckit::crypto::hmac(seckit::crypto::Digest::kSha1, salt, seckit::enc::as_bytes(name));
  return "|1|" + seckit::enc::base64_encode(salt) + "|" + seckit::enc::base64_encode(mac);
}

std::string hex(const sshkey::Buffer& b) { return seckit::enc::hex_encode(b); }

}  // namespace

namespace {

// One host entry of the directory: its names (cn and ipHostNumber values ssh can match) and the
// raw values of the key attribute.
struct HostEntry {
  std::string dn;
  std::vector<std::string> names;
  std::vector<std::string> values;
};

HostEntry read_host_entry(const seckit::ldap::Entry& entry, const std::string& key_attribute) {
  HostEntry out{entry.dn, {}, entry.values(key_attribute)};
  std::set<std::string> seen;
  for (const char* attr : {"cn", "ipHostNumber"}) {
    for (const auto& v : entry.values(attr)) {
      bool clean = !v.empty() && v.find_first_of(" ,\t\r\n") == std::string::npos;
      if (clean && seen.insert(v).second) out.names.push_back(v);
    }
  }
  return out;
}

// Renders host entries as known_hosts lines, JSON host_key records or SSHFP records.
class KnownHostsWriter {
 public:
  KnownHostsWriter(Context& ctx, bool hashed, bool sshfp)
      : ctx_(ctx), em_(ctx.tool.emitter()), hashed_(hashed), sshfp_(sshfp) {}

  void write(const HostEntry& entry) {
    if (entry.names.empty()) return;
    for (const auto& value : entry.values) {
      auto split = split_key_value(value);
      if (split.problem) {
        ctx_.tool.warn(entry.dn, *split.problem);
        ++rejected;
      }
      for (const auto& line : split.lines) write_line(entry, line);
    }
  }

  std::size_t keys = 0, rejected = 0;

 private:
  void write_line(const HostEntry& entry, const std::string& value) {
    std::string marker;
    std::string_view rest = value;
    if (!rest.empty() && rest.front() == '@') {
      auto space = rest.find(' ');
      marker = std::string(rest.substr(0, space));
      rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
      if (marker != "@cert-authority" && marker != "@revoked") {
        ctx_.tool.warn(entry.dn, fmt::format("unknown marker {}", marker));
        ++rejected;
        return;
      }
    }
    auto key = sshkey::parse_authorized_key_line(rest);
    if (!key || !key->options.empty()) {
      ctx_.tool.warn(entry.dn, key ? "host key with options" : key.error().message);
      ++rejected;
      return;
    }
    ++keys;
    if (em_.json()) {
      Json j = key_json(*key);
      j["dn"] = entry.dn;
      j["names"] = entry.names;
      if (!marker.empty()) j["marker"] = marker;
      em_.record("host_key", j);
    }
    if (sshfp_) {
      if (marker.empty() && !em_.json()) write_sshfp(entry.names, key->key);
      return;
    }
    if (em_.json()) return;
    std::string key_text = key->type_text + " " + key->base64;
    std::string prefix = marker.empty() ? "" : marker + " ";
    // A hash stands for one literal name; like ssh-keygen -H, names with wildcards or negations
    // stay as written (on one line, so a negation still applies to its positive patterns).
    bool patterns = std::any_of(entry.names.begin(), entry.names.end(),
                                [](const std::string& n) { return is_host_pattern(n); });
    if (hashed_ && !patterns) {
      for (const auto& n : entry.names) em_.line(prefix + hashed_name(n) + " " + key_text);
      return;
    }
    std::string joined;
    for (const auto& n : entry.names) joined += (joined.empty() ? "" : ",") + n;
    em_.line(prefix + joined + " " + key_text);
  }

  void write_sshfp(const std::vector<std::string>& names, const sshkey::PublicKey& key) {
    int algorithm = sshkey::sshfp_algorithm(key);
    if (algorithm == 0) return;
    auto sha1 = seckit::crypto::digest(seckit::crypto::Digest::kSha1, key.blob);
    auto sha256 = seckit::crypto::digest(seckit::crypto::Digest::kSha256, key.blob);
    for (const auto& n : names) {
      // SSHFP is a DNS record: no [host]:port, addresses or wildcards as owner names.
      bool address = n.find_first_not_of("0123456789.") == std::string::npos ||
                     n.find(':') != std::string::npos;
      if (n.front() == '[' || is_host_pattern(n) || address) continue;
      em_.line(fmt::format("{} IN SSHFP {} 1 {}", n, algorithm, hex(sha1)));
      em_.line(fmt::format("{} IN SSHFP {} 2 {}", n, algorithm, hex(sha256)));
    }
  }

  Context& ctx_;
  seckit::out::Emitter& em_;
  bool hashed_, sshfp_;
};

// The entries ssh would apply to one host: those host_filter finds by name (their names carry
// the queried port), then the pattern entries (*.example.org) whose names match the host as
// ssh looks it up, "[name]:port" for another port than 22, with their patterns unchanged.
std::vector<HostEntry> entries_for_host(seckit::ldap::Connection& connection, const Config& config,
                                        const HostQuery& query) {
  std::vector<HostEntry> out;
  std::set<std::string> dns;
  std::vector<std::string> attributes = {"cn", "ipHostNumber", config.key_attribute};
  connection.search(config.base, seckit::ldap::Scope::kSubtree,
                    seckit::ldap::expand_filter(config.host_filter, query.name), attributes,
                    [&](const seckit::ldap::Entry& e) {
                      if (!dns.insert(e.dn).second) return;
                      out.push_back(read_host_entry(e, config.key_attribute));
                      if (query.port.empty()) return;
                      for (auto& n : out.back().names) n = fmt::format("[{}]:{}", n, query.port);
                    });
  std::string looked_up =
      query.port.empty() ? query.name : fmt::format("[{}]:{}", query.name, query.port);
  connection.search(
      config.base, seckit::ldap::Scope::kSubtree, pattern_entries_filter(config.hosts_filter),
      attributes,
      [&](const seckit::ldap::Entry& e) {
        HostEntry entry = read_host_entry(e, config.key_attribute);
        if (!host_matches_patterns(looked_up, entry.names)) return;
        if (dns.insert(e.dn).second) out.push_back(std::move(entry));
      },
      config.page_size);
  return out;
}

}  // namespace

int run_known_hosts(Context& ctx, const std::string& host, bool hashed, bool sshfp) {
  const Config& config = ctx.config;
  config.require_directory();
  std::optional<HostQuery> query;
  if (!host.empty()) query = parse_host_query(host);
  auto& em = ctx.tool.emitter();
  em.begin({{"host", host}, {"hashed", hashed}, {"sshfp", sshfp}});
  seckit::ldap::Connection connection(config.ldap_options());
  KnownHostsWriter writer(ctx, hashed, sshfp);
  std::size_t hosts = 0;
  if (query) {
    auto entries = entries_for_host(connection, config, *query);
    hosts = entries.size();
    for (const auto& entry : entries) writer.write(entry);
  } else {
    connection.search(
        config.base, seckit::ldap::Scope::kSubtree, config.hosts_filter,
        {"cn", "ipHostNumber", config.key_attribute},
        [&](const seckit::ldap::Entry& e) {
          ++hosts;
          writer.write(read_host_entry(e, config.key_attribute));
        },
        config.page_size);
  }
  // ssh terminates the connection when KnownHostsCommand exits non-zero, so a host the
  // directory does not know is an answer (no lines, exit 0) and ssh goes on with its files.
  return em.conclude(seckit::out::Conclusion{},
                     {{"hosts", hosts}, {"keys", writer.keys}, {"rejected", writer.rejected}});
}

int run_schema(Context& ctx, const std::string& format) {
  // The published openssh-lpk schema (OIDs under 1.3.6.1.4.1.24552, the OpenSSH-LPK project).
  static const char* kAttribute =
      "( 1.3.6.1.4.1.24552.500.1.1.1.13 NAME 'sshPublicKey' "
      "DESC 'MANDATORY: OpenSSH Public key' EQUALITY octetStringMatch "
      "SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 )";
  static const char* kObjectClass =
      "( 1.3.6.1.4.1.24552.500.1.1.2.0 NAME 'ldapPublicKey' SUP top AUXILIARY "
      "DESC 'MANDATORY: OpenSSH LPK objectclass' MAY ( sshPublicKey $ uid ) )";
  auto& em = ctx.tool.emitter();
  if (em.json()) {
    em.begin({{"format", format}});
    em.record("schema", {{"attribute_types", {kAttribute}}, {"object_classes", {kObjectClass}}});
    return em.conclude(seckit::out::Conclusion{});
  }
  bool both = format == "both";
  if (format == "slapd" || both) {
    if (both) em.line("# openssh-lpk schema for slapd.conf (include this file)");
    em.line(fmt::format("attributetype {}", kAttribute));
    em.line("");
    em.line(fmt::format("objectclass {}", kObjectClass));
  }
  if (both) em.line("");
  if (format == "ldif" || both) {
    if (both)
      em.line("# openssh-lpk schema for cn=config (ldapadd -Y EXTERNAL -H ldapi:/// -f FILE)");
    em.line("dn: cn=openssh-lpk,cn=schema,cn=config");
    em.line("objectClass: olcSchemaConfig");
    em.line("cn: openssh-lpk");
    em.line(fmt::format("olcAttributeTypes: {}", kAttribute));
    em.line(fmt::format("olcObjectClasses: {}", kObjectClass));
  }
  return seckit::kExitOk;
}

}  // namespace sshkey_ldap
