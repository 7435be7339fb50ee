// Public keys made with OpenSSH 9.2 ssh-keygen, shared by the sshkey-ldap unit tests; the
// expected fingerprints and sizes in those tests are what `ssh-keygen -l [-E md5]` printed.
#pragma once

namespace sshkey_ldap_fixtures {

inline constexpr const char* kEd25519 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINm0K3LjsTbhHUkl2h8WoJI0kgj5cUkOsa/tZVz0q0sM fixture-ed";
inline constexpr const char* kRsa2048 =
    "ssh-rsa "
    "AAAAB3NzaC1yc2EAAAADAQABAAABAQCozlGaagTq1JvlDxGYo1VbDlgBJJmQYdVv02pPFkADNzysTU+F5eckFjKY3Nc3Lm"
    "WI37g6CLHmyAQbJoqu4ULFu10p5RX0wxjMIY91gbaxqlgsFslwBE9HMTqx/pkyMP9OswkzDjg9O+WVir5cpdoMo18ImE3e"
    "Ro4YdHk8K1AsNw0P/CEPORANRB+KbqqIBdUeDlMeDXvv9+/dT/2P3zqQL+sorasY1p9v/dO7GaBLk/"
    "w2JOb88RHu43nMuzl"
    "/tOTclvPg4knPOGWExt5ue37avsau09GquQlcv74LvEBzAISRBmugNSSTPy3ysnynPDseYKJ1eQ6BNfmWkHN/9uTF "
    "fixture-rsa";

}  // namespace sshkey_ldap_fixtures
