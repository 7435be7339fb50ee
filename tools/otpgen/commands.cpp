#include "commands.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>

#include "ga_buffer.hpp"
#include "ga_file.hpp"
#include "migration.hpp"
#include "pam_rules.hpp"
#include "qr.hpp"
#include "seckit/enc.hpp"
#include "seckit/fs.hpp"
#include "seckit/random.hpp"

namespace otpgen {
namespace {

// A wrong code without a GA file: how far (either way) a clock skew is searched to explain it.
constexpr std::int64_t kSkewSearchSeconds = std::int64_t{25} * 3600;

using seckit::out::Json;

std::string trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' ||
                           text.back() == '\t')) {
    text.pop_back();
  }
  std::size_t start = 0;
  while (start < text.size() && (text[start] == ' ' || text[start] == '\t')) ++start;
  return text.substr(start);
}

std::vector<std::uint8_t> decode_secret(seckit::cli::Tool& tool, const std::string& text,
                                        const std::string& context) {
  if (text.find('=') != std::string::npos) {
    tool.warn(context,
              "the secret has '=' padding; pam_google_authenticator rejects padded secrets");
  }
  auto secret = seckit::enc::base32_decode(text);
  if (!secret) throw seckit::input_error(context, "not a base32 secret: " + secret.error().message);
  if (secret->empty()) throw seckit::input_error(context, "the secret is empty");
  return std::move(*secret);
}

void warn_short_secret(seckit::cli::Tool& tool, const OtpAccount& account) {
  if (account.secret.size() < 16) {
    tool.warn("secret", fmt::format("only {} bytes; RFC 4226 requires at least 16 (20 recommended)",
                                    account.secret.size()));
  }
}

void apply_flags(OtpAccount& account, const Options& options) {
  if (options.totp) account.type = OtpType::kTotp;
  if (options.hotp) account.type = OtpType::kHotp;
  if (!options.algorithm.empty()) account.algorithm = *parse_otp_algorithm(options.algorithm);
  if (options.digits) account.digits = *options.digits;
  if (options.period) account.period = *options.period;
  if (options.counter) account.counter = *options.counter;
}

// The module's checks on a GA path (defined with verify below): a directory, a symlink (judged
// by its target) and permission bits outside allowed_perm. Returns the path to read.
std::string check_ga_target(seckit::cli::Tool& tool, const std::string& path,
                            const PamOptions& pam);

GaParseResult parse_ga_or_throw(seckit::cli::Tool& tool, const std::string& path,
                                const std::string& content) {
  auto parsed = parse_ga_file(content);
  if (!parsed) {
    throw seckit::input_error(
        path, fmt::format("{} (byte {})", parsed.error().message, parsed.error().offset));
  }
  for (const auto& warning : parsed->warnings) tool.warn(path, warning);
  return std::move(*parsed);
}

OtpAccount account_from_ga(const GaFile& file) {
  OtpAccount account;
  account.secret = file.secret;
  account.type = file.is_hotp() ? OtpType::kHotp : OtpType::kTotp;
  account.period = file.step();
  account.counter = file.hotp_counter.value_or(0);
  return account;
}

Json time_json(std::int64_t unix_time) {
  if (unix_time < 0) return unix_time;
  return seckit::out::rfc3339(unix_time);
}

// Commands whose job is to produce something (a secret, codes, URIs) pass once they produced it.
int finish_pass(seckit::cli::Tool& tool, Json counts = Json::object()) {
  return tool.emitter().conclude(seckit::out::Conclusion{}, std::move(counts));
}

}  // namespace

std::optional<OtpAccount> plain_secret_account(const std::string& file_text) {
  const std::string text = trim(file_text);
  if (text.rfind("otpauth://", 0) == 0 || text.find('=') != std::string::npos) return std::nullopt;
  auto secret = seckit::enc::base32_decode(text);
  if (!secret || secret->size() < 16) return std::nullopt;
  OtpAccount account;
  account.secret = std::move(*secret);
  return account;
}

