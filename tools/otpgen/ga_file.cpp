#include "ga_file.hpp"

#include <fmt/format.h>

#include <charconv>

#include "seckit/bytes.hpp"
#include "seckit/enc.hpp"

namespace otpgen {
namespace {

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

template <class T>
bool parse_number(std::string_view text, T& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

bool is_scratch_code(std::string_view line) {
  if (line.size() != 8) return false;
  for (char c : line) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A known option's line as the module writes it.
std::string render_option(const GaFile& file, const std::string& name,
                          const std::string& original) {
  if (name == "HOTP_COUNTER" && file.hotp_counter) {
    return fmt::format("\" HOTP_COUNTER {}", *file.hotp_counter);
  }
  if (name == "DISALLOW_REUSE" && file.disallow_reuse) {
    std::string line = "\" DISALLOW_REUSE";
    for (auto step : file.used_steps) line += fmt::format(" {}", step);
    return line;
  }
  if (name == "RATE_LIMIT" && file.rate_limit) {
    std::string line =
        fmt::format("\" RATE_LIMIT {} {}", file.rate_limit->attempts, file.rate_limit->seconds);
    for (auto ts : file.rate_limit->timestamps) line += fmt::format(" {}", ts);
    return line;
  }
  return original;  // options whose state we never change keep their exact bytes
}

}  // namespace

seckit::Result<std::vector<std::uint8_t>> decode_module_base32(std::string_view text) {
  std::vector<std::uint8_t> out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '-') continue;
    // The module reads the digits people type for look-alike letters.
    if (c == '0') c = 'O';
    if (c == '1') c = 'L';
    if (c == '8') c = 'B';
    std::uint32_t value = 0;
    if (c >= 'A' && c <= 'Z') {
      value = static_cast<std::uint32_t>(c - 'A');
    } else if (c >= 'a' && c <= 'z') {
      value = static_cast<std::uint32_t>(c - 'a');
    } else if (c >= '2' && c <= '7') {
      value = static_cast<std::uint32_t>(c - '2') + 26;
    } else {
      return seckit::parse_error("not a base32 character", i);
    }
    buffer = (buffer << 5 | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  return out;  // a trailing partial byte is dropped, as the module drops it
}

seckit::Result<GaParseResult> parse_ga_file(std::string_view content) {
  GaParseResult result;
  GaFile& file = result.file;
  seckit::bytes::Reader reader(seckit::bytes::as_bytes(content));
  // Read line by line through the bounds-checked reader; the module refuses NUL bytes.
  std::size_t line_number = 0;
  file.trailing_newline = !content.empty() && content.back() == '\n';
  while (!reader.empty()) {
    std::size_t start = reader.position();
    auto rest = reader.peek(reader.remaining());
    std::size_t length = 0;
    while (length < rest.size() && rest[length] != '\n') ++length;
    std::string_view line = reader.text(length);
    if (!reader.empty()) reader.skip(1);  // the newline
    ++line_number;
    if (line.find('\0') != std::string_view::npos) {
      return seckit::parse_error(fmt::format("line {} contains a NUL byte", line_number), start);
    }
    std::string_view trimmed = line;
    if (!trimmed.empty() && trimmed.back() == '\r') trimmed.remove_suffix(1);

    GaFile::Line entry;
    entry.text = std::string(line);
    if (line_number == 1) {
      entry.kind = GaFile::Line::Kind::kSecret;
      if (trimmed.find('=') != std::string_view::npos) {
        return seckit::parse_error(
            "line 1: the secret has '=' padding, which pam_google_authenticator rejects "
            "(remove the '=' characters)",
            start);
      }
      auto secret = decode_module_base32(trimmed);
      if (!secret) {
        return seckit::parse_error(
            fmt::format("line 1: the secret is not base32 (character 0x{:02x})",
                        static_cast<unsigned char>(secret.error().offset < trimmed.size()
                                                       ? trimmed[secret.error().offset]
                                                       : 0)),
            start);
      }
      if (secret->empty()) return seckit::parse_error("line 1: the secret is empty", start);
      file.secret_text = std::string(trimmed);
      file.secret = std::move(*secret);
      if (file.secret.size() < 10) {
        result.warnings.push_back(fmt::format(
            "the secret is only {} bytes (RFC 4226 asks for at least 16, 20 recommended)",
            file.secret.size()));
      }
    } else if (trimmed.size() >= 2 && trimmed[0] == '"' && trimmed[1] == ' ') {
      entry.kind = GaFile::Line::Kind::kOption;
      auto words = split_words(trimmed.substr(2));
      if (words.empty()) {
        entry.kind = GaFile::Line::Kind::kOther;
      } else {
        entry.name = std::string(words[0]);
        auto bad = [&](std::string_view why) {
          return seckit::parse_error(fmt::format("line {}: {} {}", line_number, entry.name, why),
                                     start);
        };
        auto one_number = [&](auto& out) -> bool {
          return words.size() == 2 && parse_number(words[1], out);
        };
        if (entry.name == "TOTP_AUTH") {
          file.totp_auth = true;
        } else if (entry.name == "HOTP_COUNTER") {
          std::uint64_t counter = 0;
          if (!one_number(counter)) return bad("needs one counter value");
          file.hotp_counter = counter;
        } else if (entry.name == "WINDOW_SIZE") {
          std::uint32_t w = 0;
          if (!one_number(w) || w < 1 || w > 100) return bad("needs a size 1..100");
          file.window_size = w;
        } else if (entry.name == "STEP_SIZE") {
          std::uint32_t s = 0;
          if (!one_number(s) || s < 1 || s > 60) return bad("needs a step of 1..60 seconds");
          file.step_size = s;
        } else if (entry.name == "TIME_SKEW") {
          std::int64_t skew = 0;
          // Bounded so step arithmetic cannot overflow; a real skew is at most hours.
          if (!one_number(skew) || skew < -1000000000 || skew > 1000000000) {
            return bad("needs one number of steps (|skew| <= 1e9)");
          }
          file.time_skew = skew;
        } else if (entry.name == "DISALLOW_REUSE") {
          file.disallow_reuse = true;
          for (std::size_t i = 1; i < words.size(); ++i) {
            std::int64_t step = 0;
            if (!parse_number(words[i], step)) return bad("has a non-numeric time step");
            file.used_steps.push_back(step);
          }
        } else if (entry.name == "RATE_LIMIT") {
          RateLimit limit;
          if (words.size() < 3 || !parse_number(words[1], limit.attempts) ||
              !parse_number(words[2], limit.seconds) || limit.attempts < 1 ||
              limit.attempts > 100 || limit.seconds < 1 || limit.seconds > 3600) {
            return bad("needs attempts 1..100 and seconds 1..3600");
          }
          for (std::size_t i = 3; i < words.size(); ++i) {
            std::int64_t ts = 0;
            if (!parse_number(words[i], ts)) return bad("has a non-numeric timestamp");
            limit.timestamps.push_back(ts);
          }
          file.rate_limit = std::move(limit);
        }
        // Any other option (RESETTING_TIME_SKEW, future ones) is kept verbatim.
      }
    } else if (is_scratch_code(trimmed)) {
      entry.kind = GaFile::Line::Kind::kScratch;
      file.scratch_codes.emplace_back(trimmed);
    }
    file.lines.push_back(std::move(entry));
  }
  if (file.lines.empty()) return seckit::parse_error("the file is empty");
  if (file.window_size && file.window_size > 21 && file.is_totp()) {
    // Not an error: the module accepts it; a wide window is a security trade-off worth noting.
  }
  return result;
}

std::string render_ga_file(const GaFile& file) {
  std::string out;
  std::vector<std::string> remaining_scratch = file.scratch_codes;
  bool first = true;
  for (const auto& line : file.lines) {
    std::string text;
    switch (line.kind) {
      case GaFile::Line::Kind::kOption:
        text = render_option(file, line.name, line.text);
        break;
      case GaFile::Line::Kind::kScratch: {
        std::string_view code = line.text;
        if (!code.empty() && code.back() == '\r') code.remove_suffix(1);
        auto it = std::find(remaining_scratch.begin(), remaining_scratch.end(), code);
        if (it == remaining_scratch.end()) continue;  // used up: the line goes away
        remaining_scratch.erase(it);
        text = line.text;
        break;
      }
      default:
        text = line.text;
    }
    if (!first) out += '\n';
    out += text;
    first = false;
  }
  if (file.trailing_newline) out += '\n';
  return out;
}

std::string new_ga_file(std::string_view secret_base32, const GaOptions& options) {
  std::string out = std::string(secret_base32) + "\n";
  if (options.rate_limit) {
    out +=
        fmt::format("\" RATE_LIMIT {} {}\n", options.rate_limit->first, options.rate_limit->second);
  }
  if (options.window_size) out += fmt::format("\" WINDOW_SIZE {}\n", *options.window_size);
  if (options.disallow_reuse && !options.hotp) out += "\" DISALLOW_REUSE\n";
  out += options.hotp ? "\" HOTP_COUNTER 1\n" : "\" TOTP_AUTH\n";
  if (options.step_size && *options.step_size != 30) {
    out += fmt::format("\" STEP_SIZE {}\n", *options.step_size);
  }
  for (const auto& code : options.scratch_codes) out += code + "\n";
  return out;
}

seckit::out::Json ga_file_json(const GaFile& file, bool show_secrets) {
  seckit::out::Json j;
  j["mode"] = file.is_hotp() ? "hotp" : file.is_totp() ? "totp" : "scratch-only";
  if (show_secrets) j["secret"] = file.secret_text;
  j["secret_bytes"] = file.secret.size();
  j["window_size"] = file.window();
  if (file.is_totp()) j["step_size"] = file.step();
  if (file.hotp_counter) j["hotp_counter"] = *file.hotp_counter;
  if (file.time_skew) j["time_skew"] = *file.time_skew;
  j["disallow_reuse"] = file.disallow_reuse;
  if (file.rate_limit) {
    j["rate_limit"] = {{"attempts", file.rate_limit->attempts},
                       {"seconds", file.rate_limit->seconds}};
  }
  j["scratch_codes"] = file.scratch_codes.size();
  return j;
}

}  // namespace otpgen
