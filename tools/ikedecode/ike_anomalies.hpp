// Anomalies reported once per kind: the same code and message from the same capture (a malformed
// payload that every retransmission repeats, a decrypt failure on each resend) become one
// anomaly with its count and first/last frames. Each is held until nothing has repeated it for
// the give-up horizon of capture time (retransmissions stop within it) or the capture ends, so
// the record carries the final count; memory is bounded by max_pending distinct kinds (the least
// recently seen is emitted early beyond it).
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <string>
#include <tuple>

#include "seckit/anomaly.hpp"
#include "seckit/bytes.hpp"

namespace ikedecode {

// FNV-1a of a message's bytes: equal for a retransmission, different for another message.
std::uint64_t repeat_fingerprint(seckit::bytes::Bytes data);

class AnomalyRepeats {
 public:
  using Emit = std::function<void(const seckit::Anomaly& anomaly, const std::string& pcap)>;
  AnomalyRepeats(Emit emit, double horizon, std::size_t max_pending = 1024);

  // One occurrence at capture time `time`. `repeat_key` tells apart occurrences with the same
  // text that are not repeats (two different messages with the same message ID): a message's
  // anomalies pass repeat_fingerprint(message bytes), so only identical resends are merged.
  void add(const seckit::Anomaly& anomaly, const std::string& pcap, double time,
           std::uint64_t repeat_key = 0);
  // Emits the kinds not seen again for longer than the horizon, least recently seen first.
  void expire(double now);
  // Emits everything still held, in the order each kind was first seen.
  void flush();

 private:
  struct Pending {
    seckit::Anomaly anomaly;
    std::string pcap;
    double last_time = 0;
    std::uint64_t order = 0;
    std::uint64_t repeat_key = 0;
  };
  using Key = std::tuple<std::string, std::string, std::string, std::uint64_t>;
  void emit_front();
  Emit emit_;
  double horizon_;
  std::size_t max_pending_;
  std::list<Pending> by_activity_;  // least recently seen first
  std::map<Key, std::list<Pending>::iterator> index_;
  std::uint64_t counter_ = 0;
};

}  // namespace ikedecode
