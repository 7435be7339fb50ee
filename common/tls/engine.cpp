// The record state machine: decryption with the key log, handshake reassembly, key schedule
// transitions (ChangeCipherSpec for TLS <= 1.2 and DTLS, Finished/KeyUpdate for TLS 1.3) and
// the Summary. Every problem becomes a Note; nothing here throws for bad input.
#include "engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <string_view>

#include "seckit/bytes.hpp"
#include "seckit/crypto.hpp"
#include "seckit/enc.hpp"

namespace seckit::tls::detail {
namespace {

// The smallest protected TLS record on the wire: 5 bytes of header and a 16-byte tag (an empty
// ChaCha20-Poly1305 record); every suite's records are at least this long.
constexpr std::uint64_t kMinRecordWire = 21;
// Sequence numbers tried after a gap; each try decrypts one record.
constexpr std::uint64_t kMaxGapSearch = 16384;

std::size_t hash_bytes(std::uint8_t type, Bytes b) {
  std::string_view view(reinterpret_cast<const char*>(b.data()), b.size());
  return std::hash<std::string_view>{}(view) ^ (static_cast<std::size_t>(type) << 1);
}

bool is_tls13(std::uint16_t v) { return v == kTls13; }

std::uint64_t explicit_nonce(Bytes fragment) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | fragment[i];
  return v;
}

}  // namespace

Engine::Engine(Options options, EventHandler handler, bool dtls)
    : options_(std::move(options)), handler_(std::move(handler)), dtls_(dtls) {
  summary_.dtls = dtls;
}

Event Engine::base(const RecordIn& rec) const {
  Event e;
  e.direction = rec.dir;
  e.frame = rec.frame;
  e.time = rec.time;
  e.content_type = rec.type;
  e.record_version = rec.version;
  e.epoch = rec.epoch;
  e.sequence = dtls_ ? rec.seq48 : dirs_[static_cast<int>(rec.dir)].seq;
  e.record_length = rec.fragment.size();
  return e;
}

void Engine::note(Direction d, std::uint64_t frame, double time, std::string code,
                  std::string message) {
  Event e;
  e.kind = EventKind::kNote;
  e.direction = d;
  e.frame = frame;
  e.time = time;
  e.note = Note{std::move(code), std::move(message)};
  emit(e);
}

void Engine::malformed(Direction d) { ++counts(d).malformed; }

void Engine::set_opaque(std::string code, std::string message) {
  if (summary_.decrypted) return;
  if (summary_.opaque_reason.empty() || code == "wrong-key") {
    summary_.opaque_reason = std::move(code);
    summary_.opaque_message = std::move(message);
  }
}

void Engine::gap(Direction d, std::uint64_t bytes, std::uint64_t frame, double time) {
  Dir& s = dir(d);
  ++counts(d).gaps;
  s.hs.clear();
  s.hs_skip = 0;
  std::string message = fmt::format("{} bytes missing in the {} stream", bytes, direction_name(d));
  if (s.protected_ && !s.failed) {
    auto info = suite_info(suite_);
    bool implicit_iv = info && !info->aead && !is_tls13(version_) && version_ <= 0x0301;
    if (info && info->aead && !info->tls13 && info->iv_length == 4 && s.active) {
      // TLS 1.2 AES-GCM carries an explicit nonce that writers derive from the sequence
      // number (equal, or a fixed offset): recover the next record's sequence number from it
      // (the tag decides whether that worked).
      s.gap_lost = true;
      message += "; resuming with the record's explicit nonce as its sequence number";
    } else if (s.active && !implicit_iv) {
      // Every other suite but TLS 1.0 CBC (whose IV is the lost previous record's last block)
      // decrypts a record on its own once its sequence number is known: the gap holds at most
      // one record per kMinRecordWire bytes, so the next record's number is searched in that
      // range and the integrity check decides.
      s.gap_search += bytes;
      message += "; searching the next record's sequence number";
    } else {
      s.failed = true;
      message += "; record sequence lost, decryption of this direction stops";
      set_opaque("gap", message);
    }
  }
  note(d, frame, time, "gap", message);
}