std::string read_stdin_line(const std::string& what) {
  std::string line;
  if (!std::getline(std::cin, line) && line.empty()) {
    throw seckit::input_error(what, "nothing on standard input");
  }
  return trim(line);
}

std::int64_t resolve_now(const Options& options) {
  if (options.now.empty()) return static_cast<std::int64_t>(std::time(nullptr));
  auto t = parse_time(options.now);
  // 0 .. 9999-12-31T23:59:59Z: enough for any real clock, and step arithmetic cannot overflow.
  if (t && (*t < 0 || *t > 253402300799)) t.reset();
  if (!t) {
    throw seckit::usage_error(fmt::format(
        "--now: '{}' is not UNIX seconds or RFC 3339 in years 1970..9999", options.now));
  }
  return *t;
}

OtpAccount resolve_account(seckit::cli::Tool& tool, const Options& options, bool required) {
  int sources = !options.secret.empty() + !options.secret_file.empty() + !options.uri.empty() +
                !options.ga_file.empty();
  if (sources > 1) {
    throw seckit::usage_error("give one of --secret, --secret-file, --uri, --ga-file");
  }
  OtpAccount account;
  if (sources == 0) {
    if (required) {
      throw seckit::usage_error("no secret given",
                                "use --secret-file F, --secret - (stdin), --uri or --ga-file");
    }
    apply_flags(account, options);
    return account;
  }
  if (!options.secret.empty()) {
    std::string text = options.secret;
    if (text == "-") {
      text = read_stdin_line("--secret -");
    } else {
      tool.warn("--secret",
                "a secret on the command line is visible in ps; use --secret - or --secret-file");
    }
    if (text.rfind("otpauth://", 0) == 0) {
      auto parsed = parse_otpauth_uri(text);
      if (!parsed) throw seckit::input_error("--secret", parsed.error().message);
      account = std::move(*parsed);
    } else {
      account.secret = decode_secret(tool, text, "--secret");
    }
  } else if (!options.secret_file.empty()) {
    std::string text = trim(seckit::fs::read_secret_file(options.secret_file));
    if (text.rfind("otpauth://", 0) == 0) {
      auto parsed = parse_otpauth_uri(text);
      if (!parsed) throw seckit::input_error(options.secret_file, parsed.error().message);
      account = std::move(*parsed);
    } else {
      account.secret = decode_secret(tool, text, options.secret_file);
    }
  } else if (!options.uri.empty()) {
    std::string text = options.uri;
    if (text == "-") {
      text = read_stdin_line("--uri -");
    } else {
      tool.warn("--uri",
                "the URI holds the secret and the command line is visible in ps; use --uri -");
    }
    auto parsed = parse_otpauth_uri(text);
    if (!parsed) throw seckit::input_error("--uri", parsed.error().message);
    account = std::move(*parsed);
    if (account.padded_secret) {
      tool.warn("--uri",
                "the secret has '=' padding; pam_google_authenticator rejects padded secrets");
    }
  } else {
    const std::string path = check_ga_target(tool, options.ga_file, PamOptions{});
    auto parsed = parse_ga_or_throw(tool, options.ga_file,
                                    seckit::fs::read_file(path, std::size_t{64} * 1024));
    account = account_from_ga(parsed.file);
  }
  apply_flags(account, options);
  warn_short_secret(tool, account);
  return account;
}

void emit_qr_text(seckit::cli::Tool& tool, const std::string& mode, const std::string& uri) {
  if (mode == "none" || tool.common().json) return;
  auto qr = encode_qr(uri);
  tool.out() << (mode == "ansi" ? render_qr_ansi(qr) : render_qr_utf8(qr));
  tool.out().flush();
}

void write_qr_files(const std::string& uri, const std::string& png, const std::string& svg,
                    bool overwrite) {
  if (png.empty() && svg.empty()) return;
  auto qr = encode_qr(uri);
  seckit::fs::WriteOptions write;
  write.mode = 0600;  // the picture holds the secret
  write.overwrite = overwrite;
  if (!png.empty()) {
    auto bytes = render_qr_png(qr);
    seckit::fs::atomic_write(
        png, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), write);
  }
  if (!svg.empty()) seckit::fs::atomic_write(svg, render_qr_svg(qr), write);
}

