// Orchestration: gather inputs (files, directories, stdin, --connect), load, check, report.
#include <fmt/format.h>
#include <openssl/pem.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <unordered_set>

#include "certcheck.hpp"
#include "chain.hpp"
#include "report.hpp"
#include "seckit/bytes.hpp"
#include "seckit/fs.hpp"
#include "verdict.hpp"

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

// Expands the inputs: directories need -r (like grep), and each file is read at most once.
std::vector<Input> expand_inputs(const RunOptions& run, Reporter& reporter) {
  std::vector<Input> inputs;
  for (const auto& name : run.inputs) {
    std::error_code ec;
    if (name == "-" || !fsys::is_directory(name, ec)) {
      inputs.push_back({name, false});
      continue;
    }
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
  }
  return inputs;
}

// Reads inputs' bytes; standard input once, kept for a second pass.
class InputReader {
 public:
  explicit InputReader(const RunOptions& run) : run_(run) {}
  const RunOptions& run() const { return run_; }
  std::string read(const Input& in) {
    if (in.name != "-") return read_input_file(in.name, 64u << 20);
    if (!stdin_) stdin_ = read_stdin();
    return *stdin_;
  }

 private:
  const RunOptions& run_;
  std::optional<std::string> stdin_;
};

// -r deduplication by SHA-256, holding 8 bytes of it per certificate so that a million-file walk
// stays small (a false "duplicate" needs a 64-bit collision among the run's certificates).
class FingerprintSet {
 public:
  bool insert(const x::Certificate& cert) {
    auto fp = x::fingerprint(cert, seckit::crypto::Digest::kSha256);
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < sizeof key && i < fp.size(); ++i) key = key << 8 | fp[i];
    return seen_.insert(key).second;
  }

 private:
  std::unordered_set<std::uint64_t> seen_;
};

