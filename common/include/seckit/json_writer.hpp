// A streaming JSON writer: appends compact RFC 8259 JSON to a std::string as it is called, so
// that a tool can write a record straight from its typed structs without building a tree first
// (building and freeing nlohmann trees per packet dominated the pcap tools' time).
//
// The text is what nlohmann's `dump(-1, ' ', false, error_handler_t::replace)` writes for the
// same values, so a record may move from a tree to the writer without changing a byte:
//  * no whitespace; keys in the order written;
//  * strings: `"` and `\` escaped, the control characters U+0000-U+001F as \b \f \n \r \t or
//    \u00xx (lowercase hex); everything else, UTF-8 included, passes through; a byte that does
//    not start a valid UTF-8 sequence becomes U+FFFD (the output is always valid UTF-8);
//  * numbers: integers in decimal; doubles as nlohmann writes them (text that reads back as the
//    same double, ".0" when integral, plain decimal for exponents -4..15 and d.ddde+NN beyond);
//    NaN and infinities (not JSON numbers) as null.
// The writer does not check that keys and values alternate; callers write well-formed records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace seckit::out {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // An object key; the next call writes its value.
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(bool flag);
  JsonWriter& value(double number);
  template <
      typename Integer,
      std::enable_if_t<std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>, int> = 0>
  JsonWriter& value(Integer number) {
    if constexpr (std::is_signed_v<Integer>) {
      return signed_value(static_cast<std::int64_t>(number));
    } else {
      return unsigned_value(static_cast<std::uint64_t>(number));
    }
  }
  JsonWriter& null();
  // Already serialised JSON (one complete value), copied as is.
  JsonWriter& raw(std::string_view json);
  // Bytes from the wire that may not be text: {"text": ...} when valid UTF-8, else
  // {"bytes": base64}, as seckit::out::wire_text builds them for trees.
  JsonWriter& wire_text(std::string_view data);
  JsonWriter& wire_text(std::span<const std::uint8_t> data) {
    return wire_text(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  }

  // key(name).value(v) in one call.
  template <typename T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  // For a member written only when it turns out non-empty: remember where the text stood, write
  // the member, and roll back to the mark if nothing went inside it.
  struct Mark {
    std::size_t size = 0;
    bool comma = false;
  };
  Mark mark() const { return {out_.size(), comma_}; }
  void rollback(const Mark& mark);
  // True when the last thing written is an empty object or array ("{}" or "[]").
  bool last_container_empty() const;

  std::string& text() { return out_; }

 private:
  void separate() {
    if (comma_) out_ += ',';
  }
  JsonWriter& signed_value(std::int64_t number);
  JsonWriter& unsigned_value(std::uint64_t number);
  std::string& out_;
  bool comma_ = false;  // a value was written at this level: the next one needs a comma
};

// Appends `text` as a JSON string (quotes included) with the escaping described above.
void append_json_string(std::string& out, std::string_view text);
// Appends a double as described above.
void append_json_double(std::string& out, double number);

}  // namespace seckit::out
