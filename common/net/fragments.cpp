#include <fmt/format.h>

#include <algorithm>

#include "seckit/net.hpp"

namespace seckit::net {
namespace {
constexpr std::uint32_t kMaxDatagram = 65535;
}

FragmentReassembler::FragmentReassembler(ReassemblyLimits limits, AnomalyHandler on_anomaly)
    : limits_(limits), on_anomaly_(std::move(on_anomaly)) {}

void FragmentReassembler::drop(std::map<Key, Pending>::iterator it, std::uint64_t frame,
                               const std::string& why) {
  if (on_anomaly_) {
    std::string frames;
    for (std::size_t i = 0; i < it->second.frames.size() && i < 8; ++i) {
      frames += (i ? "," : "") + std::to_string(it->second.frames[i]);
    }
    if (it->second.frames.size() > 8) frames += ",...";
    on_anomaly_(
        {frame, "fragments-incomplete",
         fmt::format("IPv{} datagram id {:#x} {} -> {} dropped ({}), fragments in frames {}",
                     it->first.version, it->first.id, it->first.src.to_string(),
                     it->first.dst.to_string(), why, frames)});
  }
  pending_.erase(it);
}

void FragmentReassembler::expire(double now, std::uint64_t frame) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    auto next = std::next(it);
    if (now - it->second.first_seen > limits_.timeout_seconds) drop(it, frame, "timed out");
    it = next;
  }
}

std::optional<ReassembledDatagram> FragmentReassembler::add(const FrameInfo& info,
                                                            const IpPacket& fragment) {
  // Expiry is checked lazily, only when the table is not empty, so unfragmented traffic pays
  // nothing.
  if (!pending_.empty()) expire(info.time(), info.frame);

  Key key{fragment.version, fragment.src, fragment.dst, fragment.protocol, fragment.fragment_id};
  std::uint64_t begin = fragment.fragment_offset;
  std::uint64_t end = begin + fragment.payload.size();
  if (end > kMaxDatagram) {
    if (on_anomaly_) {
      on_anomaly_({info.frame, "fragment-too-large",
                   fmt::format("fragment ends at byte {}, beyond the 65535-byte IP limit", end)});
    }
    auto it = pending_.find(key);
    if (it != pending_.end()) drop(it, info.frame, "fragment beyond 65535 bytes");
    return std::nullopt;
  }

  auto it = pending_.find(key);
  if (it == pending_.end()) {
    if (pending_.size() >= limits_.max_datagrams) {
      auto oldest = std::min_element(pending_.begin(), pending_.end(), [](auto& a, auto& b) {
        return a.second.order < b.second.order;
      });
      drop(oldest, info.frame, "too many datagrams in reassembly");
    }
    it = pending_.emplace(key, Pending{}).first;
    it->second.first_seen = info.time();
    it->second.order = ++counter_;
  }
  Pending& p = it->second;
  if (p.frames.size() >= limits_.max_fragments) {
    drop(it, info.frame, fmt::format("more than {} fragments", limits_.max_fragments));
    return std::nullopt;
  }
  p.frames.push_back(info.frame);

  if (!fragment.more_fragments) {
    if (p.total && *p.total != end) {
      if (on_anomaly_) {
        on_anomaly_(
            {info.frame, "fragment-conflict",
             fmt::format("two last fragments disagree on the length ({} vs {})", *p.total, end)});
      }
      drop(it, info.frame, "conflicting last fragments");
      return std::nullopt;
    }
    p.total = static_cast<std::uint32_t>(end);
  }
  if (fragment.fragment_offset == 0 && !p.have_first) {
    p.first = fragment;
    p.first.payload = {};
    p.have_first = true;
  }
  if (p.data.size() < end) p.data.resize(end);
  // Overlaps: the first copy of a byte wins (what most stacks do); differing data is reported,
  // since it is the classic evasion trick.
  bool conflict = false;
  for (std::uint64_t pos = begin; pos < end; ++pos) {
    bool have = std::any_of(p.ranges.begin(), p.ranges.end(),
                            [&](auto& r) { return pos >= r.first && pos < r.second; });
    std::uint8_t byte = fragment.payload[pos - begin];
    if (!have) {
      p.data[pos] = byte;
    } else if (p.data[pos] != byte) {
      conflict = true;
    }
  }
  if (conflict && on_anomaly_) {
    on_anomaly_({info.frame, "fragment-overlap",
                 "overlapping IP fragments carry different bytes (first copy kept)"});
  }
  p.ranges.emplace_back(static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end));
  std::sort(p.ranges.begin(), p.ranges.end());
  // Merge adjacent ranges so completeness is a single [0,total) check.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> merged;
  for (auto& r : p.ranges) {
    if (!merged.empty() && r.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  p.ranges = std::move(merged);
  if (!p.total || !p.have_first) return std::nullopt;
  if (p.data.size() > *p.total) {
    if (on_anomaly_) {
      on_anomaly_({info.frame, "fragment-conflict", "fragment data beyond the last fragment"});
    }
    drop(it, info.frame, "data beyond the last fragment");
    return std::nullopt;
  }
  if (p.ranges.size() != 1 || p.ranges[0].first != 0 || p.ranges[0].second != *p.total) {
    return std::nullopt;
  }
  ReassembledDatagram done;
  done.header = p.first;
  done.header.fragment = false;
  done.header.more_fragments = false;
  done.header.fragment_offset = 0;
  done.data = std::move(p.data);
  done.frames = std::move(p.frames);
  pending_.erase(it);
  done.header.payload = Bytes(done.data.data(), done.data.size());
  return done;
}

void FragmentReassembler::flush() {
  while (!pending_.empty()) {
    auto it = pending_.begin();
    std::uint64_t frame = it->second.frames.empty() ? 0 : it->second.frames.back();
    drop(it, frame, "end of capture");
  }
}

}  // namespace seckit::net
