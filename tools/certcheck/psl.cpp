// The Public Suffix List's format and matching algorithm (https://publicsuffix.org/list/, "Format
// of the List" and "Algorithm"), written here from that description.
#include "psl.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>
#include <sstream>

namespace certcheck {
namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The rule of one line: its first whitespace-delimited word; empty for blank and comment lines.
std::string_view rule_of(std::string_view line) {
  auto start = line.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) return {};
  line.remove_prefix(start);
  if (line.substr(0, 2) == "//") return {};
  return line.substr(0, line.find_first_of(" \t\r"));
}

// `domain` without its left-most label ("" for a single label).
std::string_view parent_of(std::string_view domain) {
  auto dot = domain.find('.');
  return dot == std::string_view::npos ? std::string_view() : domain.substr(dot + 1);
}

std::size_t label_count(std::string_view domain) {
  return domain.empty()
             ? 0
             : 1 + static_cast<std::size_t>(std::count(domain.begin(), domain.end(), '.'));
}

}  // namespace

PublicSuffixList PublicSuffixList::parse(std::string_view text) {
  PublicSuffixList list;
  bool icann = false;
  while (!text.empty()) {
    auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.find("===BEGIN ICANN DOMAINS===") != std::string_view::npos) icann = true;
    if (line.find("===END ICANN DOMAINS===") != std::string_view::npos) icann = false;
    std::string_view rule = rule_of(line);
    if (!icann || rule.empty()) continue;
    if (rule.front() == '!') {
      list.exceptions_.insert(lowercase(rule.substr(1)));
    } else if (rule.substr(0, 2) == "*.") {
      list.wildcards_.insert(lowercase(rule.substr(2)));
    } else {
      list.rules_.insert(lowercase(rule));
    }
  }
  return list;
}

const PublicSuffixList* PublicSuffixList::system() {
  static const std::unique_ptr<PublicSuffixList> list = []() -> std::unique_ptr<PublicSuffixList> {
    std::ifstream in{std::string(kSystemPath)};
    if (!in) return nullptr;
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = std::make_unique<PublicSuffixList>(parse(text.str()));
    if (parsed->size() == 0) return nullptr;  // not the list (or an empty file): unusable
    return parsed;
  }();
  return list.get();
}

std::string PublicSuffixList::public_suffix(std::string_view domain) const {
  std::string name = lowercase(domain);
  std::string_view view = name;
  // An exception rule prevails over every other match; its suffix is the rule less one label.
  for (std::string_view s = view; !s.empty(); s = parent_of(s)) {
    if (exceptions_.count(std::string(s))) return std::string(parent_of(s));
  }
  // Otherwise the matching rule with the most labels; none matching: the default rule "*".
  std::string_view best =
      view.substr(view.rfind('.') == std::string_view::npos ? 0 : view.rfind('.') + 1);
  for (std::string_view s = view; !s.empty(); s = parent_of(s)) {
    bool matches = rules_.count(std::string(s)) ||
                   (label_count(s) > 1 && wildcards_.count(std::string(parent_of(s))));
    if (matches) return std::string(label_count(s) > label_count(best) ? s : best);
  }
  return std::string(best);
}

bool PublicSuffixList::is_public_suffix(std::string_view domain) const {
  return !domain.empty() && public_suffix(domain) == lowercase(domain);
}

}  // namespace certcheck
