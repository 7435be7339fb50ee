// otpgen enroll: one account (secret + GA file + URI + QR) or many from JSON Lines.
#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "ga_file.hpp"
#include "qr.hpp"
#include "seckit/enc.hpp"
#include "seckit/fs.hpp"
#include "seckit/random.hpp"

namespace otpgen {
namespace {

using seckit::out::Json;

// 8-digit scratch codes, uniformly drawn from 10000000..99999999 (rejection sampling keeps the
// distribution flat; a leading digit is never 0 so nobody drops it when typing).
std::vector<std::string> scratch_codes(int n) {
  std::vector<std::string> codes;
  while (static_cast<int>(codes.size()) < n) {
    auto bytes = seckit::random::system_random_bytes(4);
    std::uint32_t value =
        static_cast<std::uint32_t>(bytes[0]) << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3];
    constexpr std::uint32_t kRange = 90000000;
    if (value >= (0xffffffffu / kRange) * kRange) continue;
    std::string code = std::to_string(10000000 + value % kRange);
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
  }
  return codes;
}

struct EnrollPlan {
  GaOptions ga;
  bool write_ga = false;
};

std::optional<std::pair<std::uint32_t, std::uint32_t>> parse_rate_limit(const std::string& text) {
  if (text == "none" || text == "off") return std::nullopt;
  auto slash = text.find('/');
  std::uint32_t n = 0, m = 0;
  auto ok = [](std::string_view s, std::uint32_t& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
  };
  if (slash == std::string::npos || !ok(std::string_view(text).substr(0, slash), n) ||
      !ok(std::string_view(text).substr(slash + 1), m) || n < 1 || n > 100 || m < 1 || m > 3600) {
    throw seckit::usage_error(fmt::format(
        "--rate-limit '{}': expected N/M (1..100 attempts per 1..3600 s) or none", text));
  }
  return std::make_pair(n, m);
}

// The URI, record and files of one account; throws ToolError on failures of this account.
// The uid/gid a GA file gets so the module's strict owner check passes for `user`: the module
// refuses a file not owned by the user logging in, so root enrolling for bob must chown it.
struct FileOwner {
  uid_t uid = 0;
  gid_t gid = 0;
};
std::optional<FileOwner> lookup_owner(const std::string& user) {
  const passwd* pw = ::getpwnam(user.c_str());
  if (pw == nullptr) return std::nullopt;
  return FileOwner{pw->pw_uid, pw->pw_gid};
}

Json enroll_one(seckit::cli::Tool& tool, const Options& options, OtpAccount account,
                const std::string& ga_path, const std::string& png, const std::string& svg,
                bool overwrite, std::optional<FileOwner> owner = std::nullopt) {
  if (account.secret.empty()) {
    account.secret = seckit::random::system_random_bytes(
        options.bytes ? options.bytes : default_secret_bytes(account.algorithm));
  }
  GaOptions ga;
  ga.hotp = account.type == OtpType::kHotp;
  ga.rate_limit = parse_rate_limit(options.rate_limit);
  ga.window_size = options.window_size;
  ga.disallow_reuse = !options.allow_reuse && !ga.hotp;
  ga.step_size = account.type == OtpType::kTotp && account.period != 30
                     ? std::optional<std::uint32_t>(account.period)
                     : std::nullopt;
  ga.scratch_codes = scratch_codes(options.scratch_codes);
  if (ga.hotp) account.counter = 1;  // the module's HOTP_COUNTER starts at 1
  std::string uri = build_otpauth_uri(account);

  Json record;
  record["account"] = account.account;
  record["issuer"] = account.issuer;
  record["type"] = otp_type_name(account.type);
  record["algorithm"] = algorithm_upper(account.algorithm);
  record["digits"] = account.digits;
  if (account.type == OtpType::kTotp) {
    record["period"] = account.period;
  } else {
    record["counter"] = account.counter;
  }
  record["secret"] = secret_base32(account);  // producing it is enroll's job
  record["uri"] = uri;
  record["scratch_codes"] = ga.scratch_codes;
  if (!ga_path.empty()) {
    seckit::fs::WriteOptions write;
    write.mode = 0400;
    write.overwrite = overwrite;
    if (owner) {  // set on the temporary file before the rename: never a moment owned by root
      write.owner = owner->uid;
      write.group = owner->gid;
    }
    seckit::fs::atomic_write(ga_path, new_ga_file(secret_base32(account), ga), write);
    record["ga_file"] = ga_path;
  }
  write_qr_files(uri, png, svg, overwrite);
  if (!png.empty()) record["qr_png"] = png;
  if (!svg.empty()) record["qr_svg"] = svg;
  (void)tool;
  return record;
}

void check_ga_compatible(const OtpAccount& account) {
  if (account.algorithm != Digest::kSha1 || account.digits != 6) {
    throw seckit::usage_error("pam_google_authenticator only verifies SHA1 codes of 6 digits",
                              "drop --algorithm/--digits, or enroll without --ga-file/--batch");
  }
  if (account.type == OtpType::kTotp && (account.period < 1 || account.period > 60)) {
    throw seckit::usage_error("pam_google_authenticator accepts a step size of 1..60 seconds");
  }
}

// A file name for an account: letters, digits and . _ - @ kept, everything else '_'.
std::string safe_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-' || c == '@';
    out += keep ? c : '_';
  }
  if (out.empty() || out[0] == '.') out.insert(0, "_");
  return out;
}

