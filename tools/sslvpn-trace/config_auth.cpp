#include "config_auth.hpp"

#include <fmt/format.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <functional>
#include <memory>

namespace sslvpn {

std::string redact(std::string_view secret, bool show) {
  if (show) return std::string(secret);
  return fmt::format("<redacted {} bytes>", secret.size());
}

namespace {

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

std::string_view name_of(const xmlNode* n) {
  return n->name ? reinterpret_cast<const char*>(n->name) : "";
}

std::string text_of(const xmlNode* n) {
  xmlChar* c = xmlNodeGetContent(n);
  if (!c) return "";
  std::string s(reinterpret_cast<const char*>(c));
  xmlFree(c);
  // Trim surrounding whitespace (pretty-printed bodies).
  auto b = s.find_first_not_of(" \t\r\n");
  auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!v) return "";
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}

bool has_attr(const xmlNode* n, const char* name) {
  return xmlHasProp(n, reinterpret_cast<const xmlChar*>(name)) != nullptr;
}

template <class F>
void for_children(const xmlNode* n, F&& f) {
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) f(c);
  }
}

std::string attr_or(const xmlNode* n, const char* name, Text& into) {
  if (has_attr(n, name)) into = attr(n, name);
  return into.value_or("");
}

std::vector<ConfigAuthChoice> read_choices(const xmlNode* list) {
  std::vector<ConfigAuthChoice> choices;
  for_children(list, [&](const xmlNode* o) {
    if (name_of(o) == "option") choices.push_back({attr(o, "value"), text_of(o)});
  });
  return choices;
}

ConfigAuthForm read_form(const xmlNode* form, bool show) {
  ConfigAuthForm f;
  attr_or(form, "method", f.method);
  attr_or(form, "action", f.action);
  for_children(form, [&](const xmlNode* c) {
    std::string_view n = name_of(c);
    if (n != "input" && n != "select") return;
    ConfigAuthInput in;
    in.type = n == "select" ? "select" : attr(c, "type");
    in.name = attr(c, "name");
    attr_or(c, "label", in.label);
    if (n == "select") {
      in.options = read_choices(c);
    } else if (has_attr(c, "value")) {
      in.value = in.type == "password" ? redact(attr(c, "value"), show) : attr(c, "value");
    }
    f.inputs.push_back(std::move(in));
  });
  return f;
}

void read_auth(const xmlNode* auth, ConfigAuth& out, bool show) {
  ConfigAuthPrompt a;
  a.id = attr(auth, "id");
  for_children(auth, [&](const xmlNode* c) {
    std::string_view n = name_of(c);
    if (n == "title") a.title = text_of(c);
    if (n == "message") a.message = text_of(c);
    if (n == "banner") a.banner = text_of(c);
    if (n == "error") {
      a.error = text_of(c);
      attr_or(c, "id", a.error_id);
    }
    if (n == "form") a.form = read_form(c, show);
    if (n == "username") out.username = text_of(c);
    if (n == "password") out.password = redact(text_of(c), show);
    if (n == "secondary_password") out.secondary_password = redact(text_of(c), show);
  });
  out.auth = std::move(a);
}

// <vpn-profile-manifest><vpn rev="1.0"><file type="profile" service-type="user"><uri>..</uri>
// <hash type="sha1">..</hash></file></vpn></vpn-profile-manifest>, and the same shape (with a
// version per file) in <vpn-core-manifest>.
std::vector<ManifestFile> read_manifest(const xmlNode* m) {
  std::vector<ManifestFile> files;
  std::function<void(const xmlNode*)> walk = [&](const xmlNode* n) {
    for_children(n, [&](const xmlNode* c) {
      if (name_of(c) != "file") return walk(c);
      ManifestFile f;
      attr_or(c, "type", f.type);
      attr_or(c, "service-type", f.service_type);
      attr_or(c, "version", f.version);
      for_children(c, [&](const xmlNode* d) {
        std::string_view dn = name_of(d);
        if (dn == "uri") f.uri = text_of(d);
        if (dn == "version") f.version = text_of(d);
        if (dn == "hash") {
          f.hash_type = attr(d, "type");
          f.hash = text_of(d);
        }
      });
      files.push_back(std::move(f));
    });
  };
  walk(m);
  return files;
}

// The plain text elements, by element name.
Text* text_field(ConfigAuth& out, std::string_view n) {
  if (n == "device-id") return &out.device_id;
  if (n == "group-access") return &out.group_access;
  if (n == "group-select") return &out.group_select;
  if (n == "tunnel-group") return &out.tunnel_group;
  if (n == "group-alias") return &out.group_alias;
  if (n == "config-hash") return &out.config_hash;
  if (n == "server-cert-hash") return &out.server_cert_hash;
  if (n == "mac-address-list") return &out.mac_address_list;
  if (n == "capabilities") return &out.capabilities;
  return nullptr;
}

// Secrets: redacted at once, so they never reach a record unless asked for.
Text* secret_field(ConfigAuth& out, std::string_view n) {
  if (n == "session-id") return &out.session_id;
  if (n == "auth-handle") return &out.auth_handle;
  if (n == "session-token") return &out.session_token;
  return nullptr;
}

