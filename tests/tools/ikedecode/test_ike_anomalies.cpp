// AnomalyRepeats: one anomaly per (capture, code, message) with its count, held until nothing
// repeats it for the horizon, bounded in the kinds it holds.
#include <catch2/catch.hpp>

#include "ike_anomalies.hpp"

namespace {
struct Emitted {
  std::vector<seckit::Anomaly> list;
  ikedecode::AnomalyRepeats::Emit emit() {
    return [this](const seckit::Anomaly& a, const std::string&) { list.push_back(a); };
  }
};
}  // namespace

TEST_CASE("repeats of one anomaly are counted with their first and last frames", "[ike]") {
  Emitted out;
  ikedecode::AnomalyRepeats repeats(out.emit(), 165);
  repeats.add({4, "ike-payload-malformed", "SPI 01 message ID 0: short"}, "a.pcap", 1.0);
  repeats.add({9, "ike-payload-malformed", "SPI 01 message ID 0: short"}, "a.pcap", 2.0);
  repeats.add({10, "decrypt-failed", "SPI 01: bad"}, "a.pcap", 2.5);
  repeats.add({15, "ike-payload-malformed", "SPI 01 message ID 0: short"}, "a.pcap", 4.0);
  repeats.add({16, "ike-payload-malformed", "SPI 01 message ID 0: short"}, "b.pcap", 5.0);
  CHECK(out.list.empty());  // held: a repeat may still come
  repeats.flush();
  REQUIRE(out.list.size() == 3);  // in the order each kind was first seen
  CHECK(out.list[0].frame == 4);
  CHECK(out.list[0].count == 3);
  CHECK(out.list[0].last_frame == 15);
  CHECK(out.list[1].code == "decrypt-failed");
  CHECK(out.list[1].count == 1);
  CHECK(out.list[1].last_frame == 10);
  CHECK(out.list[2].frame == 16);  // another capture: its own anomaly
}

TEST_CASE("an anomaly not repeated within the horizon is emitted as the capture advances",
          "[ike]") {
  Emitted out;
  ikedecode::AnomalyRepeats repeats(out.emit(), 165);
  repeats.add({1, "tcp-gap", "x"}, "a.pcap", 0.0);
  repeats.add({2, "tcp-gap", "y"}, "a.pcap", 100.0);
  repeats.expire(165.0);
  CHECK(out.list.empty());
  repeats.expire(165.5);
  REQUIRE(out.list.size() == 1);
  CHECK(out.list[0].message == "x");
  repeats.add({3, "tcp-gap", "x"}, "a.pcap", 170.0);  // after it went out: a new anomaly
  repeats.flush();
  REQUIRE(out.list.size() == 3);
  CHECK(out.list[1].message == "y");
  CHECK(out.list[2].frame == 3);
  CHECK(out.list[2].count == 1);
}

TEST_CASE("beyond max_pending kinds the least recently seen is emitted early", "[ike]") {
  Emitted out;
  ikedecode::AnomalyRepeats repeats(out.emit(), 165, 2);
  repeats.add({1, "c", "a"}, "p", 0);
  repeats.add({2, "c", "b"}, "p", 1);
  repeats.add({3, "c", "a"}, "p", 2);  // "a" seen again: "b" is now the least recent
  repeats.add({4, "c", "d"}, "p", 3);
  REQUIRE(out.list.size() == 1);
  CHECK(out.list[0].message == "b");
  repeats.flush();
  REQUIRE(out.list.size() == 3);
  CHECK(out.list[1].message == "a");
  CHECK(out.list[1].count == 2);
}