void Engine::record(const RecordIn& rec) {
  Dir& s = dir(rec.dir);
  DirectionCounts& c = counts(rec.dir);
  ++c.records;
  c.bytes += rec.fragment.size();
  if (summary_.first_frame == 0) {
    summary_.first_frame = rec.frame;
    summary_.first_time = rec.time;
  }
  summary_.last_frame = rec.frame;
  summary_.last_time = rec.time;
  if (record_version_ == 0) record_version_ = rec.version;
  if (options_.record_events) {
    Event e = base(rec);
    e.kind = EventKind::kRecord;
    emit(e);
  }
  if (!client_hello_seen_ && !server_hello_seen_ && !mid_session_noted_ && rec.type != kHandshake) {
    mid_session_noted_ = true;
    note(rec.dir, rec.frame, rec.time, "mid-session",
         "the capture starts after the handshake: no keys can be matched, records stay opaque");
    set_opaque("mid-session", "the capture starts after the handshake");
  }

  bool is_protected = dtls_ ? rec.epoch > 0 : s.protected_;
  // TLS 1.3 sends middlebox-compatibility ChangeCipherSpec records in the clear.
  if (is_protected && !dtls_ && is_tls13(version_) && rec.type == kChangeCipherSpec) {
    is_protected = false;
  }
  if (!is_protected) {
    content(rec, rec.type, rec.fragment, false);
    return;
  }
  Bytes plain;
  std::uint8_t inner = rec.type;
  if (decrypt(rec, plain, inner)) {
    ++c.decrypted_records;
    c.plaintext_bytes += plain.size();
    content(rec, inner, plain, true);
  } else {
    Event e = base(rec);
    if (rec.type == kApplicationData) {
      e.kind = EventKind::kApplicationData;
      ++c.application_records;
      c.application_bytes += rec.fragment.size();
    } else {
      e.kind = EventKind::kOpaque;
    }
    emit(e);
  }
  if (!dtls_) ++s.seq;
}

bool Engine::have_keys(const RecordIn& rec, Dir& s) {
  if (dtls_ && (!s.active || s.active_epoch != rec.epoch)) {
    // A record of the next epoch before (or without) its ChangeCipherSpec: promote.
    if (s.pending && (!s.active || rec.epoch == s.active_epoch + 1)) {
      s.active = std::move(s.pending);
      s.pending.reset();
      s.active_epoch = rec.epoch;
    }
  }
  if (s.active && (!dtls_ || s.active_epoch == rec.epoch)) return true;
  if (!no_key_noted_ && !s.active) note_no_keys(rec);
  return false;
}

void Engine::note_no_keys(const RecordIn& rec) {
  no_key_noted_ = true;
  std::string why =
      options_.keylog == nullptr ? std::string("no key log given")
      : !server_hello_seen_      ? std::string("handshake not seen")
      : suite_info(suite_).has_value() || is_tls13(version_)
          ? fmt::format("no key log entry for client random {}",
                        summary_.client_random.empty() ? std::string("(unknown)")
                                                       : enc::hex_encode(summary_.client_random))
          : fmt::format("cipher suite {} is not supported for decryption",
                        cipher_suite_name(suite_));
  std::string code = why.starts_with("cipher suite") ? "unsupported-cipher" : "no-key";
  if (why.starts_with("handshake")) code = "mid-session";
  note(rec.dir, rec.frame, rec.time, code, why);
  set_opaque(code, why);
}

Result<Bytes> Engine::open_after_gap(const RecordIn& rec, Dir& s, Result<Bytes> result,
                                     std::uint64_t& seq, std::uint8_t& inner) {
  // Records lost in the gap: at least one (the gap's bytes belong to some record), at most one
  // per smallest possible record, plus the records cut at either edge of the gap.
  std::uint64_t gap_bytes = s.gap_search;
  s.gap_search = 0;
  std::uint64_t limit = std::min<std::uint64_t>(gap_bytes / kMinRecordWire + 2, kMaxGapSearch);
  std::uint64_t k = 1;
  for (; !result && k <= limit; ++k) {
    result = s.active->open_into(rec.type, rec.version, s.seq + k, rec.fragment, s.plain, &inner);
  }
  if (result) {
    s.seq += k - 1;  // k was incremented once past the number that worked
    seq = s.seq;
  }
  return result;
}

Result<Bytes> Engine::open_with_other_masters(const RecordIn& rec, Dir& s, Result<Bytes> result,
                                              std::uint64_t seq, std::uint8_t& inner) {
  // Another candidate master secret (e.g. the Cisco session id pair next to a wrong
  // CLIENT_RANDOM line): rebuild both directions' keys and retry this record.
  while (!result && master_index_ + 1 < masters_.size()) {
    ++master_index_;
    Dir& other = dir(rec.dir == Direction::kClientToServer ? Direction::kServerToClient
                                                           : Direction::kClientToServer);
    bool other_active = other.active.has_value();
    setup_tls12_keys();
    s.active = std::move(s.pending);
    s.pending.reset();
    if (other_active && other.decrypted == 0) {
      other.active = std::move(other.pending);
      other.pending.reset();
    }
    if (s.active) {
      result = s.active->open_into(rec.type, rec.version, seq, rec.fragment, s.plain, &inner);
    }
  }
  return result;
}

