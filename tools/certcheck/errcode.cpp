// `certcheck errcode` and `certcheck profiles`: lookups that answer "what does this number in
// my event log mean, and which check would have caught it".
#include <fmt/format.h>

#include "certcheck.hpp"
#include "seckit/winerr.hpp"

namespace certcheck {
namespace {

struct FoundBy {
  std::string_view name;
  std::vector<std::string_view> codes;
  std::string_view how;
};

// Revocation is checked offline only: the CRLs come from files (fetch them from the CRL
// distribution points the certificate record lists).
constexpr std::string_view kCrlHow =
    "certcheck --ca-file ROOT.pem --crl-check all --crl CA.crl CHAIN.pem; CRLs from the CDP URLs";

const std::vector<FoundBy>& found_by_table() {
  static const std::vector<FoundBy> kTable = {
      {"CERT_E_WRONG_USAGE",
       {"eku-missing", "chain-eku-restricted", "ku-missing"},
       "certcheck --profile win-l2tp-ipsec (clients) / tmg-rras (TMG server) CERT"},
      {"SEC_E_CERT_WRONG_USAGE", {"eku-missing", "ku-missing"}, "certcheck --profile tls-server"},
      {"CERT_E_EXPIRED", {"expired", "not-yet-valid", "chain-expired"}, "certcheck CERT"},
      {"SEC_E_CERT_EXPIRED", {"expired", "not-yet-valid", "chain-expired"}, "certcheck CERT"},
      {"CERT_E_CN_NO_MATCH",
       {"host-mismatch", "ip-mismatch", "name-missing"},
       "certcheck --host NAME / --ip ADDR CERT"},
      {"SEC_E_WRONG_PRINCIPAL", {"host-mismatch"}, "certcheck --host NAME CERT"},
      {"CERT_E_UNTRUSTEDROOT", {"chain-untrusted"}, "certcheck --ca-file ROOT.pem CERT"},
      {"SEC_E_UNTRUSTED_ROOT", {"chain-untrusted"}, "certcheck --ca-file ROOT.pem CERT"},
      {"CERT_E_CHAINING", {"chain-incomplete"}, "certcheck --ca-file ROOT.pem CHAIN.pem"},
      {"TRUST_E_CERT_SIGNATURE",
       {"chain-invalid", "weak-signature"},
       "certcheck --ca-file ROOT.pem CERT"},
      {"TRUST_E_BASIC_CONSTRAINTS", {"chain-invalid"}, "certcheck --ca-file ROOT.pem CHAIN.pem"},
      {"CERT_E_PATHLENCONST", {"chain-invalid"}, "certcheck --ca-file ROOT.pem CHAIN.pem"},
      {"ERROR_IPSEC_IKE_INVALID_KEY_USAGE", {"ku-missing"}, "certcheck --profile rfc4945 CERT"},
      {"ERROR_IPSEC_IKE_NO_CERT",
       {"eku-missing", "expired"},
       "certcheck --profile win-l2tp-ipsec CERT (and check the computer store has the key)"},
      {"ERROR_OAKLEY_NO_CERT",
       {"eku-missing", "expired"},
       "certcheck --profile win-l2tp-ipsec CERT"},
      {"ERROR_IPSEC_IKE_NO_PRIVATE_KEY", {"key-mismatch"}, "certcheck --key KEY CERT"},
      {"ERROR_IPSEC_IKE_AUTH_FAIL",
       {"eku-missing", "chain-untrusted", "host-mismatch"},
       "certcheck --profile tmg-rras --ca-file ROOT.pem CERT"},
      {"ERROR_OAKLEY_AUTH_FAIL",
       {"eku-missing", "chain-untrusted"},
       "certcheck --profile tmg-rras --ca-file ROOT.pem SERVER.pem"},
      {"ERROR_OAKLEY_NO_PEER_CERT",
       {"eku-missing", "chain-untrusted"},
       "certcheck --profile win-l2tp-ipsec --ca-file ROOT.pem CERT"},
      {"ERROR_INVALID_SERVER_CERT",
       {"eku-missing", "host-mismatch", "chain-untrusted"},
       "certcheck --profile tmg-rras --host NAME --ca-file ROOT.pem SERVER.pem"},
      {"ERROR_VPN_BAD_CERT",
       {"eku-missing", "host-mismatch", "chain-untrusted"},
       "certcheck --profile win-ikev2-server --host NAME --ca-file ROOT.pem SERVER.pem"},
      {"CRYPT_E_REVOKED", {"certificate-revoked"}, kCrlHow},
      {"CERT_E_REVOKED", {"certificate-revoked"}, kCrlHow},
      {"CRYPT_E_NO_REVOCATION_CHECK",
       {"unable-to-get-crl", "crl-signature-failure", "crl-invalid"},
       kCrlHow},
      {"CRYPT_E_REVOCATION_OFFLINE", {"crl-expired", "crl-not-yet-valid"}, kCrlHow},
      {"CERT_E_REVOCATION_FAILURE",
       {"unable-to-get-crl", "crl-expired", "crl-not-yet-valid", "crl-signature-failure"},
       kCrlHow},
      {"ERROR_IPSEC_IKE_CRL_FAILED",
       {"certificate-revoked", "unable-to-get-crl", "crl-expired", "crl-signature-failure"},
       kCrlHow},
      {"ERROR_IPSEC_IKE_PEER_CRL_FAILED",
       {"certificate-revoked", "unable-to-get-crl", "crl-expired", "crl-signature-failure"},
       kCrlHow},
  };
  return kTable;
}

const FoundBy* found_by(std::string_view name) {
  for (const auto& f : found_by_table()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string_view side_name(Side side) {
  switch (side) {
    case Side::kServer:
      return "server";
    case Side::kClient:
      return "client";
    case Side::kAny:
      break;
  }
  return "any";
}

}  // namespace

int run_errcode(seckit::cli::Tool& tool, const std::vector<std::string>& codes) {
  auto& em = tool.emitter();
  em.begin(Json{{"codes", codes}});
  std::size_t unknown = 0;
  std::size_t bad = 0;
  for (const auto& query : codes) {
    std::optional<seckit::winerr::WinError> e;
    auto parsed = seckit::winerr::parse_code(query);
    if (parsed) {
      e = seckit::winerr::lookup(*parsed);
    } else {
      e = seckit::winerr::by_name(query);
      if (!e) {
        ++bad;
        tool.error(query, "not an error code (decimal, -decimal, 0xHEX or a name)");
        em.record("error", Json{{"input", query}, {"message", "not an error code"}});
        continue;
      }
    }
    if (!e) {
      ++unknown;
      tool.error(query, fmt::format("unknown error code 0x{:08X} (not a CERT_E/TRUST_E/CRYPT_E/"
                                    "SEC_E HRESULT, IKE 13800-13999 or RAS 600-870 code)",
                                    *parsed));
      em.record("error", Json{{"input", query}, {"message", "unknown error code"}});
      continue;
    }
    Json j = seckit::winerr::to_json(*e);
    j["query"] = query;
    j["meaning"] = e->vpn_meaning().empty() ? Json(nullptr) : Json(e->vpn_meaning());
    const FoundBy* fb = found_by(e->name);
    Json codes_json = Json::array();
    if (fb) {
      for (auto c : fb->codes) codes_json.push_back(c);
    }
    j["found_by"] = codes_json;
    j["check"] = fb ? Json(fb->how) : Json(nullptr);
    em.record("windows_error", j);
    if (!em.json()) {
      seckit::out::KeyValue kv;
      kv.add("hex", e->hex());
      kv.add("unsigned", std::to_string(e->hresult));
      kv.add("signed", std::to_string(e->signed_value()));
      if (e->win32) kv.add("win32", fmt::format("{} (0x{:X})", *e->win32, *e->win32));
      kv.add("family", std::string(seckit::winerr::family_name(e->family)));
      kv.add("message", e->message.empty() ? "(no SDK text)" : std::string(e->message));
      if (!e->vpn_meaning().empty()) kv.add("meaning", std::string(e->vpn_meaning()));
      if (fb) {
        kv.add("found by", fb->codes.empty()
                               ? std::string(fb->how)
                               : fmt::format("{} ({})", fmt::join(fb->codes, ", "), fb->how));
      }
      em.line(tool.style().bold(fmt::format("{}  {}", query, e->name)));
      std::string text = kv.render(2);
      if (!text.empty() && text.back() == '\n') text.pop_back();
      em.line(text);
    }
  }
  Json counts{{"codes", codes.size()}, {"unknown", unknown}, {"invalid", bad}};
  if (bad) {
    em.close_after_error(seckit::kExitUsage, "codes",
                         fmt::format("{} argument(s) not an error code", bad));
    return seckit::kExitUsage;
  }
  seckit::out::Conclusion conclusion;
  if (unknown) {
    conclusion.fail("unknown-code",
                    fmt::format("{} of {} code(s) not in the tables", unknown, codes.size()));
  }
  return em.conclude(conclusion, counts);
}

int run_profiles(seckit::cli::Tool& tool) {
  auto& em = tool.emitter();
  em.begin();
  for (const auto& p : profiles()) {
    Json ekus = Json::array();
    for (auto oid : p.required_ekus) ekus.push_back(oid);
    Json any = Json::array();
    for (auto oid : p.any_of_ekus) any.push_back(oid);
    seckit::x509::KeyUsage ku;
    ku.bits = p.ku_any_of;
    em.record("profile", Json{{"name", p.name},
                              {"summary", p.summary},
                              {"basis", p.basis},
                              {"required_eku", ekus},
                              {"any_of_eku", any},
                              {"absent_eku_ok", p.absent_eku_ok},
                              {"key_usage_any_of", ku.names()},
                              {"needs_name", p.needs_name},
                              {"side", side_name(p.side)}});
    if (!em.json()) {
      std::vector<std::string> labels;
      for (auto oid : p.required_ekus) {
        const auto* info = seckit::x509::eku_info(oid);
        labels.push_back(info && *info->windows_name ? info->windows_name : std::string(oid));
      }
      for (auto oid : p.any_of_ekus) labels.push_back(std::string(oid) + " (any of)");
      em.line(fmt::format("{:<18} {}", p.name, p.summary));
      em.line(fmt::format("{:<18}   EKU: {}", "",
                          labels.empty() ? "-" : fmt::format("{}", fmt::join(labels, " + "))));
      em.line(fmt::format("{:<18}   checks: {} certificates", "",
                          p.side == Side::kServer   ? "responder/server"
                          : p.side == Side::kClient ? "initiator/client"
                                                    : "any sender's"));
      em.line(fmt::format("{:<18}   basis: {}", "", p.basis));
    }
  }
  return em.conclude(seckit::out::Conclusion{}, Json{{"profiles", profiles().size()}});
}

}  // namespace certcheck
