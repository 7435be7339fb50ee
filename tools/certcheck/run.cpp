// Orchestration: gather inputs (files, directories, stdin, --connect), load, check, report.
#include <fmt/format.h>
#include <openssl/pem.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <iostream>
#include <iterator>
#include <unordered_set>

#include "certcheck.hpp"
#include "chain.hpp"
#include "der_peek.hpp"
#include "ocsp.hpp"
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

// Directories without -r are errors (like grep), named before anything is checked.
void report_unwalked_directories(const RunOptions& run, Reporter& reporter) {
  if (run.recursive) return;
  for (const auto& name : run.inputs) {
    std::error_code ec;
    if (name != "-" && fsys::is_directory(name, ec)) {
      reporter.input_error(name, "is a directory (use -r to scan it)");
    }
  }
}

using InputVisitor = std::function<bool(const Input&)>;  // false: stop the walk

// One directory, depth first, in the order a sort of the full paths gives (a subdirectory sorts
// as "name/"), holding one listing at a time: a walk of a million files keeps a few thousand
// names, not a million. Directory symlinks are not followed; symlinks to files are read.
bool walk_directory(const fsys::path& dir, const InputVisitor& visit) {
  struct Entry {
    std::string key;
    fsys::path path;
    bool directory = false;
  };
  std::vector<Entry> entries;
  std::error_code ec;
  for (fsys::directory_iterator it(dir, fsys::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    bool directory = it->is_directory(type_ec) && !it->is_symlink(type_ec);
    if (!directory && !it->is_regular_file(type_ec)) continue;
    std::string key = it->path().filename().string();
    if (directory) key += '/';
    entries.push_back({std::move(key), it->path(), directory});
  }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.key < b.key; });
  for (const auto& e : entries) {
    bool go_on = e.directory ? walk_directory(e.path, visit) : visit({e.path.string(), true});
    if (!go_on) return false;
  }
  return true;
}

// Every input file in order: named files as given, directories walked with -r. Each call walks
// again (chain mode makes two passes) rather than keeping the list.
void for_each_input(const RunOptions& run, const InputVisitor& visit) {
  for (const auto& name : run.inputs) {
    std::error_code ec;
    if (name == "-" || !fsys::is_directory(name, ec)) {
      if (!visit({name, false})) return;
    } else if (run.recursive && !walk_directory(name, visit)) {
      return;
    }
  }
}

