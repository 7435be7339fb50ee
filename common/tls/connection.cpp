// Cutting records out of their carriers: a TCP byte stream per direction (TlsConnection, with
// resynchronisation after gaps and for captures that start mid-record) and UDP datagrams
// (DtlsConnection, several records per datagram). The Engine does the rest.
#include <fmt/format.h>

#include <algorithm>
#include <deque>

#include "engine.hpp"
#include "seckit/bytes.hpp"

namespace seckit::tls {
namespace {

constexpr std::size_t kTlsHeader = 5;
constexpr std::size_t kDtlsHeader = 13;
constexpr std::size_t kMaxSyncScan = std::size_t{64} * 1024;

bool plausible_tls_header(Bytes h, std::size_t max_record, bool allow_empty) {
  if (h.size() < kTlsHeader) return false;
  std::uint8_t type = h[0];
  std::size_t len = (static_cast<std::size_t>(h[3]) << 8) | h[4];
  return type >= kChangeCipherSpec && type <= kHeartbeat && h[1] == 3 && h[2] <= 4 &&
         len <= max_record && (allow_empty || len > 0);
}

}  // namespace

bool looks_like_tls(Bytes start) {
  if (!plausible_tls_header(start, 16384 + 2048, false)) return false;
  return start[0] == kHandshake || start[0] == kApplicationData || start[0] == kAlert ||
         start[0] == kChangeCipherSpec;
}

bool looks_like_dtls(Bytes d) {
  if (d.size() < kDtlsHeader) return false;
  std::uint16_t version = static_cast<std::uint16_t>((d[1] << 8) | d[2]);
  std::size_t len = (static_cast<std::size_t>(d[11]) << 8) | d[12];
  return d[0] >= kChangeCipherSpec && d[0] <= kHeartbeat && is_dtls_version(version) &&
         kDtlsHeader + len <= d.size();
}

// ---------------------------------------------------------------------------------------------

struct TlsConnection::Impl {
  struct Marker {
    std::size_t offset;
    std::uint64_t frame;
    double time;
  };
  struct Stream {
    Buffer buf;
    std::deque<Marker> markers;  // where each fed chunk starts in buf
    bool syncing = false;
    bool abandoned = false;
    bool any_record = false;
    std::size_t scanned = 0;
  };
  Impl(Options o, EventHandler h) : engine(std::move(o), std::move(h), false) {}
  detail::Engine engine;
  Stream streams[2];

  Marker where(Stream& s, std::size_t offset) {
    Marker m{offset, 0, 0};
    for (const auto& k : s.markers) {
      if (k.offset > offset) break;
      m = k;
    }
    return m;
  }

