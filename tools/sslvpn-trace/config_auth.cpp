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

void read_form(const xmlNode* form, Json& out, bool show) {
  Json f = Json::object();
  if (has_attr(form, "method")) f["method"] = attr(form, "method");
  if (has_attr(form, "action")) f["action"] = attr(form, "action");
  Json inputs = Json::array();
  for_children(form, [&](const xmlNode* c) {
    std::string_view n = name_of(c);
    if (n == "input") {
      Json in = {{"type", attr(c, "type")}, {"name", attr(c, "name")}};
      if (has_attr(c, "label")) in["label"] = attr(c, "label");
      if (has_attr(c, "value")) {
        in["value"] = in["type"] == "password" ? redact(attr(c, "value"), show) : attr(c, "value");
      }
      inputs.push_back(in);
    } else if (n == "select") {
      Json sel = {{"type", "select"}, {"name", attr(c, "name")}};
      if (has_attr(c, "label")) sel["label"] = attr(c, "label");
      Json options = Json::array();
      for_children(c, [&](const xmlNode* o) {
        if (name_of(o) == "option")
          options.push_back({{"value", attr(o, "value")}, {"label", text_of(o)}});
      });
      sel["options"] = options;
      inputs.push_back(sel);
    }
  });
  f["inputs"] = inputs;
  out["form"] = f;
}

void read_auth(const xmlNode* auth, Json& out, bool show) {
  Json a = Json::object();
  a["id"] = attr(auth, "id");
  for_children(auth, [&](const xmlNode* c) {
    std::string_view n = name_of(c);
    if (n == "title" || n == "message" || n == "banner") {
      a[std::string(n)] = text_of(c);
    } else if (n == "error") {
      a["error"] = text_of(c);
      if (has_attr(c, "id")) a["error_id"] = attr(c, "id");
    } else if (n == "form") {
      read_form(c, a, show);
    } else if (n == "username") {
      out["username"] = text_of(c);
    } else if (n == "password" || n == "secondary_password") {
      out[std::string(n)] = redact(text_of(c), show);
    }
  });
  out["auth"] = a;
}

// <vpn-profile-manifest><vpn rev="1.0"><file type="profile" service-type="user"><uri>..</uri>
// <hash type="sha1">..</hash></file></vpn></vpn-profile-manifest>, and the same shape (with a
// version per file) in <vpn-core-manifest>.
Json read_manifest(const xmlNode* m) {
  Json files = Json::array();
  std::function<void(const xmlNode*)> walk = [&](const xmlNode* n) {
    for_children(n, [&](const xmlNode* c) {
      if (name_of(c) != "file") return walk(c);
      Json f = Json::object();
      if (has_attr(c, "type")) f["type"] = attr(c, "type");
      if (has_attr(c, "service-type")) f["service_type"] = attr(c, "service-type");
      if (has_attr(c, "version")) f["version"] = attr(c, "version");
      for_children(c, [&](const xmlNode* d) {
        std::string_view dn = name_of(d);
        if (dn == "uri") f["uri"] = text_of(d);
        if (dn == "version") f["version"] = text_of(d);
        if (dn == "hash") {
          f["hash_type"] = attr(d, "type");
          f["hash"] = text_of(d);
        }
      });
      files.push_back(f);
    });
  };
  walk(m);
  return files;
}

void read_element(const xmlNode* c, Json& out, const ConfigAuthOptions& options) {
  std::string_view n = name_of(c);
  bool show = options.show_secrets;
  if (n == "version") {
    out["version"] = text_of(c);
    if (has_attr(c, "who")) out["version_who"] = attr(c, "who");
  } else if (n == "device-id") {
    out["device_id"] = text_of(c);
  } else if (n == "group-access" || n == "group-select" || n == "tunnel-group" ||
             n == "group-alias" || n == "auth-handle" || n == "config-hash" ||
             n == "server-cert-hash" || n == "session-id" || n == "mac-address-list" ||
             n == "capabilities") {
    std::string key(n);
    for (char& ch : key)
      if (ch == '-') ch = '_';
    std::string value = text_of(c);
    out[key] = (n == "session-id" || n == "auth-handle") ? redact(value, show) : value;
  } else if (n == "session-token") {
    out["session_token"] = redact(text_of(c), show);
  } else if (n == "opaque") {
    // The server's opaque state: only what identifies the group, never echoed whole.
    for_children(c, [&](const xmlNode* d) { read_element(d, out, options); });
  } else if (n == "auth") {
    read_auth(c, out, show);
  } else if (n == "vpn-profile-manifest") {
    out["profile_manifest"] = read_manifest(c);
  } else if (n == "vpn-core-manifest") {
    out["core_manifest"] = read_manifest(c);
  } else if (n == "config" || n == "vpn-base-config" || n == "host-scan") {
    for_children(c, [&](const xmlNode* d) { read_element(d, out, options); });
  } else if (n == "group-list" || n == "select") {
    Json list = Json::array();
    for_children(c, [&](const xmlNode* o) {
      if (name_of(o) == "option")
        list.push_back({{"value", attr(o, "value")}, {"label", text_of(o)}});
    });
    out["group_list"] = list;
  }
}

// libxml2 prints parse errors on stderr by default; we report them ourselves.
void silent_error(void*, const char*, ...) {}

}  // namespace

seckit::Result<Json> parse_config_auth(std::string_view xml, const ConfigAuthOptions& options) {
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
  Json out = Json::object();
  out["type"] = attr(root, "type");
  if (has_attr(root, "client")) out["client"] = attr(root, "client");
  if (has_attr(root, "aggregate-auth-version")) {
    out["aggregate_auth_version"] = attr(root, "aggregate-auth-version");
  }
  for_children(root, [&](const xmlNode* c) { read_element(c, out, options); });
  return out;
}

}  // namespace sslvpn
