#include <fmt/format.h>

#include <iostream>
#include <iterator>

#include "binding.hpp"
#include "commands.hpp"
#include "seckit/enc.hpp"
#include "seckit/fs.hpp"
#include "token.hpp"

namespace cbaudit {

Level parse_level(const std::string& name) {
  if (name == "none") return Level::kNone;
  if (name == "allowed" || name == "allow") return Level::kAllowed;
  if (name == "required" || name == "require") return Level::kRequired;
  throw seckit::usage_error("unknown level " + name, "none, allowed or required");
}

std::optional<std::vector<std::uint8_t>> expected_cbt(seckit::cli::Tool& tool,
                                                      const std::string& cert_file,
                                                      const std::string& cbt_hex) {
  if (!cert_file.empty() && !cbt_hex.empty()) {
    throw seckit::usage_error("--expect-cert and --expect-cbt exclude each other");
  }
  if (!cbt_hex.empty()) {
    auto raw = seckit::enc::hex_decode(cbt_hex);
    if (!raw || raw->size() != 16) {
      throw seckit::usage_error(
          "--expect-cbt wants 16 bytes of hex (the MD5 cbaudit expect prints)");
    }
    return *raw;
  }
  if (cert_file.empty()) return std::nullopt;
  std::string data = seckit::fs::read_file(cert_file);
  auto loaded = seckit::x509::load(seckit::bytes::as_bytes(data), {cert_file, std::nullopt});
  if (!loaded) throw seckit::input_error(cert_file, loaded.error().message);
  if (loaded->certificates.empty()) throw seckit::input_error(cert_file, "no certificate found");
  auto ep = end_point_expectation(loaded->certificates.front());
  if (!ep.defined) {
    tool.warn(cert_file, ep.reason + "; using the SHA-256 value Windows sends");
    return channel_bindings_hash(application_data("tls-server-end-point", ep.windows_hash));
  }
  return channel_bindings_hash(application_data("tls-server-end-point", ep.hash));
}

krb5::Keytab load_keytab(seckit::cli::Tool& tool, const std::string& path) {
  std::string data = seckit::fs::read_file(path);
  auto keytab = krb5::parse_keytab(seckit::bytes::as_bytes(data));
  if (!keytab) {
    throw seckit::input_error(
        path, fmt::format("{} (at byte {})", keytab.error().message, keytab.error().offset));
  }
  if (keytab->entries.empty()) tool.warn(path, "the keytab holds no keys");
  return std::move(*keytab);
}

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void print_text(seckit::cli::Tool& tool, const Json& t, const Json& audit) {
  auto& e = tool.emitter();
  const auto& st = tool.style();
  std::string head = fmt::format("{} {}", t.value("mechanism", ""), t.value("message_type", ""));
  if (t.contains("wrapping")) head += fmt::format(" ({})", t["wrapping"].get<std::string>());
  e.line(st.bold(head));
  seckit::out::KeyValue kv;
  for (const char* key :
       {"user", "domain", "workstation", "ntlm_version", "target_name", "target_spn", "realm",
        "sname", "ticket_etype", "authenticator_etype", "channel_bindings"}) {
    if (t.contains(key) && !t[key].is_null()) {
      kv.add(key, t[key].is_string() ? t[key].get<std::string>() : t[key].dump());
    }
  }
  if (t.contains("mic_flag")) {
    kv.add("mic",
           fmt::format("{} (MsvAvFlags MIC bit {})", t["mic"].is_null() ? "absent" : "present",
                       t["mic_flag"].get<bool>() ? "set" : "clear"));
  }
  if (t.contains("negotiate_flag_names")) {
    std::string flags;
    for (const auto& f : t["negotiate_flag_names"])
      flags += (flags.empty() ? "" : " ") + f.get<std::string>();
    kv.add("flags", flags);
  }
  e.line(kv.render(2));
  if (t.contains("decrypted")) {
    const auto& d = t["decrypted"];
    seckit::out::KeyValue k;
    auto add = [&](const char* label, const char* key) {
      if (d.contains(key) && !d[key].is_null()) {
        k.add(label, d[key].is_string() ? d[key].get<std::string>() : d[key].dump());
      }
    };
    add("keytab note", "note");
    add("client", "client");
    add("ctime", "ctime");
    add("subkey etype", "subkey_etype");
    add("seq-number", "seq_number");
    add("bnd", "bnd");
    if (d.contains("gss_flag_names") && !d["gss_flag_names"].empty()) {
      std::string flags;
      for (const auto& f : d["gss_flag_names"])
        flags += (flags.empty() ? "" : " ") + f.get<std::string>();
      k.add("gss flags", flags);
    }
    add("ap options", "ap_options");
    add("session key", "session_key_etype");
    add("ticket client", "ticket_client");
    add("authtime", "authtime");
    add("endtime", "endtime");
    add("opened with", "key_principal");
    e.line(k.render(2));
  }
  if (audit.is_null()) return;
  std::string names;
  for (const auto& f : audit["flag_names"])
    names += (names.empty() ? "" : "|") + f.get<std::string>();
  e.line(fmt::format("  audit at {}: {} {}", audit["level"].get<std::string>(),
                     audit["flags"].is_null() ? "unknown" : audit["flags"].get<std::string>(),
                     names));
  for (const char* level : {"none", "allowed", "required"}) {
    std::string verdict = audit["levels"][level]["verdict"].get<std::string>();
    std::string shown = verdict == "accepted"   ? st.green(verdict)
                        : verdict == "rejected" ? st.red(verdict)
                                                : st.yellow(verdict);
    e.line(fmt::format("  {:<9} {}", level, shown));
  }
  e.line("  " + audit["explanation"].get<std::string>());
}

}  // namespace

