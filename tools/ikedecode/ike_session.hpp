// Sessions: IKE messages grouped into SAs (IKEv2 SPI pair, IKEv1 cookies), requests matched
// with responses, retransmissions detected with their intervals, and a verdict per SA with the
// Windows error a Windows peer would have logged.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ike_analysis.hpp"
#include "ike_message.hpp"
#include "ike_sa_details.hpp"
#include "seckit/net.hpp"
#include "seckit/out.hpp"

namespace ikedecode {

// Where an IKE message was found in the capture.
struct IkeContext {
  seckit::net::FrameInfo info;
  seckit::net::Address src, dst;
  std::uint16_t src_port = 0, dst_port = 0;
  bool non_esp_marker = false;  // UDP 4500 (NAT-T) framing
  bool tcp = false;             // RFC 8229
  std::vector<std::uint64_t> ip_fragment_frames;
};

// What the session tracker adds to an ike_message record.
struct MessageRelation {
  std::string direction;  // "initiator->responder" / "responder->initiator"
  bool retransmission = false;
  std::optional<double> retransmit_interval;
  std::optional<std::uint64_t> request_frame;  // for responses: the request it answers
  std::optional<double> response_time;
  std::optional<NatDetection> nat_detection;  // recomputed NAT-D results for this message
};

struct MessageSummary {
  std::uint64_t frame = 0;
  double time = 0;
  bool from_initiator = false;
  bool response = false;
  bool retransmission = false;
  std::uint8_t exchange = 0;
  std::uint32_t message_id = 0;
  std::size_t length = 0;
  std::string payloads;
  std::vector<std::uint16_t> notifies;  // outer and decrypted
  bool encrypted = false, decrypted = false;
  std::size_t encrypted_length = 0;
  bool ip_fragmented = false;
  bool natt = false;
  bool has_auth = false;  // an AUTH payload was visible (decrypted IKE_AUTH)
};

// Everything an ike_sa record says, decided when the SA is finished; rendered as JSON
// (write_sa_record) and as text (ike_output.cpp) at the edge. Valid during the SaHandler call
// only (the ladder points into the session). (clang-tidy 14 reports its implicit move
// constructor as throwing because of the Json member, whose move constructor is noexcept.)
struct SaReport {  // NOLINT(bugprone-exception-escape)
  std::uint8_t version = 0;
  std::string spi_i, spi_r, initiator, responder;  // hex; "address:port"
  std::string first_exchange, start;               // exchange name; RFC 3339
  double first_time = 0, duration = 0;
  std::size_t messages = 0, retransmissions = 0;
  std::string verdict, reason;  // established, failed, timed_out, incomplete
  std::optional<std::string> notify;
  Json windows_error = nullptr;  // common/winerr's object, null when none
  bool from_unanswered = false;  // the verdict rests on an unanswered request: its schedule
  std::vector<double> retransmission_schedule;
  double capture_after_last_request = 0;
  bool nat_t = false;
  std::size_t certificates = 0;
  const std::vector<MessageSummary>* ladder = nullptr;
  SecuritySummary security;
  std::vector<std::uint16_t> l2tp_client_ports;
  std::optional<std::string> child_sa_notify;  // IKE SA up, its first CHILD_SA refused with it
  SaDetails details;  // identities, authentication, selectors, accepted proposals
};

// The ike_sa record's data object.
void write_sa_record(seckit::out::JsonWriter& w, const SaReport& sa);
Json sa_record_json(const SaReport& sa);  // the same, as a tree (tests)

struct SessionLimits {
  std::size_t max_sessions = 10000;  // least recently active finished first beyond this
  std::size_t max_messages_per_session = 256;
};

// An SA's identity: IKEv2 SAs by the initiator's SPI (the responder's is zero in the first
// message), IKEv1 by the initiator cookie; the version keeps the two apart.
struct SaKey {
  std::uint8_t version = 0;
  std::array<std::uint8_t, 8> spi_i{};
  bool operator==(const SaKey&) const = default;
};
struct SaKeyHash {
  std::size_t operator()(const SaKey& key) const;
};

// Sessions live in a hash table and in a list ordered by last activity, so that adding a
// message, expiring idle SAs and evicting the least recently active one never scan all SAs:
// the work per packet is constant and memory is bounded by the SAs active within the horizon.
class SessionTracker {
 public:
  // on_sa receives the ike_sa record and its findings as each session is finished (idle past
  // the retransmission horizon, evicted, or at the end of the capture).
  using SaHandler =
      std::function<void(const SaReport& sa, const std::vector<seckit::out::Finding>&)>;
  SessionTracker(SaHandler on_sa, SessionLimits limits = {});
  ~SessionTracker();

  MessageRelation add(const IkeContext& ctx, const IkeMessage& message);
  // UDP 1701 (L2TP) seen between two addresses: tied to the IKEv1 SA of the same pair.
  void note_l2tp(const IkeContext& ctx);
  // The capture reached `now`: SAs idle for longer than the give-up horizon are judged, emitted
  // and freed (nothing more can happen to them that a verdict should wait for).
  void expire(double now);
  // Judges and emits every open session in the order they began; `capture_end` is the time of
  // the capture's last packet (how long the capture went on after an unanswered request decides
  // timed_out/incomplete).
  void finish_all(double capture_end);
  std::size_t sessions() const { return sessions_.size(); }

  struct Session;  // defined in ike_session.cpp

 private:
  using SessionMap = std::unordered_map<SaKey, std::unique_ptr<Session>, SaKeyHash>;
  enum class Why { kEnd, kIdle, kEvicted };
  SessionMap::iterator create(const SaKey& key, const IkeContext& ctx, const IkeMessage& m);
  void finish(SessionMap::iterator it, double now, Why why);
  SaHandler on_sa_;
  SessionLimits limits_;
  SessionMap sessions_;
  // Least recently active first, with the session's last activity time so that expire() reads
  // it without a lookup per packet.
  struct Activity {
    SaKey key;
    double last_time = 0;
  };
  std::list<Activity> by_activity_;
  // IKEv1 SAs by "initiator|responder" address bytes, for L2TP.
  std::unordered_map<std::string, std::vector<SaKey>> v1_by_addresses_;
  std::uint64_t counter_ = 0;
};

// Exposed for tests: NAT-D as RFC 7296 2.23 / RFC 3947 3.2 compute it.
std::vector<std::uint8_t> natd_hash(const std::string& digest, Bytes spi_i, Bytes spi_r,
                                    const seckit::net::Address& address, std::uint16_t port);

}  // namespace ikedecode