// Whether the run has more than one input file (stops walking at the second).
bool several_inputs(const RunOptions& run) {
  std::size_t count = 0;
  for_each_input(run, [&](const Input&) { return ++count < 2; });
  return count > 1;
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

// -r deduplication by SHA-256, holding 8 bytes of it per certificate in one open-addressing
// table (linear probing, at most 90 % full, grown by half), so a million-file walk costs about
// 12 MB rather than the 40 of a node-based set. A false "duplicate" needs a 64-bit collision
// among the run's certificates.
class FingerprintSet {
 public:
  bool insert(const x::Certificate& cert) {
    auto fp = x::fingerprint(cert, seckit::crypto::Digest::kSha256);
    std::uint64_t key = 0;
    for (std::size_t i = 0; i < sizeof key && i < fp.size(); ++i) key = key << 8 | fp[i];
    if (key == kEmpty) key = 1;  // 0 marks a free slot
    if ((size_ + 1) * 10 > slots_.size() * 9) grow();
    if (!place(slots_, key)) return false;
    ++size_;
    return true;
  }

 private:
  static constexpr std::uint64_t kEmpty = 0;
  // False when the key is already there. The keys are SHA-256 bits: uniform, no mixing needed.
  static bool place(std::vector<std::uint64_t>& slots, std::uint64_t key) {
    auto i = static_cast<std::size_t>((static_cast<unsigned __int128>(key) * slots.size()) >> 64);
    while (slots[i] != kEmpty) {
      if (slots[i] == key) return false;
      if (++i == slots.size()) i = 0;
    }
    slots[i] = key;
    return true;
  }
  void grow() {
    std::vector<std::uint64_t> bigger(std::max<std::size_t>(1024, slots_.size() * 3 / 2), kEmpty);
    for (std::uint64_t key : slots_) {
      if (key != kEmpty) place(bigger, key);
    }
    slots_.swap(bigger);
  }
  std::vector<std::uint64_t> slots_;
  std::size_t size_ = 0;
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
  seckit::Result<x::Loaded> loaded = seckit::parse_error("not loaded");
  try {
    loaded = x::load(bytes, x::LoadOptions{in.name, reader.run().password});
  } catch (const seckit::ToolError& e) {  // the environment lacks something (exit 3)
    std::string message = e.what();
    if (!e.hint().empty()) message += " (" + e.hint() + ")";
    reporter.input_error(in.name, message, e.code());
    return {};
  }
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
  // The OCSP response the --connect server stapled (empty: none), for its first certificate.
  void set_stapled(std::vector<std::uint8_t> response) { stapled_ = std::move(response); }
  // How the --connect chain verified (system store or --ca-file), for its first certificate.
  void set_connection(seckit::tlsclient::Verification v) { connection_ = std::move(v); }

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
    std::vector<Finding> findings = check_certificate(cert, leaf, o, &strict_issuers_);
    if (leaf && connection_ && cert.source.contains("connect") &&
        cert.source.value("index", -1) == 0) {
      for (auto& f : connection_findings(*connection_, o)) {
        if (std::find(o.ignore.begin(), o.ignore.end(), f.code) == o.ignore.end()) {
          findings.push_back(std::move(f));
        }
      }
    }
    Json chain_info;
    if (leaf && trust_) {
      std::vector<X509*> candidates;
      group.collect(cert.x509.get(), kMaxChainLevels, candidates);
      issuers_.collect(cert.x509.get(), kMaxChainLevels, candidates);
      seckit::crypto::X509Ptr issuer;
      auto chain_findings =
          check_chain(cert, candidates, *trust_, o, &chain_info, &issuer, &strict_issuers_);
      findings.insert(findings.end(), chain_findings.begin(), chain_findings.end());
      if (o.ocsp) check_ocsp(cert, issuer.get(), findings, chain_info);
    }
    if (leaf) {
      for (const Profile* p : o.profiles) ++reporter_.tally().profile_uses[std::string(p->name)];
      check_key(cert, findings);
    }
    reporter_.certificate(origin, cert, leaf ? "leaf" : "issuer", chain_info, findings);
  }

  // --ocsp: the stapled response for the first certificate of --connect, else the responder.
  void check_ocsp(const x::Certificate& cert, X509* issuer, std::vector<Finding>& findings,
                  Json& chain_info) {
    OcspFacts facts;
    bool stapled = stapled_ && cert.source.contains("connect") &&
                   cert.source.value("index", -1) == 0 && !stapled_->empty();
    std::vector<std::string> urls =
        o_.ocsp_url.empty() ? ocsp_urls(cert.x509.get()) : std::vector<std::string>{o_.ocsp_url};
    if (!issuer) {
      facts.transport_error =
          "the chain was not built to its issuer, so there is no CertID to ask about";
    } else if (stapled) {
      facts = examine_stapled({cert.x509.get(), issuer, trust_->ocsp_store(), o_.ocsp_timeout},
                              *stapled_);
    } else if (urls.empty()) {
      facts.transport_error =
          "it names no OCSP responder (no authorityInfoAccess id-ad-ocsp); pass --ocsp-url URL";
    } else {
      facts = ask_responder({cert.x509.get(), issuer, trust_->ocsp_store(), o_.ocsp_timeout},
                            urls.front());
    }
    OcspJudgement judged = judge_ocsp(facts, o_.now);
    for (auto& f : judged.findings) {
      if (std::find(o_.ignore.begin(), o_.ignore.end(), f.code) == o_.ignore.end()) {
        findings.push_back(std::move(f));
      }
    }
    chain_info["ocsp"] = ocsp_record(facts, judged);
    if (!judged.inconclusive.empty()) {
      auto& tally = reporter_.tally();
      if (tally.ocsp_inconclusive++ == 0) tally.ocsp_first_reason = judged.inconclusive;
    }
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
  StrictIssuersSeen strict_issuers_;
  std::optional<std::vector<std::uint8_t>> stapled_;
  std::optional<seckit::tlsclient::Verification> connection_;
};

// The certificates of one input that may issue others, added to `index`; returns how many
// certificates the input holds. PEM files of plain CERTIFICATE blocks (nearly every file of a
// directory walk) are looked at without OpenSSL's parser: only possible issuers are parsed.
std::size_t index_input(const Input& in, std::string_view data, const RunOptions& run,
                        IssuerIndex& index) {
  auto bytes = seckit::bytes::as_bytes(data);
  if (x::detect_format(bytes) == x::Format::kPem) {
    if (auto ders = pem_certificates(data)) {
      for (const auto& der : *ders) {
        if (!may_be_issuer_der(der)) continue;
        if (auto cert = x::from_der(der)) index.add(cert->x509.get());
      }
      return ders->size();
    }
  }
  auto loaded = x::load(bytes, x::LoadOptions{in.name, run.password});
  if (!loaded) return 0;
  for (const auto& c : loaded->certificates) index.add(c.x509.get());
  return loaded->certificates.size();
}

// The first pass of chain mode: every CA certificate of every input goes into the index; the
// rest are dropped as soon as they are read and nothing is reported (the second pass does).
// Returns the number of certificates the inputs hold.
std::size_t index_issuers(InputReader& reader, IssuerIndex& index) {
  std::size_t total = 0;
  for_each_input(reader.run(), [&](const Input& in) {
    std::string data;
    try {
      data = reader.read(in);
      total += index_input(in, data, reader.run(), index);
    } catch (const seckit::ToolError&) {
      return true;  // reported by the second pass
    }
    return true;
  });
  return total;
}

void check_connect(const ConnectSpec& connect, bool ocsp, Checker& checker, Reporter& reporter) {
  std::string origin = connect.endpoint.text();
  try {
    FetchedChain fetched = fetch_chain(connect);
    if (ocsp) checker.set_stapled(std::move(fetched.stapled));
    checker.set_connection(fetched.verification);
    reporter.tls_session(fetched.session);
    auto& certs = fetched.certs;
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
  if (run.connect) input["connect"] = run.connect->endpoint.text();
  if (!o.profiles.empty()) {
    Json names = Json::array();
    for (const auto* p : o.profiles) names.push_back(p->name);
    input["profiles"] = names;
  }
  if (!o.role_name.empty()) input["role"] = o.role_name;
  if (!o.crl_files.empty()) input["crls"] = o.crl_files;
  if (!o.crl_check.empty()) input["crl_check"] = o.crl_check;
  if (!o.untrusted_files.empty()) input["untrusted"] = o.untrusted_files;
  if (o.ocsp) input["ocsp"] = o.ocsp_url.empty() ? Json("aia") : Json(o.ocsp_url);
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
  report_unwalked_directories(run, reporter);
  InputReader reader(run);
  bool several = several_inputs(run);
  // With a chain to build, any input may supply another's intermediate: a first pass keeps the
  // CA certificates of all of them (one input holds its own). Leaves are never kept.
  std::optional<std::size_t> total;
  if (o.chain_mode() && several) total = index_issuers(reader, checker.issuers());
  // -r walks meet the same certificate under several names (the trust store's hash links and
  // ca-certificates.crt): each is checked once, the rest counted as duplicates.
  FingerprintSet seen;
  for_each_input(run, [&](const Input& in) {
    std::vector<x::Certificate> certs = read_input(in, reader, reporter);
    if (run.recursive) {
      std::erase_if(certs, [&](const x::Certificate& c) {
        bool duplicate = !seen.insert(c);
        reporter.tally().duplicates += duplicate ? 1 : 0;
        return duplicate;
      });
    }
    if (certs.empty()) return true;
    bool lone = total ? *total == 1 : !several && certs.size() == 1;
    checker.check_group(in.name, certs, false, lone);
    return true;
  });
  if (run.connect) check_connect(*run.connect, o.ocsp, checker, reporter);
  return reporter.finish(o);
}

}  // namespace certcheck
