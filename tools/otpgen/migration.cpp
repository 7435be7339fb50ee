#include "migration.hpp"

#include <fmt/format.h>

#include "seckit/bytes.hpp"
#include "seckit/enc.hpp"

namespace otpgen {
namespace {

using seckit::bytes::Reader;

enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

// Base-128 varint, at most 10 bytes; fails the reader on truncation or an over-long encoding.
bool read_varint(Reader& reader, std::uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    std::uint8_t byte = reader.u8();
    if (!reader.ok()) return false;
    if (shift == 63 && (byte & 0x7e) != 0) return false;  // more than 64 bits
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

bool skip_field(Reader& reader, std::uint32_t wire_type) {
  std::uint64_t value = 0;
  switch (wire_type) {
    case kVarint:
      return read_varint(reader, value);
    case kFixed64:
      return reader.skip(8);
    case kFixed32:
      return reader.skip(4);
    case kLengthDelimited:
      if (!read_varint(reader, value) || value > reader.remaining()) return false;
      return reader.skip(static_cast<std::size_t>(value));
    default:
      return false;  // groups (3, 4) are not used by this message
  }
}

// Reads the next tag; false at the end of the reader.
bool next_field(Reader& reader, std::uint32_t& number, std::uint32_t& wire_type,
                seckit::ParseError& error) {
  if (reader.empty()) return false;
  std::uint64_t tag = 0;
  std::size_t at = reader.absolute_offset();
  if (!read_varint(reader, tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) {
    error = seckit::parse_error("bad protobuf field tag", at);
    return false;
  }
  number = static_cast<std::uint32_t>(tag >> 3);
  wire_type = static_cast<std::uint32_t>(tag & 7);
  return true;
}

bool read_length_delimited(Reader& reader, Reader& inner) {
  std::uint64_t length = 0;
  if (!read_varint(reader, length) || length > reader.remaining()) return false;
  inner = reader.sub(static_cast<std::size_t>(length));
  return reader.ok();
}

seckit::Result<bool> decode_account(Reader reader, MigrationPayload& payload) {
  OtpAccount account;
  std::string name;
  std::uint64_t algorithm = 0, digits = 0, type = 0, counter = 0;
  std::uint32_t number = 0, wire = 0;
  seckit::ParseError error;
  error.message.clear();
  while (next_field(reader, number, wire, error)) {
    std::size_t at = reader.absolute_offset();
    bool ok = true;
    if ((number >= 1 && number <= 3) && wire == kLengthDelimited) {
      Reader value;
      ok = read_length_delimited(reader, value);
      if (ok) {
        auto bytes = value.rest();
        if (number == 1) account.secret.assign(bytes.begin(), bytes.end());
        if (number == 2) name.assign(bytes.begin(), bytes.end());
        if (number == 3) account.issuer.assign(bytes.begin(), bytes.end());
      }
    } else if (number >= 4 && number <= 7 && wire == kVarint) {
      std::uint64_t value = 0;
      ok = read_varint(reader, value);
      if (number == 4) algorithm = value;
      if (number == 5) digits = value;
      if (number == 6) type = value;
      if (number == 7) counter = value;
    } else {
      ok = skip_field(reader, wire);
    }
    if (!ok)
      return seckit::parse_error(fmt::format("OtpParameters field {} is truncated", number), at);
  }
  if (!error.message.empty()) return error;

  // Google Authenticator writes "issuer:account" names for accounts added from URIs.
  auto colon = name.find(':');
  if (colon != std::string::npos &&
      (account.issuer.empty() || name.substr(0, colon) == account.issuer)) {
    if (account.issuer.empty()) account.issuer = name.substr(0, colon);
    name = name.substr(colon + 1);
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
  }
  account.account = name;
  std::string label = account.issuer.empty() ? name : account.issuer + ":" + name;
  if (account.secret.empty()) {
    payload.skipped.push_back(fmt::format("{}: empty secret", label));
    return true;
  }
  switch (algorithm) {
    case 0:
    case 1:
      account.algorithm = Digest::kSha1;
      break;
    case 2:
      account.algorithm = Digest::kSha256;
      break;
    case 3:
      account.algorithm = Digest::kSha512;
      break;
    default:
      payload.skipped.push_back(
          fmt::format("{}: unsupported algorithm {} (MD5?)", label, algorithm));
      return true;
  }
  switch (digits) {
    case 0:
    case 1:
      account.digits = 6;
      break;
    case 2:
      account.digits = 8;
      break;
    default:
      payload.skipped.push_back(fmt::format("{}: unknown digit count {}", label, digits));
      return true;
  }
  account.type = type == 1 ? OtpType::kHotp : OtpType::kTotp;
  account.counter = counter;
  payload.accounts.push_back(std::move(account));
  return true;
}

void write_varint(std::vector<std::uint8_t>& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

void write_bytes(std::vector<std::uint8_t>& out, std::uint32_t number,
                 std::span<const std::uint8_t> bytes) {
  write_varint(out, (number << 3) | kLengthDelimited);
  write_varint(out, bytes.size());
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void write_number(std::vector<std::uint8_t>& out, std::uint32_t number, std::uint64_t value) {
  write_varint(out, (number << 3) | kVarint);
  write_varint(out, value);
}

}  // namespace

seckit::Result<MigrationPayload> decode_migration_payload(std::span<const std::uint8_t> data) {
  MigrationPayload payload;
  Reader reader(data);
  std::uint32_t number = 0, wire = 0;
  seckit::ParseError error;
  while (next_field(reader, number, wire, error)) {
    std::size_t at = reader.absolute_offset();
    if (number == 1 && wire == kLengthDelimited) {
      Reader inner;
      if (!read_length_delimited(reader, inner)) {
        return seckit::parse_error("otp_parameters entry is truncated", at);
      }
      auto decoded = decode_account(inner, payload);
      if (!decoded) return decoded.error();
    } else if (number >= 2 && number <= 5 && wire == kVarint) {
      std::uint64_t value = 0;
      if (!read_varint(reader, value)) return seckit::parse_error("truncated varint", at);
      auto signed_value = static_cast<std::int64_t>(static_cast<std::int32_t>(value));
      if (number == 2) payload.version = signed_value;
      if (number == 3) payload.batch_size = signed_value;
      if (number == 4) payload.batch_index = signed_value;
      if (number == 5) payload.batch_id = signed_value;
    } else if (!skip_field(reader, wire)) {
      return seckit::parse_error(
          fmt::format("field {} (wire type {}) is truncated or invalid", number, wire), at);
    }
  }
  if (!error.message.empty()) return error;
  return payload;
}

seckit::Result<MigrationPayload> parse_migration_uri(std::string_view uri) {
  constexpr std::string_view kPrefix = "otpauth-migration://offline?";
  if (uri.substr(0, kPrefix.size()) != kPrefix) {
    return seckit::parse_error("not an otpauth-migration://offline? URI");
  }
  std::string_view query = uri.substr(kPrefix.size());
  std::string_view data;
  bool found = false;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.substr(0, 5) == "data=") {
      data = pair.substr(5);
      found = true;
    }
  }
  if (!found) return seckit::parse_error("missing data= parameter");
  // The app percent-encodes the base64 ('+' '/' '='); a pasted URI may also carry a raw '+'.
  auto decoded_text = percent_decode(data);
  if (!decoded_text) return seckit::parse_error("data: " + decoded_text.error().message);
  auto bytes = seckit::enc::base64_decode(*decoded_text);
  if (!bytes) {
    bytes = seckit::enc::base64_decode(*decoded_text, seckit::enc::Base64Alphabet::kUrl);
  }
  if (!bytes) return seckit::parse_error("data is not base64: " + bytes.error().message);
  return decode_migration_payload(*bytes);
}

std::vector<std::uint8_t> encode_migration_payload(const MigrationPayload& payload) {
  std::vector<std::uint8_t> out;
  for (const auto& account : payload.accounts) {
    std::vector<std::uint8_t> inner;
    write_bytes(inner, 1, account.secret);
    std::string name = account.account;
    write_bytes(inner, 2, seckit::bytes::as_bytes(name));
    if (!account.issuer.empty()) write_bytes(inner, 3, seckit::bytes::as_bytes(account.issuer));
    write_number(inner, 4,
                 account.algorithm == Digest::kSha256   ? 2
                 : account.algorithm == Digest::kSha512 ? 3
                                                        : 1);
    write_number(inner, 5, account.digits == 8 ? 2 : 1);
    write_number(inner, 6, account.type == OtpType::kHotp ? 1 : 2);
    if (account.type == OtpType::kHotp) write_number(inner, 7, account.counter);
    write_bytes(out, 1, inner);
  }
  write_number(out, 2, static_cast<std::uint64_t>(payload.version));
  write_number(out, 3, static_cast<std::uint64_t>(payload.batch_size));
  write_number(out, 4, static_cast<std::uint64_t>(payload.batch_index));
  write_number(out, 5, static_cast<std::uint64_t>(payload.batch_id));
  return out;
}

std::string build_migration_uri(const MigrationPayload& payload) {
  auto bytes = encode_migration_payload(payload);
  return "otpauth-migration://offline?data=" + percent_encode(seckit::enc::base64_encode(bytes));
}

}  // namespace otpgen
