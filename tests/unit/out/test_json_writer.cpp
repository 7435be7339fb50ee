// JsonWriter: expected texts from RFC 8259 (section 7 string escaping, section 6 numbers, the
// section 13 examples) and, for the layout of doubles and invalid UTF-8, from nlohmann's
// serializer, which the records written before the writer existed used (an independent peer).
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>

#include "seckit/json_writer.hpp"
#include "seckit/out.hpp"

using seckit::out::append_json_double;
using seckit::out::append_json_string;
using seckit::out::Json;
using seckit::out::JsonWriter;

namespace {
std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}
std::string number(double d) {
  std::string out;
  append_json_double(out, d);
  return out;
}
std::string nlohmann_text(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}
}  // namespace

TEST_CASE("strings escape the quotation mark, reverse solidus and control characters",
          "[out][json]") {
  // RFC 8259 section 7: these MUST be escaped; the two-character forms where they exist.
  CHECK(json_string("a\"b") == R"("a\"b")");
  CHECK(json_string("a\\b") == R"("a\\b")");
  CHECK(json_string("\b\f\n\r\t") == R"("\b\f\n\r\t")");
  CHECK(json_string(std::string_view("\0", 1)) == R"("\u0000")");
  CHECK(json_string("\x01\x1f") == R"("\u0001\u001f")");
  // Everything else may appear as is: solidus, DEL, printable ASCII.
  CHECK(json_string("/\x7f ~") == "\"/\x7f ~\"");
  CHECK(json_string("") == R"("")");
}

TEST_CASE("strings pass UTF-8 through and replace bytes that are not UTF-8 with U+FFFD",
          "[out][json]") {
  // RFC 8259 section 8.1: JSON text is UTF-8; RFC 3629 section 4 says which sequences are.
  CHECK(json_string("\xC3\xA9t\xC3\xA9") == "\"\xC3\xA9t\xC3\xA9\"");  // U+00E9
  CHECK(json_string("\xF0\x9D\x84\x9E") == "\"\xF0\x9D\x84\x9E\"");    // U+1D11E
  CHECK(json_string("a\xFF"
                    "b") ==
        "\"a\xEF\xBF\xBD"
        "b\"");                                                                      // never UTF-8
  CHECK(json_string("\xC0\xAF") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");                  // overlong
  CHECK(json_string("\xED\xA0\x80") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
  CHECK(json_string("\xE2\x82") == "\"\xEF\xBF\xBD\"");                              // cut short
  // The same bytes through nlohmann's replace handler, which the records used before.
  // "a\xFF" "b": two literals, or the hex escape would swallow the b.
  const std::string ff_then_b = std::string("a\xFF") + "b";
  for (std::string s : {ff_then_b.c_str(), "\xC0\xAF", "\xED\xA0\x80", "\xE2\x82", "\xE2\x82z",
                        "\x80\x80", "\xF4\x90\x80\x80", "ok\xC3\xA9"}) {
    CAPTURE(s);
    CHECK(json_string(s) == nlohmann_text(Json(s)));
  }
}

TEST_CASE("numbers are written as RFC 8259 section 6 numbers", "[out][json]") {
  std::string out;
  JsonWriter w(out);
  w.begin_array().value(0).value(-1).value(std::uint64_t{18446744073709551615u});
  w.value(std::int64_t{-9223372036854775807 - 1}).value(37.7668).value(-122.3959).end_array();
  CHECK(out == "[0,-1,18446744073709551615,-9223372036854775808,37.7668,-122.3959]");
}

TEST_CASE("doubles are laid out as nlohmann lays them out", "[out][json]") {
  CHECK(number(0.0) == "0.0");
  CHECK(number(-0.0) == "-0.0");
  CHECK(number(2.0) == "2.0");
  CHECK(number(0.5) == "0.5");
  CHECK(number(0.000123) == "0.000123");
  CHECK(number(1e14) == "100000000000000.0");
  CHECK(number(1e15) == "1e+15");
  CHECK(number(1e16) == "1e+16");
  CHECK(number(1.5e-7) == "1.5e-07");
  CHECK(number(std::nan("")) == "null");
  CHECK(number(std::numeric_limits<double>::infinity()) == "null");
  // The values ikedecode writes: seconds rounded to microseconds or milliseconds.
  std::mt19937_64 rng(16);
  std::uniform_int_distribution<std::int64_t> micros(0, 400'000'000);
  for (int i = 0; i < 20000; ++i) {
    double v = static_cast<double>(micros(rng)) / 1e6;
    double rounded = std::round(v * 1e3) / 1e3;
    REQUIRE(number(v) == nlohmann_text(Json(v)));
    REQUIRE(number(rounded) == nlohmann_text(Json(rounded)));
  }
}

TEST_CASE("objects and arrays get commas between members and none elsewhere", "[out][json]") {
  // RFC 8259 section 13's first example, without the insignificant whitespace.
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("Image").begin_object();
  w.field("Width", 800).field("Height", 600).field("Title", "View from 15th Floor");
  w.key("Thumbnail").begin_object();
  w.field("Url", "http://www.example.com/image/481989943").field("Height", 125);
  w.field("Width", 100).end_object();
  w.field("Animated", false).key("IDs").begin_array();
  for (int id : {116, 943, 234, 38793}) w.value(id);
  w.end_array().end_object().end_object();
  CHECK(out == R"({"Image":{"Width":800,"Height":600,"Title":"View from 15th Floor","Thumbnail":)"
               R"({"Url":"http://www.example.com/image/481989943","Height":125,"Width":100},)"
               R"("Animated":false,"IDs":[116,943,234,38793]}})");
  CHECK(Json::parse(out)["Image"]["IDs"][3] == 38793);
}

TEST_CASE("empty containers, null and raw values nest without stray commas", "[out][json]") {
  std::string out;
  JsonWriter w(out);
  w.begin_array().begin_object().end_object().begin_array().end_array().null();
  w.raw(R"({"a":1})").value(true).end_array();
  CHECK(out == R"([{},[],null,{"a":1},true])");
}

TEST_CASE("a member rolled back to its mark leaves no trace", "[out][json]") {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("a", 1);
  auto mark = w.mark();
  w.key("empty").begin_object().end_object();
  REQUIRE(w.last_container_empty());
  w.rollback(mark);
  w.field("b", 2).end_object();
  CHECK(out == R"({"a":1,"b":2})");
}

TEST_CASE("wire text is a text member when it is UTF-8, else base64 bytes", "[out][json]") {
  // RFC 3629: "é" (C3 A9) is valid UTF-8; a lone 0xFF and a truncated sequence are not. The
  // base64 texts are RFC 4648 section 4's encoding of the same bytes ("/wA=" for FF 00).
  std::string out;
  JsonWriter w(out);
  w.begin_array().wire_text(std::string_view("GET /\xC3\xA9"));
  w.wire_text(std::string_view("\xff\x00", 2)).wire_text(std::string_view("\xC3", 1));
  const std::array<std::uint8_t, 3> bytes = {'a', 'b', 'c'};
  w.wire_text(std::span<const std::uint8_t>(bytes)).end_array();
  CHECK(out ==
        "[{\"text\":\"GET /\xC3\xA9\"},{\"bytes\":\"/wA=\"},{\"bytes\":\"ww==\"},"
        "{\"text\":\"abc\"}]");
}