void read_element(const xmlNode* c, ConfigAuth& out, const ConfigAuthOptions& options) {
  std::string_view n = name_of(c);
  bool show = options.show_secrets;
  if (Text* field = text_field(out, n)) {
    *field = text_of(c);
  } else if (Text* secret = secret_field(out, n)) {
    *secret = redact(text_of(c), show);
  } else if (n == "version") {
    out.version = text_of(c);
    attr_or(c, "who", out.version_who);
  } else if (n == "auth") {
    read_auth(c, out, show);
  } else if (n == "vpn-profile-manifest") {
    out.profile_manifest = read_manifest(c);
  } else if (n == "vpn-core-manifest") {
    out.core_manifest = read_manifest(c);
  } else if (n == "group-list" || n == "select") {
    out.group_list = read_choices(c);
  } else if (n == "opaque" || n == "config" || n == "vpn-base-config" || n == "host-scan") {
    // Containers (the server's opaque state: only what identifies the group is kept).
    for_children(c, [&](const xmlNode* d) { read_element(d, out, options); });
  }
}

void put(Json& j, const char* key, const Text& value) {
  if (value) j[key] = *value;
}

Json to_json(const std::vector<ConfigAuthChoice>& choices) {
  Json list = Json::array();
  for (const auto& c : choices) list.push_back({{"value", c.value}, {"label", c.label}});
  return list;
}

Json to_json(const ConfigAuthForm& form) {
  Json f = Json::object();
  put(f, "method", form.method);
  put(f, "action", form.action);
  Json inputs = Json::array();
  for (const auto& in : form.inputs) {
    Json i = {{"type", in.type}, {"name", in.name}};
    put(i, "label", in.label);
    put(i, "value", in.value);
    if (in.type == "select") i["options"] = to_json(in.options);
    inputs.push_back(std::move(i));
  }
  f["inputs"] = std::move(inputs);
  return f;
}

Json to_json(const ConfigAuthPrompt& auth) {
  Json a = {{"id", auth.id}};
  put(a, "title", auth.title);
  put(a, "message", auth.message);
  put(a, "banner", auth.banner);
  put(a, "error", auth.error);
  put(a, "error_id", auth.error_id);
  if (auth.form) a["form"] = to_json(*auth.form);
  return a;
}

Json to_json(const std::vector<ManifestFile>& files) {
  Json list = Json::array();
  for (const auto& f : files) list.push_back(to_json(f));
  return list;
}

// libxml2 prints parse errors on stderr by default; we report them ourselves.
void silent_error(void*, const char*, ...) {}

}  // namespace

seckit::Result<ConfigAuth> parse_config_auth(std::string_view xml,
                                             const ConfigAuthOptions& options) {
  if (xml.size() > options.max_body) return seckit::parse_error("config-auth body too large");
  if (xml.size() > static_cast<std::size_t>(INT32_MAX)) return seckit::parse_error("too large");
  xmlSetGenericErrorFunc(nullptr, silent_error);
  // NONET: no DTD or entity fetching; no NOENT: entities stay unexpanded; HUGE stays off so
  // libxml2's own depth and size limits apply.
  std::unique_ptr<xmlDoc, DocFree> doc(
      xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "config-auth.xml", nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc) {
    const xmlError* err = xmlGetLastError();
    std::string why = err && err->message ? err->message : "not well-formed";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    xmlResetLastError();
    return seckit::parse_error("config-auth body is not XML: " + why);
  }
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root || name_of(root) != "config-auth") {
    return seckit::parse_error(
        fmt::format("XML root is <{}>, not <config-auth>", root ? std::string(name_of(root)) : ""));
  }
  ConfigAuth out;
  out.type = attr(root, "type");
  attr_or(root, "client", out.client);
  attr_or(root, "aggregate-auth-version", out.aggregate_auth_version);
  for_children(root, [&](const xmlNode* c) { read_element(c, out, options); });
  return out;
}

Json to_json(const ManifestFile& file) {
  Json f = Json::object();
  put(f, "type", file.type);
  put(f, "service_type", file.service_type);
  put(f, "version", file.version);
  put(f, "uri", file.uri);
  put(f, "hash_type", file.hash_type);
  put(f, "hash", file.hash);
  return f;
}

Json to_json(const ConfigAuth& doc) {
  Json j = {{"type", doc.type}};
  for (const auto& [key, value] : {std::pair{"client", &doc.client},
                                   {"aggregate_auth_version", &doc.aggregate_auth_version},
                                   {"version", &doc.version},
                                   {"version_who", &doc.version_who},
                                   {"device_id", &doc.device_id},
                                   {"capabilities", &doc.capabilities},
                                   {"group_access", &doc.group_access},
                                   {"group_select", &doc.group_select},
                                   {"tunnel_group", &doc.tunnel_group},
                                   {"group_alias", &doc.group_alias},
                                   {"auth_handle", &doc.auth_handle},
                                   {"config_hash", &doc.config_hash},

                                   {"mac_address_list", &doc.mac_address_list},
                                   {"session_id", &doc.session_id},
                                   {"session_token", &doc.session_token},
                                   {"username", &doc.username},
                                   {"password", &doc.password},
                                   {"secondary_password", &doc.secondary_password},
                                   {"server_cert_hash", &doc.server_cert_hash}}) {
    put(j, key, *value);
  }
  if (doc.auth) j["auth"] = to_json(*doc.auth);
  if (doc.group_list) j["group_list"] = to_json(*doc.group_list);
  if (doc.profile_manifest) j["profile_manifest"] = to_json(*doc.profile_manifest);
  if (doc.core_manifest) j["core_manifest"] = to_json(*doc.core_manifest);
  return j;
}

}  // namespace sslvpn