void Engine::decrypt_failed(const RecordIn& rec, Dir& s, bool after_gap) {
  if (after_gap) {
    s.failed = true;
    std::string why = fmt::format(
        "after the gap no sequence number opens the next {} record; decryption of this "
        "direction stops",
        direction_name(rec.dir));
    note(rec.dir, rec.frame, rec.time, "gap", why);
    set_opaque("gap", why);
    return;
  }
  if (dtls_ && s.decrypted > 0) {
    // One bad DTLS record (corrupt, replayed) does not condemn the association.
    note(rec.dir, rec.frame, rec.time, "malformed-record",
         fmt::format("record epoch {} seq {} failed its integrity check", rec.epoch, rec.seq48));
    return;
  }
  s.failed = true;
  if (wrong_key_noted_) return;
  wrong_key_noted_ = true;
  std::string why = fmt::format(
      "{} check failed on the first protected {} record: the key log entry does not belong "
      "to this session",
      suite_info(suite_) && suite_info(suite_)->aead ? "AEAD tag" : "MAC", direction_name(rec.dir));
  note(rec.dir, rec.frame, rec.time, "wrong-key", why);
  set_opaque("wrong-key", why);
}

void Engine::on_decrypted(const RecordIn& rec, Dir& s, std::uint64_t seq, std::uint64_t lost,
                          std::uint64_t gap_bytes, bool after_gap) {
  if (after_gap) {
    note(rec.dir, rec.frame, rec.time, "gap-bridged",
         fmt::format("decryption of the {} stream resumes after {} lost record{}{}",
                     direction_name(rec.dir), lost, lost == 1 ? "" : "s",
                     gap_bytes > 0 ? fmt::format(" ({} bytes missing)", gap_bytes) : ""));
  }
  if (!is_tls13(version_)) master_confirmed_ = true;
  if (!dtls_ && s.active->suite().aead && s.active->suite().iv_length == 4 &&
      rec.fragment.size() >= 8) {
    // Remember how the writer's explicit nonce relates to the sequence number (equal for
    // GnuTLS/NSS, a random start for OpenSSL 3) so a gap can be bridged.
    s.nonce_offset = explicit_nonce(rec.fragment) - seq;
  }
  if (s.decrypted++ == 0) {
    note(rec.dir, rec.frame, rec.time, "decrypted",
         fmt::format("{} traffic decrypted ({})", direction_name(rec.dir),
                     cipher_suite_name(suite_)));
  }
  summary_.decrypted = true;
  summary_.opaque_reason.clear();
  summary_.opaque_message.clear();
}

bool Engine::decrypt(const RecordIn& rec, Bytes& out, std::uint8_t& inner) {
  Dir& s = dir(rec.dir);
  if (s.failed || !have_keys(rec, s)) return false;
  bool after_gap = false;
  const std::uint64_t seq_before_gap = s.seq;
  const std::uint64_t gap_bytes = s.gap_search;  // bytes lost in gaps since the last record
  if (!dtls_ && s.gap_lost) {
    s.gap_lost = false;
    after_gap = true;
    if (rec.fragment.size() >= 8) s.seq = explicit_nonce(rec.fragment) - s.nonce_offset;
  }
  std::uint64_t seq = dtls_ ? (static_cast<std::uint64_t>(rec.epoch) << 48) | rec.seq48 : s.seq;
  auto result = s.active->open_into(rec.type, rec.version, seq, rec.fragment, s.plain, &inner);
  if (!dtls_ && s.gap_search > 0) {
    after_gap = true;
    result = open_after_gap(rec, s, std::move(result), seq, inner);
  }
  if (!result && !master_confirmed_ && !is_tls13(version_) && s.decrypted == 0) {
    result = open_with_other_masters(rec, s, std::move(result), seq, inner);
  }
  if (!result) {
    decrypt_failed(rec, s, after_gap);
    return false;
  }
  on_decrypted(rec, s, seq, s.seq - seq_before_gap, gap_bytes, after_gap);
  out = result.value();
  return true;
}