int run_secret(seckit::cli::Tool& tool, const Options& options) {
  Digest digest =
      options.algorithm.empty() ? Digest::kSha1 : *parse_otp_algorithm(options.algorithm);
  std::size_t n = options.bytes ? options.bytes : default_secret_bytes(digest);
  if (n < 10) tool.warn("--bytes", "fewer than 10 bytes: RFC 4226 requires at least 16");
  auto secret = seckit::random::system_random_bytes(n);
  std::string text = seckit::enc::base32_encode(secret, false);
  auto& emitter = tool.emitter();
  emitter.begin({{"command", "secret"}});
  if (emitter.json()) {
    emitter.record("otp_secret", {{"secret", text}, {"bytes", n}});
  } else {
    emitter.line(text);
  }
  return finish_pass(tool);
}

int run_code(seckit::cli::Tool& tool, const Options& options) {
  OtpAccount account = resolve_account(tool, options, true);
  if (options.steam) {
    account.type = OtpType::kTotp;
    account.algorithm = Digest::kSha1;
    if (!options.period) account.period = 30;
  }
  const std::int64_t now = resolve_now(options);
  auto& emitter = tool.emitter();
  emitter.begin({{"command", "code"}, {"type", otp_type_name(account.type)}});
  for (int i = 0; i < options.count; ++i) {
    Json record;
    std::string code;
    if (account.type == OtpType::kTotp) {
      std::uint64_t step = time_step(now, account.period) + static_cast<std::uint64_t>(i);
      code = options.steam ? steam_code(account.secret, step)
                           : hotp(account.algorithm, account.secret, step, account.digits);
      record = {{"code", code},
                {"type", options.steam ? "steam" : "totp"},
                {"step", step},
                {"valid_from", time_json(static_cast<std::int64_t>(step * account.period))},
                {"valid_until", time_json(static_cast<std::int64_t>((step + 1) * account.period))}};
    } else {
      std::uint64_t counter = account.counter + static_cast<std::uint64_t>(i);
      code = options.steam ? steam_code(account.secret, counter)
                           : hotp(account.algorithm, account.secret, counter, account.digits);
      record = {{"code", code}, {"type", "hotp"}, {"counter", counter}};
    }
    if (emitter.json()) {
      emitter.record("otp_code", record);
    } else {
      emitter.line(code);
    }
  }
  return finish_pass(tool, {{"codes", options.count}});
}