  void feed(Direction d, Bytes data, std::uint64_t frame, double time, std::uint64_t gap) {
    Stream& s = streams[static_cast<int>(d)];
    if (s.abandoned) return;
    if (gap > 0) {
      engine.gap(d, gap, frame, time);
      s.buf.clear();
      s.markers.clear();
      s.syncing = true;
      s.scanned = 0;
    }
    if (data.empty()) return;
    // Records are parsed straight from the chunk; only a record cut by the chunk's end is
    // copied into buf (and completed from the next chunk), so bulk data is not copied twice.
    std::size_t bias = 0;
    if (!s.buf.empty() && !s.syncing && s.buf.size() >= kTlsHeader &&
        plausible_tls_header(s.buf, engine.options().max_record, true)) {
      std::size_t want = kTlsHeader + ((static_cast<std::size_t>(s.buf[3]) << 8) | s.buf[4]);
      std::size_t take = std::min(want - s.buf.size(), data.size());
      s.markers.push_back({s.buf.size(), frame, time});
      s.buf.insert(s.buf.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
      data = data.subspan(take);
      if (s.buf.size() < want) return;  // still incomplete: nothing to parse yet
      bias = s.buf.size();
      process(d, s, s.buf, 0);  // exactly one record: buf and markers end up empty
      if (data.empty() || s.abandoned) return;
    }
    if (s.buf.empty()) {
      s.markers.clear();
      s.markers.push_back({0, frame, time});
      process(d, s, data, bias);
      return;
    }
    s.markers.push_back({s.buf.size(), frame, time});
    s.buf.insert(s.buf.end(), data.begin(), data.end());
    process(d, s, s.buf, 0);
  }

  static std::size_t record_length(Bytes h) { return (static_cast<std::size_t>(h[3]) << 8) | h[4]; }

  // Parses records from all, which is either s.buf or a chunk outside it (then the unparsed
  // tail is copied into s.buf). bias: bytes of the same chunk already parsed, so that resync
  // byte counts are what they would be had the whole chunk gone through buf.
  void process(Direction d, Stream& s, Bytes all, std::size_t bias) {
    const bool in_buf = all.data() == s.buf.data() && all.size() == s.buf.size();
    const std::size_t max_record = engine.options().max_record;
    std::size_t pos = 0;
    while (all.size() - pos >= kTlsHeader) {
      Bytes h = all.subspan(pos);
      if (s.syncing) {
        Hunt step = hunt(d, s, h, pos, bias);
        if (step == Hunt::kAbandoned) return;
        if (step == Hunt::kWait) break;
        if (step == Hunt::kNext) ++pos;
        continue;
      }
      if (!plausible_tls_header(h, max_record, true)) {
        bad_header(d, s, h, pos);
        ++pos;
        continue;
      }
      std::size_t len = record_length(h);
      if (h.size() < kTlsHeader + len) break;
      emit_record(d, s, h, pos, len);
      pos += kTlsHeader + len;
    }
    if (s.syncing) s.scanned += bias + pos;
    keep_tail(s, all, pos, in_buf);
  }

  // While hunting for a record header after garbage: kFound when a plausible record (followed by
  // another plausible header, or ending the data) starts at pos, kWait when the candidate record
  // is not complete yet, kNext to try the next byte, kAbandoned when the stream never was TLS.
  enum class Hunt { kFound, kWait, kNext, kAbandoned };
  Hunt hunt(Direction d, Stream& s, Bytes h, std::size_t pos, std::size_t bias) {
    const std::size_t max_record = engine.options().max_record;
    if (plausible_tls_header(h, max_record, false)) {
      std::size_t next = kTlsHeader + record_length(h);
      if (h.size() < next) return Hunt::kWait;
      if (h.size() == next || plausible_tls_header(h.subspan(next), max_record, true)) {
        s.syncing = false;
        if (bias + pos > 0 || s.scanned > 0) {
          Marker m = where(s, pos);
          engine.note(d, m.frame, m.time, "resync",
                      fmt::format("resynchronised on a record header after skipping {} bytes",
                                  s.scanned + bias + pos));
        }
        s.scanned = 0;
        return Hunt::kFound;
      }
    }
    if (s.scanned + bias + pos + 1 > kMaxSyncScan && !s.any_record) {
      Marker m = where(s, pos + 1);
      engine.note(d, m.frame, m.time, "not-tls",
                  fmt::format("no TLS record header in the first {} bytes of the {} stream",
                              kMaxSyncScan, direction_name(d)));
      s.abandoned = true;
      s.buf.clear();
      s.markers.clear();
      return Hunt::kAbandoned;
    }
    return Hunt::kNext;
  }

  // Bytes that cannot start a record where one should: noted, then hunted past.
  void bad_header(Direction d, Stream& s, Bytes h, std::size_t pos) {
    const std::size_t max_record = engine.options().max_record;
    Marker m = where(s, pos);
    engine.malformed(d);
    std::size_t len = record_length(h);
    bool oversized =
        h[0] >= kChangeCipherSpec && h[0] <= kHeartbeat && h[1] == 3 && len > max_record;
    engine.note(d, m.frame, m.time, oversized ? "oversized-record" : "malformed-record",
                oversized
                    ? fmt::format("record length {} exceeds {}; resynchronising", len, max_record)
                    : fmt::format("bytes {:02x} {:02x} {:02x} are not a TLS record "
                                  "header; resynchronising",
                                  h[0], h[1], h[2]));
    s.syncing = true;
    s.scanned = 0;
  }

  void emit_record(Direction d, Stream& s, Bytes h, std::size_t pos, std::size_t len) {
    Marker m = where(s, pos);
    detail::RecordIn rec;
    rec.dir = d;
    rec.type = h[0];
    rec.version = static_cast<std::uint16_t>((h[1] << 8) | h[2]);
    rec.fragment = h.subspan(kTlsHeader, len);
    rec.frame = m.frame;
    rec.time = m.time;
    s.any_record = true;
    engine.record(rec);
  }

  // Keeps only the unfinished tail of all (from pos); markers move with it.
  void keep_tail(Stream& s, Bytes all, std::size_t pos, bool in_buf) {
    const std::size_t max_record = engine.options().max_record;
    if (in_buf) {
      s.buf.erase(s.buf.begin(), s.buf.begin() + static_cast<std::ptrdiff_t>(pos));
    } else {
      s.buf.assign(all.begin() + static_cast<std::ptrdiff_t>(pos), all.end());
    }
    Marker head = where(s, pos);
    while (!s.markers.empty() && s.markers.front().offset <= pos) s.markers.pop_front();
    for (auto& k : s.markers) k.offset -= pos;
    if (!s.buf.empty() && (s.markers.empty() || s.markers.front().offset > 0)) {
      s.markers.push_front({0, head.frame, head.time});
    }
    // While hunting for a header the buffer must not grow without bound.
    if (s.syncing && s.buf.size() > 2 * (max_record + kTlsHeader)) {
      std::size_t drop = s.buf.size() - (max_record + kTlsHeader);
      s.scanned += drop;
      s.buf.erase(s.buf.begin(), s.buf.begin() + static_cast<std::ptrdiff_t>(drop));
      while (!s.markers.empty() && s.markers.front().offset <= drop) s.markers.pop_front();
      for (auto& k : s.markers) k.offset -= drop;
      s.markers.push_front({0, head.frame, head.time});
    }
  }

  void finish() {
    for (int i = 0; i < 2; ++i) {
      Stream& s = streams[i];
      if (!s.buf.empty() && !s.abandoned) {
        Marker m = where(s, 0);
        engine.note(static_cast<Direction>(i), m.frame, m.time, "truncated",
                    fmt::format("{} bytes of an incomplete record at the end of the {} stream",
                                s.buf.size(), direction_name(static_cast<Direction>(i))));
      }
      s.buf.clear();
      s.markers.clear();
    }
    engine.finish();
  }
};

TlsConnection::TlsConnection(Options options, EventHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}
TlsConnection::~TlsConnection() = default;
TlsConnection::TlsConnection(TlsConnection&&) noexcept = default;
TlsConnection& TlsConnection::operator=(TlsConnection&&) noexcept = default;

void TlsConnection::feed(Direction direction, Bytes data, std::uint64_t frame, double time,
                         std::uint64_t gap) {
  impl_->feed(direction, data, frame, time, gap);
}
void TlsConnection::finish() { impl_->finish(); }
const Summary& TlsConnection::summary() const { return impl_->engine.summary(); }
std::optional<Buffer> TlsConnection::export_keying_material(std::string_view label,
                                                            std::optional<Bytes> context,
                                                            std::size_t length) const {
  return impl_->engine.export_keying_material(label, context, length);
}
std::optional<Buffer> TlsConnection::master_secret() const { return impl_->engine.master_secret(); }

// ---------------------------------------------------------------------------------------------

struct DtlsConnection::Impl {
  Impl(Options o, EventHandler h) : engine(std::move(o), std::move(h), true) {}
  detail::Engine engine;
  bool not_dtls_noted[2] = {false, false};