namespace {

using Tokens = std::vector<std::pair<std::string, DecodedToken>>;

// The tokens named on the command line, in a file or one per line on stdin; a token that does
// not decode is an input error (exit 2). Empty stdin yields no token (judged inconclusive).
Tokens read_tokens(const TokenOptions& o) {
  Tokens tokens;
  if (!o.token_file.empty()) {
    std::string data = seckit::fs::read_file(o.token_file);
    auto d = decode_token_file(data);
    if (!d) throw seckit::input_error(o.token_file, d.error().message);
    tokens.emplace_back(o.token_file, std::move(*d));
  } else if (o.token == "-") {
    std::string line;
    std::size_t n = 0;
    while (std::getline(std::cin, line)) {
      ++n;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto d = decode_token_text(line);
      if (!d) throw seckit::input_error(fmt::format("stdin line {}", n), d.error().message);
      tokens.emplace_back(fmt::format("-:{}", n), std::move(*d));
    }
  } else {
    auto d = decode_token_text(o.token);
    if (!d) throw seckit::input_error("token", d.error().message);
    tokens.emplace_back("argument", std::move(*d));
  }
  return tokens;
}

// The service binding (MsvAvTargetName) against --spn.
void spn_finding(seckit::cli::Tool& tool, const Json& t, const std::string& spn) {
  std::string got = t.contains("target_spn") && t["target_spn"].is_string()
                        ? t["target_spn"].get<std::string>()
                        : "";
  if (lower(got) == lower(spn)) return;
  seckit::out::Finding f;
  f.code = got.empty() ? "service-binding-absent" : "service-binding-mismatch";
  f.severity = seckit::out::Severity::kWarning;
  f.message = got.empty() ? "the client named no target (MsvAvTargetName): no service binding"
                          : fmt::format("the client authenticated for {} instead of {}", got, spn);
  f.details = {{"expected_spn", spn}, {"target_spn", got}};
  print_finding(tool, f);
}

Json audit_record(const TokenAnalysis& a, const Json& t, Level level, const AuditOptions& ao) {
  Json audit = audit_json(a.evidence, level, ao);
  audit["mechanism"] = a.mechanism;
  if (a.ntlm) {
    audit["user"] = a.ntlm->user;
    audit["domain"] = a.ntlm->domain;
    audit["workstation"] = a.ntlm->workstation;
    audit["ntlm_version"] = t["ntlm_version"];
    audit["target_spn"] = t.contains("target_spn") ? t["target_spn"] : Json(nullptr);
  }
  if (a.kerberos_decryption) {
    const auto& k = *a.kerberos_decryption;
    audit["client_principal"] = k.client.empty() ? Json(nullptr) : Json(k.client);
    audit["keytab_note"] = k.note.empty() ? Json(nullptr) : Json(k.note);
  }
  return audit;
}

struct TokenRun {
  const TokenOptions& options;
  Level level;
  AuditOptions audit_options;
  const krb5::Keytab* keytab = nullptr;
  TokenTally tally;
};

// One token: its record, its audit (authenticating messages only) and findings.
void audit_token(seckit::cli::Tool& tool, TokenRun& run, const std::string& source,
                 const DecodedToken& decoded) {
  auto& e = tool.emitter();
  auto a = analyze_token(decoded.bytes, run.keytab);
  if (!a) {
    throw seckit::input_error(source,
                              fmt::format("{} (at byte {})", a.error().message, a.error().offset));
  }
  ++run.tally.tokens;
  Json t = a->description;
  t["input_form"] = decoded.form;
  t["scheme"] = decoded.scheme.empty() ? Json(nullptr) : Json(decoded.scheme);
  t["source"] = source;
  e.record("token", t);
  Json audit = nullptr;
  if (a->evidence.binding != Binding::kNotAuthentication) {
    audit = audit_record(*a, t, run.level, run.audit_options);
    std::string verdict = audit["verdict"].get<std::string>();
    run.tally.add(verdict, a->evidence.binding);
    e.record("cb_audit", audit);
    if (a->kerberos_decryption && !a->kerberos_decryption->authenticator_decrypted) {
      if (run.tally.first_keytab_note.empty()) {
        run.tally.first_keytab_note = a->kerberos_decryption->note;
      }
      seckit::out::Finding f;
      f.code = "keytab-cannot-open";
      f.severity = seckit::out::Severity::kWarning;
      f.message = a->kerberos_decryption->note + "; the binding stays opaque";
      f.details = {{"source", source}};
      print_finding(tool, f);
    }
    if (!run.options.spn.empty() && a->ntlm) spn_finding(tool, t, run.options.spn);
  }
  if (!e.json() && !tool.common().quiet) print_text(tool, t, audit);
}

}  // namespace

