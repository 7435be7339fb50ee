// AnyConnect config-auth XML (the bodies of the group-selection and authentication POSTs and
// their answers), read with libxml2: a real XML parser, network access and entity expansion
// off, so a hostile body cannot make us fetch or balloon anything.
#pragma once

#include <string>
#include <string_view>

#include "seckit/out.hpp"
#include "seckit/result.hpp"

namespace sslvpn {

using Json = seckit::out::Json;

struct ConfigAuthOptions {
  bool show_secrets = false;  // session-token, session-id cookie, passwords in auth replies
  std::size_t max_body = std::size_t{1024} * 1024;
};

// The config-auth document as a JSON object with named fields:
//   type ("init", "auth-request", "auth-reply", "complete", "logout"), client,
//   aggregate_auth_version, version, device_id, group_access, group_select, tunnel_group,
//   group_alias, group_list [{"value","label"}], auth {id, title, message, error, banner,
//   form {method, action, inputs [{type, name, label, value}]}}, username, password (redacted),
//   session_id, session_token (redacted), server_cert_hash, profile_manifest
//   [{service_type, uri, hash_type, hash}], core_manifest [{type, version, uri, hash}].
// An error when the body is not XML or its root is not <config-auth>.
seckit::Result<Json> parse_config_auth(std::string_view xml, const ConfigAuthOptions& options);

// "<redacted N bytes>" unless showing secrets.
std::string redact(std::string_view secret, bool show);

}  // namespace sslvpn
