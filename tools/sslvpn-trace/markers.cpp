// AnyConnect/OpenConnect markers of an HTTP exchange. See markers.hpp.
#include "markers.hpp"

#include <algorithm>
#include <array>

#include "seckit/enc.hpp"

namespace sslvpn {

namespace http = seckit::http;

namespace {

bool has_tunnel_header(const http::Message& m) {
  constexpr std::array<std::string_view, 6> kPrefixes = {"X-CSTP-",          "X-DTLS-",
                                                         "X-DTLS12-",        "X-Transcend-Version",
                                                         "X-Aggregate-Auth", "X-AnyConnect-"};
  return std::any_of(m.headers.begin(), m.headers.end(), [&](const http::Header& h) {
    return std::any_of(kPrefixes.begin(), kPrefixes.end(),
                       [&](std::string_view p) { return http::name_starts_with(h.name, p); });
  });
}

// A cookie named webvpn* in Cookie (name=value; name=value) or Set-Cookie (name=value; attrs).
bool has_webvpn_cookie(const http::Message& m) {
  for (const auto& h : m.headers) {
    bool cookie = http::name_equals(h.name, "Cookie");
    if (!cookie && !http::name_equals(h.name, "Set-Cookie")) continue;
    std::string_view v = h.value;
    while (!v.empty()) {
      std::size_t end = cookie ? v.find(';') : v.size();
      std::string_view pair = v.substr(0, end);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      if (http::name_starts_with(pair, "webvpn")) return true;
      if (end == std::string_view::npos || end >= v.size()) break;
      v.remove_prefix(end + 1);
    }
  }
  return false;
}

std::string decoded(std::string_view target) {
  std::string path(target.substr(0, target.find('?')));
  auto d = seckit::enc::percent_decode(path);
  return d ? *d : path;
}

bool is_download_path(std::string_view target, const std::vector<std::string>& announced) {
  constexpr std::array<std::string_view, 6> kPrefixes = {"/CACHE/stc/", "/+CSCOE+/",  "/+CSCOT+/",
                                                         "/+CSCOU+/",   "/+webvpn+/", "/CSCOSSLC/"};
  std::string path = decoded(target);
  if (std::any_of(kPrefixes.begin(), kPrefixes.end(),
                  [&](std::string_view p) { return http::name_starts_with(path, p); })) {
    return true;
  }
  // ocserv announces /profiles/NAME and openconnect asks for /profiles%2FNAME: compare decoded.
  return std::any_of(announced.begin(), announced.end(),
                     [&](const std::string& uri) { return !uri.empty() && decoded(uri) == path; });
}

}  // namespace

std::string vpn_marker(const http::Message& request, const http::Message& response,
                       const std::vector<std::string>& announced_paths) {
  if (http::name_equals(request.method, "CONNECT") &&
      http::name_starts_with(request.target, "/CSCOSSLC/tunnel")) {
    return "tunnel-connect";
  }
  if (request.body.find("<config-auth") != std::string::npos ||
      response.body.find("<config-auth") != std::string::npos) {
    return "config-auth";
  }
  if (has_tunnel_header(request) || has_tunnel_header(response)) return "tunnel-headers";
  if (has_webvpn_cookie(request) || has_webvpn_cookie(response)) return "webvpn-cookie";
  if (!request.method.empty() && is_download_path(request.target, announced_paths)) {
    return "download-path";
  }
  return "";
}

}  // namespace sslvpn
