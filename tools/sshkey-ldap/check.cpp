// check: a public key file validated offline and printed as ssh-keygen -l prints it.
#include <fmt/format.h>

#include <ctime>

#include "enroll.hpp"
#include "helpers.hpp"
#include "key_text.hpp"
#include "rules.hpp"
#include "seckit/error.hpp"

namespace sshkey_ldap {

using seckit::out::Json;

int run_check(Context& ctx, const std::string& key_file, const std::string& hash) {
  auto& em = ctx.tool.emitter();
  std::string text = read_input(key_file);
  std::string origin = key_file == "-" ? "stdin" : key_file;
  if (text.find("PRIVATE KEY-----") != std::string::npos) {
    throw seckit::input_error(origin, "this is a private key; only public keys are accepted");
  }
  em.begin({{"key_file", key_file}, {"policy", ctx.policy.to_json()}});
  std::size_t keys = 0;
  std::vector<seckit::out::Finding> problems;
  std::size_t refused = 0;
  auto now = static_cast<std::int64_t>(std::time(nullptr));
  std::vector<std::string> out;
  std::vector<Json> records;
  for (const auto& source : key_text_lines(text)) {
    std::string where = fmt::format("{}:{}", origin, source.number);
    // Parse everything before printing anything: a bad file gives one error line, no output.
    if (!source.error.empty()) throw seckit::input_error(where, source.error);
    auto key = sshkey::parse_authorized_key_line(source.text);
    if (!key) throw seckit::input_error(where, key.error().message);
    ++keys;
    const std::string sha256 = sshkey::fingerprint_sha256(key->key);
    Json j = key_json(*key);
    j["origin"] = where;
    records.push_back(j);
    out.push_back(fmt::format(
        "{} {} {} ({})", key->key.bits, hash == "md5" ? sshkey::fingerprint_md5(key->key) : sha256,
        key->comment.empty() ? "no comment" : key->comment, sshkey::type_label(key->key)));
    // The audit's rules, every problem of the line; an error-level one fails the check.
    bool has_error = false;
    for (auto& problem : judge_key(ctx.policy, *key, sha256, now)) {
      has_error = has_error || problem.severity == seckit::out::Severity::kError;
      problem.details["sha256"] = sha256;
      problem.details["origin"] = where;
      problems.push_back({problem.code, problem.severity,
                          fmt::format("{}: {}", where, problem.message), problem.details});
    }
    refused += has_error ? 1 : 0;
  }
  seckit::out::Conclusion c;
  if (keys == 0) {
    c.inconclusive("no-keys", fmt::format("0 public keys read from {}: nothing was checked (the "
                                          "input is empty or holds only comments)",
                                          origin));
  }
  for (const auto& j : records) em.record("key", j);
  for (const auto& l : out) em.line(l);
  for (const auto& finding : problems) {
    em.finding(finding);
    if (finding.severity == seckit::out::Severity::kError) c.fail();
    if (em.json()) continue;
    std::string text = fmt::format("{}: {}", finding.code, finding.message);
    if (finding.severity == seckit::out::Severity::kError) {
      ctx.tool.error("check", text);
    } else {
      ctx.tool.warn("check", text);
    }
  }
  return em.conclude(c, {{"keys", keys}, {"refused", refused}});
}

}  // namespace sshkey_ldap
