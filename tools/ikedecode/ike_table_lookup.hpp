// Lookup helpers shared by the table files (internal to ikedecode).
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <string>
#include <utility>

namespace ikedecode::tables {

template <class K, std::size_t N>
const char* find(const std::array<std::pair<K, const char*>, N>& table, K key) {
  for (const auto& [k, v] : table) {
    if (k == key) return v;
  }
  return nullptr;
}

inline std::string or_unknown(const char* name, unsigned value) {
  return name != nullptr ? std::string(name) : fmt::format("UNKNOWN_{}", value);
}

using U8 = std::uint8_t;
using U16 = std::uint16_t;

}  // namespace ikedecode::tables
