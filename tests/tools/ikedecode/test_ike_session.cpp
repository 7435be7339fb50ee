// Verdicts from sequences of messages laid out as RFC 7296 describes the exchanges.
#include <catch2/catch.hpp>

#include "ike_builder.hpp"
#include "ike_session.hpp"

using namespace ike_test;
using ikedecode::Json;

namespace {

struct Run {
  std::vector<Json> sas;
  std::vector<std::vector<seckit::out::Finding>> findings;
  ikedecode::SessionTracker tracker{[this](const ikedecode::SaReport& sa, const auto& f) {
    sas.push_back(ikedecode::sa_record_json(sa));
    findings.push_back(f);
  }};
  std::vector<V> keep;

  ikedecode::MessageRelation send(const V& wire, bool from_initiator, double time,
                                  std::uint64_t frame) {
    keep.push_back(wire);
    auto m = ikedecode::parse_ike_message({keep.back().data(), keep.back().size()});
    REQUIRE(m.ok());
    ikedecode::IkeContext ctx;
    ctx.info.frame = frame;
    ctx.info.ts_sec = static_cast<std::int64_t>(time);
    ctx.info.ts_usec =
        static_cast<std::int32_t>((time - static_cast<double>(ctx.info.ts_sec)) * 1e6);
    auto i = *seckit::net::parse_address("192.0.2.1");
    auto r = *seckit::net::parse_address("192.0.2.2");
    ctx.src = from_initiator ? i : r;
    ctx.dst = from_initiator ? r : i;
    ctx.src_port = ctx.dst_port = 500;
    return tracker.add(ctx, *m);
  }
};

V init_request() { return message(2, 34, 0x08, 0, {{40, V(16, 1)}}); }
V spi_r() { return {9, 9, 9, 9, 9, 9, 9, 9}; }

}  // namespace

TEST_CASE(
    "a request never answered while the capture goes on past the give-up horizon timed out "
    "(13805)",
    "[ike][session]") {
  Run run;
  double t = 100;
  for (double gap : {0.0, 1.0, 1.4, 1.96}) {
    t += gap;
    run.send(init_request(), true, t, 1);
  }
  // strongSwan's defaults give up 165 s after the first send (RFC 7296 2.1 leaves it open).
  run.tracker.finish_all(t + 170);
  REQUIRE(run.sas.size() == 1);
  const Json& sa = run.sas[0];
  CHECK(sa["verdict"] == "timed_out");
  CHECK(sa["windows_error"]["win32"] == 13805);
  CHECK(sa["windows_error"]["name"] == "ERROR_IPSEC_IKE_TIMED_OUT");
  CHECK(sa["retransmissions"] == 3);
  CHECK(sa["retransmission_schedule"] == Json::array({1.0, 1.4, 1.96}));
  CHECK(sa["capture_after_last_request"].get<double>() == Approx(170.0));
  CHECK_THAT(sa["reason"].get<std::string>(), Catch::Contains("the initiator gave up"));
  REQUIRE_FALSE(run.findings[0].empty());
  CHECK(run.findings[0][0].code == "ike-sa-timed-out");
}

TEST_CASE("a request never answered at the end of the capture is incomplete, not a timeout",
          "[ike][session]") {
  Run run;
  run.send(init_request(), true, 100, 1);
  run.tracker.finish_all(100);
  REQUIRE(run.sas.size() == 1);
  const Json& sa = run.sas[0];
  CHECK(sa["verdict"] == "incomplete");
  CHECK_FALSE(sa.contains("windows_error"));
  CHECK_THAT(
      sa["reason"].get<std::string>(),
      Catch::Contains("sent once, never answered: the capture ends 0.0 s after the request"));
  CHECK(run.findings[0].empty());
}

TEST_CASE("retransmissions that stop within the horizon are not yet a timeout", "[ike][session]") {
  Run run;
  run.send(init_request(), true, 100, 1);
  run.send(init_request(), true, 104, 2);
  run.send(init_request(), true, 111.2, 3);
  run.tracker.finish_all(111.2 + 60);
  CHECK(run.sas[0]["verdict"] == "incomplete");
  CHECK_THAT(run.sas[0]["reason"].get<std::string>(),
             Catch::Contains("sent 3 times over 11.2 s, never answered: the capture ends 60.0 s"));
}

TEST_CASE("NO_PROPOSAL_CHOSEN in the IKE_SA_INIT response fails the SA (13802)", "[ike][session]") {
  Run run;
  run.send(init_request(), true, 1, 1);
  auto rel = run.send(message(2, 34, 0x20, 0, {{41, notify_v2(14)}}), false, 1.01, 2);
  CHECK(rel.request_frame == 1u);
  run.tracker.finish_all(10);
  CHECK(run.sas[0]["verdict"] == "failed");
  CHECK(run.sas[0]["notify"] == "NO_PROPOSAL_CHOSEN");
  CHECK(run.sas[0]["windows_error"]["win32"] == 13802);
}

TEST_CASE("INVALID_KE_PAYLOAD followed by a retry is not the end of the SA", "[ike][session]") {
  Run run;
  run.send(init_request(), true, 1, 1);
  run.send(message(2, 34, 0x20, 0, {{41, notify_v2(17, {0, 31})}}), false, 1.01, 2);
  run.send(message(2, 34, 0x08, 0, {{40, V(16, 2)}}), true, 1.02, 3);
  run.send(message(2, 34, 0x20, 0, {{40, V(16, 3)}}, {1, 2, 3, 4, 5, 6, 7, 8}, spi_r()), false,
           1.03, 4);
  run.tracker.finish_all(10);
  CHECK(run.sas[0]["verdict"] == "incomplete");
}