namespace {

// A verification passes on a valid code and fails otherwise; the reason carries the verify
// verdict's name (wrong-code, reused, rate-limited, ...) and `result` repeats it for scripts.
int conclude_verification(seckit::cli::Tool& tool, bool valid, std::string_view result,
                          const std::string& explanation) {
  seckit::out::Conclusion conclusion;
  if (!valid) conclusion.fail(std::string(result), explanation);
  return tool.emitter().conclude(conclusion, {{"valid", valid ? 1 : 0}}, {{"result", result}});
}

// A code that cannot be a code of this account is bad input (exit 2), not a wrong code: a
// script that passes a user name or an empty string should learn it at once.
void check_code_format(const std::string& code, int digits, bool steam) {
  static constexpr std::string_view kSteamAlphabet = "23456789BCDFGHJKMNPQRTVWXY";
  const std::size_t want = steam ? 5 : static_cast<std::size_t>(digits);
  bool ok = code.size() == want;
  for (char c : code) {
    ok = ok && (steam ? kSteamAlphabet.find(c) != std::string_view::npos : c >= '0' && c <= '9');
  }
  if (!ok) {
    throw seckit::input_error(
        "code", fmt::format("malformed-code: {} characters where {} {} are expected", code.size(),
                            want, steam ? "Steam Guard letters/digits" : "digits"));
  }
}

void emit_ga_outcome(seckit::cli::Tool& tool, const Options& options, const GaBuffer& buffer,
                     const LoginOutcome& outcome, bool written) {
  const bool valid = outcome.result == LoginResult::kValid;
  auto& emitter = tool.emitter();
  emitter.begin(
      {{"command", "verify"}, {"ga_file", options.ga_file}, {"dry_run", options.dry_run}});
  Json record;
  record["valid"] = valid;
  record["verdict"] = login_result_name(outcome.result);
  if (!outcome.method.empty()) record["method"] = outcome.method;
  if (outcome.offset) record["offset"] = *outcome.offset;
  if (outcome.matched_step) record["matched_step"] = *outcome.matched_step;
  if (outcome.skew_steps) record["skew_steps"] = *outcome.skew_steps;
  record["explanation"] = outcome.explanation;
  record["ga_file"] = options.ga_file;
  std::int64_t counter = 0;
  if (auto value = buffer.value("HOTP_COUNTER")) counter = std::atoll(value->c_str());
  record["mode"] = counter >= 1 ? "hotp" : buffer.has_totp_auth() ? "totp" : "scratch-only";
  record["dry_run"] = options.dry_run;
  record["file_updated"] = written;
  if (counter >= 1) record["next_counter"] = counter;
  if (emitter.json()) {
    emitter.record("otp_verification", record);
    return;
  }
  std::string head = valid ? tool.style().green("valid") : tool.style().red("invalid");
  emitter.line(valid ? fmt::format("{}: {}", head, outcome.explanation)
                     : fmt::format("{} ({}): {}", head, login_result_name(outcome.result),
                                   outcome.explanation));
  if (options.dry_run) {
    emitter.line(outcome.updated
                     ? "dry run: the module would have updated the file; it was left unchanged"
                     : "dry run: nothing to update");
  }
}

// What the PAM line says, from --pam-option words; notes for options that change nothing.
PamOptions pam_options(seckit::cli::Tool& tool, const Options& options) {
  PamOptions pam;
  for (const auto& word : options.pam_options) apply_pam_option(pam, word);
  for (const auto& note : pam.notes) tool.warn("--pam-option", note);
  return pam;
}

// The user whose file the module demands under its default strict owner check: user=NAME, or
// the user logging in, whose home holds ~/.google_authenticator (the directory's owner).
void warn_owner(seckit::cli::Tool& tool, const std::string& path, const struct stat& target,
                const PamOptions& pam) {
  if (pam.no_strict_owner) return;
  uid_t expected = 0;
  std::string who;
  if (!pam.user.empty()) {
    const passwd* pw = ::getpwnam(pam.user.c_str());
    if (!pw) return;
    expected = pw->pw_uid;
    who = pam.user + " (user=)";
  } else {
    const auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    struct stat home {};
    if (::stat(dir.c_str(), &home) != 0) return;
    expected = home.st_uid;
    const passwd* pw = ::getpwuid(expected);
    who = (pw ? std::string(pw->pw_name) : std::to_string(expected)) + ", the owner of " + dir;
  }
  if (target.st_uid == expected) return;
  const passwd* owner = ::getpwuid(target.st_uid);
  tool.warn(path,
            fmt::format("owned by {}, but the module checks that the file belongs to the user "
                        "logging in ({}): it refuses every login (chown it, or no_strict_owner)",
                        owner ? owner->pw_name : std::to_string(target.st_uid), who));
}

// The checks the module makes on the path before reading: it follows a symlink and judges the
// target ([symlink] scenario), refuses what is not a regular file and any permission bit
// outside allowed_perm (default 0600; the set-uid bit is not looked at: [modes] scenario).
// Returns the path to read (the target of a link).
std::string check_ga_target(seckit::cli::Tool& tool, const std::string& path,
                            const PamOptions& pam) {
  struct stat link {};
  if (::lstat(path.c_str(), &link) != 0) {
    throw seckit::input_error(path, std::string("cannot open: ") + std::strerror(errno));
  }
  std::string target_path = path;
  if (S_ISLNK(link.st_mode)) {
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) == nullptr) {
      throw seckit::input_error(
          path, std::string("a symlink whose target cannot be opened: ") + std::strerror(errno));
    }
    target_path = resolved;
    tool.warn(path, fmt::format("a symlink to {}: the module reads the target, judges the "
                                "target's mode, and replaces the link with a regular file (0400) "
                                "on its first update; otpgen does the same",
                                target_path));
  }
  struct stat target {};
  if (::stat(target_path.c_str(), &target) != 0) {
    throw seckit::input_error(path, std::string("cannot open: ") + std::strerror(errno));
  }
  if (S_ISDIR(target.st_mode)) {
    throw seckit::input_error(path, "is a directory, not a GA file",
                              "give the file itself, e.g. " + path + "/.google_authenticator");
  }
  if (!S_ISREG(target.st_mode)) throw seckit::input_error(path, "not a regular file");
  const unsigned mode = target.st_mode & 03777;
  if ((mode & ~pam.allowed_perm) != 0) {
    throw seckit::input_error(
        path,
        fmt::format("mode {:04o}{}: pam_google_authenticator refuses a secret file with "
                    "permission bits outside {:04o} (allowed_perm)",
                    mode, target_path == path ? "" : " (of the link's target)", pam.allowed_perm),
        fmt::format("chmod 400 {}", target_path));
  }
  warn_owner(tool, path, target, pam);
  return target_path;
}

