#include <algorithm>

#include "seckit/net.hpp"

namespace seckit::net {
namespace {
constexpr std::uint8_t kFin = 0x01;
constexpr std::uint8_t kSyn = 0x02;
constexpr std::uint8_t kRst = 0x04;
}  // namespace

TcpReassembler::TcpReassembler(StreamHandler on_data, StreamEventHandler on_event, TcpLimits limits)
    : on_data_(std::move(on_data)), on_event_(std::move(on_event)), limits_(limits) {}

// Sequence numbers wrap at 2^32; the stream offset does not. Of the offsets that share the low
// 32 bits, the one closest to where we expect data is the right one.
std::uint64_t TcpReassembler::offset_of(Direction& dir, std::uint32_t seq) const {
  std::uint32_t relative = seq - dir.isn;
  std::uint64_t base = dir.next & ~std::uint64_t{0xffffffff};
  std::uint64_t candidate = base | relative;
  constexpr std::uint64_t kWrap = std::uint64_t{1} << 32;
  if (candidate > dir.next + kWrap / 2 && candidate >= kWrap)
    candidate -= kWrap;
  else if (candidate + kWrap / 2 < dir.next)
    candidate += kWrap;
  return candidate;
}

void TcpReassembler::drain(const FlowKey& key, Direction& dir, bool force) {
  while (!dir.pending.empty()) {
    auto it = dir.pending.begin();
    std::uint64_t offset = it->first;
    std::vector<std::uint8_t>& data = it->second;
    std::uint64_t end = offset + data.size();
    if (end <= dir.next) {  // entirely old (retransmitted while buffered)
      dir.pending_bytes -= data.size();
      dir.pending.erase(it);
      continue;
    }
    if (offset > dir.next && !force) break;
    std::uint64_t gap = offset > dir.next ? offset - dir.next : 0;
    std::size_t skip = offset < dir.next ? static_cast<std::size_t>(dir.next - offset) : 0;
    StreamChunk chunk;
    chunk.flow = key;
    chunk.frame = dir.last_frame;
    chunk.time = dir.last_time;
    chunk.offset = offset + skip;
    chunk.gap = gap;
    chunk.data = Bytes(data.data() + skip, data.size() - skip);
    dir.next = end;
    if (on_data_) on_data_(chunk);
    dir.pending_bytes -= data.size();
    dir.pending.erase(it);
  }
}

void TcpReassembler::add(const Transport& segment) {
  if (segment.kind != TransportKind::kTcp) return;
  const TcpHeader& tcp = segment.tcp;
  FlowKey key{segment.ip.src, segment.ip.dst, tcp.src_port, tcp.dst_port};
  auto found = flows_.find(key);
  if (found == flows_.end()) {
    if (flows_.size() >= limits_.max_flows) {
      auto oldest = std::min_element(flows_.begin(), flows_.end(), [](auto& a, auto& b) {
        return a.second.order < b.second.order;
      });
      drain(oldest->first, oldest->second, true);
      if (on_event_) on_event_(oldest->first, StreamEvent::kEvicted, segment.info.frame);
      flows_.erase(oldest);
    }
    found = flows_.emplace(key, Direction{}).first;
  }
  Direction& dir = found->second;
  dir.order = ++counter_;
  dir.last_frame = segment.info.frame;
  dir.last_time = segment.info.time();

  if (tcp.flags & kSyn) {
    if (!dir.synced) {
      dir.synced = true;
      dir.isn = tcp.seq + 1;
      dir.next = 0;
      if (on_event_) on_event_(key, StreamEvent::kOpen, segment.info.frame);
    }
  } else if (!dir.synced && !segment.payload.empty()) {
    // Picked up mid-stream (capture started after the handshake): the first byte seen is 0.
    dir.synced = true;
    dir.isn = tcp.seq;
    dir.next = 0;
    if (on_event_) on_event_(key, StreamEvent::kOpen, segment.info.frame);
  }

  if (dir.synced && !segment.payload.empty()) {
    std::uint32_t data_seq = (tcp.flags & kSyn) ? tcp.seq + 1 : tcp.seq;
    std::uint64_t offset = offset_of(dir, data_seq);
    std::uint64_t end = offset + segment.payload.size();
    if (end > dir.next) {
      if (offset <= dir.next) {
        // In order (possibly overlapping what we already delivered): deliver the new part.
        std::size_t skip = static_cast<std::size_t>(dir.next - offset);
        StreamChunk chunk;
        chunk.flow = key;
        chunk.frame = segment.info.frame;
        chunk.time = segment.info.time();
        chunk.offset = dir.next;
        chunk.data = segment.payload.subspan(skip);
        dir.next = end;
        if (on_data_) on_data_(chunk);
        drain(key, dir, false);
      } else {
        // Out of order: hold it, bounded. The earliest hole is given up on when the buffer is
        // full, and reported as a gap.
        auto& slot = dir.pending[offset];
        if (slot.size() < segment.payload.size()) {
          dir.pending_bytes += segment.payload.size() - slot.size();
          slot.assign(segment.payload.begin(), segment.payload.end());
        }
        while (dir.pending_bytes > limits_.max_buffered_bytes && !dir.pending.empty()) {
          // Deliver the first buffered block across its gap, then whatever follows in order.
          auto first = dir.pending.begin();
          std::uint64_t gap_end = first->first;
          if (gap_end > dir.next) {
            std::uint64_t saved = dir.next;
            dir.next = gap_end;  // pretend the hole was filled...
            StreamChunk chunk;   // ...after saying how big it was
            chunk.flow = key;
            chunk.frame = segment.info.frame;
            chunk.time = segment.info.time();
            chunk.offset = gap_end;
            chunk.gap = gap_end - saved;
            Bytes data(first->second.data(), first->second.size());
            chunk.data = data;
            dir.next = gap_end + data.size();
            if (on_data_) on_data_(chunk);
            dir.pending_bytes -= first->second.size();
            dir.pending.erase(first);
          }
          drain(key, dir, false);
        }
      }
    }
  }

  if (tcp.flags & (kFin | kRst)) {
    drain(key, dir, true);
    if (on_event_) {
      on_event_(key, (tcp.flags & kRst) ? StreamEvent::kReset : StreamEvent::kFin,
                segment.info.frame);
    }
    flows_.erase(found);
  }
}

void TcpReassembler::flush() {
  for (auto& [key, dir] : flows_) {
    drain(key, dir, true);
    if (on_event_) on_event_(key, StreamEvent::kEnd, dir.last_frame);
  }
  flows_.clear();
}

}  // namespace seckit::net