void Engine::content(const RecordIn& rec, std::uint8_t type, Bytes data, bool decrypted) {
  DirectionCounts& c = counts(rec.dir);
  switch (type) {
    case kHandshake:
      if (dtls_) {
        dtls_handshake(rec, data, decrypted);
      } else {
        handshake_bytes(rec, data, decrypted);
      }
      break;
    case kChangeCipherSpec: {
      Event e = base(rec);
      e.kind = EventKind::kChangeCipherSpec;
      e.decrypted = decrypted;
      emit(e);
      if (!decrypted) change_cipher_spec(rec);
      break;
    }
    case kAlert: {
      bytes::Reader r(data);
      if (data.size() < 2) {
        malformed(rec.dir);
        note(rec.dir, rec.frame, rec.time, "malformed-record", "alert shorter than 2 bytes");
        break;
      }
      while (r.remaining() >= 2) {
        Event e = base(rec);
        e.kind = EventKind::kAlert;
        e.decrypted = decrypted;
        e.alert.level = r.u8();
        e.alert.description = r.u8();
        e.alert.encrypted = decrypted;
        ++c.alerts;
        if (!summary_.first_alert) summary_.first_alert = e.alert;
        emit(e);
      }
      break;
    }
    case kApplicationData: {
      Event e = base(rec);
      e.kind = EventKind::kApplicationData;
      e.decrypted = decrypted;
      if (decrypted && options_.deliver_plaintext) e.plaintext = data;
      ++c.application_records;
      c.application_bytes += rec.fragment.size();
      emit(e);
      break;
    }
    case kHeartbeat: {
      Event e = base(rec);
      e.kind = EventKind::kHeartbeat;
      e.decrypted = decrypted;
      e.plaintext = data;
      emit(e);
      break;
    }
    default:
      malformed(rec.dir);
      note(rec.dir, rec.frame, rec.time, "malformed-record",
           fmt::format("unknown content type {}", type));
      break;
  }
}

void Engine::handshake_bytes(const RecordIn& rec, Bytes data, bool decrypted) {
  Dir& s = dir(rec.dir);
  if (s.hs.empty() && s.hs_skip == 0) {
    s.hs_frame = rec.frame;
    s.hs_time = rec.time;
  }
  // An oversized message is skipped byte by byte so memory stays bounded.
  if (s.hs_skip > 0) {
    std::size_t n = std::min(s.hs_skip, data.size());
    s.hs_skip -= n;
    data = data.subspan(n);
  }
  s.hs.insert(s.hs.end(), data.begin(), data.end());
  s.hs_encrypted = decrypted;
  std::size_t pos = 0;
  while (s.hs.size() - pos >= 4) {
    bytes::Reader r(Bytes(s.hs).subspan(pos));
    std::uint8_t type = r.u8();
    std::uint32_t len = r.be24();
    if (len > options_.max_handshake_message) {
      malformed(rec.dir);
      note(rec.dir, rec.frame, rec.time, "oversized-handshake",
           fmt::format("{} message of {} bytes skipped (limit {})", handshake_type_name(type), len,
                       options_.max_handshake_message));
      std::size_t have = s.hs.size() - pos - 4;
      if (have >= len) {
        pos += 4 + len;
      } else {
        s.hs_skip = len - have;
        pos = s.hs.size();
      }
      continue;
    }
    if (s.hs.size() - pos - 4 < len) break;
    Bytes body = Bytes(s.hs).subspan(pos + 4, len);
    message(rec, type, 0, body, decrypted, s.hs_frame, s.hs_time);
    pos += 4 + len;
    s.hs_frame = rec.frame;
    s.hs_time = rec.time;
  }
  s.hs.erase(s.hs.begin(), s.hs.begin() + static_cast<std::ptrdiff_t>(pos));
}

