// Internal: the record-level state machine shared by TlsConnection (records cut from a byte
// stream) and DtlsConnection (records cut from datagrams). It decrypts, reassembles handshake
// messages, follows the key schedule, emits events and keeps the Summary.
#pragma once

#include <array>
#include <map>
#include <optional>

#include "seckit/tls.hpp"

namespace seckit::tls::detail {

struct RecordIn {
  Direction dir = Direction::kClientToServer;
  std::uint8_t type = 0;
  std::uint16_t version = 0;
  std::uint16_t epoch = 0;  // DTLS
  std::uint64_t seq48 = 0;  // DTLS explicit sequence number
  Bytes fragment;
  std::uint64_t frame = 0;
  double time = 0;
};

class Engine {
 public:
  Engine(Options options, EventHandler handler, bool dtls);

  void record(const RecordIn& rec);
  // Bytes missing from a TLS stream: protected traffic of that direction can no longer be
  // decrypted (the implicit sequence number is lost) and partial handshake data is dropped.
  void gap(Direction dir, std::uint64_t bytes, std::uint64_t frame, double time);
  void note(Direction dir, std::uint64_t frame, double time, std::string code, std::string message);
  void malformed(Direction dir);
  void finish();

  Summary& summary() { return summary_; }
  const Summary& summary() const { return summary_; }
  const Options& options() const { return options_; }
  std::optional<Buffer> export_keying_material(std::string_view label, std::optional<Bytes> context,
                                               std::size_t length) const;
  std::optional<Buffer> master_secret() const;

 private:
  struct Partial {  // one DTLS handshake message being reassembled from fragments
    std::uint8_t type = 0;
    std::uint32_t length = 0;
    Buffer data;
    std::vector<bool> have;  // per byte; messages are capped so this stays small
    std::size_t received = 0;
    std::uint64_t frame = 0;
    double time = 0;
  };
  struct Dir {
    std::optional<RecordProtection> active;
    std::uint16_t active_epoch = 0;
    std::optional<RecordProtection> pending;  // TLS <= 1.2: switched in by ChangeCipherSpec
    bool protected_ = false;                  // records of this direction are encrypted from now on
    bool failed = false;                      // gave up decrypting (wrong key or lost sequence)
    bool gap_lost = false;           // TLS 1.2 GCM: take the next sequence number from its nonce
    std::uint64_t gap_search = 0;    // else: lost bytes; the next record's number is searched
    std::uint64_t nonce_offset = 0;  // TLS 1.2 GCM: explicit nonce minus sequence number
    std::uint64_t seq = 0;           // TLS implicit sequence number
    std::uint64_t decrypted = 0;
    Buffer plain;           // decryption output, reused record after record
    Buffer secret;          // TLS 1.3 current traffic secret
    bool app_keys = false;  // TLS 1.3: application traffic keys active
    // TLS handshake byte stream.
    Buffer hs;
    std::size_t hs_skip = 0;
    std::uint64_t hs_frame = 0;
    double hs_time = 0;
    bool hs_encrypted = false;
    // DTLS handshake reassembly and retransmission detection.
    std::map<std::uint16_t, Partial> partial;
    std::map<std::uint16_t, std::size_t> delivered;  // message_seq -> hash of the message
    bool finished_seen = false;
  };

  Event base(const RecordIn& rec) const;
  void emit(const Event& e) {
    if (handler_) handler_(e);
  }
  void content(const RecordIn& rec, std::uint8_t type, Bytes data, bool decrypted);
  void handshake_bytes(const RecordIn& rec, Bytes data, bool decrypted);
  void dtls_handshake(const RecordIn& rec, Bytes data, bool decrypted);
  void message(const RecordIn& rec, std::uint8_t type, std::uint16_t message_seq, Bytes body,
               bool decrypted, std::uint64_t frame, double time);
  void on_client_hello(const ClientHello& ch, bool decrypted);
  void on_server_hello(const RecordIn& rec, const ServerHello& sh);
  void on_finished(const RecordIn& rec, const Finished& f, bool decrypted);
  void change_cipher_spec(const RecordIn& rec);
  bool decrypt(const RecordIn& rec, Bytes& out, std::uint8_t& inner_type);
  // The pieces of decrypt(): keys for the record's epoch (else noted once why not), the sequence
  // numbers a gap may have skipped, the other candidate master secrets, and what a failure or a
  // first success means for the direction.
  bool have_keys(const RecordIn& rec, Dir& s);
  void note_no_keys(const RecordIn& rec);
  Result<Bytes> open_after_gap(const RecordIn& rec, Dir& s, Result<Bytes> result,
                               std::uint64_t& seq, std::uint8_t& inner_type);
  Result<Bytes> open_with_other_masters(const RecordIn& rec, Dir& s, Result<Bytes> result,
                                        std::uint64_t seq, std::uint8_t& inner_type);
  void decrypt_failed(const RecordIn& rec, Dir& s, bool after_gap);
  void on_decrypted(const RecordIn& rec, Dir& s, std::uint64_t seq, std::uint64_t lost,
                    std::uint64_t gap_bytes, bool after_gap);
  void setup_tls12_keys();
  void add_psk_master(const RecordIn& rec, const ServerHello& sh);
  void setup_tls13_handshake_keys(const RecordIn& rec);
  void tls13_switch(Direction dir, SecretLabel label);
  void set_opaque(std::string code, std::string message);
  Dir& dir(Direction d) { return dirs_[static_cast<int>(d)]; }
  DirectionCounts& counts(Direction d) {
    return d == Direction::kClientToServer ? summary_.c2s : summary_.s2c;
  }

  Options options_;
  EventHandler handler_;
  bool dtls_;
  Summary summary_;
  std::array<Dir, 2> dirs_;
  std::uint16_t version_ = 0;  // negotiated
  std::uint16_t suite_ = 0;
  std::uint16_t record_version_ = 0;  // first record version seen (DTLS mode detection)
  bool server_hello_seen_ = false;
  bool client_hello_seen_ = false;
  bool handshake_done_ = false;
  bool client_offered_ticket_ = false;
  Buffer client_session_id_;
  bool server_sent_certificate_ = false;
  bool server_hello_done_ = false;
  bool encrypt_then_mac_ = false;
  std::vector<Buffer> masters_;  // candidate master secrets, best first
  std::size_t master_index_ = 0;
  bool master_confirmed_ = false;
  bool mid_session_noted_ = false;
  bool no_key_noted_ = false;
  bool wrong_key_noted_ = false;
};

}  // namespace seckit::tls::detail
