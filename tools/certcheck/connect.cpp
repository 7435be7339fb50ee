// --connect: the chain a TLS server presents, through the shared client (common/tlsclient). The
// handshake accepts what the server sends (even old or broken chains: the point is to inspect
// them); the chain is then verified against --ca-file or the system trust store, and the
// tls_session record always says whether it verified and why not.
#include <fmt/format.h>

#include "certcheck.hpp"

namespace certcheck {
namespace {

namespace x = seckit::x509;
namespace tc = seckit::tlsclient;

Json or_null(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Json verification_json(const tc::Verification& v, const ConnectSpec& spec) {
  return Json{{"verified", v.verified},
              {"trust", spec.ca_file.empty() ? "system" : "ca_file"},
              {"ca_file", or_null(spec.ca_file)},
              {"name", v.name},
              {"chain_trusted", v.chain_trusted},
              {"name_matched", v.name_matched},
              {"error", or_null(v.error)},
              {"error_depth", v.error_depth >= 0 ? Json(v.error_depth) : Json(nullptr)},
              {"error_subject", or_null(v.error_subject)},
              {"summary", tc::describe(v)}};
}

Json session_json(const ConnectSpec& spec, const tc::Session& s, std::size_t chain_length) {
  Json session{{"connect", spec.endpoint.text()},
               {"sni", or_null(s.sni)},
               {"starttls", spec.starttls == tc::StartTls::kNone
                                ? Json(nullptr)
                                : Json(std::string(tc::starttls_name(spec.starttls)))},
               {"protocol", s.protocol},
               {"cipher", s.cipher},
               {"chain_length", chain_length},
               {"verification", verification_json(s.verification, spec)}};
  if (spec.request_ocsp) session["ocsp_stapled"] = s.ocsp_response.has_value();
  return session;
}

}  // namespace

FetchedChain fetch_chain(const ConnectSpec& spec) {
  tc::Connection connection(spec);
  const tc::Session& s = connection.session();
  FetchedChain out;
  for (std::size_t i = 0; i < s.chain.size(); ++i) {
    Json source{{"connect", spec.endpoint.text()}, {"index", i}};
    if (!s.sni.empty()) source["sni"] = s.sni;
    if (spec.starttls != tc::StartTls::kNone) {
      source["starttls"] = std::string(tc::starttls_name(spec.starttls));
    }
    auto cert = x::from_der(s.chain[i], source);
    if (cert) out.certs.push_back(std::move(*cert));
  }
  out.session = session_json(spec, s, out.certs.size());
  if (s.ocsp_response) out.stapled = *s.ocsp_response;
  out.verification = s.verification;
  return out;
}

std::vector<Finding> connection_findings(const tc::Verification& v, const CheckOptions& o) {
  std::vector<Finding> out;
  if (!v.checked || o.chain_mode()) return out;
  if (!v.chain_trusted) {
    Finding f;
    f.code = "chain-unverified";
    f.severity = seckit::out::Severity::kError;
    f.message = fmt::format("the chain the server sent does not verify against the {}: {}{}",
                            v.trust, v.error,
                            v.error_depth >= 0 ? fmt::format(" (at depth {})", v.error_depth) : "");
    f.details = Json{{"trust", v.trust}, {"error", v.error}, {"error_depth", v.error_depth}};
    out.push_back(std::move(f));
  }
  if (!v.name_matched && o.host.empty() && o.ip.empty()) {
    Finding f;
    f.code = "host-mismatch";
    f.severity = seckit::out::Severity::kError;
    f.message = fmt::format(
        "the server certificate is not valid for {} (--sni, else the host dialled)", v.name);
    f.details = Json{{"host", v.name}};
    f.windows_error = windows_error("CERT_E_CN_NO_MATCH");
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace certcheck
