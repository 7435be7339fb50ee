// The HTTP header model of an AnyConnect tunnel: every X-CSTP-* / X-DTLS-* / X-DTLS12-* header
// of the CONNECT request and its answer, plus the parameters a person asks about (address, MTUs,
// DTLS port and cipher, DPD, keepalive, rekey, split tunnels), and redaction of the secrets that
// travel in headers (cookies, X-DTLS-Master-Secret, Authorization).
#pragma once

#include <string>
#include <string_view>

#include "seckit/http.hpp"
#include "seckit/out.hpp"

namespace sslvpn {

using Json = seckit::out::Json;

// True for header names whose values are secrets (X-DTLS-Master-Secret, Cookie, Set-Cookie,
// Authorization, Proxy-Authorization).
bool is_secret_header(std::string_view name);
// The header value as shown: secrets redacted (cookie names and auth schemes kept).
std::string shown_header_value(std::string_view name, std::string_view value, bool show_secrets);
// All headers of a message, in order, as [{"name","value"}] with secrets redacted.
Json headers_json(const seckit::http::Message& m, bool show_secrets);
// Only the X-CSTP-*, X-DTLS-* and X-DTLS12-* headers, as {"X-CSTP-MTU": "1434", ...}; repeated
// headers (split-include, DNS) become arrays.
Json tunnel_headers_json(const seckit::http::Message& m, bool show_secrets);

// The tunnel parameters from the CONNECT request and its answer (see docs/sslvpn-trace.md).
Json tunnel_parameters(const seckit::http::Message& request, const seckit::http::Message& response);

// The webvpn cookie value from a Cookie or Set-Cookie header ("" when absent).
std::string webvpn_cookie(const seckit::http::Message& m);

}  // namespace sslvpn
