#include <fmt/format.h>

#include <algorithm>

#include "binding.hpp"
#include "commands.hpp"
#include "pcap_audit.hpp"
#include "seckit/capture_cli.hpp"
#include "seckit/enc.hpp"
#include "seckit/fs.hpp"

namespace cbaudit {

namespace {

using seckit::out::Json;

// A key log that yields no secret at all is the wrong file (random bytes, a PEM key...), not a
// key log that happens to match nothing: an input error, like an unreadable one.
void load_keylog(seckit::tls::KeyLog& keylog, const std::string& path) {
  keylog.load_file(path);
  if (!keylog.empty()) return;
  const auto& stats = keylog.stats();
  std::string why = stats.lines == 0 ? "the file is empty"
                                     : fmt::format("none of its {} lines is valid ({})",
                                                   stats.lines, stats.first_bad_reason);
  throw seckit::input_error(path, "not a key log: " + why,
                            "NSS key log lines: CLIENT_RANDOM <client random> <secret>");
}

std::string who_of(const Json& d) {
  if (d.contains("user")) {
    return fmt::format("{}\\{}", d["domain"].get<std::string>(), d["user"].get<std::string>());
  }
  if (d.contains("client_principal") && d["client_principal"].is_string()) {
    return d["client_principal"].get<std::string>();
  }
  return d.value("sname", "kerberos");
}

void print_audit_line(seckit::cli::Tool& tool, const Json& d) {
  std::string verdict = d["verdict"].get<std::string>();
  std::string shown = verdict == "accepted"   ? tool.style().green(verdict)
                      : verdict == "rejected" ? tool.style().red(verdict)
                                              : tool.style().yellow(verdict);
  std::string names;
  for (const auto& n : d["flag_names"]) {
    names += (names.empty() ? "" : "|") + n.get<std::string>().substr(28);
  }
  tool.emitter().line(fmt::format(
      "frame {:<6} {:<5} {}{} {} -> {} {} binding={} {} [{}]", d["frame"].get<std::uint64_t>(),
      d["protocol"].get<std::string>(), d["tls"].get<bool>() ? "tls " : "", who_of(d),
      d["client"].get<std::string>(), d["server"].get<std::string>(),
      d["mechanism"].get<std::string>(), d["client_binding"].get<std::string>(), shown,
      names.empty() ? "unknown" : names));
}

// The key log matched no TLS session of the capture: named in a finding (text and JSON).
void keylog_finding(seckit::cli::Tool& tool, const PcapCounts& c, const std::string& keylog) {
  if (keylog.empty() || c.tls_sessions == 0 || c.tls_decrypted != 0) return;
  if (c.tls_no_key + c.tls_wrong_key == 0) return;
  seckit::out::Finding f;
  f.code = "keylog-mismatch";
  f.severity = seckit::out::Severity::kWarning;
  f.message = fmt::format(
      "the key log {} decrypts none of the {} TLS sessions in the capture "
      "({} without a line for their client random, {} with a line that does not decrypt): it "
      "was written for other connections",
      keylog, c.tls_sessions, c.tls_no_key, c.tls_wrong_key);
  f.details = {{"keylog", keylog},
               {"tls_sessions", c.tls_sessions},
               {"no_key", c.tls_no_key},
               {"wrong_key", c.tls_wrong_key}};
  print_finding(tool, f);
}

Json counts_json(const PcapCounts& c) {
  Json counts = {{"frames", c.frames},
                 {"tcp_connections", c.tcp_connections},
                 {"tls_sessions", c.tls_sessions},
                 {"tls_decrypted", c.tls_decrypted},
                 {"tls_opaque", c.tls_opaque},
                 {"tokens", c.tokens},
                 {"authentications", c.authentications},
                 {"opaque_bindings", c.opaque_bindings},
                 {"no_expected_binding", c.no_expected_binding},
                 {"anomalies", c.anomalies}};
  for (const auto& [k, v] : c.verdicts) counts[k] = v;
  return counts;
}

PcapAuditOptions audit_options(seckit::cli::Tool& tool, const PcapOptions& o,
                               seckit::tls::KeyLog& keylog, krb5::Keytab& keytab) {
  PcapAuditOptions options;
  options.level = parse_level(o.level);
  options.proxy = o.proxy;
  if (!o.keylog.empty()) {
    load_keylog(keylog, o.keylog);
    options.keylog = &keylog;
  }
  if (!o.keytab.empty()) {
    keytab = load_keytab(tool, o.keytab);
    options.keytab = &keytab;
  }
  if (!o.cert.empty()) {
    options.fallback_cbt = expected_cbt(tool, o.cert, "");
    options.fallback_subject = o.cert;
  }
  return options;
}

}  // namespace

int run_pcap(seckit::cli::Tool& tool, const PcapOptions& o) {
  auto& e = tool.emitter();
  const auto& capture = o.capture;
  seckit::cli::require_capture_source(capture, "cbaudit pcap CAPTURE... or -i IFACE");
  seckit::net::stop_on_interrupt();
  seckit::tls::KeyLog keylog;
  krb5::Keytab keytab;
  PcapAuditOptions options = audit_options(tool, o, keylog, keytab);
  // Capture files are read faster than anyone watches: records go out in blocks. Live capture
  // (-i) and stdin (tcpdump -w - | cbaudit pcap -) write each record as it is decided.
  const auto& files = capture.files;
  e.set_batched(capture.interface.empty() &&
                std::find(files.begin(), files.end(), "-") == files.end());
  e.begin({{"command", "pcap"},
           {"captures", files},
           {"interface", capture.interface.empty() ? Json(nullptr) : Json(capture.interface)},
           {"filter", capture.filter},
           {"keylog", o.keylog.empty() ? Json(nullptr) : Json(o.keylog)},
           {"keytab", o.keytab.empty() ? Json(nullptr) : Json(o.keytab)},
           {"level", level_name(options.level)}});
  bool text = !e.json() && !tool.common().quiet;
  PcapAuditor auditor(options, [&](std::string_view type, const Json& d) {
    e.record(type, d);
    if (!text) return;
    if (type == "cb_audit") print_audit_line(tool, d);
    if (type == "anomaly") e.line(tool.style().yellow("anomaly: ") + d.value("message", ""));
  });
  seckit::net::CaptureEnd end = auditor.read(capture);
  auditor.finish();
  const auto& c = auditor.counts();
  keylog_finding(tool, c, o.keylog);
  Readiness readiness = auditor.readiness();
  auto conclusion = judge_pcap(c, readiness, {o.keylog, o.keytab, !o.cert.empty()});
  e.record("readiness", readiness_json(readiness, conclusion));
  if (text) {
    e.line("");
    e.line(readiness_message(readiness));
    e.line(
        fmt::format("{} frames, {} TCP connections, {} TLS sessions ({} decrypted, {} opaque), "
                    "{} tokens, {} authentications ({} with an opaque binding)",
                    c.frames, c.tcp_connections, c.tls_sessions, c.tls_decrypted, c.tls_opaque,
                    c.tokens, c.authentications, c.opaque_bindings));
  }
  Json extra = {{"level", level_name(options.level)},
                {"readiness", readiness_result_name(readiness_result(conclusion))}};
  int rc = e.conclude(conclusion, counts_json(c), extra);
  return end == seckit::net::CaptureEnd::kInterrupted ? seckit::kExitInterrupted : rc;
}

}  // namespace cbaudit