void write_back(const Options& options, seckit::fs::LockedFile& locked,
                const std::string& read_path, const GaBuffer& buffer) {
  if (read_path == options.ga_file) {
    locked.replace(buffer.text(), mode_t{0400});  // the module writes its file back as 0400
    return;
  }
  seckit::fs::WriteOptions write;  // the module replaces the link itself
  write.mode = 0400;
  write.overwrite = true;
  if (::geteuid() == 0) {
    write.owner = locked.info().uid;
    write.group = locked.info().gid;
  }
  seckit::fs::atomic_write(options.ga_file, buffer.text(), write);
}

int verify_ga_file(seckit::cli::Tool& tool, const Options& options, const std::string& code) {
  const std::int64_t now = resolve_now(options);
  const PamOptions pam = pam_options(tool, options);
  const std::string read_path = check_ga_target(tool, options.ga_file, pam);
  // The lock serialises concurrent verifications (two sshd sessions, 50 scripts): each one sees
  // the state the previous one wrote, so a code used once is refused to all the others.
  seckit::fs::LockedFile locked(read_path, std::size_t{64} * 1024);
  if (locked.content().find('\0') != std::string::npos) {
    throw seckit::input_error(options.ga_file,
                              "contains a NUL byte: the module refuses the whole file (observed)");
  }
  GaBuffer buffer(locked.content());
  auto secret = module_secret(buffer);
  if (!secret) {
    const bool padded = buffer.secret_line().find('=') != std::string_view::npos;
    throw seckit::input_error(
        options.ga_file,
        std::string("line 1: the module cannot decode the secret") +
            (padded ? " (it has '=' padding)" : " (base32; blanks, hyphens and 0/1/8 allowed)") +
            ": it refuses every login",
        padded ? "remove the '=' characters" : "");
  }
  LoginOutcome outcome = module_login(buffer, *secret, code, now, pam);
  const bool written = outcome.updated && !options.dry_run;
  if (written) write_back(options, locked, read_path, buffer);
  if (outcome.result == LoginResult::kBadFile) {
    throw seckit::input_error(options.ga_file,
                              outcome.explanation +
                                  ": the module refuses every code with this file (the attempt "
                                  "still counts in RATE_LIMIT, as on the module)");
  }
  emit_ga_outcome(tool, options, buffer, outcome, written);
  return conclude_verification(tool, outcome.result == LoginResult::kValid,
                               login_result_name(outcome.result), outcome.explanation);
}

}  // namespace

