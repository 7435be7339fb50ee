// Something odd in a capture, reported as data (Zeek's "weird") rather than an abort: one type
// for common/net, common/tls and the tools that read captures. `code` is stable kebab-case;
// `count` says how often the same code and message were seen (a malformed payload repeated in
// every retransmission is one anomaly), `frame` is the first and `last_frame` the last of them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace seckit {

struct Anomaly {
  std::uint64_t frame = 0;
  std::string code;
  std::string message;
  std::uint64_t count = 1;
  std::uint64_t last_frame = 0;  // == frame while count is 1
};
using AnomalyHandler = std::function<void(const Anomaly&)>;

}  // namespace seckit
