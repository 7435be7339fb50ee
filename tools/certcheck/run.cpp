// Orchestration: gather inputs (files, directories, stdin, --connect), load, check, report.
#include <fmt/format.h>
#include <openssl/pem.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>

#include "certcheck.hpp"
#include "report.hpp"
#include "seckit/bytes.hpp"
#include "seckit/fs.hpp"

namespace certcheck {
namespace {

namespace x = seckit::x509;
namespace fsys = std::filesystem;

std::string read_stdin() {
  std::string data((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (data.size() > (256u << 20)) throw seckit::input_error("-", "input larger than 256 MiB");
  return data;
}

seckit::crypto::EvpPkeyPtr load_private_key(const std::string& path) {
  std::string pem = seckit::fs::read_file(path, 1u << 20);
  seckit::crypto::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  seckit::crypto::EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(pem.data());
    key.reset(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(pem.size())));
  }
  if (!key) {
    throw seckit::input_error(
        path, "not a private key (PEM or DER, unencrypted): " + seckit::crypto::openssl_errors());
  }
  return key;
}

struct Input {
  std::string name;  // file path, "-" or host:port
  bool from_directory = false;
};

}  // namespace

int run_check(seckit::cli::Tool& tool, const RunOptions& run, CheckOptions& o) {
  Reporter reporter(tool, run.format);
  Json input{{"files", run.inputs}};
  if (run.connect) input["connect"] = fmt::format("{}:{}", run.connect->host, run.connect->port);
  if (!o.profiles.empty()) {
    Json names = Json::array();
    for (const auto* p : o.profiles) names.push_back(p->name);
    input["profiles"] = names;
  }
  if (!o.crl_files.empty()) input["crls"] = o.crl_files;
  if (!o.crl_check.empty()) input["crl_check"] = o.crl_check;
  reporter.begin(input);

  seckit::crypto::EvpPkeyPtr private_key;
  bool key_checked = false;
  if (!o.key_file.empty()) private_key = load_private_key(o.key_file);
  if (!o.ca_file.empty() && !fsys::is_regular_file(o.ca_file)) {
    throw seckit::input_error(o.ca_file, "CA file not found");
  }

  // CRLs are loaded once, before any certificate is reported: a bad --crl file is a usage
  // error of the whole run, not a finding about some certificate.
  o.crls.clear();
  for (const auto& path : o.crl_files) {
    auto crls = load_crl_file(path);
    o.crls.insert(o.crls.end(), crls.begin(), crls.end());
  }

  // Expand the inputs: directories need -r (like grep), and each file is read at most once.
  std::vector<Input> inputs;
  for (const auto& name : run.inputs) {
    if (name == "-") {
      inputs.push_back({name, false});
      continue;
    }
    std::error_code ec;
    if (fsys::is_directory(name, ec)) {
      if (!run.recursive) {
        reporter.input_error(name, "is a directory (use -r to scan it)");
        continue;
      }
      std::vector<std::string> files;
      for (auto it = fsys::recursive_directory_iterator(
               name, fsys::directory_options::skip_permission_denied, ec);
           !ec && it != fsys::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec)) files.push_back(it->path().string());
      }
      std::sort(files.begin(), files.end());
      for (auto& f : files) inputs.push_back({f, true});
    } else {
      inputs.push_back({name, false});
    }
  }

  // End entities: every certificate without CA:TRUE, the first one a server sends, the first of
  // a file bundle (unless a root), and a lone certificate (the user named it, so it gets the
  // profile checks and the CA-flag warning). The others are issuers: validity and crypto checks
  // only. In chain mode every certificate of every input is a candidate intermediate, so `leaf.pem
  // int.pem` works like a bundle.
  auto check_group = [&](const std::string& origin, std::vector<x::Certificate>& certs,
                         const std::vector<const x::Certificate*>& pool, bool first_is_leaf,
                         bool lone) {
    for (std::size_t i = 0; i < certs.size(); ++i) {
      const x::Certificate& cert = certs[i];
      // A bundle puts its leaf first, unless it is a CA bundle starting with a root.
      bool bundle_head = i == 0 && certs.size() > 1 && !x::is_self_issued(cert.x509.get());
      bool leaf = (first_is_leaf && i == 0) || lone || bundle_head || !x::is_ca(cert.x509.get());
      std::vector<Finding> findings = check_certificate(cert, leaf, o);
      Json chain_info;
      if (leaf && o.chain_mode()) {
        std::vector<const x::Certificate*> others;
        for (const auto* c : pool) {
          if (c != &cert) others.push_back(c);
        }
        auto chain_findings = check_chain(cert, others, o, &chain_info);
        findings.insert(findings.end(), chain_findings.begin(), chain_findings.end());
      }
      if (leaf && private_key && !key_checked) {
        key_checked = true;
        if (!x::key_matches(cert.x509.get(), private_key.get())) {
          Finding f;
          f.code = "key-mismatch";
          f.severity = Severity::kError;
          f.message =
              fmt::format("the private key in {} does not belong to this certificate", o.key_file);
          if (std::find(o.ignore.begin(), o.ignore.end(), f.code) == o.ignore.end()) {
            findings.push_back(f);
          }
        }
      }
      reporter.certificate(origin, cert, leaf ? "leaf" : "issuer", chain_info, findings);
    }
  };
  auto pointers = [](const std::vector<x::Certificate>& certs) {
    std::vector<const x::Certificate*> out;
    for (const auto& c : certs) out.push_back(&c);
    return out;
  };

  // Without a chain to build, each input is checked as soon as it is read (streaming); with
  // one, everything is read first so any input can supply an intermediate.
  std::vector<std::pair<std::string, std::vector<x::Certificate>>> deferred;
  for (const auto& in : inputs) {
    std::string data;
    try {
      data = in.name == "-" ? read_stdin() : seckit::fs::read_file(in.name, 64u << 20);
    } catch (const seckit::ToolError& e) {
      reporter.input_error(in.name, e.what());
      continue;
    }
    auto bytes = seckit::bytes::as_bytes(data);
    if (in.from_directory && x::detect_format(bytes) == x::Format::kUnknown) {
      reporter.skipped(in.name, "not a certificate (no PEM, DER, PKCS#7, PKCS#12 or JSON)");
      continue;
    }
    auto loaded = x::load(bytes, x::LoadOptions{in.name, run.password});
    if (!loaded) {
      reporter.input_error(in.name, loaded.error().message);
      continue;
    }
    for (const auto& note : loaded->notes) reporter.note(in.name, note);
    if (loaded->certificates.empty()) {
      if (in.from_directory || loaded->format == x::Format::kJsonRecords) {
        reporter.skipped(in.name, "no certificate in it");
      } else {
        reporter.input_error(in.name, "no certificate in it");
      }
      continue;
    }
    if (o.chain_mode()) {
      deferred.emplace_back(in.name, std::move(loaded->certificates));
    } else {
      bool lone = inputs.size() == 1 && loaded->certificates.size() == 1;
      check_group(in.name, loaded->certificates, pointers(loaded->certificates), false, lone);
    }
  }
  if (!deferred.empty()) {
    std::vector<const x::Certificate*> pool;
    std::size_t total = 0;
    for (const auto& [name, certs] : deferred) {
      for (const auto& c : certs) pool.push_back(&c);
      total += certs.size();
    }
    for (auto& [name, certs] : deferred) check_group(name, certs, pool, false, total == 1);
  }

  if (run.connect) {
    Json session;
    std::string origin = fmt::format("{}:{}", run.connect->host, run.connect->port);
    try {
      auto certs = fetch_chain(*run.connect, &session);
      reporter.tls_session(session);
      if (certs.empty()) {
        reporter.input_error(origin, "the server sent no certificate");
      } else {
        check_group(origin, certs, pointers(certs), true, false);
      }
    } catch (const seckit::ToolError& e) {
      reporter.input_error(origin, e.what(), e.code());
    }
  }
  return reporter.finish();
}

}  // namespace certcheck