int run_verify(seckit::cli::Tool& tool, const Options& options) {
  if (!options.ga_file.empty()) {
    if (!options.secret.empty() || !options.secret_file.empty() || !options.uri.empty()) {
      throw seckit::usage_error("--ga-file cannot be combined with another secret source");
    }
    // As typed: the module refuses "123 456" and " 123456", so otpgen does not tidy them.
    return verify_ga_file(tool, options,
                          options.code == "-" ? read_stdin_line("code") : options.code);
  }
  std::string code = options.code == "-" ? read_stdin_line("code") : trim(options.code);
  // People paste "123 456" as the app shows it.
  std::string compact;
  for (char c : code) {
    if (c != ' ') compact += c;
  }
  code = compact;
  OtpAccount account = resolve_account(tool, options, true);
  auto& emitter = tool.emitter();
  emitter.begin({{"command", "verify"}, {"type", otp_type_name(account.type)}});
  check_code_format(code, account.digits, options.steam);
  const std::int64_t now = resolve_now(options);
  const std::uint32_t window = options.window.value_or(1);
  const OtpKey key(account.algorithm, account.secret);
  auto generate = [&](std::uint64_t moving) {
    return options.steam ? steam_code(account.secret, moving) : key.code(moving, account.digits);
  };
  Json record = Json::object();
  bool valid = false;
  std::string explanation;
  if (account.type == OtpType::kTotp) {
    const auto step = static_cast<std::int64_t>(time_step(now, account.period));
    for (std::int64_t offset = 0; offset <= window && !valid; ++offset) {
      for (std::int64_t candidate : {step - offset, step + offset}) {
        if (candidate < 0 || generate(static_cast<std::uint64_t>(candidate)) != code) continue;
        valid = true;
        record["offset"] = candidate - step;
        record["matched_step"] = candidate;
        explanation = candidate == step
                          ? "TOTP code accepted"
                          : fmt::format("TOTP code accepted ({:+} steps)", candidate - step);
        break;
      }
    }
    if (!valid) {
      // Explain a failure: is it the right code for a clock that is off?
      const std::int64_t radius = kSkewSearchSeconds / account.period;
      for (std::int64_t d = window + 1; d <= radius && !record.contains("skew_steps"); ++d) {
        for (std::int64_t candidate : {step - d, step + d}) {
          if (candidate >= 0 && generate(static_cast<std::uint64_t>(candidate)) == code) {
            record["skew_steps"] = candidate - step;
            break;
          }
        }
      }
      explanation = record.contains("skew_steps")
                        ? fmt::format("clock skew of {} steps detected (window is {})",
                                      record["skew_steps"].get<std::int64_t>(), window)
                        : "wrong code";
    }
  } else {
    for (std::uint64_t i = 0; i <= window; ++i) {
      if (generate(account.counter + i) == code) {
        valid = true;
        record["offset"] = i;
        record["matched_counter"] = account.counter + i;
        record["next_counter"] = account.counter + i + 1;
        explanation = fmt::format("HOTP code for counter {} accepted; next counter {}",
                                  account.counter + i, account.counter + i + 1);
        break;
      }
    }
    if (!valid)
      explanation =
          fmt::format("wrong code for counters {}..{}", account.counter, account.counter + window);
  }
  Json out = {{"valid", valid}, {"verdict", valid ? "valid" : "wrong-code"}};
  out.update(record);
  out["explanation"] = explanation;
  if (emitter.json()) {
    emitter.record("otp_verification", out);
  } else {
    emitter.line(valid ? fmt::format("{}: {}", tool.style().green("valid"), explanation)
                       : fmt::format("{}: {}", tool.style().red("invalid"), explanation));
  }
  return conclude_verification(tool, valid, valid ? "valid" : "wrong-code", explanation);
}

