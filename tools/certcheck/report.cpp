#include "report.hpp"

#include <fmt/format.h>

#include <ctime>
#include <iostream>

#include "seckit/enc.hpp"

namespace certcheck {
namespace {

namespace x = seckit::x509;

std::string windows_suffix(const Finding& f) {
  if (f.windows_error.is_null()) return {};
  const Json& w = f.windows_error;
  return fmt::format(" [{} {} = {} / {}]", w["name"].get<std::string>(),
                     w["hex"].get<std::string>(), w["unsigned"].get<std::uint64_t>(),
                     w["signed"].get<std::int64_t>());
}

std::string eku_text(const Json& record) {
  const Json& eku = record["extended_key_usage"];
  if (eku.is_null()) return "(none: any purpose)";
  std::vector<std::string> parts;
  for (const auto& u : eku["usages"]) {
    std::string oid = u["oid"].get<std::string>();
    if (!u["windows_name"].is_null()) {
      parts.push_back(fmt::format("{} ({})", u["windows_name"].get<std::string>(), oid));
    } else if (!u["openssl_name"].is_null()) {
      parts.push_back(fmt::format("{} ({})", u["openssl_name"].get<std::string>(), oid));
    } else {
      parts.push_back(oid);
    }
  }
  std::string s = fmt::format("{}", fmt::join(parts, ", "));
  if (eku["critical"].get<bool>()) s += " [critical]";
  return s;
}

}  // namespace

Json error_summary(int exit_code, const Json& counts, const std::string& message) {
  // Emitter::close_after_error's shape, with the counts of what was read before the error.
  std::size_t errors = counts.value("errors", std::size_t{0});
  std::size_t warnings = counts.value("warnings", std::size_t{0});
  return Json{{"counts", counts},
              {"findings", {{"error", errors}, {"warning", warnings}, {"info", 0}}},
              {"verdict", "error"},
              {"error", {{"context", "inputs"}, {"message", message}}},
              {"exit_code", exit_code}};
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 forbids most control characters even as references.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

Reporter::Reporter(seckit::cli::Tool& tool, std::string format, std::int64_t now)
    : tool_(tool), format_(std::move(format)), now_(now) {
  if (format_ == "json" && !tool_.emitter().json()) {
    json_ = std::make_unique<seckit::out::Emitter>(tool_.out(), true, tool_.name());
  }
}

void Reporter::begin(const Json& input) {
  if (format_ == "json") em().begin(input);
}

std::string Reporter::source_label(const std::string& origin, const Json& record) const {
  std::string src = origin;
  const Json& source = record["source"];
  if (source.contains("index")) {
    src += fmt::format(" [{}]", source["index"].dump());
  } else if (source.contains("frame")) {
    src += fmt::format(" (frame {})", source["frame"].dump());
  } else if (source.contains("line")) {
    src += fmt::format(" (line {})", source["line"].dump());
  }
  if (record.contains("sender"))
    src += fmt::format(" from the {}", record["sender"].get<std::string>());
  return src;
}

void Reporter::unchecked_certificate(const std::string& origin, const x::Certificate& cert,
                                     std::string_view role, const std::string& reason) {
  ++tally_.read;
  ++tally_.skipped;
  if (std::find(tally_.skip_reasons.begin(), tally_.skip_reasons.end(), reason) ==
      tally_.skip_reasons.end()) {
    tally_.skip_reasons.push_back(reason);
  }
  Json record = x::describe(cert, now_);
  record["role"] = role;
  if (std::string sender = sender_name(cert.source); !sender.empty()) record["sender"] = sender;
  record["checked"] = false;
  record["skip_reason"] = reason;
  if (format_ == "json") {
    em().record("certificate", record);
  } else if (format_ == "text") {
    em().line(
        tool_.style().dim(fmt::format("{}  ({}): {}: not checked: {}", source_label(origin, record),
                                      role, record["subject"].get<std::string>(), reason)));
    em().line("");
  }
}

void Reporter::certificate(const std::string& origin, const x::Certificate& cert,
                           std::string_view role, const Json& chain,
                           const std::vector<Finding>& findings) {
  ++tally_.read;
  ++tally_.checked;
  if (role == "leaf") ++tally_.leaves_checked;
  for (const auto& f : findings) {
    if (f.severity == Severity::kError) ++tally_.errors;
    if (f.severity == Severity::kWarning) ++warnings_;
  }
  // -q in text mode (the cron line): a certificate without findings is not described at all.
  if (format_ == "text" && problems_only_ && findings.empty()) return;
  Json record = x::describe(cert, now_, format_ == "text" ? x::Detail::kText : x::Detail::kFull);
  record["role"] = role;
  if (std::string sender = sender_name(cert.source); !sender.empty()) record["sender"] = sender;
  if (!chain.is_null()) record["chain"] = chain;
  Case c;
  c.classname = origin;
  c.name = record["subject"].get<std::string>();
  if (c.name.empty()) c.name = record["fingerprints"]["sha256"].get<std::string>();
  c.findings = findings;
  if (format_ == "json") {
    auto& emitter = em();
    emitter.record("certificate", record);
    for (Finding f : findings) {
      // Correlate each finding with its certificate without repeating the whole record.
      f.details["certificate"] = record["fingerprints"]["sha256"];
      f.details["subject"] = record["subject"];
      f.details["source"] = record["source"];  // file and index, or the producer's source
      emitter.finding(f);
    }
  } else if (format_ == "text") {
    em().line(certificate_text(origin, record, chain, findings));
    em().line("");
  }
  if (format_ == "junit") cases_.push_back(std::move(c));  // text and JSON stream: nothing kept
}

std::string Reporter::certificate_text(const std::string& origin, const Json& record,
                                       const Json& chain,
                                       const std::vector<Finding>& findings) const {
  const auto& st = tool_.style();
  std::string lines = st.bold(fmt::format("{}  ({})", source_label(origin, record),
                                          record["role"].get<std::string>())) +
                      "\n";
  seckit::out::KeyValue kv;
  kv.add("subject", record["subject"]);
  kv.add("issuer", record["issuer"]);
  kv.add("serial", record["serial"]);
  kv.add("validity", fmt::format("{} .. {} ({} days left)", record["not_before"].get<std::string>(),
                                 record["not_after"].get<std::string>(),
                                 record["days_left"].get<std::int64_t>()));
  const Json& key = record["public_key"];
  kv.add("key", fmt::format("{} {}{}", key["type"].get<std::string>(), key["bits"].get<int>(),
                            key.contains("curve") ? " " + key["curve"].get<std::string>() : ""));
  kv.add("signature", record["signature"]["algorithm"]);
  std::vector<std::string> san;
  for (const auto& n : record["san"]) {
    san.push_back(
        fmt::format("{}:{}", n["type"].get<std::string>(), n["value"].get<std::string>()));
  }
  kv.add("san", san.empty() ? "(none)" : fmt::format("{}", fmt::join(san, ", ")));
  kv.add("key usage",
         record["key_usage"].is_null()
             ? "(none)"
             : fmt::format(
                   "{}",
                   fmt::join(record["key_usage"]["usages"].get<std::vector<std::string>>(), ", ")));
  kv.add("eku", eku_text(record));
  if (!record["basic_constraints"].is_null()) {
    kv.add("ca", record["basic_constraints"]["ca"].get<bool>() ? "yes" : "no");
  }
  kv.add("sha256", record["fingerprints"]["sha256"]);
  if (!record["tls_server_end_point"].is_null()) {
    kv.add("end-point",
           fmt::format("{}:{}", record["tls_server_end_point"]["hash"].get<std::string>(),
                       record["tls_server_end_point"]["value"].get<std::string>()));
  }
  if (!chain.is_null() && chain.contains("effective_eku") && chain["effective_eku"].is_array()) {
    std::vector<std::string> names;
    for (const auto& e : chain["effective_eku"]) names.push_back(e["name"].get<std::string>());
    kv.add("chain eku", fmt::format("{}", fmt::join(names, ", ")));
  }
  if (!chain.is_null() && chain.contains("ocsp")) {
    const Json& ocsp = chain["ocsp"];
    kv.add("ocsp", fmt::format("{} ({})", ocsp["status"].get<std::string>(),
                               ocsp["responder"].is_null() ? std::string("no responder")
                                                           : ocsp["responder"].get<std::string>()));
  }
  lines += kv.render(2);
  for (const auto& f : findings) {
    std::string sev(seckit::out::severity_name(f.severity));
    lines += fmt::format("  {} {}: {}{}\n", st.severity(f.severity, sev), f.code, f.message,
                         windows_suffix(f));
  }
  if (findings.empty()) lines += "  " + st.green("ok") + "\n";
  if (!lines.empty() && lines.back() == '\n') lines.pop_back();
  return lines;
}

void Reporter::tls_session(const Json& session) {
  if (format_ == "json") {
    em().record("tls_session", session);
  } else if (format_ == "text") {
    em().line(fmt::format(
        "connected to {} ({}, {}{})", session["connect"].get<std::string>(),
        session["protocol"].get<std::string>(), session["cipher"].get<std::string>(),
        session["starttls"].is_null() ? ""
                                      : ", STARTTLS " + session["starttls"].get<std::string>()));
    // Always said, verified or not: "chain verified against the system trust store for ...".
    const Json& v = session["verification"];
    std::string summary = "chain " + v["summary"].get<std::string>();
    em().line(v["verified"].get<bool>() ? tool_.style().green(summary)
                                        : tool_.style().yellow(summary));
  }
}

void Reporter::skipped(const std::string& path, const std::string& reason) {
  ++tally_.files_skipped;
  if (format_ == "json") {
    em().record("skipped", Json{{"file", path}, {"reason", reason}});
  } else if (format_ == "text" && !problems_only_) {
    em().line(tool_.style().dim(fmt::format("note: skipped {}: {}", path, reason)));
  }
}

void Reporter::note(const std::string& path, const std::string& text) {
  if (format_ == "text") tool_.warn(path, text);
}

void Reporter::input_error(const std::string& path, const std::string& message, int code) {
  if (code == seckit::kExitEnvironment) {
    ++environment_errors_;
  } else {
    ++input_errors_;
  }
  tool_.error(path, message);
  if (format_ == "json") {
    em().record("error", Json{{"input", path}, {"message", message}});
  }
  Case c;
  c.classname = path;
  c.name = path;
  c.error = message;
  cases_.push_back(std::move(c));
}

int Reporter::finish(const CheckOptions& options) {
  for (const auto& unused : unused_options(tally_, options)) {
    Finding f = unused_option_finding(unused, tally_);
    ++warnings_;
    if (format_ == "json") {
      em().finding(f);
    } else if (format_ == "text") {
      em().line(fmt::format("{} {}: {}", tool_.style().severity(f.severity, "warning"), f.code,
                            f.message));
    }
  }
  seckit::out::Conclusion conclusion = decide(tally_, options);
  Json counts{
      {"certificates", tally_.read},     {"checked", tally_.checked},
      {"skipped", tally_.skipped},       {"files_skipped", tally_.files_skipped},
      {"duplicates", tally_.duplicates}, {"errors", tally_.errors},
      {"warnings", warnings_},           {"unreadable", input_errors_ + environment_errors_}};
  int error_rc = input_errors_ > 0         ? seckit::kExitUsage
                 : environment_errors_ > 0 ? seckit::kExitEnvironment
                                           : 0;
  if (format_ == "junit") {
    em().stream() << junit(conclusion) << '\n';
    return error_rc ? error_rc : conclusion.exit_code();
  }
  bool problem = tally_.errors + warnings_ + input_errors_ + environment_errors_ > 0 ||
                 conclusion.verdict != seckit::out::Verdict::kPass;
  if (format_ == "text" && (problem || !problems_only_)) {
    std::string line = fmt::format("{} certificate(s): {} error(s), {} warning(s)", tally_.read,
                                   tally_.errors, warnings_);
    if (tally_.duplicates) line += fmt::format(", {} duplicate(s) skipped", tally_.duplicates);
    if (tally_.skipped) line += fmt::format(", {} not checked (role)", tally_.skipped);
    if (tally_.files_skipped) line += fmt::format(", {} file(s) skipped", tally_.files_skipped);
    if (input_errors_ + environment_errors_) {
      line += fmt::format(", {} unreadable", input_errors_ + environment_errors_);
    }
    em().line(line);
  }
  if (error_rc) {
    // The unreadable inputs were named on stderr as they came; the summary says the run erred.
    if (format_ == "json") {
      em().record("summary", error_summary(error_rc, counts,
                                           fmt::format("{} input(s) unreadable",
                                                       input_errors_ + environment_errors_)));
    }
    return error_rc;
  }
  return em().conclude(conclusion, counts);
}

std::string Reporter::junit(const seckit::out::Conclusion& conclusion) const {
  std::size_t failures = 0;
  std::size_t errs = 0;
  for (const auto& c : cases_) {
    if (!c.error.empty()) {
      ++errs;
    } else if (std::any_of(c.findings.begin(), c.findings.end(),
                           [](const Finding& f) { return f.severity == Severity::kError; })) {
      ++failures;
    }
  }
  bool inconclusive = conclusion.verdict == seckit::out::Verdict::kInconclusive;
  std::size_t tests = cases_.size() + (inconclusive ? 1 : 0);
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format("<testsuites name=\"certcheck\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
                     tests, failures, errs);
  xml += fmt::format(
      "  <testsuite name=\"certcheck\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
      "skipped=\"{}\">\n",
      tests, failures, errs, inconclusive ? 1 : 0);
  for (const auto& c : cases_) {
    xml += fmt::format("    <testcase classname=\"{}\" name=\"{}\">\n", xml_escape(c.classname),
                       xml_escape(c.name));
    if (!c.error.empty())
      xml += fmt::format("      <error message=\"{}\"/>\n", xml_escape(c.error));
    std::string warnings;
    for (const auto& f : c.findings) {
      std::string line = fmt::format("{}: {}{}", f.code, f.message, windows_suffix(f));
      if (f.severity == Severity::kError) {
        xml += fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                           xml_escape(f.code), xml_escape(line), xml_escape(line));
      } else {
        warnings += fmt::format("{}: {}\n", seckit::out::severity_name(f.severity), line);
      }
    }
    if (!warnings.empty()) {
      xml += fmt::format("      <system-out>{}</system-out>\n", xml_escape(warnings));
    }
    xml += "    </testcase>\n";
  }
  if (inconclusive) {
    // The run itself is a case: a CI report must not look green when nothing was checked.
    std::vector<std::string> messages;
    for (const auto& r : conclusion.reasons) messages.push_back(r.message);
    xml += fmt::format(
        "    <testcase classname=\"certcheck\" name=\"verdict\">\n      <skipped "
        "message=\"inconclusive: {}\"/>\n    </testcase>\n",
        xml_escape(fmt::format("{}", fmt::join(messages, "; "))));
  }
  xml += "  </testsuite>\n</testsuites>";
  return xml;
}

}  // namespace certcheck
