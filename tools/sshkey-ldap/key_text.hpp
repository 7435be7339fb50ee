// Key text as the commands read it (check, add, remove, import): OpenSSH lines as written, and
// RFC 4716 blocks ("---- BEGIN SSH2 PUBLIC KEY ----", what `ssh-keygen -e` writes and some
// vendors export) turned into the OpenSSH line they stand for.
#pragma once

#include <string>
#include <vector>

namespace sshkey_ldap {

struct KeyTextLine {
  int number = 0;     // 1-based line of the text where the key starts
  std::string text;   // an OpenSSH line without its line break and trailing "\r"
  std::string error;  // set for a malformed RFC 4716 block: why (text is then empty)
  bool last_without_newline = false;  // the text's last line, not ended by a line break
};

// Every non-blank, non-comment line. An RFC 4716 block becomes "TYPE BASE64 [COMMENT]": the
// type read from the key blob, the body's base64 joined, the Comment header (unquoted,
// continuation lines joined) as the comment. Other headers (Subject, x-...) are ignored, as
// ssh-keygen -i ignores them.
std::vector<KeyTextLine> key_text_lines(const std::string& text);

}  // namespace sshkey_ldap