void Engine::dtls_handshake(const RecordIn& rec, Bytes data, bool decrypted) {
  Dir& s = dir(rec.dir);
  bytes::Reader r(data);
  while (r.ok() && !r.empty()) {
    std::uint8_t type = r.u8();
    std::uint32_t length = r.be24();
    std::uint16_t mseq = r.be16();
    std::uint32_t offset = r.be24();
    std::uint32_t flen = r.be24();
    Bytes frag = r.bytes(flen);
    if (!r.ok() || offset + static_cast<std::uint64_t>(flen) > length) {
      if (decrypted || rec.epoch == 0) {
        malformed(rec.dir);
        note(rec.dir, rec.frame, rec.time, "malformed-handshake",
             "DTLS handshake fragment header does not fit the record");
      }
      return;
    }
    if (length > options_.max_handshake_message) {
      malformed(rec.dir);
      note(rec.dir, rec.frame, rec.time, "oversized-handshake",
           fmt::format("{} message of {} bytes skipped", handshake_type_name(type), length));
      continue;
    }
    if (offset == 0 && flen == length) {
      message(rec, type, mseq, frag, decrypted, rec.frame, rec.time);
      continue;
    }
    // Fragmented: reassemble per message_seq (bounded number of messages in flight).
    if (s.partial.size() >= 8 && !s.partial.count(mseq)) s.partial.erase(s.partial.begin());
    Partial& p = s.partial[mseq];
    if (p.data.empty() || p.length != length || p.type != type) {
      p = Partial{};
      p.type = type;
      p.length = length;
      p.data.assign(length, 0);
      p.have.assign(length, false);
      p.frame = rec.frame;
      p.time = rec.time;
    }
    for (std::uint32_t i = 0; i < flen; ++i) {
      if (!p.have[offset + i]) {
        p.have[offset + i] = true;
        p.data[offset + i] = frag[i];
        ++p.received;
      }
    }
    if (p.received == p.length) {
      Partial done = std::move(p);
      s.partial.erase(mseq);
      message(rec, done.type, mseq, done.data, decrypted, done.frame, done.time);
    }
  }
}

void Engine::message(const RecordIn& rec, std::uint8_t type, std::uint16_t message_seq, Bytes body,
                     bool decrypted, std::uint64_t frame, double time) {
  Dir& s = dir(rec.dir);
  if (dtls_) {
    // Retransmissions carry the same message_seq and the same bytes: report them as notes so a
    // retry schedule stays visible without repeating the message.
    std::size_t h = hash_bytes(type, body);
    auto it = s.delivered.find(message_seq);
    if (it != s.delivered.end() && it->second == h) {
      note(rec.dir, rec.frame, rec.time, "retransmission",
           fmt::format("{} message_seq {} retransmitted", handshake_type_name(type), message_seq));
      return;
    }
    if (s.delivered.size() >= 64) s.delivered.erase(s.delivered.begin());
    s.delivered[message_seq] = h;
  }
  ParseContext ctx;
  ctx.dtls = dtls_;
  ctx.version = version_;
  ctx.cipher_suite = suite_;
  HandshakeMessage msg = parse_handshake(type, body, ctx);
  msg.message_seq = message_seq;
  msg.encrypted = decrypted;
  ++counts(rec.dir).handshake_messages;
  if (msg.error) {
    malformed(rec.dir);
    note(rec.dir, frame, time, "malformed-handshake",
         fmt::format("{}: {}", handshake_type_name(type), msg.error->message));
  }
  // State changes that must precede the event (so the handler sees a current summary).
  if (auto* ch = std::get_if<ClientHello>(&msg.parsed)) on_client_hello(*ch, decrypted);
  if (auto* sh = std::get_if<ServerHello>(&msg.parsed)) on_server_hello(rec, *sh);
  if (type == kServerHelloDone) server_hello_done_ = true;
  if (auto* cert = std::get_if<Certificate>(&msg.parsed)) {
    bool server = rec.dir == Direction::kServerToClient;
    auto& list = server ? summary_.server_certificates : summary_.client_certificates;
    if (server) server_sent_certificate_ = true;
    if (!server) summary_.client_certificate_sent = !cert->certificates.empty();
    if (list.empty()) {
      for (const auto& der : cert->certificates) {
        if (list.size() >= options_.max_certificates) break;
        list.push_back(der);
      }
    }
  }
  if (auto* cr = std::get_if<CertificateRequest>(&msg.parsed)) {
    summary_.client_certificate_requested = true;
    if (summary_.client_ca_names.empty()) summary_.client_ca_names = cr->ca_names;
  }
  if (auto* ske = std::get_if<ServerKeyExchange>(&msg.parsed)) {
    if (ske->named_group) summary_.key_exchange_group = ske->named_group;
  }
  if (auto* ee = std::get_if<EncryptedExtensions>(&msg.parsed)) {
    if (ee->alpn) summary_.alpn = ee->alpn;
  }
  Event e = base(rec);
  e.kind = EventKind::kHandshake;
  e.frame = frame;
  e.time = time;
  e.decrypted = decrypted;
  e.handshake = &msg;
  emit(e);
  // Key changes that apply to the records after this message.
  if (auto* f = std::get_if<Finished>(&msg.parsed)) on_finished(rec, *f, decrypted);
  if (auto* ku = std::get_if<KeyUpdate>(&msg.parsed)) {
    if (is_tls13(version_) && !s.secret.empty()) {
      auto info = suite_info(suite_);
      if (info) {
        s.secret = kdf::hkdf_expand_label(info->prf, s.secret, "traffic upd", {},
                                          crypto::digest_size(info->prf));
        s.active = RecordProtection::tls13(suite_, s.secret);
        s.seq = static_cast<std::uint64_t>(-1);  // incremented to 0 after this record
      }
      note(rec.dir, frame, time, "key-update",
           ku->update_requested ? "KeyUpdate (update_requested)" : "KeyUpdate");
    }
  }
}

