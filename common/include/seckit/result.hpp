// Result<T>: the error style of every parser in seckit. A parser never throws through a packet
// loop; it returns either a value or a ParseError that says what was wrong and where.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace seckit {

struct ParseError {
  std::string message;
  std::size_t offset = 0;  // byte offset into the input where the problem was found
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}           // NOLINT: implicit on purpose
  Result(ParseError error) : state_(std::move(error)) {}  // NOLINT: implicit on purpose

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const ParseError& error() const { return std::get<ParseError>(state_); }

 private:
  std::variant<T, ParseError> state_;
};

inline ParseError parse_error(std::string message, std::size_t offset = 0) {
  return ParseError{std::move(message), offset};
}

}  // namespace seckit