  void feed(Direction d, Bytes datagram, std::uint64_t frame, double time) {
    bytes::Reader r(datagram);
    while (r.ok() && !r.empty()) {
      if (r.remaining() < kDtlsHeader) {
        engine.malformed(d);
        engine.note(d, frame, time, "malformed-record",
                    fmt::format("{} trailing bytes in the datagram", r.remaining()));
        return;
      }
      detail::RecordIn rec;
      rec.dir = d;
      rec.type = r.u8();
      rec.version = r.be16();
      rec.epoch = r.be16();
      rec.seq48 = (static_cast<std::uint64_t>(r.be16()) << 32) | r.be32();
      std::uint16_t len = r.be16();
      rec.fragment = r.bytes(len);
      rec.frame = frame;
      rec.time = time;
      bool valid = r.ok() && rec.type >= kChangeCipherSpec && rec.type <= kHeartbeat &&
                   (is_dtls_version(rec.version) || (rec.version >> 8) == 0xfe) &&
                   len <= engine.options().max_record;
      if (!valid) {
        engine.malformed(d);
        if (!not_dtls_noted[static_cast<int>(d)]) {
          not_dtls_noted[static_cast<int>(d)] = true;
          engine.note(d, frame, time, r.ok() ? "malformed-record" : "truncated",
                      r.ok() ? "datagram does not hold a DTLS record"
                             : "DTLS record longer than its datagram");
        }
        return;
      }
      engine.record(rec);
    }
  }
};

DtlsConnection::DtlsConnection(Options options, EventHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}
DtlsConnection::~DtlsConnection() = default;
DtlsConnection::DtlsConnection(DtlsConnection&&) noexcept = default;
DtlsConnection& DtlsConnection::operator=(DtlsConnection&&) noexcept = default;

void DtlsConnection::feed(Direction direction, Bytes datagram, std::uint64_t frame, double time) {
  impl_->feed(direction, datagram, frame, time);
}
void DtlsConnection::finish() { impl_->engine.finish(); }
const Summary& DtlsConnection::summary() const { return impl_->engine.summary(); }
std::optional<Buffer> DtlsConnection::export_keying_material(std::string_view label,
                                                             std::optional<Bytes> context,
                                                             std::size_t length) const {
  return impl_->engine.export_keying_material(label, context, length);
}
std::optional<Buffer> DtlsConnection::master_secret() const {
  return impl_->engine.master_secret();
}

}  // namespace seckit::tls
