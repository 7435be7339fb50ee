// common/http: expected values come from RFC 9112's message grammar and from the example
// messages it and RFC 9110 give (chunked example in RFC 9112 7.1, CONNECT in RFC 9110 9.3.6).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "seckit/http.hpp"

using seckit::http::Connection;
using seckit::http::Direction;
using seckit::http::Handlers;
using seckit::http::Limits;
using seckit::http::Message;

namespace {

struct Recorder {
  std::vector<Message> messages;
  std::vector<std::string> errors;
  std::string tunnel_client, tunnel_server;
  Handlers handlers() {
    Handlers h;
    h.on_message = [this](const Message& m) { messages.push_back(m); };
    h.on_error = [this](Direction, const seckit::ParseError& e) { errors.push_back(e.message); };
    h.on_tunnel = [this](Direction d, seckit::bytes::Bytes b, std::uint64_t, std::uint64_t,
                         double) {
      (d == Direction::kClientToServer ? tunnel_client : tunnel_server)
          .append(reinterpret_cast<const char*>(b.data()), b.size());
    };
    return h;
  }
};

void feed_all(Connection& c, Direction d, const std::string& s, std::size_t step) {
  for (std::size_t i = 0; i < s.size(); i += step) {
    c.feed(d, seckit::bytes::as_bytes(std::string_view(s).substr(i, step)));
  }
}

}  // namespace

TEST_CASE("http request with Content-Length is parsed in one-byte pieces", "[http]") {
  Recorder r;
  Connection c(r.handlers());
  std::string req =
      "POST /auth HTTP/1.1\r\nHost: vpn.example.com\r\nContent-Type: text/xml\r\n"
      "Content-Length: 5\r\n\r\nhello";
  feed_all(c, Direction::kClientToServer, req, 1);
  REQUIRE(r.messages.size() == 1);
  const Message& m = r.messages[0];
  CHECK(m.is_request);
  CHECK(m.method == "POST");
  CHECK(m.target == "/auth");
  CHECK(m.version == "HTTP/1.1");
  CHECK(m.headers.size() == 3);
  REQUIRE(m.header("content-type") != nullptr);
  CHECK(m.header("CONTENT-TYPE")->value == "text/xml");
  CHECK(m.body == "hello");
  CHECK(m.body_length == 5);
  CHECK(m.complete);
  CHECK(r.errors.empty());
}

