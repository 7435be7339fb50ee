#include "ike_anomalies.hpp"

#include <algorithm>
#include <vector>

namespace ikedecode {

AnomalyRepeats::AnomalyRepeats(Emit emit, double horizon, std::size_t max_pending)
    : emit_(std::move(emit)),
      horizon_(horizon),
      max_pending_(std::max<std::size_t>(1, max_pending)) {}

std::uint64_t repeat_fingerprint(seckit::bytes::Bytes data) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::uint8_t b : data) {
    h ^= b;
    h *= 1099511628211ull;
  }
  return h;
}

void AnomalyRepeats::add(const seckit::Anomaly& anomaly, const std::string& pcap, double time,
                         std::uint64_t repeat_key) {
  Key key{pcap, anomaly.code, anomaly.message, repeat_key};
  auto found = index_.find(key);
  if (found != index_.end()) {
    Pending& p = *found->second;
    p.anomaly.count += anomaly.count;
    p.anomaly.last_frame = std::max(p.anomaly.last_frame, anomaly.frame);
    p.last_time = time;
    by_activity_.splice(by_activity_.end(), by_activity_, found->second);
    return;
  }
  if (index_.size() >= max_pending_) emit_front();
  Pending p{anomaly, pcap, time, ++counter_, repeat_key};
  if (p.anomaly.last_frame < p.anomaly.frame) p.anomaly.last_frame = p.anomaly.frame;
  index_.emplace(std::move(key), by_activity_.insert(by_activity_.end(), std::move(p)));
}

void AnomalyRepeats::emit_front() {
  Pending p = std::move(by_activity_.front());
  by_activity_.pop_front();
  index_.erase(Key{p.pcap, p.anomaly.code, p.anomaly.message, p.repeat_key});
  if (emit_) emit_(p.anomaly, p.pcap);
}

void AnomalyRepeats::expire(double now) {
  while (!by_activity_.empty() && now - by_activity_.front().last_time > horizon_) emit_front();
}

void AnomalyRepeats::flush() {
  std::vector<Pending> held(std::make_move_iterator(by_activity_.begin()),
                            std::make_move_iterator(by_activity_.end()));
  by_activity_.clear();
  index_.clear();
  std::sort(held.begin(), held.end(),
            [](const Pending& a, const Pending& b) { return a.order < b.order; });
  for (const Pending& p : held) {
    if (emit_) emit_(p.anomaly, p.pcap);
  }
}

}  // namespace ikedecode
