// AnyConnect config-auth XML (the bodies of the group-selection and authentication POSTs and
// their answers), read with libxml2: a real XML parser, network access and entity expansion
// off, so a hostile body cannot make us fetch or balloon anything. The document becomes a
// ConfigAuth struct; to_json renders it at the edge.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seckit/out.hpp"
#include "seckit/result.hpp"

namespace sslvpn {

using Json = seckit::out::Json;

struct ConfigAuthOptions {
  bool show_secrets = false;  // session-token, session-id cookie, passwords in auth replies
  std::size_t max_body = std::size_t{1024} * 1024;
};

using Text = std::optional<std::string>;  // an element or attribute that may be absent

struct ConfigAuthChoice {  // <option value="...">label</option>
  std::string value;
  std::string label;
};

// <input type name label value> or <select name label><option>...</select> (type "select").
struct ConfigAuthInput {
  std::string type;
  std::string name;
  Text label;
  Text value;  // a password input's value is redacted unless secrets are shown
  std::vector<ConfigAuthChoice> options;  // select only
};

struct ConfigAuthForm {
  Text method;
  Text action;
  std::vector<ConfigAuthInput> inputs;
};

// <auth id="main|success|failure|...">: what the gateway asks or answers.
struct ConfigAuthPrompt {
  std::string id;
  Text title, message, banner, error, error_id;
  std::optional<ConfigAuthForm> form;
};

// A <file> of <vpn-profile-manifest> or <vpn-core-manifest>.
struct ManifestFile {
  Text type, service_type, version, uri, hash_type, hash;
};

struct ConfigAuth {
  std::string type;  // init, auth-request, auth-reply, complete, logout
  Text client, aggregate_auth_version, version, version_who, device_id;
  Text group_access, group_select, tunnel_group, group_alias, auth_handle, config_hash,
      capabilities, mac_address_list, server_cert_hash;
  Text session_id, session_token;               // redacted unless secrets are shown
  Text username, password, secondary_password;  // from the client's auth-reply; redacted
  std::optional<ConfigAuthPrompt> auth;
  std::optional<std::vector<ConfigAuthChoice>> group_list;
  std::optional<std::vector<ManifestFile>> profile_manifest, core_manifest;
};

// An error when the body is not XML or its root is not <config-auth>.
seckit::Result<ConfigAuth> parse_config_auth(std::string_view xml,
                                             const ConfigAuthOptions& options);

// The config_auth object of docs/sslvpn-trace.md: snake_case names, absent fields left out.
Json to_json(const ConfigAuth& doc);
Json to_json(const ManifestFile& file);

// "<redacted N bytes>" unless showing secrets.
std::string redact(std::string_view secret, bool show);

}  // namespace sslvpn