TEST_CASE("http chunked response from RFC 9112 decodes with trailers", "[http]") {
  Recorder r;
  Connection c(r.handlers());
  feed_all(c, Direction::kClientToServer, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n", 7);
  std::string resp =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n";
  feed_all(c, Direction::kServerToClient, resp, 3);
  REQUIRE(r.messages.size() == 2);
  const Message& m = r.messages[1];
  CHECK_FALSE(m.is_request);
  CHECK(m.status == 200);
  CHECK(m.reason == "OK");
  CHECK(m.chunked);
  CHECK(m.body == "Wikipedia in\r\n\r\nchunks.");
  REQUIRE(m.trailers.size() == 1);
  CHECK(m.trailers[0].name == "Expires");
  CHECK(m.request_method == "GET");
  CHECK(m.sequence == 0);
}

TEST_CASE("http response without length runs until the connection closes", "[http]") {
  Recorder r;
  Connection c(r.handlers());
  feed_all(c, Direction::kClientToServer, "GET / HTTP/1.0\r\n\r\n", 100);
  feed_all(c, Direction::kServerToClient, "HTTP/1.0 200 OK\r\n\r\nabc", 100);
  feed_all(c, Direction::kServerToClient, "def", 100);
  CHECK(r.messages.size() == 1);
  c.close(Direction::kServerToClient);
  REQUIRE(r.messages.size() == 2);
  CHECK(r.messages[1].body == "abcdef");
}

TEST_CASE("http HEAD and 304 answers carry no body even with Content-Length", "[http]") {
  Recorder r;
  Connection c(r.handlers());
  feed_all(c, Direction::kClientToServer, "HEAD / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n", 100);
  feed_all(c, Direction::kServerToClient,
           "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"
           "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n",
           100);
  REQUIRE(r.messages.size() == 4);
  CHECK(r.messages[2].status == 200);
  CHECK(r.messages[2].body_length == 0);
  CHECK(r.messages[3].status == 304);
  CHECK(r.messages[3].request_method == "GET");
}

TEST_CASE("http CONNECT answered 200 switches both directions to tunnel mode", "[http]") {
  Recorder r;
  Connection c(r.handlers());
  std::string req =
      "CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\nHost: vpn.example.com\r\n"
      "X-CSTP-Version: 1\r\nX-CSTP-Address-Type: IPv6,IPv4\r\n\r\n";
  feed_all(c, Direction::kClientToServer, req, 10);
  std::string resp = std::string(
                         "HTTP/1.1 200 CONNECTED\r\nX-CSTP-Version: 1\r\n"
                         "X-CSTP-Split-Include: 10.0.0.0/255.0.0.0\r\n"
                         "X-CSTP-Split-Include: 10.1.0.0/255.255.0.0\r\n\r\n") +
                     std::string("STF\x01\x00\x00\x07\x00", 8);
  feed_all(c, Direction::kServerToClient, resp, 1000);
  feed_all(c, Direction::kClientToServer, std::string("STF\x01\x00\x00\x03\x00", 8), 1000);
  REQUIRE(r.messages.size() == 2);
  CHECK(r.messages[1].starts_tunnel());
  CHECK(r.messages[1].reason == "CONNECTED");
  CHECK(r.messages[1].header_values("x-cstp-split-include").size() == 2);
  CHECK(c.in_tunnel());
  CHECK(r.tunnel_server == std::string("STF\x01\x00\x00\x07\x00", 8));
  CHECK(r.tunnel_client == std::string("STF\x01\x00\x00\x03\x00", 8));
}

TEST_CASE("http CONNECT refused leaves the connection in HTTP mode", "[http]") {
  Recorder r;
  Connection c(r.handlers());
  feed_all(c, Direction::kClientToServer, "CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n\r\n", 100);
  feed_all(c, Direction::kServerToClient, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n",
           100);
  feed_all(c, Direction::kClientToServer, "GET /again HTTP/1.1\r\n\r\n", 100);
  REQUIRE(r.messages.size() == 3);
  CHECK_FALSE(c.in_tunnel());
  CHECK(r.messages[1].status == 401);
  CHECK(r.messages[2].target == "/again");
}

TEST_CASE("http obsolete line folding joins the value", "[http]") {
  Recorder r;
  Connection c(r.handlers());
  feed_all(c, Direction::kClientToServer, "GET / HTTP/1.1\r\nX-A: one\r\n  two\r\n\r\n", 100);
  REQUIRE(r.messages.size() == 1);
  CHECK(r.messages[0].header("x-a")->value == "one two");
}

TEST_CASE("http absurd sizes stop the direction with one error", "[http]") {
  Limits limits;
  limits.max_line = 64;
  limits.max_headers = 3;
  limits.max_body_kept = 4;
  SECTION("a line longer than the limit") {
    Recorder r;
    Connection c(r.handlers(), limits);
    feed_all(c, Direction::kClientToServer, "GET /" + std::string(500, 'a'), 7);
    CHECK(r.errors.size() == 1);
    CHECK(c.failed(Direction::kClientToServer));
  }
  SECTION("too many header fields") {
    Recorder r;
    Connection c(r.handlers(), limits);
    feed_all(c, Direction::kClientToServer,
             "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", 5);
    CHECK(r.errors.size() == 1);
    CHECK(r.messages.empty());
  }
  SECTION("a body bigger than what is kept") {
    Recorder r;
    Connection c(r.handlers(), limits);
    feed_all(c, Direction::kClientToServer,
             "PUT / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789", 3);
    REQUIRE(r.messages.size() == 1);
    CHECK(r.messages[0].body == "0123");
    CHECK(r.messages[0].body_length == 10);
    CHECK(r.messages[0].body_truncated);
  }
  SECTION("a Content-Length of 19 digits") {
    Recorder r;
    Connection c(r.handlers(), limits);
    feed_all(c, Direction::kClientToServer,
             "PUT / HTTP/1.1\r\nContent-Length: 9999999999999999999\r\n\r\n", 100);
    CHECK(r.errors.size() == 1);
  }
}

TEST_CASE("http malformed starts are errors, not crashes", "[http]") {
  for (const char* bad : {"\x16\x03\x01\x05hello\r\n", "GET\r\n", "HTTP/2 200\r\n",
                          "GET / HTTP/1.1\r\n: novalue\r\n\r\n",
                          "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"}) {
    Recorder r;
    Connection c(r.handlers());
    feed_all(c, Direction::kClientToServer, bad, 100);
    CHECK(r.errors.size() == 1);
  }
}

TEST_CASE("http gap in the stream stops HTTP parsing", "[http]") {
  Recorder r;
  Connection c(r.handlers());
  c.feed(Direction::kClientToServer, seckit::bytes::as_bytes("GET / HT"));
  c.feed(Direction::kClientToServer, seckit::bytes::as_bytes("TP/1.1\r\n\r\n"), 0, 0, 10);
  CHECK(r.errors.size() == 1);
  CHECK(r.messages.empty());
}

TEST_CASE("http message cut by the end of the stream is reported incomplete", "[http]") {
  Recorder r;
  Connection c(r.handlers());
  feed_all(c, Direction::kClientToServer, "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", 100);
  c.close(Direction::kClientToServer);
  REQUIRE(r.messages.size() == 1);
  CHECK_FALSE(r.messages[0].complete);
  CHECK(r.messages[0].body == "abc");
}

// RFC 9110 section 5.1: field names are case-insensitive; schemes (section 11.1) too.
TEST_CASE("header names and prefixes compare without case", "[http]") {
  using seckit::http::name_equals;
  using seckit::http::name_starts_with;
  CHECK(name_equals("X-CSTP-MTU", "x-cstp-mtu"));
  CHECK_FALSE(name_equals("X-CSTP-MTU", "X-CSTP-MT"));
  CHECK(name_starts_with("x-cstp-mtu", "X-CSTP-"));
  CHECK(name_starts_with("ntlm TlRMTVNTUAAB", "NTLM"));
  CHECK(name_starts_with("anything", ""));
  CHECK_FALSE(name_starts_with("X-CST", "X-CSTP-"));
  CHECK_FALSE(name_starts_with("Y-CSTP-MTU", "X-CSTP-"));
}
