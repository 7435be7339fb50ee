// What makes an HTTP exchange AnyConnect/OpenConnect traffic rather than plain HTTPS: a decrypted
// session is only read as SSL VPN phases once one of its exchanges shows a marker. Plain HTTPS to
// the same port (an NTLM `GET /ews/` answered 401, a browser's page loads) has none, and reading
// it as phase 4 downloads would diagnose failures of a VPN that is not there.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "seckit/http.hpp"

namespace sslvpn {

// The marker one exchange shows, or "" when it shows none:
//   "config-auth"     a <config-auth> XML body (group selection, authentication; either way)
//   "tunnel-connect"  CONNECT /CSCOSSLC/tunnel
//   "tunnel-headers"  an X-CSTP-*, X-DTLS-*, X-DTLS12-* header, or the AnyConnect client's
//                     X-Transcend-Version / X-Aggregate-Auth / X-AnyConnect-* headers
//   "webvpn-cookie"   a webvpn* cookie (webvpn, webvpnc, webvpnlogin, webvpncontext...) sent or set
//   "download-path"   a GET of a path the AnyConnect downloader uses (/CACHE/stc/, /+CSCOE+/,
//                     /+CSCOT+/, /+CSCOU+/, /+webvpn+/, /CSCOSSLC/) or of a file a
//                     vpn-profile-manifest / vpn-core-manifest of this capture announced
// `announced_paths` are the manifest URIs seen so far (percent-decoded or not).
std::string vpn_marker(const seckit::http::Message& request, const seckit::http::Message& response,
                       const std::vector<std::string>& announced_paths);

}  // namespace sslvpn
