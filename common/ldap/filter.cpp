#include <fmt/format.h>

#include "seckit/error.hpp"
#include "seckit/ldap.hpp"

namespace seckit::ldap {

std::string escape_filter_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '*' || c == '(' || c == ')' || c == '\\' || byte == 0 || byte >= 0x80) {
      out += fmt::format("\\{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

std::string expand_filter(std::string_view pattern, std::string_view value) {
  std::string escaped = escape_filter_value(value);
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      out += pattern[i];
      continue;
    }
    char next = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
    if (next == 's') {
      out += escaped;
    } else if (next == '%') {
      out += '%';
    } else {
      throw input_error("filter", fmt::format("unsupported '%' sequence in {}", pattern),
                        "use %s for the value and %% for a literal %");
    }
    ++i;
  }
  return out;
}

std::string escape_dn_value(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    auto byte = static_cast<unsigned char>(c);
    bool special = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' ||
                   c == ';' || c == '=' || (i == 0 && (c == ' ' || c == '#')) ||
                   (i + 1 == value.size() && c == ' ');
    if (byte < 0x20) {  // NUL and the other control characters
      out += fmt::format("\\{:02x}", byte);
    } else if (special) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace seckit::ldap
