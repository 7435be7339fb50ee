// import: bulk enrollment from JSON Lines {"user","key"} (the users file shared with otpgen) or
// a directory of USER.pub / USER/authorized_keys files. A bad line is reported and the rest goes
// on; the run fails when any line was rejected, and is inconclusive when nothing was read or
// the input ends in a line cut short.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "enroll.hpp"
#include "seckit/error.hpp"
#include "seckit/fs.hpp"

namespace sshkey_ldap {
namespace {

using seckit::out::Json;
namespace fsys = std::filesystem;

class Importer {
 public:
  Importer(Context& ctx, std::string source) : ctx_(ctx), source_(std::move(source)) {}

  void read() {
    std::error_code ec;
    if (fsys::is_directory(source_, ec)) {
      read_directory();
    } else {
      read_json_lines();
    }
  }
  int write_and_conclude(bool dry_run);

 private:
  void error(const std::string& where, const std::string& message, bool cut_short);
  void add_user_keys(const std::string& user, const std::string& text, const std::string& origin,
                     bool numbered);
  void read_directory();
  void read_json_line(const std::string& line, const std::string& where, bool last);
  void read_json_lines();
  seckit::out::Conclusion conclusion(std::size_t added, bool dry_run) const;

  Context& ctx_;
  std::string source_;
  std::map<std::string, std::vector<Candidate>> per_user_;
  std::vector<std::string> order_;
  std::vector<std::string> cut_short_;  // origins of last lines cut short
  std::size_t errors_ = 0, skipped_ = 0, keys_read_ = 0;
};

void Importer::error(const std::string& where, const std::string& message, bool cut_short) {
  auto& em = ctx_.tool.emitter();
  if (cut_short) {
    cut_short_.push_back(where);
    emit_finding(ctx_, {"input-cut-short",
                        seckit::out::Severity::kWarning,
                        fmt::format("{}: the last line has no line break and does not parse ({}): "
                                    "the input looks cut short",
                                    where, message),
                        {{"origin", where}}});
    return;
  }
  ++errors_;
  if (em.json()) {
    em.record("error", {{"origin", where}, {"message", message}});
  } else {
    ctx_.tool.warn(where, message);
  }
}

void Importer::add_user_keys(const std::string& user, const std::string& text,
                             const std::string& origin, bool numbered) {
  try {
    check_user_name(user);
  } catch (const seckit::ToolError& e) {
    error(origin, e.what(), false);
    return;
  }
  if (!per_user_.count(user)) order_.push_back(user);
  auto& keys = per_user_[user];
  std::size_t before = keys.size();
  parse_key_text(
      text, origin, ctx_.policy, keys,
      [this](const std::string& w, const std::string& m, bool cut) { error(w, m, cut); }, numbered);
  keys_read_ += keys.size() - before;
}

void Importer::read_directory() {
  std::error_code ec;
  std::vector<fsys::path> files;
  for (const auto& entry : fsys::directory_iterator(source_, ec)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::string user;
    fsys::path key_file = path;
    if (fsys::is_regular_file(path) &&
        (path.extension() == ".pub" || path.extension() == ".authorized_keys")) {
      user = path.stem().string();
    } else if (fsys::is_directory(path)) {
      user = path.filename().string();
      key_file = path / "authorized_keys";
      if (!fsys::exists(key_file)) key_file = path / ".ssh" / "authorized_keys";
      if (!fsys::exists(key_file)) continue;
    } else {
      ++skipped_;
      continue;
    }
    std::string text;
    try {
      text = seckit::fs::read_file(key_file.string(), kMaxKeyFile);
    } catch (const seckit::ToolError& e) {
      error(key_file.string(), e.what(), false);
      continue;
    }
    add_user_keys(user, text, key_file.string(), true);
  }
}

void Importer::read_json_line(const std::string& line, const std::string& where, bool last) {
  Json record;
  try {
    record = Json::parse(line);
  } catch (const std::exception&) {
    error(where, "not a JSON object", last);
    return;
  }
  if (!record.is_object()) {
    error(where, "not a JSON object", false);
    return;
  }
  // The users file is shared with otpgen: lines without a key are someone else's.
  if (!record.contains("key")) {
    ++skipped_;
    return;
  }
  if (!record["key"].is_string() || !record.contains("user") || !record["user"].is_string()) {
    error(where, "\"user\" and \"key\" must be strings", false);
    return;
  }
  std::string key_text = record["key"].get<std::string>();
  if (key_text.find('\n') != std::string::npos || key_text.find('\r') != std::string::npos) {
    error(where, "key contains a line break", false);
    return;
  }
  add_user_keys(record["user"].get<std::string>(), key_text, where, false);
}

void Importer::read_json_lines() {
  std::string text = read_input(source_);
  bool unterminated = ends_without_newline(text);
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    bool last = unterminated && in.peek() == std::char_traits<char>::eof();
    std::string where = fmt::format("{}:{}", source_ == "-" ? "stdin" : source_, number);
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    read_json_line(line, where, last);
  }
}

seckit::out::Conclusion Importer::conclusion(std::size_t added, bool dry_run) const {
  seckit::out::Conclusion c;
  std::string source = source_ == "-" ? "stdin" : source_;
  if (errors_ > 0) {
    c.fail("rejected", fmt::format("{} input line(s) rejected; {} key(s) {}", errors_, added,
                                   dry_run ? "would be added" : "added"));
  }
  for (const auto& where : cut_short_) {
    c.inconclusive("input-cut-short",
                   fmt::format("{}: the last line is cut short, so {} is incomplete; import the "
                               "complete file again",
                               where, source));
  }
  if (keys_read_ == 0 && errors_ == 0 && cut_short_.empty()) {
    std::string skipped =
        skipped_ ? fmt::format(" ({} entries without a key skipped)", skipped_) : std::string();
    c.inconclusive("no-keys", fmt::format("0 public keys read from {}{}: nothing was imported",
                                          source, skipped));
  }
  return c;
}

int Importer::write_and_conclude(bool dry_run) {
  std::size_t added = 0, present = 0;
  if (keys_read_ > 0) {
    seckit::ldap::Connection connection(ctx_.config.ldap_options());
    for (const auto& user : order_) {
      const auto& keys = per_user_[user];
      if (keys.empty()) continue;
      try {
        auto result = enroll(connection, ctx_.config, user, keys, dry_run);
        if (!dry_run && !result.added.empty()) invalidate_after_change(ctx_, user);
        report_enrollment(ctx_, user, result, dry_run);
        added += result.added.size();
        present += result.present.size();
      } catch (const seckit::ToolError& e) {
        if (e.code() == seckit::kExitEnvironment) throw;
        std::string what = e.what();
        if (what.rfind("no entry matches", 0) != 0) {
          error(keys.front().origin, fmt::format("{}: {}", user, what), false);
          continue;
        }
        ++errors_;  // a user the directory does not know: named in a finding
        emit_finding(ctx_, {"user-not-found",
                            seckit::out::Severity::kError,
                            fmt::format("{}: {}: {}", keys.front().origin, user, what),
                            {{"user", user}, {"origin", keys.front().origin}}});
      }
    }
  }
  return ctx_.tool.emitter().conclude(conclusion(added, dry_run),
                                      {{"users", order_.size()},
                                       {"added", added},
                                       {"present", present},
                                       {"rejected", errors_},
                                       {"skipped", skipped_},
                                       {"cut_short", cut_short_.size()}});
}

}  // namespace

int run_import(Context& ctx, const std::string& source, bool dry_run) {
  ctx.config.require_directory();
  ctx.tool.emitter().begin({{"source", source}, {"dry_run", dry_run}});
  Importer importer(ctx, source);
  importer.read();
  return importer.write_and_conclude(dry_run);
}

}  // namespace sshkey_ldap