int run_qr(seckit::cli::Tool& tool, const Options& options) {
  if (options.ga_file.empty()) throw seckit::usage_error("otpgen qr needs --ga-file F");
  if (options.account.empty()) {
    // A GA file does not say whose it is; $USER@host would label the phone entry "root@vm".
    throw seckit::usage_error(
        "otpgen qr needs --account NAME: a GA file does not record whose it is",
        "e.g. --account alice@example.com");
  }
  OtpAccount account = resolve_account(tool, options, true);
  account.account = options.account;
  account.issuer = options.issuer.empty() ? default_host() : options.issuer;
  std::string uri = build_otpauth_uri(account);
  auto& emitter = tool.emitter();
  emitter.begin({{"command", "qr"}, {"ga_file", options.ga_file}});
  write_qr_files(uri, options.qr_png, options.qr_svg, options.force);
  if (emitter.json()) {
    Json record = account_json(account, options.show_secrets);
    if (!options.qr_png.empty()) record["qr_png"] = options.qr_png;
    if (!options.qr_svg.empty()) record["qr_svg"] = options.qr_svg;
    emitter.record("otp_account", record);
  } else {
    emitter.line(options.show_secrets ? uri : redacted_otpauth_uri(account));
    emit_qr_text(tool, options.qr, uri);
  }
  return finish_pass(tool);
}

namespace {

std::vector<std::string> inputs_or_stdin(const Options& options, const std::string& what) {
  std::vector<std::string> inputs;
  for (const auto& input : options.inputs) {
    if (input == "-") {
      std::string line;
      while (std::getline(std::cin, line)) {
        line = trim(line);
        if (!line.empty()) inputs.push_back(line);
      }
    } else {
      inputs.push_back(input);
    }
  }
  if (inputs.empty()) throw seckit::usage_error(fmt::format("no {} given (use - for stdin)", what));
  return inputs;
}

void emit_account(seckit::cli::Tool& tool, const OtpAccount& account, bool show_secrets) {
  auto& emitter = tool.emitter();
  if (emitter.json()) {
    emitter.record("otp_account", account_json(account, show_secrets));
  } else {
    emitter.line(show_secrets ? build_otpauth_uri(account) : redacted_otpauth_uri(account));
  }
}

}  // namespace

int run_uri_parse(seckit::cli::Tool& tool, const Options& options) {
  bool from_argv = false;
  for (const auto& input : options.inputs) from_argv |= input != "-";
  if (from_argv)
    tool.warn("uri parse", "the URI holds the secret and the command line is visible in ps; use -");
  auto inputs = inputs_or_stdin(options, "otpauth:// URI");
  auto& emitter = tool.emitter();
  emitter.begin({{"command", "uri parse"}});
  std::size_t errors = 0;
  for (const auto& text : inputs) {
    auto parsed = parse_otpauth_uri(text);
    if (!parsed) {
      if (inputs.size() == 1) throw seckit::input_error("uri", parsed.error().message);
      ++errors;
      emitter.record("error", {{"message", parsed.error().message}});
      tool.error("uri", parsed.error().message);
      continue;
    }
    if (parsed->padded_secret)
      tool.warn("uri", "the secret has '=' padding; pam_google_authenticator rejects it");
    if (emitter.json()) {
      emitter.record("otp_account", account_json(*parsed, options.show_secrets));
    } else {
      seckit::out::KeyValue kv;
      kv.add("type", std::string(otp_type_name(parsed->type)))
          .add("issuer", parsed->issuer)
          .add("account", parsed->account)
          .add("algorithm", algorithm_upper(parsed->algorithm))
          .add("digits", std::to_string(parsed->digits));
      if (parsed->type == OtpType::kTotp) {
        kv.add("period", std::to_string(parsed->period));
      } else {
        kv.add("counter", std::to_string(parsed->counter));
      }
      kv.add("secret", options.show_secrets
                           ? secret_base32(*parsed)
                           : fmt::format("REDACTED ({} bytes)", parsed->secret.size()));
      tool.out() << kv.render();
    }
  }
  if (errors) {
    // Some URIs were not URIs: bad input, like a single bad one (exit 2), after the good ones.
    emitter.close_after_error(
        2, "uri parse", fmt::format("{} of {} URIs could not be parsed", errors, inputs.size()));
    return 2;
  }
  return finish_pass(tool, {{"accounts", inputs.size()}, {"errors", 0}});
}