void Engine::on_client_hello(const ClientHello& ch, bool decrypted) {
  if (client_hello_seen_ && handshake_done_) {
    note(Direction::kClientToServer, summary_.last_frame, summary_.last_time, "renegotiation",
         decrypted ? "ClientHello inside the protected session (renegotiation)"
                   : "a second ClientHello on the connection");
  }
  bool first = !client_hello_seen_;
  client_hello_seen_ = true;
  summary_.handshake_seen = true;
  summary_.client_random.assign(ch.random.begin(), ch.random.end());
  client_session_id_ = ch.session_id;
  client_offered_ticket_ = ch.session_ticket_length > 0;
  if (first || handshake_done_) {
    summary_.offered_versions.clear();
    for (auto v : ch.supported_versions) {
      if (!is_grease(v)) summary_.offered_versions.push_back(v);
    }
    if (summary_.offered_versions.empty()) summary_.offered_versions.push_back(ch.legacy_version);
    summary_.offered_cipher_suites = ch.cipher_suites;
    summary_.sni = ch.sni;
    summary_.alpn_offered = ch.alpn;
  }
  if (handshake_done_) {
    server_hello_seen_ = false;
    handshake_done_ = false;
    server_sent_certificate_ = false;
    server_hello_done_ = false;
    masters_.clear();
    master_index_ = 0;
    master_confirmed_ = false;
  }
}

void Engine::on_server_hello(const RecordIn& rec, const ServerHello& sh) {
  if (sh.hello_retry_request) {
    summary_.hello_retry_request = true;
    if (sh.key_share_group) summary_.key_exchange_group = sh.key_share_group;
    note(rec.dir, rec.frame, rec.time, "hello-retry",
         fmt::format("HelloRetryRequest{}", sh.key_share_group
                                                ? " for " + named_group_name(*sh.key_share_group)
                                                : std::string()));
    return;
  }
  server_hello_seen_ = true;
  summary_.handshake_seen = true;
  version_ = sh.selected_version;
  suite_ = sh.cipher_suite;
  summary_.version = version_;
  summary_.cipher_suite = suite_;
  summary_.server_random.assign(sh.random.begin(), sh.random.end());
  summary_.session_id = sh.session_id;
  summary_.extended_master_secret = sh.extended_master_secret;
  summary_.encrypt_then_mac = sh.encrypt_then_mac;
  encrypt_then_mac_ = sh.encrypt_then_mac;
  if (sh.alpn) summary_.alpn = sh.alpn;
  if (sh.key_share_group) summary_.key_exchange_group = sh.key_share_group;
  if (is_tls13(version_)) {
    if (sh.selected_psk) summary_.resumption = Resumption::kPsk;
    setup_tls13_handshake_keys(rec);
  } else {
    // Resumption is decided when the server's ChangeCipherSpec arrives: straight after the
    // ServerHello (no ServerHelloDone) means an abbreviated handshake.
    summary_.resumption = Resumption::kNone;
    masters_.clear();
    master_index_ = 0;
    master_confirmed_ = false;
    if (options_.keylog) {
      if (const Buffer* m = options_.keylog->master_secret(summary_.client_random)) {
        masters_.push_back(*m);
      }
      for (const Buffer* sid :
           std::initializer_list<const Buffer*>{&sh.session_id, &client_session_id_}) {
        if (const Buffer* m = options_.keylog->session_master(*sid)) {
          if (std::find(masters_.begin(), masters_.end(), *m) == masters_.end()) {
            masters_.push_back(*m);
          }
        }
      }
    }
    add_psk_master(rec, sh);
    setup_tls12_keys();
  }
}