bool blank(std::string_view data) {
  return data.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Reads and loads one input. Empty when the input was reported instead (unreadable, skipped,
// empty); the facts the verdict needs go into the reporter's tally either way.
std::vector<x::Certificate> read_input(const Input& in, InputReader& reader, Reporter& reporter) {
  InputFacts facts;
  facts.name = in.name;
  std::string data;
  try {
    data = reader.read(in);
  } catch (const seckit::ToolError& e) {
    reporter.input_error(in.name, e.what());
    return {};
  }
  if (blank(data)) {
    // Nothing to judge is not malformed input: the verdict says what was missing.
    if (!in.from_directory) {
      facts.empty = true;
      reporter.tally().inputs.push_back(facts);
    }
    reporter.skipped(in.name, "empty");
    return {};
  }
  auto bytes = seckit::bytes::as_bytes(data);
  x::Format format = x::detect_format(bytes);
  if (in.from_directory && format == x::Format::kUnknown) {
    reporter.skipped(in.name, "not a certificate (no PEM, DER, PKCS#7, PKCS#12 or JSON)");
    return {};
  }
  if (format == x::Format::kJsonRecords) {
    facts.json = true;
    facts.stream = inspect_json_stream(data);
    if (facts.stream.cut_line) {
      reporter.note(in.name, fmt::format("line {} is cut off (ignored)", *facts.stream.cut_line));
      bytes = bytes.first(facts.stream.complete_bytes);
    }
  }
  auto loaded = x::load(bytes, x::LoadOptions{in.name, reader.run().password});
  if (!loaded) {
    reporter.input_error(in.name, loaded.error().message);
    return {};
  }
  for (const auto& note : loaded->notes) reporter.note(in.name, note);
  facts.certificates = loaded->certificates.size();
  // Kept only where the verdict's reasons need them (streams, inputs without a certificate), so
  // a million-file walk does not hold a million names.
  bool needed = facts.json || facts.certificates == 0;
  if (needed && (!in.from_directory || facts.certificates > 0)) {
    reporter.tally().inputs.push_back(facts);
  }
  if (loaded->certificates.empty()) {
    if (in.from_directory || loaded->format == x::Format::kJsonRecords) {
      reporter.skipped(in.name, "no certificate in it");
    } else {
      reporter.input_error(in.name, "no certificate in it");
    }
  }
  return std::move(loaded->certificates);
}

// Checks certificates group by group (a file, a stream, a server's chain) and reports them.
// In chain mode the trust store is loaded once and the candidate issuers of every leaf come from
// the index (CA certificates of all inputs) and its own group.
class Checker {
 public:
  Checker(const CheckOptions& options, Reporter& reporter) : o_(options), reporter_(reporter) {
    if (!o_.key_file.empty()) private_key_ = load_private_key(o_.key_file);
    if (o_.chain_mode()) trust_.emplace(o_);
    for (const auto& path : o_.untrusted_files) load_untrusted(path);
  }

  IssuerIndex& issuers() { return issuers_; }

  // End entities: every certificate without CA:TRUE, the first one a server sends, the first of
  // a file bundle (unless a root), and a lone certificate (the user named it, so it gets the
  // profile checks and the CA-flag warning). The others are issuers: validity and crypto checks
  // only. In chain mode every CA certificate of every input is a candidate intermediate, so
  // `leaf.pem int.pem` works like a bundle.
  void check_group(const std::string& origin, const std::vector<x::Certificate>& certs,
                   bool first_is_leaf, bool lone) {
    IssuerIndex group;
    if (trust_) {
      for (const auto& c : certs) group.add(c.x509.get());
    }
    for (std::size_t i = 0; i < certs.size(); ++i) {
      const x::Certificate& cert = certs[i];
      bool bundle_head = i == 0 && certs.size() > 1 && !x::is_self_issued(cert.x509.get());
      bool leaf = (first_is_leaf && i == 0) || lone || bundle_head || !x::is_ca(cert.x509.get());
      Scope scope = certificate_scope(cert.source, o_);
      if (!scope.checked) {
        reporter_.unchecked_certificate(origin, cert, leaf ? "leaf" : "issuer", scope.skip_reason);
        continue;
      }
      check_one(origin, cert, group, leaf, scope);
    }
  }

 private:
  // --untrusted FILE: its CA certificates join the index; they are never reported themselves.
  void load_untrusted(const std::string& path) {
    std::string data = read_input_file(path, 64u << 20);
    auto loaded = x::load(seckit::bytes::as_bytes(data), x::LoadOptions{path, std::nullopt});
    if (!loaded) throw seckit::input_error(path, loaded.error().message);
    if (loaded->certificates.empty()) throw seckit::input_error(path, "no certificate in it");
    for (const auto& c : loaded->certificates) issuers_.add(c.x509.get());
  }

  void check_one(const std::string& origin, const x::Certificate& cert, const IssuerIndex& group,
                 bool leaf, const Scope& scope) {
    // The profiles that apply to this sender; a copy only when they differ from the run's.
    std::optional<CheckOptions> scoped;
    if (scope.profiles != o_.profiles) {
      scoped = o_;
      scoped->profiles = scope.profiles;
    }
    const CheckOptions& o = scoped ? *scoped : o_;
    std::vector<Finding> findings = check_certificate(cert, leaf, o);
    Json chain_info;
    if (leaf && trust_) {
      std::vector<X509*> candidates;
      group.collect(cert.x509.get(), kMaxChainLevels, candidates);
      issuers_.collect(cert.x509.get(), kMaxChainLevels, candidates);
      auto chain_findings = check_chain(cert, candidates, *trust_, o, &chain_info);
      findings.insert(findings.end(), chain_findings.begin(), chain_findings.end());
    }
    if (leaf) {
      for (const Profile* p : o.profiles) ++reporter_.tally().profile_uses[std::string(p->name)];
      check_key(cert, findings);
    }
    reporter_.certificate(origin, cert, leaf ? "leaf" : "issuer", chain_info, findings);
  }

  void check_key(const x::Certificate& cert, std::vector<Finding>& findings) {
    if (!private_key_ || reporter_.tally().key_checked) return;
    reporter_.tally().key_checked = true;
    if (x::key_matches(cert.x509.get(), private_key_.get())) return;
    Finding f;
    f.code = "key-mismatch";
    f.severity = Severity::kError;
    f.message =
        fmt::format("the private key in {} does not belong to this certificate", o_.key_file);
    if (std::find(o_.ignore.begin(), o_.ignore.end(), f.code) == o_.ignore.end()) {
      findings.push_back(f);
    }
  }

  // OpenSSL's own default depth limit (X509_VERIFY_PARAM depth -1 means 100).
  static constexpr int kMaxChainLevels = 100;
  const CheckOptions& o_;
  Reporter& reporter_;
  seckit::crypto::EvpPkeyPtr private_key_;
  std::optional<TrustStore> trust_;
  IssuerIndex issuers_;
};

// The first pass of chain mode: every CA certificate of every input goes into the index; the
// rest are dropped as soon as they are read and nothing is reported (the second pass does).
// Returns the number of certificates the inputs hold.
std::size_t index_issuers(const std::vector<Input>& inputs, InputReader& reader,
                          IssuerIndex& index) {
  std::size_t total = 0;
  for (const auto& in : inputs) {
    std::string data;
    try {
      data = reader.read(in);
    } catch (const seckit::ToolError&) {
      continue;  // reported by the second pass
    }
    auto loaded =
        x::load(seckit::bytes::as_bytes(data), x::LoadOptions{in.name, reader.run().password});
    if (!loaded) continue;
    total += loaded->certificates.size();
    for (const auto& c : loaded->certificates) index.add(c.x509.get());
  }
  return total;
}

void check_connect(const ConnectOptions& connect, Checker& checker, Reporter& reporter) {
  Json session;
  std::string origin = fmt::format("{}:{}", connect.host, connect.port);
  try {
    auto certs = fetch_chain(connect, &session);
    reporter.tls_session(session);
    if (certs.empty()) {
      reporter.input_error(origin, "the server sent no certificate");
      return;
    }
    for (auto& c : certs) c.source["sender"] = "server";  // what the profiles' sides match
    checker.check_group(origin, certs, true, false);
  } catch (const seckit::ToolError& e) {
    reporter.input_error(origin, e.what(), e.code());
  }
}

Json begin_input(const RunOptions& run, const CheckOptions& o) {
  Json input{{"files", run.inputs}};
  if (run.connect) input["connect"] = fmt::format("{}:{}", run.connect->host, run.connect->port);
  if (!o.profiles.empty()) {
    Json names = Json::array();
    for (const auto* p : o.profiles) names.push_back(p->name);
    input["profiles"] = names;
  }
  if (!o.role_name.empty()) input["role"] = o.role_name;
  if (!o.crl_files.empty()) input["crls"] = o.crl_files;
  if (!o.crl_check.empty()) input["crl_check"] = o.crl_check;
  if (!o.untrusted_files.empty()) input["untrusted"] = o.untrusted_files;
  return input;
}

}  // namespace

int run_check(seckit::cli::Tool& tool, const RunOptions& run, CheckOptions& o) {
  Reporter reporter(tool, run.format, o.now);
  reporter.begin(begin_input(run, o));
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
  reporter.set_problems_only(run.problems_only);
  Checker checker(o, reporter);
  std::vector<Input> inputs = expand_inputs(run, reporter);
  InputReader reader(run);
  // With a chain to build, any input may supply another's intermediate: a first pass keeps the
  // CA certificates of all of them (one input holds its own). Leaves are never kept.
  std::optional<std::size_t> total;
  if (o.chain_mode() && inputs.size() > 1) total = index_issuers(inputs, reader, checker.issuers());
  // -r walks meet the same certificate under several names (the trust store's hash links and
  // ca-certificates.crt): each is checked once, the rest counted as duplicates.
  FingerprintSet seen;
  for (const auto& in : inputs) {
    std::vector<x::Certificate> certs = read_input(in, reader, reporter);
    if (run.recursive) {
      std::erase_if(certs, [&](const x::Certificate& c) {
        bool duplicate = !seen.insert(c);
        reporter.tally().duplicates += duplicate ? 1 : 0;
        return duplicate;
      });
    }
    if (certs.empty()) continue;
    bool lone = total ? *total == 1 : inputs.size() == 1 && certs.size() == 1;
    checker.check_group(in.name, certs, false, lone);
  }
  if (run.connect) check_connect(*run.connect, checker, reporter);
  return reporter.finish(o);
}

}  // namespace certcheck