TEST_CASE("an IKE_AUTH response followed by INFORMATIONAL exchanges is established",
          "[ike][session]") {
  Run run;
  V id = {1, 2, 3, 4, 5, 6, 7, 8};
  run.send(init_request(), true, 1, 1);
  run.send(message(2, 34, 0x20, 0, {{40, V(16, 3)}}, id, spi_r()), false, 1.1, 2);
  run.send(message(2, 35, 0x08, 1, {{46, V(200, 0)}}, id, spi_r()), true, 1.2, 3);
  run.send(message(2, 35, 0x20, 1, {{46, V(180, 0)}}, id, spi_r()), false, 1.3, 4);
  run.send(message(2, 37, 0x08, 2, {{46, V(40, 0)}}, id, spi_r()), true, 2.3, 5);
  auto rel = run.send(message(2, 37, 0x20, 2, {{46, V(40, 0)}}, id, spi_r()), false, 2.4, 6);
  CHECK(rel.request_frame == 5u);
  run.tracker.finish_all(10);
  CHECK(run.sas[0]["verdict"] == "established");
  CHECK(run.sas[0]["spi_r"] == "0909090909090909");
  CHECK(run.findings[0].empty());
}

TEST_CASE("a short IKE_AUTH answer and nothing after is a likely authentication failure",
          "[ike][session]") {
  Run run;
  V id = {1, 2, 3, 4, 5, 6, 7, 8};
  run.send(init_request(), true, 1, 1);
  run.send(message(2, 34, 0x20, 0, {{40, V(16, 3)}}, id, spi_r()), false, 1.1, 2);
  run.send(message(2, 35, 0x08, 1, {{46, V(272, 0)}}, id, spi_r()), true, 1.2, 3);
  run.send(message(2, 35, 0x20, 1, {{46, V(64, 0)}}, id, spi_r()), false, 1.3, 4);
  run.tracker.finish_all(10);
  CHECK(run.sas[0]["verdict"] == "failed");
  CHECK(run.sas[0]["windows_error"]["win32"] == 13801);
}

TEST_CASE("an unanswered, retransmitted IKE_AUTH that was IP-fragmented says so",
          "[ike][session]") {
  Run run;
  V id = {1, 2, 3, 4, 5, 6, 7, 8};
  run.send(init_request(), true, 1, 1);
  run.send(message(2, 34, 0x20, 0, {{40, V(16, 3)}}, id, spi_r()), false, 1.1, 2);
  V auth = message(2, 35, 0x08, 1, {{46, V(2000, 0)}}, id, spi_r());
  run.send(auth, true, 1.2, 3);
  auto rel = run.send(auth, true, 3.2, 4);
  CHECK(rel.retransmission);
  CHECK(*rel.retransmit_interval == Approx(2.0));
  run.tracker.finish_all(3.2 + 200);
  CHECK(run.sas[0]["verdict"] == "timed_out");
  CHECK(run.sas[0]["windows_error"]["win32"] == 13805);
}

TEST_CASE("sessions beyond the limit are finished oldest first", "[ike][session]") {
  std::size_t finished = 0;
  ikedecode::SessionTracker tracker([&](const ikedecode::SaReport&, const auto&) { ++finished; },
                                    ikedecode::SessionLimits{4, 8});
  std::vector<V> keep;
  for (std::uint8_t i = 1; i <= 20; ++i) {
    keep.push_back(message(2, 34, 0x08, 0, {{40, V(16, 1)}}, {i, 1, 1, 1, 1, 1, 1, 1}));
    auto m = ikedecode::parse_ike_message({keep.back().data(), keep.back().size()});
    ikedecode::IkeContext ctx;
    tracker.add(ctx, *m);
    CHECK(tracker.sessions() <= 4);
  }
  CHECK(finished == 16);
  tracker.finish_all(0);
  CHECK(finished == 20);
}

TEST_CASE("an SA idle past the give-up horizon is judged and freed as the capture advances",
          "[ike][session]") {
  std::vector<Json> sas;
  ikedecode::SessionTracker tracker([&](const ikedecode::SaReport& sa, const auto&) {
    sas.push_back(ikedecode::sa_record_json(sa));
  });
  std::vector<V> keep;
  // One IKE_SA_INIT per SA, one SA per second for 1000 s: never more than the horizon's worth
  // of SAs is held, and each is a timeout, since the capture went on without another send.
  for (std::uint32_t i = 0; i < 1000; ++i) {
    keep.push_back(message(
        2, 34, 0x08, 0, {{40, V(16, 1)}},
        {1, 2, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i), 5, 6, 7, 8}));
    auto m = ikedecode::parse_ike_message({keep.back().data(), keep.back().size()});
    ikedecode::IkeContext ctx;
    ctx.info.ts_sec = 1000 + i;
    tracker.expire(ctx.info.time());
    tracker.add(ctx, *m);
    CHECK(tracker.sessions() <= 167);
  }
  REQUIRE(sas.size() == 1000 - 165);
  CHECK(sas.front()["verdict"] == "timed_out");
  tracker.finish_all(1999);
  CHECK(sas.size() == 1000);
  CHECK(sas.back()["verdict"] == "incomplete");
}