// Plain PSK key exchange (RFC 4279 2): premaster = uint16 N, N zero bytes, uint16 N, psk; the
// master secret follows from the randoms (RFC 5246 8.1). This is how openconnect's
// PSK-NEGOTIATE DTLS session is keyed from the TLS exporter, when the caller derived it.
void Engine::add_psk_master(const RecordIn& rec, const ServerHello& sh) {
  if (!options_.psk || options_.psk->empty() || options_.psk->size() > 0xffff) return;
  auto info = suite_info(suite_);
  if (!info || info->kx != KeyExchangeKind::kPsk) return;
  if (sh.extended_master_secret) {
    note(rec.dir, rec.frame, rec.time, "unsupported-cipher",
         "PSK with extended_master_secret: the master secret needs the handshake hash");
    return;
  }
  const Buffer& psk = *options_.psk;
  Buffer premaster;
  auto put16 = [&](std::size_t v) {
    premaster.push_back(static_cast<std::uint8_t>(v >> 8));
    premaster.push_back(static_cast<std::uint8_t>(v));
  };
  put16(psk.size());
  premaster.insert(premaster.end(), psk.size(), 0);
  put16(psk.size());
  premaster.insert(premaster.end(), psk.begin(), psk.end());
  Buffer seed = summary_.client_random;
  seed.insert(seed.end(), summary_.server_random.begin(), summary_.server_random.end());
  Buffer master = (version_ == kTls12 || version_ == kDtls12)
                      ? kdf::prf12(info->prf, premaster, "master secret", seed, 48)
                      : kdf::prf10(premaster, "master secret", seed, 48);
  if (std::find(masters_.begin(), masters_.end(), master) == masters_.end()) {
    masters_.push_back(std::move(master));
  }
}

void Engine::setup_tls12_keys() {
  for (auto& d : dirs_) d.pending.reset();
  if (master_index_ >= masters_.size()) return;
  if (!suite_info(suite_)) return;
  std::uint16_t v = version_;
  // Cisco's pre-standard DTLS follows DTLS 1.0 (TLS 1.1 key derivation, explicit IVs).
  if (v == kDtlsCisco || v == kDtls10) v = kDtls10;
  const Buffer& master = masters_[master_index_];
  for (int side = 0; side < 2; ++side) {
    dirs_[side].pending =
        RecordProtection::tls12(suite_, v, master, summary_.client_random, summary_.server_random,
                                side == 0, encrypt_then_mac_);
  }
}

void Engine::setup_tls13_handshake_keys(const RecordIn& rec) {
  if (!options_.keylog) return;
  auto c =
      options_.keylog->secret(SecretLabel::kClientHandshakeTrafficSecret, summary_.client_random);
  auto s =
      options_.keylog->secret(SecretLabel::kServerHandshakeTrafficSecret, summary_.client_random);
  for (auto& d : dirs_) {
    d.protected_ = true;  // everything after ServerHello is protected in TLS 1.3
    d.seq = 0;
  }
  if (!suite_info(suite_)) {
    note(rec.dir, rec.frame, rec.time, "unsupported-cipher",
         fmt::format("cipher suite {} is not supported for decryption", cipher_suite_name(suite_)));
    set_opaque("unsupported-cipher", cipher_suite_name(suite_));
    return;
  }
  if (c) {
    dir(Direction::kClientToServer).secret = *c;
    dir(Direction::kClientToServer).active = RecordProtection::tls13(suite_, *c);
  }
  if (s) {
    dir(Direction::kServerToClient).secret = *s;
    dir(Direction::kServerToClient).active = RecordProtection::tls13(suite_, *s);
  }
}

void Engine::tls13_switch(Direction d, SecretLabel label) {
  Dir& s = dir(d);
  s.active.reset();
  s.secret.clear();
  s.app_keys = true;
  s.seq = static_cast<std::uint64_t>(-1);  // the caller's record increments it to 0
  if (!options_.keylog) return;
  if (const Buffer* secret = options_.keylog->secret(label, summary_.client_random)) {
    s.secret = *secret;
    s.active = RecordProtection::tls13(suite_, *secret);
  }
}