void TokenTally::add(const std::string& verdict, Binding binding) {
  ++authentications;
  ++verdicts[verdict];
  if (verdict == "rejected") ++rejected;
  if (verdict != "unknown") return;
  if (binding == Binding::kOpaque) {
    ++opaque;
  } else {
    ++no_expected;
  }
}

seckit::out::Conclusion judge_token(const TokenTally& t, Level level, const std::string& keytab) {
  seckit::out::Conclusion out;
  std::string at = level_name(level);
  if (t.rejected) {
    out.fail("rejected", fmt::format("{} of {} authentications would be rejected at {}", t.rejected,
                                     t.authentications, at));
  }
  if (t.tokens == 0) {
    out.inconclusive("no-tokens",
                     "0 tokens read from standard input: nothing to judge; give one token per "
                     "line (base64, or an Authorization header)");
  } else if (t.authentications == 0) {
    out.inconclusive(
        "no-authentication",
        fmt::format("0 authenticating messages in {} token{}: NEGOTIATE, CHALLENGE and server "
                    "answers carry no channel binding; give the client's AUTHENTICATE (NTLM "
                    "type 3) or Kerberos AP-REQ",
                    t.tokens, t.tokens == 1 ? "" : "s"));
  }
  if (t.opaque) {
    out.inconclusive(
        "binding-opaque",
        keytab.empty()
            ? fmt::format("{} Kerberos authentication(s): the channel binding is inside the "
                          "encrypted authenticator (no keytab given); pass --keytab FILE holding "
                          "the service's key",
                          t.opaque)
            : fmt::format("{} Kerberos authentication(s) not opened by --keytab {} ({}); pass "
                          "--keytab FILE holding the key of the service they were sent to",
                          t.opaque, keytab, t.first_keytab_note));
  }
  if (t.no_expected) {
    out.inconclusive("no-expected-binding",
                     fmt::format("{} authentication(s) carry a channel binding but no expected "
                                 "value was given: pass --expect-cert SERVER.pem or --expect-cbt "
                                 "HEX to tell match from mismatch at {}",
                                 t.no_expected, at));
  }
  return out;
}

void print_finding(seckit::cli::Tool& tool, const seckit::out::Finding& f) {
  auto& e = tool.emitter();
  e.finding(f);
  if (e.json() || tool.common().quiet) return;
  e.line(tool.style().severity(f.severity, std::string(seckit::out::severity_name(f.severity))) +
         ": " + f.code + ": " + f.message);
}

int run_token(seckit::cli::Tool& tool, const TokenOptions& o) {
  auto& e = tool.emitter();
  if (o.token.empty() == o.token_file.empty()) {
    throw seckit::usage_error("give a token (base64, header value or -) or --token-file F");
  }
  TokenRun run{o, parse_level(o.level), {}, nullptr, {}};
  run.audit_options.expected = expected_cbt(tool, o.expect_cert, o.expect_cbt);
  run.audit_options.proxy = o.proxy;
  krb5::Keytab keytab;
  if (!o.keytab.empty()) {
    keytab = load_keytab(tool, o.keytab);
    run.keytab = &keytab;
  }
  Tokens tokens = read_tokens(o);
  const auto& expected = run.audit_options.expected;
  e.begin({{"command", "token"},
           {"level", level_name(run.level)},
           {"expected_cbt", expected ? Json(seckit::enc::hex_encode(*expected)) : Json(nullptr)},
           {"proxy", o.proxy},
           {"keytab", o.keytab.empty() ? Json(nullptr) : Json(o.keytab)}});
  for (const auto& [source, decoded] : tokens) audit_token(tool, run, source, decoded);
  Json counts = {{"tokens", run.tally.tokens}, {"authentications", run.tally.authentications}};
  for (const auto& [k, v] : run.tally.verdicts) counts[k] = v;
  return e.conclude(judge_token(run.tally, run.level, o.keytab), counts,
                    {{"level", level_name(run.level)}});
}

}  // namespace cbaudit
