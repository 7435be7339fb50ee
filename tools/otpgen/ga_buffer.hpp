// A ~/.google_authenticator file as pam_google_authenticator holds it: one text buffer, read and
// rewritten by the module's own line rules, so what otpgen writes back is byte for byte what the
// module would have written (CRLF, blank lines, duplicate option lines and odd spacing included).
//
// The rules, each observed on the real module (pamtester + faketime, two copies of one file; the
// scenarios are in tests/integration/otpgen/differential.sh):
//  - An option is a line that starts with `" KEY` followed by a blank, CR, LF or the end; the
//    first such line wins. Its value starts after the blanks and ends at the first CR or LF.
//    ("dup DISALLOW lines", "HOTP_COUNTERX", "foo\" HOTP_COUNTER" scenarios)
//  - TOTP mode is the text `" TOTP_AUTH` anywhere in the file, even inside another line or as the
//    prefix of a longer name ("TOTP_AUTHX", "mid-line TOTP_AUTH" scenarios).
//  - Setting an option replaces its first line together with every CR/LF after it by
//    `" KEY VALUE\n` and deletes the other lines of that key; a missing option is inserted after
//    the first line and the CR/LFs that follow it ("rewrite eats blank lines", "CRLF" scenarios).
//  - Scratch codes are read after the first line, skipping blank lines and lines starting with
//    '"', as long as each line is an unsigned number 10000000..99999999 (strtoul: leading blanks,
//    '+' and zeros allowed) followed by CR/LF or the end; the first other line ends the list. A
//    used code is removed with the CR/LFs that follow it ("scratch after junk", "leading +/0").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace otpgen {

// A blank as the module's line parsing sees it: space or tab (ga_buffer.cpp, pam_rules.cpp).
inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

class GaBuffer {
 public:
  explicit GaBuffer(std::string text) : text_(std::move(text)) {}

  const std::string& text() const { return text_; }
  // The first line without its LF (the secret as written).
  std::string_view secret_line() const;
  std::optional<std::string> value(std::string_view key) const;
  void set(std::string_view key, std::string_view value);
  bool has_totp_auth() const { return text_.find("\" TOTP_AUTH") != std::string::npos; }
  // Removes the scratch code `code` if the module would accept it; true when removed.
  bool use_scratch_code(std::uint32_t code);
  std::size_t scratch_code_count() const;

 private:
  // [start, end) of the first line of `key`, end past the CR/LFs that follow it.
  std::optional<std::pair<std::size_t, std::size_t>> find_option(std::string_view key,
                                                                 std::size_t from) const;
  std::string text_;
};

}  // namespace otpgen
