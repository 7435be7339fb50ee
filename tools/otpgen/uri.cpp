#include "uri.hpp"

#include <fmt/format.h>

#include <charconv>

#include "seckit/enc.hpp"

namespace otpgen {
namespace {

template <class T>
bool parse_unsigned(std::string_view text, T& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

std::string build(const OtpAccount& account, std::string_view secret_text) {
  // The label must read back as the same account (see parse_otpauth_uri): "issuer:account"
  // normally; the bare account when it starts with a space (a reader trims spaces after the
  // colon; issuer= still names the issuer); ":account" when there is no issuer but the account
  // holds a colon (otherwise the colon would read as the issuer separator).
  std::string account_text = percent_encode(account.account);
  std::string label;
  if (!account.issuer.empty() && account.account.rfind(' ', 0) != 0) {
    label = percent_encode(account.issuer) + ":" + account_text;
  } else if (account.issuer.empty() && account.account.find(':') != std::string::npos) {
    label = ":" + account_text;
  } else {
    label = account_text;
  }
  std::string uri =
      fmt::format("otpauth://{}/{}?secret={}", otp_type_name(account.type), label, secret_text);
  if (!account.issuer.empty()) uri += "&issuer=" + percent_encode(account.issuer);
  uri += fmt::format("&algorithm={}&digits={}", algorithm_upper(account.algorithm), account.digits);
  if (account.type == OtpType::kTotp) {
    uri += fmt::format("&period={}", account.period);
  } else {
    uri += fmt::format("&counter={}", account.counter);
  }
  return uri;
}

}  // namespace

std::string secret_base32(const OtpAccount& account) {
  return seckit::enc::base32_encode(account.secret, false);
}

std::string build_otpauth_uri(const OtpAccount& account) {
  return build(account, secret_base32(account));
}

std::string redacted_otpauth_uri(const OtpAccount& account) { return build(account, "REDACTED"); }

seckit::Result<OtpAccount> parse_otpauth_uri(std::string_view uri) {
  constexpr std::string_view kScheme = "otpauth://";
  if (uri.size() < kScheme.size()) return seckit::parse_error("not an otpauth:// URI");
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    char c = uri[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kScheme[i]) return seckit::parse_error("not an otpauth:// URI");
  }
  std::string_view rest = uri.substr(kScheme.size());
  OtpAccount account;
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return seckit::parse_error("missing /label", kScheme.size());
  std::string type(rest.substr(0, slash));
  for (char& c : type) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (type == "totp") {
    account.type = OtpType::kTotp;
  } else if (type == "hotp") {
    account.type = OtpType::kHotp;
  } else {
    return seckit::parse_error(fmt::format("unknown OTP type '{}' (totp or hotp)", type),
                               kScheme.size());
  }
  rest.remove_prefix(slash + 1);
  auto question = rest.find('?');
  std::string_view label_text = rest.substr(0, question);
  std::string_view query =
      question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1);
  // The Key URI format separates "issuer:account" by a literal or a percent-encoded colon. A
  // literal colon wins: an issuer that itself contains ':' is written as "%3A" (that is what
  // build_otpauth_uri does), so splitting before decoding keeps such an issuer whole.
  std::string label_issuer;
  bool split = true;
  auto raw_colon = label_text.find(':');
  if (raw_colon != std::string_view::npos) {
    auto issuer_part = percent_decode(label_text.substr(0, raw_colon));
    auto account_part = percent_decode(label_text.substr(raw_colon + 1));
    if (!issuer_part) return seckit::parse_error("label: " + issuer_part.error().message);
    if (!account_part) return seckit::parse_error("label: " + account_part.error().message);
    label_issuer = std::move(*issuer_part);
    account.account = std::move(*account_part);
  } else {
    auto label = percent_decode(label_text);
    if (!label) return seckit::parse_error("label: " + label.error().message);
    auto colon = label->find(':');
    if (colon != std::string::npos) {
      label_issuer = label->substr(0, colon);
      account.account = label->substr(colon + 1);
    } else {
      account.account = *label;
      split = false;
    }
  }
  // "Issuer: account" with a space after the colon is allowed by the Key URI format.
  while (split && !account.account.empty() && account.account.front() == ' ') {
    account.account.erase(0, 1);
  }

  bool have_secret = false, have_counter = false;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key(pair.substr(0, eq));
    auto value = percent_decode(
        eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!value) return seckit::parse_error(key + ": " + value.error().message);
    for (char& c : key) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (key == "secret") {
      account.padded_secret = value->find('=') != std::string::npos;
      auto secret = seckit::enc::base32_decode(*value);
      if (!secret) return seckit::parse_error("secret: " + secret.error().message);
      if (secret->empty()) return seckit::parse_error("secret is empty");
      account.secret = std::move(*secret);
      have_secret = true;
    } else if (key == "issuer") {
      account.issuer = *value;
    } else if (key == "algorithm") {
      auto digest = parse_otp_algorithm(*value);
      if (!digest) return seckit::parse_error(fmt::format("unsupported algorithm '{}'", *value));
      account.algorithm = *digest;
    } else if (key == "digits") {
      if (!parse_unsigned(*value, account.digits) || account.digits < kMinDigits ||
          account.digits > kMaxDigits) {
        return seckit::parse_error(fmt::format("digits must be 6..10, got '{}'", *value));
      }
    } else if (key == "period") {
      if (!parse_unsigned(*value, account.period) || account.period == 0) {
        return seckit::parse_error(
            fmt::format("period must be a positive number, got '{}'", *value));
      }
    } else if (key == "counter") {
      if (!parse_unsigned(*value, account.counter)) {
        return seckit::parse_error(fmt::format("counter must be a number, got '{}'", *value));
      }
      have_counter = true;
    }
    // Other parameters (image=, color=...) are app decorations: ignored.
  }
  if (!have_secret) return seckit::parse_error("missing secret= parameter");
  if (account.type == OtpType::kHotp && !have_counter) account.counter = 0;
  if (account.issuer.empty()) account.issuer = label_issuer;
  return account;
}

seckit::out::Json account_json(const OtpAccount& account, bool show_secret) {
  seckit::out::Json j;
  j["type"] = otp_type_name(account.type);
  j["account"] = account.account;
  j["issuer"] = account.issuer;
  j["algorithm"] = algorithm_upper(account.algorithm);
  j["digits"] = account.digits;
  if (account.type == OtpType::kTotp) {
    j["period"] = account.period;
  } else {
    j["counter"] = account.counter;
  }
  j["secret_bytes"] = account.secret.size();
  if (show_secret) {
    j["secret"] = secret_base32(account);
    j["uri"] = build_otpauth_uri(account);
  } else {
    j["uri"] = redacted_otpauth_uri(account);
  }
  return j;
}

}  // namespace otpgen