struct BatchCounts {
  std::size_t enrolled = 0, errors = 0, skipped = 0;
  std::size_t truncated_line = 0;  // the cut-short last line, 0 when the file ends cleanly
};

// Enrolling is the job: nobody enrolled is never a pass, and bad lines are a failure.
seckit::out::Conclusion conclude_batch(const BatchCounts& counts, const std::string& input) {
  seckit::out::Conclusion conclusion;
  if (counts.truncated_line) {
    conclusion.fail("batch-truncated",
                    fmt::format("{}:{}: the file ends in the middle of a line: it was cut short; "
                                "the accounts after it were not enrolled",
                                input, counts.truncated_line));
  }
  if (counts.errors) {
    conclusion.fail("batch-errors",
                    fmt::format("{} line(s) of {} could not be enrolled (see the errors above); "
                                "{} enrolled",
                                counts.errors, input, counts.enrolled));
  }
  if (counts.enrolled == 0 && counts.errors == 0) {
    conclusion.inconclusive(
        "no-users",
        counts.skipped
            ? fmt::format("0 users enrolled: the {} record(s) of {} have no \"account\", \"user\" "
                          "or \"issuer\" field; give one JSON object per user: "
                          "{{\"account\":\"alice@example.com\",\"user\":\"alice\"}}",
                          counts.skipped, input)
            : fmt::format("0 users enrolled: {} holds no user line; give one JSON object per "
                          "user: {{\"account\":\"alice@example.com\",\"user\":\"alice\"}}",
                          input));
  }
  return conclusion;
}

int enroll_batch(seckit::cli::Tool& tool, const Options& options, const OtpAccount& base) {
  if (options.out_dir.empty()) throw seckit::usage_error("--batch needs --out-dir DIR");
  // The directory holds every new secret: created private when missing.
  if (::mkdir(options.out_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw seckit::environment_error(options.out_dir,
                                    std::string("cannot create: ") + std::strerror(errno));
  }
  std::ifstream file_in;
  std::istream* in = &std::cin;
  if (options.batch != "-") {
    file_in.open(options.batch);
    if (!file_in) throw seckit::input_error(options.batch, "cannot open");
    in = &file_in;
  }
  auto& emitter = tool.emitter();
  emitter.begin({{"command", "enroll"}, {"batch", options.batch}, {"out_dir", options.out_dir}});
  std::size_t line_number = 0, enrolled = 0, errors = 0, skipped = 0, truncated_line = 0;
  std::string line;
  while (std::getline(*in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto fail = [&](const std::string& message) {
      ++errors;
      std::string where = fmt::format("{}:{}", options.batch, line_number);
      if (emitter.json()) {
        emitter.record("error",
                       {{"input", options.batch}, {"line", line_number}, {"message", message}});
      } else {
        emitter.line(fmt::format("{}: {}", tool.style().red("error"), message));
      }
      tool.error(where, message);
    };
    Json user = Json::parse(line, nullptr, false);
    if (user.is_discarded() || !user.is_object()) {
      // A last line without its newline that does not parse is a file cut short in transfer.
      if (in->eof()) truncated_line = line_number;
      fail(in->eof() ? "not a JSON object (the last line has no newline: is the file cut short?)"
                     : "not a JSON object");
      continue;
    }
    if (!user.contains("account") && !user.contains("user") && !user.contains("issuer")) {
      // Another kind of record (a tool's JSON output, a config line): not a user to enroll.
      ++skipped;
      continue;
    }
    auto text_field = [&](const char* key) -> std::optional<std::string> {
      auto it = user.find(key);
      if (it == user.end() || it->is_null()) return std::string();
      if (!it->is_string()) return std::nullopt;
      return it->get<std::string>();
    };
    auto account_name = text_field("account");
    auto issuer = text_field("issuer");
    auto user_name = text_field("user");
    if (!account_name || !issuer || !user_name) {
      fail("\"account\", \"issuer\" and \"user\" must be strings");
      continue;
    }
    if (account_name->empty()) {
      fail("missing \"account\"");
      continue;
    }
    OtpAccount account = base;
    account.account = *account_name;
    account.issuer = issuer->empty() ? base.issuer : *issuer;
    std::string stem = safe_name(user_name->empty() ? *account_name : *user_name);
    std::string dir = options.out_dir + "/";
    std::string png = options.batch_qr == "png" ? dir + stem + ".png" : "";
    std::string svg = options.batch_qr == "svg" ? dir + stem + ".svg" : "";
    std::optional<FileOwner> owner;
    if (!user_name->empty()) {
      owner = lookup_owner(*user_name);
      if (!owner) {
        tool.warn(fmt::format("{}:{}", options.batch, line_number),
                  fmt::format("no user '{}' on this host: the GA file stays owned by {}; chown it "
                              "to the user where the module runs (it refuses other owners)",
                              *user_name, ::geteuid() == 0 ? "root" : "you"));
      }
    }
    try {
      Json record = enroll_one(tool, options, account, dir + stem + ".google_authenticator", png,
                               svg, options.force, owner);
      if (!user_name->empty()) record["user"] = *user_name;
      record["line"] = line_number;
      ++enrolled;
      if (emitter.json()) {
        emitter.record("otp_enrollment", record);
      } else {
        emitter.line(fmt::format("{}  {}", record["ga_file"].get<std::string>(),
                                 record["uri"].get<std::string>()));
      }
    } catch (const seckit::ToolError& e) {
      fail(fmt::format("{}: {}{}", e.context(), e.what(),
                       e.hint().empty() ? "" : " (" + e.hint() + ")"));
    }
  }
  BatchCounts counts{enrolled, errors, skipped, truncated_line};
  return emitter.conclude(conclude_batch(counts, options.batch),
                          {{"enrolled", enrolled}, {"errors", errors}, {"skipped", skipped}},
                          {{"result", errors     ? "partial"
                                      : enrolled ? "enrolled"
                                                 : "none"}});
}

}  // namespace

std::string default_host() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return "localhost";
  return host;
}