void Engine::on_finished(const RecordIn& rec, const Finished& f, bool decrypted) {
  (void)decrypted;
  bool client = rec.dir == Direction::kClientToServer;
  auto& slot = client ? summary_.client_finished : summary_.server_finished;
  if (!slot) slot = f.verify_data;
  if (!summary_.tls_unique) summary_.tls_unique = f.verify_data;
  Dir& s = dir(rec.dir);
  s.finished_seen = true;
  if (is_tls13(version_) && !dtls_) {
    tls13_switch(rec.dir,
                 client ? SecretLabel::kClientTrafficSecret0 : SecretLabel::kServerTrafficSecret0);
  }
  if (dir(Direction::kClientToServer).finished_seen &&
      dir(Direction::kServerToClient).finished_seen) {
    handshake_done_ = true;
  }
}

void Engine::change_cipher_spec(const RecordIn& rec) {
  // TLS 1.3 compatibility CCS records (also the one right after a HelloRetryRequest, before
  // the version is known) change nothing.
  if (is_tls13(version_) || (!server_hello_seen_ && client_hello_seen_)) return;
  Dir& s = dir(rec.dir);
  if (rec.dir == Direction::kServerToClient && !server_hello_done_ && server_hello_seen_ &&
      summary_.resumption == Resumption::kNone) {
    // ServerHello straight to ChangeCipherSpec: an abbreviated (resumed) handshake. A ticket
    // resumption echoes the client's session id too; the offered ticket tells them apart.
    summary_.resumption = client_offered_ticket_ ? Resumption::kTicket : Resumption::kSessionId;
  }
  s.protected_ = true;
  s.seq = 0;
  s.failed = false;
  if (dtls_) return;  // DTLS switches per epoch in decrypt()
  s.active = std::move(s.pending);
  s.pending.reset();
}

void Engine::finish() {
  for (int i = 0; i < 2; ++i) {
    Dir& s = dirs_[i];
    Direction d = static_cast<Direction>(i);
    if (!s.hs.empty()) {
      note(d, summary_.last_frame, summary_.last_time, "truncated",
           fmt::format("{} bytes of an incomplete handshake message at the end", s.hs.size()));
      s.hs.clear();
    }
    if (!s.partial.empty()) {
      note(d, summary_.last_frame, summary_.last_time, "truncated",
           fmt::format("{} DTLS handshake message(s) never completed", s.partial.size()));
      s.partial.clear();
    }
  }
  if (!summary_.decrypted && summary_.opaque_reason.empty()) {
    bool any_protected = dirs_[0].protected_ || dirs_[1].protected_ ||
                         summary_.c2s.application_records + summary_.s2c.application_records > 0;
    if (any_protected) set_opaque("no-key", "no protected record could be decrypted");
  }
}

std::optional<Buffer> Engine::master_secret() const {
  if (is_tls13(version_) || masters_.empty() || master_index_ >= masters_.size()) {
    return std::nullopt;
  }
  return masters_[master_index_];
}

std::optional<Buffer> Engine::export_keying_material(std::string_view label,
                                                     std::optional<Bytes> context,
                                                     std::size_t length) const {
  if (length == 0 || length > 16384) return std::nullopt;
  auto info = suite_info(suite_);
  if (!info) return std::nullopt;
  if (is_tls13(version_)) {
    if (!options_.keylog) return std::nullopt;
    const Buffer* secret =
        options_.keylog->secret(SecretLabel::kExporterSecret, summary_.client_random);
    if (!secret) return std::nullopt;
    // RFC 8446 7.5: HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter",
    //                                  Hash(context_value), key_length)
    Buffer empty_hash = crypto::digest(info->prf, {});
    Buffer derived = kdf::hkdf_expand_label(info->prf, *secret, label, empty_hash,
                                            crypto::digest_size(info->prf));
    Buffer ctx_hash = crypto::digest(info->prf, context ? *context : Bytes{});
    return kdf::hkdf_expand_label(info->prf, derived, "exporter", ctx_hash, length);
  }
  auto master = master_secret();
  if (!master) return std::nullopt;
  // RFC 5705 4: PRF(master, label, client_random + server_random [+ uint16 len + context]).
  Buffer seed = summary_.client_random;
  seed.insert(seed.end(), summary_.server_random.begin(), summary_.server_random.end());
  if (context) {
    if (context->size() > 0xffff) return std::nullopt;
    seed.push_back(static_cast<std::uint8_t>(context->size() >> 8));
    seed.push_back(static_cast<std::uint8_t>(context->size()));
    seed.insert(seed.end(), context->begin(), context->end());
  }
  if (version_ == kTls12 || version_ == kDtls12) {
    return kdf::prf12(info->prf, *master, label, seed, length);
  }
  return kdf::prf10(*master, label, seed, length);
}

}  // namespace seckit::tls::detail
