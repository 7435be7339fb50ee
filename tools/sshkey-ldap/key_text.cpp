#include "key_text.hpp"

#include <fmt/format.h>

#include <optional>
#include <sstream>
#include <string_view>

#include "seckit/enc.hpp"
#include "sshkey.hpp"

namespace sshkey_ldap {
namespace {

constexpr std::string_view kBegin = "---- BEGIN SSH2 PUBLIC KEY ----";
constexpr std::string_view kEnd = "---- END SSH2 PUBLIC KEY ----";

std::string trim_right(std::string line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
    line.pop_back();
  }
  return line;
}

// The lines of one RFC 4716 block between its BEGIN and END lines (RFC 4716 section 3).
struct Rfc4716Block {
  std::vector<std::string> lines;
  bool ended = false;
};

std::string unquote(std::string value) {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

// Headers first ("Tag: value", a trailing backslash continues the value on the next line), then
// the base64 body, which never holds a colon.
KeyTextLine convert_block(const Rfc4716Block& block, int number) {
  KeyTextLine out;
  out.number = number;
  if (!block.ended) {
    out.error = fmt::format("RFC 4716 key has no \"{}\" line", kEnd);
    return out;
  }
  std::string comment, body, header;
  bool in_body = false, continued = false;
  for (const auto& line : block.lines) {
    if (!in_body && (continued || line.find(':') != std::string::npos)) {
      header += line;
      continued = !header.empty() && header.back() == '\\';
      if (continued) header.pop_back();
      if (continued) continue;
      auto colon = header.find(':');
      std::string tag = seckit::enc::ascii_lower(header.substr(0, colon));
      std::string value = header.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (tag == "comment") comment = unquote(value);
      header.clear();
      continue;
    }
    in_body = true;
    for (char c : line) {
      if (c != ' ' && c != '\t') body += c;
    }
  }
  auto blob = seckit::enc::base64_decode(body);
  if (!blob || blob->empty()) {
    out.error = "RFC 4716 key body is not base64";
    return out;
  }
  auto key = sshkey::parse_public_key_blob(*blob);
  if (!key) {
    out.error = "RFC 4716 key: " + key.error().message;
    return out;
  }
  out.text = key->type + " " + body + (comment.empty() ? "" : " " + comment);
  return out;
}

}  // namespace

std::vector<KeyTextLine> key_text_lines(const std::string& text) {
  std::vector<KeyTextLine> out;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  std::optional<Rfc4716Block> block;
  int block_start = 0;
  while (std::getline(in, line)) {
    ++number;
    bool last = in.peek() == std::char_traits<char>::eof();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (block) {
      if (trim_right(line) == kEnd) {
        block->ended = true;
        out.push_back(convert_block(*block, block_start));
        block.reset();
      } else {
        block->lines.push_back(trim_right(line));
      }
      continue;
    }
    if (trim_right(line) == kBegin) {
      block.emplace();
      block_start = number;
      continue;
    }
    if (sshkey::is_blank_or_comment(line)) continue;
    out.push_back({number, line, {}, last && !text.empty() && text.back() != '\n'});
  }
  if (block) out.push_back(convert_block(*block, block_start));
  return out;
}

}  // namespace sshkey_ldap
