#include <fmt/format.h>

#include "binding.hpp"
#include "commands.hpp"
#include "pcap_audit.hpp"
#include "seckit/enc.hpp"
#include "seckit/fs.hpp"

namespace cbaudit {

int run_pcap(seckit::cli::Tool& tool, const PcapOptions& o) {
  auto& e = tool.emitter();
  if (o.captures.empty()) throw seckit::usage_error("no capture given", "cbaudit pcap CAPTURE");
  PcapAuditOptions options;
  options.level = parse_level(o.level);
  options.proxy = o.proxy;
  seckit::tls::KeyLog keylog;
  if (!o.keylog.empty()) {
    keylog.load_file(o.keylog);
    if (keylog.empty()) tool.warn(o.keylog, "no usable key log lines");
    options.keylog = &keylog;
  }
  krb5::Keytab keytab;
  if (!o.keytab.empty()) {
    keytab = load_keytab(tool, o.keytab);
    options.keytab = &keytab;
  }
  if (!o.cert.empty()) {
    options.fallback_cbt = expected_cbt(tool, o.cert, "");
    options.fallback_subject = o.cert;
  }
  e.begin({{"command", "pcap"},
           {"captures", o.captures},
           {"keylog", o.keylog.empty() ? seckit::out::Json(nullptr) : seckit::out::Json(o.keylog)},
           {"keytab", o.keytab.empty() ? seckit::out::Json(nullptr) : seckit::out::Json(o.keytab)},
           {"level", level_name(options.level)}});
  bool text = !e.json() && !tool.common().quiet;
  PcapAuditor auditor(options, [&](std::string_view type, const seckit::out::Json& d) {
    e.record(type, d);
    if (!text) return;
    if (type == "cb_audit") {
      std::string who = d.contains("user") ? fmt::format("{}\\{}", d["domain"].get<std::string>(),
                                                         d["user"].get<std::string>())
                        : d.contains("client_principal") && d["client_principal"].is_string()
                            ? d["client_principal"].get<std::string>()
                            : d.value("sname", "kerberos");
      std::string verdict = d["verdict"].get<std::string>();
      std::string shown = verdict == "accepted"   ? tool.style().green(verdict)
                          : verdict == "rejected" ? tool.style().red(verdict)
                                                  : tool.style().yellow(verdict);
      std::string names;
      for (const auto& n : d["flag_names"]) {
        std::string s = n.get<std::string>().substr(28);
        names += (names.empty() ? "" : "|") + s;
      }
      e.line(fmt::format("frame {:<6} {:<5} {}{} {} -> {} {} binding={} {} [{}]",
                         d["frame"].get<std::uint64_t>(), d["protocol"].get<std::string>(),
                         d["tls"].get<bool>() ? "tls " : "", who, d["client"].get<std::string>(),
                         d["server"].get<std::string>(), d["mechanism"].get<std::string>(),
                         d["client_binding"].get<std::string>(), shown,
                         names.empty() ? "unknown" : names));
    } else if (type == "anomaly") {
      e.line(tool.style().yellow("anomaly: ") + d.value("message", ""));
    }
  });
  for (const auto& file : o.captures) auditor.read_file(file);
  auditor.finish();
  auto readiness = auditor.readiness();
  e.record("readiness", readiness);
  const auto& c = auditor.counts();
  if (text) {
    e.line("");
    e.line(readiness["message"].get<std::string>());
    e.line(
        fmt::format("{} frames, {} TCP connections, {} TLS sessions ({} decrypted, {} opaque), "
                    "{} tokens, {} authentications",
                    c.frames, c.tcp_connections, c.tls_sessions, c.tls_decrypted, c.tls_opaque,
                    c.tokens, c.authentications));
  }
  seckit::out::Json counts = {{"frames", c.frames},
                              {"tcp_connections", c.tcp_connections},
                              {"tls_sessions", c.tls_sessions},
                              {"tls_decrypted", c.tls_decrypted},
                              {"tls_opaque", c.tls_opaque},
                              {"tokens", c.tokens},
                              {"authentications", c.authentications},
                              {"anomalies", c.anomalies}};
  for (const auto& [k, v] : c.verdicts) counts[k] = v;
  std::size_t failing = readiness["would_fail"].get<std::size_t>();
  int rc = failing ? seckit::kExitFindings : seckit::kExitOk;
  std::string verdict = c.authentications == 0 ? "no-authentication"
                        : failing              ? "clients-would-fail"
                                               : "ready";
  return e.summary(rc, counts, verdict);
}

}  // namespace cbaudit
