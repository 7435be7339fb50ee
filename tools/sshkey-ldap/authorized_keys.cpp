// The authorized_keys line format of sshd(8): [options] keytype base64 [comment], options being
// comma-separated names with optional ="quoted values" (\" escapes a quote).
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "seckit/enc.hpp"
#include "sshkey.hpp"

namespace sshkey {
namespace {

using seckit::parse_error;

struct OptionSpec {
  std::string_view name;
  bool takes_value;
};
// sshd(8) AUTHORIZED_KEYS FILE FORMAT, OpenSSH 9.x.
constexpr std::array<OptionSpec, 22> kOptions = {{
    {"agent-forwarding", false},
    {"cert-authority", false},
    {"command", true},
    {"environment", true},
    {"expiry-time", true},
    {"from", true},
    {"no-agent-forwarding", false},
    {"no-port-forwarding", false},
    {"no-pty", false},
    {"no-user-rc", false},
    {"no-x11-forwarding", false},
    {"permitlisten", true},
    {"permitopen", true},
    {"port-forwarding", false},
    {"principals", true},
    {"pty", false},
    {"no-touch-required", false},
    {"verify-required", false},
    {"restrict", false},
    {"tunnel", true},
    {"user-rc", false},
    {"x11-forwarding", false},
}};

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 64)) out += (c > 0x20 && c < 0x7f) ? c : '?';
  return out;
}

// Splits the options field at unquoted commas and checks each against sshd's list.
std::optional<std::string> parse_options(std::string_view text, std::vector<KeyOption>& out) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && text[i] != ',' && text[i] != '=') ++i;
    KeyOption option;
    option.name = seckit::enc::ascii_lower(text.substr(start, i - start));
    if (option.name.empty()) return "empty option";
    if (i < text.size() && text[i] == '=') {
      ++i;
      if (i >= text.size() || text[i] != '"') {
        return fmt::format("option {} needs a double-quoted value", option.name);
      }
      ++i;
      std::string value;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '"') {
          value += '"';
          i += 2;
        } else if (text[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          value += text[i++];
        }
      }
      if (!closed) return fmt::format("unterminated quoted value of option {}", option.name);
      option.value = std::move(value);
    }
    auto spec = std::find_if(kOptions.begin(), kOptions.end(),
                             [&](const OptionSpec& s) { return s.name == option.name; });
    if (spec == kOptions.end()) return fmt::format("unknown option '{}'", printable(option.name));
    if (spec->takes_value != option.value.has_value()) {
      return fmt::format("option {} {}", option.name,
                         spec->takes_value ? "needs a value" : "takes no value");
    }
    out.push_back(std::move(option));
    if (i < text.size()) {
      if (text[i] != ',') return "options must be separated by commas";
      ++i;
      if (i == text.size()) return "trailing comma in options";
    }
  }
  return std::nullopt;
}

// The next whitespace-delimited field; double quotes protect spaces (inside option values).
std::string_view next_field(std::string_view& rest, bool quotes) {
  std::size_t i = 0;
  while (i < rest.size() && is_space(rest[i])) ++i;
  rest.remove_prefix(i);
  bool quoted = false;
  std::size_t end = 0;
  for (; end < rest.size(); ++end) {
    char c = rest[end];
    if (quotes && c == '\\' && quoted && end + 1 < rest.size()) {
      ++end;
      continue;
    }
    if (quotes && c == '"') quoted = !quoted;
    if (!quoted && is_space(c)) break;
  }
  std::string_view field = rest.substr(0, end);
  rest.remove_prefix(end);
  return field;
}

bool looks_like_base64(std::string_view s) {
  if (s.size() < 8) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
  });
}

}  // namespace

bool is_blank_or_comment(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && (is_space(line[i]) || line[i] == '\r')) ++i;
  return i == line.size() || line[i] == '#';
}

std::string AuthorizedKey::line() const {
  std::string out;
  if (!options_text.empty()) out = options_text + " ";
  out += type_text + " " + base64;
  if (!comment.empty()) out += " " + comment;
  return out;
}

bool AuthorizedKey::has_option(std::string_view name) const {
  return std::any_of(options.begin(), options.end(),
                     [&](const KeyOption& o) { return o.name == name; });
}

seckit::Result<AuthorizedKey> parse_authorized_key_line(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\n' || line[i] == '\0' || (line[i] == '\r' && i + 1 != line.size())) {
      return parse_error("line break or NUL inside the key line", i);
    }
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > 16384) return parse_error("key line longer than 16 KiB");
  if (is_blank_or_comment(line)) return parse_error("blank or comment line");

  AuthorizedKey key;
  std::string_view rest = line;
  std::string_view first = next_field(rest, true);
  if (!is_known_key_type(first)) {
    std::string_view lookahead = rest;
    std::string_view second = next_field(lookahead, false);
    bool first_is_options = first.find('=') != std::string_view::npos ||
                            first.find(',') != std::string_view::npos || is_known_key_type(second);
    if (!first_is_options && looks_like_base64(second)) {
      return parse_error(fmt::format("{} '{}'", kUnknownTypeError, printable(first)));
    }
    if (auto error = parse_options(first, key.options)) return parse_error(*error);
    key.options_text = std::string(first);
    first = next_field(rest, false);
    if (!is_known_key_type(first)) {
      return parse_error(fmt::format("{} '{}'", kUnknownTypeError, printable(first)));
    }
  }
  key.type_text = std::string(first);
  std::string_view encoded = next_field(rest, false);
  if (encoded.empty()) return parse_error("missing base64 key data");
  if (!looks_like_base64(encoded)) return parse_error("key data is not base64");
  auto blob = seckit::enc::base64_decode(encoded);
  if (!blob) return parse_error("key data is not valid base64 (truncated?)");
  auto parsed = parse_public_key_blob(*blob);
  if (!parsed) return parse_error("key blob: " + parsed.error().message);
  if (parsed->type != key.type_text) {
    return parse_error(fmt::format("key type '{}' does not match the blob, which holds '{}'",
                                   key.type_text, parsed->type));
  }
  key.base64 = std::string(encoded);
  key.key = std::move(*parsed);
  std::size_t i = 0;
  while (i < rest.size() && is_space(rest[i])) ++i;
  key.comment = std::string(rest.substr(i));
  while (!key.comment.empty() && is_space(key.comment.back())) key.comment.pop_back();
  return key;
}

}  // namespace sshkey
