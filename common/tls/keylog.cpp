// NSS key log reader. A key log is written by the very programs whose traffic we look at, often
// by several processes appending at once, so a bad line is counted and skipped, never fatal.
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "seckit/enc.hpp"
#include "seckit/error.hpp"
#include "seckit/tls.hpp"

namespace seckit::tls {
namespace {

constexpr int kSessionIdKey = -1;
constexpr int kRsaPremasterKey = -2;

struct LabelSpelling {
  SecretLabel label;
  std::string_view text;
};
constexpr LabelSpelling kLabels[] = {
    {SecretLabel::kClientRandom, "CLIENT_RANDOM"},
    {SecretLabel::kClientEarlyTrafficSecret, "CLIENT_EARLY_TRAFFIC_SECRET"},
    {SecretLabel::kClientHandshakeTrafficSecret, "CLIENT_HANDSHAKE_TRAFFIC_SECRET"},
    {SecretLabel::kServerHandshakeTrafficSecret, "SERVER_HANDSHAKE_TRAFFIC_SECRET"},
    {SecretLabel::kClientTrafficSecret0, "CLIENT_TRAFFIC_SECRET_0"},
    {SecretLabel::kServerTrafficSecret0, "SERVER_TRAFFIC_SECRET_0"},
    {SecretLabel::kExporterSecret, "EXPORTER_SECRET"},
    {SecretLabel::kEarlyExporterSecret, "EARLY_EXPORTER_SECRET"},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Splits on runs of blanks.
std::vector<std::string_view> fields(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size() && out.size() < 8) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// Hex without separators (enc::hex_decode also accepts ':'; key logs never have them).
std::optional<Buffer> strict_hex(std::string_view text) {
  if (text.empty() || text.size() % 2 != 0 || text.find(':') != std::string_view::npos) {
    return std::nullopt;
  }
  auto decoded = enc::hex_decode(text);
  if (!decoded) return std::nullopt;
  return std::move(decoded.value());
}

}  // namespace

std::string_view secret_label_name(SecretLabel label) {
  for (const auto& l : kLabels) {
    if (l.label == label) return l.text;
  }
  return "CLIENT_RANDOM";
}

void KeyLog::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(path, "cannot read key log file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw input_error(path, "cannot read key log file");
  load_text(text.str());
}

void KeyLog::load_text(std::string_view text) {
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    add_line(text.substr(start, end - start));
    start = end + 1;
  }
}

bool KeyLog::add_line(std::string_view raw) {
  std::string_view line = trim(raw);
  if (line.empty() || line.front() == '#') return true;
  ++stats_.lines;
  auto bad = [&](std::string_view why) {
    ++stats_.bad_lines;
    if (stats_.first_bad_line == 0) {
      stats_.first_bad_line = stats_.lines;
      stats_.first_bad_reason = fmt::format("key log entry {}: {}", stats_.lines, why);
    }
    return false;
  };
  auto f = fields(line);
  // Wireshark's "RSA Session-ID:<hex> Master-Key:<hex>" (session resumption by session id).
  if (f.size() == 3 && f[0] == "RSA" && f[1].starts_with("Session-ID:") &&
      f[2].starts_with("Master-Key:")) {
    auto sid = strict_hex(f[1].substr(11));
    auto master = strict_hex(f[2].substr(11));
    if (!sid || sid->size() > 32) return bad("Session-ID is not 1-32 bytes of hex");
    if (!master || master->size() != 48) return bad("Master-Key is not 48 bytes of hex");
    add_session_master(*sid, *master);
    ++stats_.entries;
    return true;
  }
  // NSS "RSA <first 8 bytes of the encrypted premaster> <premaster>": valid, kept, but not
  // needed while the same writer also logs CLIENT_RANDOM (OpenSSL and GnuTLS do).
  if (f.size() == 3 && f[0] == "RSA") {
    auto prefix = strict_hex(f[1]);
    auto premaster = strict_hex(f[2]);
    if (!prefix || prefix->size() != 8)
      return bad("RSA entry: encrypted premaster prefix is not 8 bytes");
    if (!premaster || premaster->size() != 48) return bad("RSA entry: premaster is not 48 bytes");
    secrets_[{kRsaPremasterKey, std::move(*prefix)}] = std::move(*premaster);
    ++stats_.entries;
    return true;
  }
  if (f.size() != 3) return bad("expected LABEL <client_random> <secret>");
  const LabelSpelling* spelling = nullptr;
  for (const auto& l : kLabels) {
    if (f[0] == l.text) spelling = &l;
  }
  if (!spelling) return bad(fmt::format("unknown label {}", f[0].substr(0, 40)));
  auto random = strict_hex(f[1]);
  if (!random || random->size() != 32) return bad("client random is not 32 bytes of hex");
  auto secret = strict_hex(f[2]);
  if (!secret) return bad("secret is not hex");
  if (spelling->label == SecretLabel::kClientRandom
          ? secret->size() != 48
          : (secret->size() < 32 || secret->size() > 64)) {
    return bad("secret has the wrong length");
  }
  add_secret(spelling->label, *random, *secret);
  ++stats_.entries;
  return true;
}

void KeyLog::add_master_secret(Bytes client_random, Bytes master_secret) {
  add_secret(SecretLabel::kClientRandom, client_random, master_secret);
}

void KeyLog::add_session_master(Bytes session_id, Bytes master_secret) {
  secrets_[{kSessionIdKey, Buffer(session_id.begin(), session_id.end())}] =
      Buffer(master_secret.begin(), master_secret.end());
}

void KeyLog::add_secret(SecretLabel label, Bytes client_random, Bytes secret) {
  secrets_[{static_cast<int>(label), Buffer(client_random.begin(), client_random.end())}] =
      Buffer(secret.begin(), secret.end());
}

const Buffer* KeyLog::master_secret(Bytes client_random) const {
  return secret(SecretLabel::kClientRandom, client_random);
}

const Buffer* KeyLog::session_master(Bytes session_id) const {
  if (session_id.empty()) return nullptr;
  auto it = secrets_.find({kSessionIdKey, Buffer(session_id.begin(), session_id.end())});
  return it == secrets_.end() ? nullptr : &it->second;
}

const Buffer* KeyLog::secret(SecretLabel label, Bytes client_random) const {
  auto it =
      secrets_.find({static_cast<int>(label), Buffer(client_random.begin(), client_random.end())});
  return it == secrets_.end() ? nullptr : &it->second;
}

std::size_t KeyLog::size() const { return secrets_.size(); }

}  // namespace seckit::tls
