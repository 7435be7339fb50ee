#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <iterator>

#include "binding.hpp"
#include "commands.hpp"
#include "seckit/enc.hpp"
#include "seckit/fs.hpp"

namespace cbaudit {

namespace {

std::string read_input(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  return seckit::fs::read_file(path);
}

void print_binding(seckit::out::Emitter& e, const Json& b, const std::string& indent) {
  seckit::out::KeyValue kv;
  kv.add("value", b["value"].get<std::string>());
  kv.add("application data", b["application_data"].get<std::string>());
  kv.add("gss struct", b["gss_channel_bindings_struct"].get<std::string>());
  kv.add("CBT (MD5)", b["cbt_md5"].get<std::string>());
  e.line(kv.render(indent.size()));
}

void emit_certificate(seckit::cli::Tool& tool, const seckit::x509::Certificate& cert,
                      const Json& extra) {
  auto& e = tool.emitter();
  Json d = expected_for_certificate(cert);
  for (auto& [k, v] : extra.items()) d[k] = v;
  const Json& ep = d["tls_server_end_point"];
  if (!ep["defined"].get<bool>()) {
    seckit::out::Finding f;
    f.code = "end-point-undefined";
    f.severity = seckit::out::Severity::kWarning;
    f.message = ep["reason"].get<std::string>();
    f.details = {{"subject", d["subject"]}, {"windows", ep["windows"]}};
    e.finding(f);
  }
  e.record("expected_binding", d);
  if (e.json() || tool.common().quiet) return;
  e.line(tool.style().bold(d["subject"].get<std::string>()));
  e.line(fmt::format("  signature: {}", d["signature_algorithm"].get<std::string>()));
  if (ep["defined"].get<bool>()) {
    e.line(fmt::format("  tls-server-end-point ({}): {}", ep["hash_algorithm"].get<std::string>(),
                       ep["reason"].get<std::string>()));
    print_binding(e, ep, "    ");
  } else {
    e.line("  tls-server-end-point: " + tool.style().yellow("undefined") + ": " +
           ep["reason"].get<std::string>());
    e.line("  windows: " + ep["windows"].get<std::string>());
    print_binding(e, ep["windows_binding"], "    ");
  }
  for (const char* key : {"tls_unique", "tls_exporter"}) {
    if (!d.contains(key)) continue;
    const Json& b = d[key];
    if (b.is_null()) {
      e.line(fmt::format("  {}: undefined for {}", key, d["tls_version"].get<std::string>()));
      continue;
    }
    e.line(fmt::format("  {}:", b["type"].get<std::string>()));
    print_binding(e, b, "    ");
  }
  if (d.contains("tls_version")) {
    e.line(fmt::format("  connection: {} {}, extended master secret {}",
                       d["tls_version"].get<std::string>(), d["cipher"].get<std::string>(),
                       d["extended_master_secret"].get<bool>() ? "yes" : "no"));
  }
}

// The expected binding is computed for every certificate read (an undefined end-point binding
// gets the SHA-256 value Windows sends, with a warning): pass; no certificate read: nothing
// was computed, inconclusive, never a silent success at the end of a pipeline.
seckit::out::Conclusion judge_expect(std::size_t certificates, const std::string& why_none) {
  seckit::out::Conclusion out;
  if (certificates == 0) {
    out.inconclusive("no-certificates",
                     "0 certificates read: " + why_none +
                         "; give a certificate file, or a record stream that carries one (e.g. "
                         "sslvpn-trace --keylog FILE for TLS 1.3, where the chain is encrypted)");
  }
  return out;
}

int conclude_expect(seckit::out::Emitter& e, std::size_t certificates, std::size_t undefined,
                    const std::string& why_none) {
  return e.conclude(judge_expect(certificates, why_none),
                    {{"certificates", certificates}, {"end_point_undefined", undefined}});
}

}  // namespace

std::vector<seckit::x509::Certificate> peer_chain(const seckit::tlsclient::Session& session) {
  std::vector<seckit::x509::Certificate> out;
  for (std::size_t i = 0; i < session.chain.size(); ++i) {
    auto cert = seckit::x509::from_der(session.chain[i], {{"tls_peer", i}});
    if (cert) out.push_back(std::move(*cert));
  }
  return out;
}

namespace {

// The connection facts and the bindings only an endpoint knows, next to the certificate's.
Json connection_bindings(const std::string& origin, const seckit::tlsclient::Connection& c) {
  const auto& s = c.session();
  Json extra = Json::object();
  extra["connect"] = origin;
  extra["tls_version"] = s.protocol;
  extra["cipher"] = s.cipher;
  extra["extended_master_secret"] = s.extended_master_secret;
  auto unique = c.tls_unique();
  extra["tls_unique"] = unique ? describe_binding("tls-unique", *unique) : Json(nullptr);
  Json exporter = describe_binding("tls-exporter", c.tls_exporter());
  if (s.protocol != "TLSv1.3") {
    exporter["note"] = s.extended_master_secret
                           ? "TLS 1.2 with extended master secret (RFC 9266 3)"
                           : "TLS 1.2 without extended master secret: RFC 9266 3 says "
                             "tls-exporter must not be used";
  }
  extra["tls_exporter"] = exporter;
  return extra;
}

}  // namespace

int run_expect(seckit::cli::Tool& tool, const ExpectOptions& o) {
  auto& e = tool.emitter();
  // Port 443 when --connect names none; --starttls/--sni without --connect are usage errors.
  auto spec = seckit::tlsclient::resolve_connect(o.connect, 443);
  if (!spec == o.cert.empty()) {
    throw seckit::usage_error("give a certificate (file or -) or --connect host:port, not both");
  }
  std::size_t certificates = 0, undefined = 0;
  if (!o.cert.empty()) {
    e.begin({{"command", "expect"}, {"certificate", o.cert}});
    std::string data = read_input(o.cert);
    if (data.find_first_not_of(" \t\r\n") == std::string::npos) {
      return conclude_expect(e, 0, 0, "the input is empty");
    }
    auto loaded = seckit::x509::load(seckit::bytes::as_bytes(data), {o.cert, std::nullopt});
    if (!loaded) throw seckit::input_error(o.cert, loaded.error().message);
    if (loaded->certificates.empty() && loaded->format != seckit::x509::Format::kJsonRecords) {
      throw seckit::input_error(o.cert, "no certificate found");
    }
    for (const auto& cert : loaded->certificates) {
      ++certificates;
      if (!end_point_expectation(cert).defined) ++undefined;
      emit_certificate(tool, cert, Json::object());
    }
  } else {
    e.begin(
        {{"command", "expect"}, {"connect", o.connect.connect}, {"starttls", o.connect.starttls}});
    spec->verify =
        o.insecure ? seckit::tlsclient::VerifyMode::kOff : seckit::tlsclient::VerifyMode::kRequire;
    seckit::tlsclient::Connection client(*spec);
    auto chain = peer_chain(client.session());
    if (chain.empty()) {
      throw seckit::environment_error(o.connect.connect, "the server sent no certificate");
    }
    ++certificates;
    if (!end_point_expectation(chain.front()).defined) ++undefined;
    emit_certificate(tool, chain.front(), connection_bindings(o.connect.connect, client));
  }
  return conclude_expect(e, certificates, undefined, "the record stream holds no certificate");
}

}  // namespace cbaudit
