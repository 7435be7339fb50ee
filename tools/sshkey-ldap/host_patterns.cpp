#include "host_patterns.hpp"

#include <cctype>

namespace sshkey_ldap {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Glob match of one pattern, '*' and '?' only, case-insensitive (iterative, with one
// backtracking point for the last '*': linear in practice, no recursion on hostile input).
bool glob_match(std::string_view text, std::string_view pattern) {
  std::size_t t = 0, p = 0;
  std::size_t star = std::string_view::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(text[t]))) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

bool is_host_pattern(std::string_view name) {
  return name.find_first_of("*?") != std::string_view::npos || (!name.empty() && name[0] == '!');
}

bool host_matches_patterns(std::string_view host, const std::vector<std::string>& patterns) {
  bool positive = false;
  for (std::string_view pattern : patterns) {
    bool negated = !pattern.empty() && pattern[0] == '!';
    if (negated) pattern.remove_prefix(1);
    if (!glob_match(host, pattern)) continue;
    if (negated) return false;
    positive = true;
  }
  return positive;
}

std::string pattern_entries_filter(const std::string& hosts_filter) {
  return "(&" + hosts_filter + R"((|(cn=*\2a*)(cn=*\3f*))))";
}

}  // namespace sshkey_ldap