std::string default_user() {
  const char* user = std::getenv("USER");
  if (user && *user) return user;
  return "root";
}

int run_enroll(seckit::cli::Tool& tool, const Options& options) {
  if (!options.ga_file.empty() && !options.batch.empty()) {
    throw seckit::usage_error(
        "--ga-file and --batch are exclusive (batch writes one file per account)");
  }
  if (options.scratch_codes < 0 || options.scratch_codes > 10) {
    throw seckit::usage_error("--scratch-codes must be 0..10");
  }
  // A given secret (--secret -, --secret-file, --uri) is enrolled as is; otherwise a new one.
  Options source = options;
  source.ga_file.clear();
  OtpAccount account = resolve_account(tool, source, false);
  if (options.step_size) account.period = *options.step_size;
  if (!options.batch.empty() && !account.secret.empty()) {
    throw seckit::usage_error("--batch generates one secret per account; do not give a secret");
  }
  if (!options.ga_file.empty() || !options.batch.empty()) check_ga_compatible(account);
  if (!options.account.empty()) account.account = options.account;
  if (!options.issuer.empty()) account.issuer = options.issuer;
  if (account.issuer.empty()) account.issuer = default_host();
  if (!options.batch.empty()) {
    require_qr_libraries(options.batch_qr != "none", options.batch_qr == "png");
    return enroll_batch(tool, options, account);
  }
  require_qr_libraries((options.qr != "none" && !tool.common().json) || !options.qr_svg.empty(),
                       !options.qr_png.empty());
  if (account.account.empty()) account.account = default_user() + "@" + default_host();
  if (options.ga_file.empty()) {
    // google-authenticator writes ~/.google_authenticator by default; otpgen never writes a file
    // it was not asked for, so it says where the secret and scratch codes are not.
    tool.warn("enroll",
              "no GA file written: the secret and scratch codes printed here are stored nowhere "
              "(add --ga-file ~/.google_authenticator to enroll for pam_google_authenticator)");
  }

  std::optional<FileOwner> owner;
  if (!options.owner.empty()) {
    if (options.ga_file.empty()) throw seckit::usage_error("--owner needs --ga-file");
    owner = lookup_owner(options.owner);
    if (!owner) throw seckit::usage_error(fmt::format("--owner: no user '{}'", options.owner));
  }
  Json record = enroll_one(tool, options, account, options.ga_file, options.qr_png, options.qr_svg,
                           options.force, owner);
  auto& emitter = tool.emitter();
  emitter.begin({{"command", "enroll"}});
  if (emitter.json()) {
    emitter.record("otp_enrollment", record);
  } else {
    seckit::out::KeyValue kv;
    kv.add("account", account.issuer + ":" + account.account)
        .add("secret", record["secret"].get<std::string>())
        .add("uri", record["uri"].get<std::string>());
    if (record.contains("ga_file"))
      kv.add("ga file", record["ga_file"].get<std::string>() + " (mode 0400)");
    if (record.contains("qr_png")) kv.add("qr png", record["qr_png"].get<std::string>());
    if (record.contains("qr_svg")) kv.add("qr svg", record["qr_svg"].get<std::string>());
    std::string codes;
    for (const auto& c : record["scratch_codes"])
      codes += (codes.empty() ? "" : " ") + c.get<std::string>();
    kv.add("scratch codes", codes.empty() ? "(none)" : codes);
    tool.out() << kv.render();
    emit_qr_text(tool, options.qr, record["uri"].get<std::string>());
  }
  return emitter.conclude(seckit::out::Conclusion{}, {{"enrolled", 1}}, {{"result", "enrolled"}});
}

}  // namespace otpgen