int run_uri_build(seckit::cli::Tool& tool, const Options& options) {
  OtpAccount account = resolve_account(tool, options, true);
  if (!options.account.empty()) account.account = options.account;
  if (!options.issuer.empty()) account.issuer = options.issuer;
  if (account.account.empty()) throw seckit::usage_error("uri build needs --account");
  auto& emitter = tool.emitter();
  emitter.begin({{"command", "uri build"}});
  // Producing the URI is this command's job, so the secret is in it.
  if (emitter.json()) {
    emitter.record("otp_account", account_json(account, true));
  } else {
    emitter.line(build_otpauth_uri(account));
  }
  return finish_pass(tool);
}

int run_import(seckit::cli::Tool& tool, const Options& options) {
  bool from_argv = false;
  for (const auto& input : options.inputs) from_argv |= input != "-";
  if (from_argv)
    tool.warn("import",
              "the migration URI holds secrets and the command line is visible in ps; use -");
  auto inputs = inputs_or_stdin(options, "otpauth-migration:// URI");
  auto& emitter = tool.emitter();
  emitter.begin({{"command", "import"}, {"show_secrets", options.show_secrets}});
  std::size_t accounts = 0, skipped = 0;
  for (const auto& text : inputs) {
    auto payload = parse_migration_uri(text);
    if (!payload) {
      throw seckit::input_error(
          "import", fmt::format("{} (byte {})", payload.error().message, payload.error().offset));
    }
    for (const auto& account : payload->accounts) {
      emit_account(tool, account, options.show_secrets);
      ++accounts;
    }
    for (const auto& reason : payload->skipped) {
      ++skipped;
      tool.warn("import", "skipped " + reason);
      emitter.record("anomaly", {{"message", "skipped " + reason}});
    }
    if (payload->batch_size > 1) {
      tool.warn("import", fmt::format("this is part {} of {} of an export; import the others too",
                                      payload->batch_index + 1, payload->batch_size));
    }
  }
  if (!options.show_secrets && !emitter.json() && accounts > 0) {
    tool.warn("import", "secrets are shown as REDACTED; add --show-secrets to get usable URIs");
  }
  seckit::out::Conclusion conclusion;
  if (accounts == 0) {
    conclusion.inconclusive(
        "no-accounts",
        fmt::format("0 accounts imported: the export holds {} (skipped: {}); export the accounts "
                    "again from the app (Transfer accounts)",
                    skipped == 0 ? "no account" : "only accounts otpgen cannot use", skipped));
  }
  return emitter.conclude(conclusion, {{"accounts", accounts}, {"skipped", skipped}});
}

int run_export_migration(seckit::cli::Tool& tool, const Options& options) {
  bool from_argv = false;
  for (const auto& input : options.inputs) from_argv |= input != "-";
  if (from_argv)
    tool.warn("export-migration", "URIs hold secrets and the command line is visible in ps; use -");
  auto inputs = inputs_or_stdin(options, "otpauth:// URI");
  MigrationPayload payload;
  payload.version = 1;
  payload.batch_size = 1;
  payload.batch_index = 0;
  for (const auto& text : inputs) {
    auto parsed = parse_otpauth_uri(text);
    if (!parsed) throw seckit::input_error("export-migration", parsed.error().message);
    if (parsed->digits != 6 && parsed->digits != 8) {
      throw seckit::input_error(
          "export-migration",
          fmt::format("{}: the migration format only carries 6 or 8 digits", parsed->account));
    }
    payload.accounts.push_back(std::move(*parsed));
  }
  auto id = seckit::random::system_random_bytes(4);
  payload.batch_id =
      static_cast<std::int32_t>((id[0] << 24 | id[1] << 16 | id[2] << 8 | id[3]) & 0x7fffffff);
  std::string uri = build_migration_uri(payload);
  auto& emitter = tool.emitter();
  emitter.begin({{"command", "export-migration"}});
  write_qr_files(uri, options.qr_png, options.qr_svg, options.force);
  if (emitter.json()) {
    emitter.record("otp_migration", {{"uri", uri}, {"accounts", payload.accounts.size()}});
  } else {
    emitter.line(uri);
    emit_qr_text(tool, options.qr, uri);
  }
  return finish_pass(tool, {{"accounts", payload.accounts.size()}});
}

}  // namespace otpgen
